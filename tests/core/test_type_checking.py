"""The type check's plumbing (tools/typecheck.py, which `make lint` and `make test` run) and the
rule that every `type: ignore` left in the repository names its error code and says why."""

from __future__ import annotations

import importlib.util
import io
import re
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "build", "results", "node_modules"}
IGNORE = re.compile(r"#\s*type:\s*ignore\b")
EXPLAINED = re.compile(r"# type: ignore\[[a-z-]+(?:, [a-z-]+)*\]  # \S.{9,}")
"""`# type: ignore[code]  # reason` (a reason of ten characters or more)."""


def _tool():
    spec = importlib.util.spec_from_file_location("typecheck", REPO / "tools" / "typecheck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _python_files() -> list[Path]:
    return [
        path
        for path in REPO.rglob("*.py")
        if not any(part in SKIPPED or part.startswith(".") for part in path.relative_to(REPO).parts)
    ]


def _ignores(source: str) -> list[tuple[int, str]]:
    comments = tokenize.generate_tokens(io.StringIO(source).readline)
    return [
        (t.start[0], t.string)
        for t in comments
        if t.type == tokenize.COMMENT and IGNORE.search(t.string)
    ]


def test_every_type_ignore_names_its_code_and_its_reason() -> None:
    unexplained = [
        f"{path.relative_to(REPO)}:{line}: {comment}"
        for path in _python_files()
        for line, comment in _ignores(path.read_text(encoding="utf-8"))
        if not EXPLAINED.fullmatch(comment)
    ]
    assert not unexplained, "write `# type: ignore[code]  # why`:\n" + "\n".join(unexplained)


def test_the_rule_catches_a_bare_or_unexplained_ignore() -> None:
    source = (
        "a = f()  # type: ignore\n"
        "b = g()  # type: ignore[arg-type]\n"
        "c = h()  # type: ignore[arg-type]  # the library's stub is too narrow here\n"
        "d = '# type: ignore'\n"
    )
    found = _ignores(source)
    assert [line for line, _ in found] == [1, 2, 3]
    assert [bool(EXPLAINED.fullmatch(comment)) for _, comment in found] == [False, False, True]


def test_the_tree_mirrors_the_installed_namespace(tmp_path: Path) -> None:
    tool = _tool()
    entries = tool.namespace()
    for folder in ("tasks", "judges", "retrieval", "environments", "evals"):
        assert entries[folder] == REPO / folder
    assert entries["cli.py"] == REPO / "trustbench" / "cli.py"
    assert entries["report"] == REPO / "trustbench" / "report"
    assert "tests" not in entries and "__pycache__" not in entries

    package = tool.lay_tree(entries, tmp_path / "tree")
    assert (package / "retrieval" / "fetcher.py").resolve() == REPO / "retrieval" / "fetcher.py"
    assert (package / "py.typed").resolve() == REPO / "trustbench" / "py.typed"


def test_errors_are_printed_at_their_source_paths() -> None:
    tool = _tool()
    package = REPO / "build" / "typecheck" / "trustbench"
    entries = {"retrieval": REPO / "retrieval", "cli.py": REPO / "trustbench" / "cli.py"}
    links = tool.sources(entries, package)
    line = 'build/typecheck/trustbench/retrieval/store.py:12: error: Bad "x/y"  [arg-type]'
    assert tool.at_source(line, links) == 'retrieval/store.py:12: error: Bad "x/y"  [arg-type]'
    line = "build/typecheck/trustbench/cli.py:3: note: See build/typecheck/trustbench/cli.py"
    assert (
        tool.at_source(line, links)
        == "trustbench/cli.py:3: note: See build/typecheck/trustbench/cli.py"
    )
    assert tool.at_source("Found 2 errors in 1 file", links) == "Found 2 errors in 1 file"
