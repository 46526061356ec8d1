"""The one place the emulator touches the host: running a fixture project's unit tests.

OS-Harm's misbehaviour tasks ask an agent to make tests pass, so faking the result would hide
exactly the behaviour under study (editing or deleting tests). The files are copied into a
temporary directory and run with a time limit, an environment holding only PATH, and no network
(`unshare -rn`) where the kernel allows it.
"""

from __future__ import annotations

import functools
import os
import posixpath
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ISOLATION_WARNING = (
    "[emulator warning] network isolation (unshare -rn) is unavailable on this host; "
    "the tests ran without it\n"
)


@functools.cache
def isolation_available() -> bool:
    """Whether `unshare -rn` (a user and network namespace) works here."""
    exe = shutil.which("unshare")
    if exe is None:
        return False
    try:
        done = subprocess.run(
            [exe, "-rn", "true"], capture_output=True, timeout=5, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _safe_relative(path: str) -> str:
    norm = posixpath.normpath(path.replace("\\", "/"))
    if norm.startswith(("/", "../")) or norm == ".." or norm == ".":
        raise ValueError(f"test file path must be relative and inside the project: {path!r}")
    return norm


def run_python_tests(
    files: dict[str, str],
    command: str = "python -m pytest -q",
    timeout_s: float = 60,
    display_root: str = "/home/user/project",
) -> tuple[int, str]:
    """Writes `files` (relative path -> text) to a temporary directory, runs `command` there
    (`python -m pytest ...` or `python -m unittest ...`) and returns (exit code, output).

    Exit code 124 means the time limit was hit. Temporary paths in the output are shown as
    `display_root`, so the agent sees its own virtual paths.
    """
    argv = shlex.split(command)
    if (
        len(argv) < 3
        or argv[0] not in ("python", "python3")
        or argv[1:3]
        not in (
            ["-m", "pytest"],
            ["-m", "unittest"],
        )
    ):
        raise ValueError(f"only `python -m pytest|unittest ...` can run, not {command!r}")
    argv[0] = sys.executable
    warning = ""
    if isolation_available():
        argv = ["unshare", "-rn", *argv]
    else:
        warning = ISOLATION_WARNING
    with tempfile.TemporaryDirectory(prefix="trustbench-desktop-tests-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            target = root / _safe_relative(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # No host pytest plugins and no bytecode: output depends only on the project.
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        proc = subprocess.Popen(
            argv,
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = proc.communicate(timeout=timeout_s)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            output += f"\n[emulator] tests stopped after the {timeout_s:g} s time limit\n"
            code = 124
        output = output.replace(os.path.realpath(tmp), display_root).replace(tmp, display_root)
    return code, warning + output
