"""Helpers for tests that start subprocesses."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SUPPORT = Path(__file__).parent


def guarded_env(*paths: Path, **extra: str) -> dict[str, str]:
    """Environment for a subprocess: the network guard loaded at start, plus extra import paths."""
    env = dict(os.environ)
    python_path = [str(SUPPORT / "netguard_site"), *map(str, paths)]
    if env.get("PYTHONPATH"):
        python_path.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(python_path)
    env.update(extra)
    return env


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)
