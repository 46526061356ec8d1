"""`trustbench new-task NAME`: a new built-in task from the template, as one folder under
`tasks/` (its tests under `tests/`) plus the one line of `pyproject.toml` that declares it."""

from __future__ import annotations

import keyword
import re
import string
from dataclasses import dataclass
from pathlib import Path

from trustbench.errors import TrustbenchError
from trustbench.plugins import ENTRY_POINT_GROUP

TEMPLATE = Path(__file__).parent / "task_template"
NAME = re.compile(r"[a-z][a-z0-9_]*")
TABLE = f'[project.entry-points."{ENTRY_POINT_GROUP}"]'
ENTRY = re.compile(r'^(\w+)\s*=\s*".*"\s*$')


@dataclass(frozen=True)
class NewTask:
    folder: Path
    files: list[Path]
    """Every file written, the task's and its tests'."""
    entry_point: str
    """The line added to `pyproject.toml`."""


def check_name(name: str, root: Path, taken: set[str]) -> None:
    """A task name is a lowercase Python identifier that no task, folder or test uses yet."""
    if not NAME.fullmatch(name) or keyword.iskeyword(name):
        raise TrustbenchError(
            f"'{name}' cannot name a task: use lowercase letters, digits and underscores, "
            "starting with a letter (it is a Python package and the task's function)."
        )
    if name in taken:
        raise TrustbenchError(f"A task named '{name}' exists already: choose another name.")
    for folder in (root / "tasks" / name, root / "tests" / name):
        if folder.exists():
            raise TrustbenchError(f"{folder} exists already: choose another name, or remove it.")


def checkout_root(root: Path) -> Path:
    """The root of a trustbench checkout: where its `pyproject.toml` and `tasks/` are."""
    pyproject = root / "pyproject.toml"
    if not (root / "tasks").is_dir() or TABLE not in _read(pyproject):
        raise TrustbenchError(
            f"{root.resolve()} is not the root of a trustbench checkout (with tasks/ and a "
            f"pyproject.toml declaring {TABLE}): run trustbench new-task there, or pass --root."
        )
    return root


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def declare(pyproject: str, line: str) -> str:
    """`pyproject` with `line` added to the plugin entry points, in name order."""
    lines = pyproject.splitlines(keepends=True)
    start = next(i for i, text in enumerate(lines) if text.strip() == TABLE)
    end = start + 1
    while end < len(lines) and (ENTRY.match(lines[end]) or lines[end].lstrip().startswith("#")):
        end += 1
    names = [ENTRY.match(lines[i]) for i in range(start + 1, end)]
    key = line.split("=", 1)[0].strip()
    at = next(
        (start + 1 + i for i, m in enumerate(names) if m is not None and m.group(1) > key), end
    )
    return "".join([*lines[:at], line + "\n", *lines[at:]])


def create_task(root: Path, name: str, taken: set[str]) -> NewTask:
    """Write the template's task as `tasks/<name>/`, its test as `tests/<name>/`, and declare it
    in `pyproject.toml`."""
    root = checkout_root(root)
    check_name(name, root, taken)
    values = {
        "name": name,
        "title": name.replace("_", " ").capitalize(),
        "policy": f"{name.replace('_', '-')}-reference",
    }
    targets = {
        source: root / "tasks" / name / source.relative_to(TEMPLATE / "task").with_suffix("")
        for source in sorted((TEMPLATE / "task").rglob("*.tmpl"))
    }
    targets[TEMPLATE / "test_task.py.tmpl"] = root / "tests" / name / f"test_{name}.py"
    for source, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        text = string.Template(source.read_text(encoding="utf-8")).substitute(values)
        target.write_text(text, encoding="utf-8")
    line = f'{name} = "trustbench.tasks.{name}:plugin"'
    pyproject = root / "pyproject.toml"
    pyproject.write_text(declare(_read(pyproject), line), encoding="utf-8")
    return NewTask(root / "tasks" / name, list(targets.values()), line)
