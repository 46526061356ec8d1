"""The import directions of ARCHITECTURE.md, checked on the source: a folder imports only the
folders below it, the report imports no task, environment or retrieval code, and tasks reach up
into the core only through its declaration API and, in their report views, the view API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FOLDERS = {
    "trustbench": "trustbench",
    "tasks": "trustbench.tasks",
    "judges": "trustbench.judges",
    "retrieval": "trustbench.retrieval",
    "environments": "trustbench.environments",
}
ALLOWED = {
    "trustbench": {"tasks", "judges", "retrieval", "environments"},
    "tasks": {"judges", "retrieval", "environments"},
    "judges": {"retrieval"},
    "retrieval": set(),
    "environments": set(),
}
REPORT_ALLOWED = {"trustbench", "judges"}
"""The report builder may use the core (errors, naming) and the judges' scoring definitions (a
pass mark, how strategies combine), so the report and the live metric compute one thing; never
a task or an environment."""
DECLARATIONS = {"trustbench.errors", "trustbench.plugins", "trustbench.report_spec"}
"""The core's declaration API, which tasks and plugins build on (error types, the plugin
declaration, what a task tells the report); these modules import nothing else of ours."""
VIEW_API = "trustbench.report.views"
"""The report's view API (the data a view gets, the sections it returns): task packages import
it in their report views alone, which the report loads by name when it reports their logs."""
VIEW_MODULE = "report_view.py"


def folder_of(module: str) -> str | None:
    """The code folder a `trustbench.*` module lives in (the longest matching prefix)."""
    for folder, prefix in sorted(FOLDERS.items(), key=lambda item: -len(item[1])):
        if module == prefix or module.startswith(prefix + "."):
            return folder
    return None


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations(folder: str, allowed: set[str], files: list[Path], root: Path = REPO) -> list[str]:
    bad = []
    for path in files:
        for line, module in imports_of(path):
            target = folder_of(module)
            if folder == "tasks" and (
                module in DECLARATIONS or (module == VIEW_API and path.name == VIEW_MODULE)
            ):
                continue
            if target is not None and target != folder and target not in allowed:
                bad.append(f"{path.relative_to(root)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_each_folder_imports_only_the_folders_below_it(folder: str) -> None:
    files = sorted((REPO / folder).rglob("*.py"))
    assert files, f"{folder}/ has no Python files"
    assert violations(folder, ALLOWED[folder], files) == []


def test_the_declaration_api_stands_alone() -> None:
    for module in sorted(DECLARATIONS):
        path = REPO / (module.replace(".", "/") + ".py")
        ours = [m for _, m in imports_of(path) if folder_of(m) is not None]
        assert set(ours) <= DECLARATIONS, f"{module} imports {ours}"


def test_the_report_reads_logs_only() -> None:
    files = sorted((REPO / "trustbench" / "report").rglob("*.py"))
    assert files
    assert violations("trustbench", REPORT_ALLOWED - {"trustbench"}, files) == []
    assert not any(
        folder_of(module) in ("tasks", "environments", "retrieval")
        for path in files
        for _, module in imports_of(path)
    )


def test_task_code_outside_its_report_view_never_loads_the_report() -> None:
    """A task's own modules stay light: only its report view imports the view API, so that
    listing or running tasks never loads the report (pandas, matplotlib)."""
    for path in sorted((REPO / "tasks").rglob("*.py")):
        modules = [m for _, m in imports_of(path)]
        if any(m == VIEW_API or m.startswith(VIEW_API + ".") for m in modules):
            assert path.name == VIEW_MODULE, f"{path.relative_to(REPO)} imports the view API"


def test_the_view_api_reaches_only_into_the_report() -> None:
    path = REPO / (VIEW_API.replace(".", "/") + ".py")
    ours = [m for _, m in imports_of(path) if folder_of(m) is not None]
    assert ours and all(m.startswith("trustbench.report.") for m in ours), ours


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from trustbench.tasks.halluhard import task\nimport trustbench.judges\n")
    assert violations("retrieval", set(), [module], root=tmp_path) == [
        "bad.py:1 imports trustbench.tasks.halluhard",
        "bad.py:2 imports trustbench.judges",
    ]
    view_api = "from trustbench.report.views import Section\n"
    (tmp_path / "scorer.py").write_text(view_api)
    (tmp_path / VIEW_MODULE).write_text(view_api)
    files = [tmp_path / "scorer.py", tmp_path / VIEW_MODULE]
    assert violations("tasks", ALLOWED["tasks"], files, root=tmp_path) == [
        "scorer.py:1 imports trustbench.report.views"
    ]
