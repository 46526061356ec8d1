"""Type-check the whole `trustbench` namespace with mypy (`make typecheck`, part of lint and test).

setup.py maps the top-level folders (`tasks/`, `judges/`, `retrieval/`, ...) into `trustbench.*`,
and the editable install does that with an import hook, which a static checker cannot follow. So
this lays the namespace out as a tree of links under build/typecheck/ (each name linked to the
folder the installed package resolves it to), runs mypy on it with the settings in pyproject.toml,
and prints every error at its source path. The cache (build/mypy_cache) makes a rerun check only
what changed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "typecheck"


def _namespace() -> dict[str, Path]:
    """Each entry of the `trustbench` package (by name) and the real file or folder behind it."""
    spec = importlib.util.find_spec("trustbench")
    if spec is None or spec.origin is None:
        sys.exit("trustbench is not installed in this Python: run `make .venv/.dev-installed`.")
    core = Path(spec.origin).parent
    if not core.is_relative_to(ROOT):
        sys.exit(
            f"trustbench is installed from {core}, not this checkout: run `make .venv/.dev-installed`."
        )
    entries = {p.name: p for p in core.iterdir() if p.name != "__pycache__"}
    for folder in sorted(ROOT.iterdir()):
        if folder == core or not (folder / "__init__.py").is_file():
            continue
        mapped = importlib.util.find_spec(f"trustbench.{folder.name}")
        if mapped is not None and mapped.origin == str(folder / "__init__.py"):
            entries[folder.name] = folder
    return entries


def _lay_tree(entries: dict[str, Path]) -> Path:
    package = TREE / "trustbench"
    shutil.rmtree(TREE, ignore_errors=True)
    package.mkdir(parents=True)
    for name, target in entries.items():
        (package / name).symlink_to(target)
    return package


def _sources(entries: dict[str, Path], package: Path) -> dict[str, str]:
    """How mypy names each link (as a path relative to the root) -> the source path it stands for."""
    sources = {}
    for name, target in entries.items():
        end = "/" if target.is_dir() else ":"
        sources[f"{(package / name).relative_to(ROOT)}{end}"] = f"{target.relative_to(ROOT)}{end}"
    return sources


def main() -> int:
    os.chdir(ROOT)
    entries = _namespace()
    sources = _sources(entries, _lay_tree(entries))
    stdout, stderr, status = api.run([])
    for line in stdout.splitlines():
        link = next((link for link in sources if line.startswith(link)), None)
        print(line if link is None else sources[link] + line[len(link) :])
    sys.stderr.write(stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
