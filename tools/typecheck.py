"""Type-check the whole `trustbench` namespace with mypy (`make typecheck`, part of lint and test).

setup.py maps the top-level folders (`tasks/`, `judges/`, `retrieval/`, ...) into `trustbench.*`,
and the editable install does that with an import hook, which a static checker cannot follow. So
this lays the namespace out as a tree of links under build/typecheck/ (each name linked to the
file or folder the installed package resolves it to), runs mypy on it with the settings in
pyproject.toml, and prints every error at its source path. The cache (build/mypy_cache) makes a
rerun check only what changed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "typecheck"
"""What pyproject.toml's `mypy_path` names."""


def namespace(root: Path = ROOT) -> dict[str, Path]:
    """Each entry of the installed `trustbench` package (by name) and the file or folder behind
    it: the core's own files and folders, and each top-level folder mapped into it."""
    spec = importlib.util.find_spec("trustbench")
    if spec is None or spec.origin is None:
        sys.exit("trustbench is not installed in this Python: run `make .venv/.dev-installed`.")
    core = Path(spec.origin).parent
    if not core.is_relative_to(root):
        sys.exit(
            f"trustbench is installed from {core}, not {root}: run `make .venv/.dev-installed`."
        )
    entries = {p.name: p for p in core.iterdir() if p.name != "__pycache__"}
    for folder in sorted(root.iterdir()):
        if folder == core or not (folder / "__init__.py").is_file():
            continue
        mapped = importlib.util.find_spec(f"trustbench.{folder.name}")
        if mapped is not None and mapped.origin == str(folder / "__init__.py"):
            entries[folder.name] = folder
    return entries


def lay_tree(entries: dict[str, Path], tree: Path = TREE) -> Path:
    """`tree`/trustbench/<name> -> each entry, afresh (so new files and folders are seen)."""
    package = tree / "trustbench"
    shutil.rmtree(tree, ignore_errors=True)
    package.mkdir(parents=True)
    for name, target in entries.items():
        (package / name).symlink_to(target)
    return package


def sources(entries: dict[str, Path], package: Path, root: Path = ROOT) -> dict[str, str]:
    """How mypy names a path through each link -> the source path it stands for (relative)."""
    found = {}
    for name, target in entries.items():
        end = "/" if target.is_dir() else ":"
        found[f"{(package / name).relative_to(root)}{end}"] = f"{target.relative_to(root)}{end}"
    return found


def at_source(line: str, links: dict[str, str]) -> str:
    """One line of mypy's output with a path through the tree rewritten to the source path."""
    link = next((link for link in links if line.startswith(link)), None)
    return line if link is None else links[link] + line[len(link) :]


def main() -> int:
    from mypy import api

    os.chdir(ROOT)
    entries = namespace()
    links = sources(entries, lay_tree(entries))
    stdout, stderr, status = api.run([])
    for line in stdout.splitlines():
        print(at_source(line, links))
    sys.stderr.write(stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
