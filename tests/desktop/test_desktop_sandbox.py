"""Real execution in the sandbox: programs run over a copy of the emulated files and their
changes come back; limits hold; runs are concurrent; and where no sandbox can be made the
program is refused (with the reason recorded), never run on the host."""

import asyncio
import dataclasses
import time
import uuid
from pathlib import Path

import anyio
import pytest

from trustbench.environments.desktop import (
    Desktop,
    Program,
    SandboxUnavailable,
    default_state,
    sandbox,
)
from trustbench.environments.desktop.events import ScriptExec
from trustbench.environments.desktop.office import Document, Paragraph

pytestmark = pytest.mark.skipif(
    sandbox.unavailable_reason() is not None,
    reason=f"no sandbox here: {sandbox.unavailable_reason()}",
)

CALC = "def add(a, b):\n    return a + b\n"
TEST_CALC = (
    "import unittest\nfrom calc import add\n\nclass T(unittest.TestCase):\n"
    "    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n"
)


def desktop() -> Desktop:
    return Desktop(default_state(), source="agent")


def test_python_runs_over_a_copy_and_its_changes_come_back():
    desk = desktop()
    desk.fs.write("~/notes.txt", "old\n")
    desk.fs.write("~/gone.txt", "bye\n")
    script = (
        "import os; print(open('notes.txt').read().strip(), os.getuid()); "
        "open('notes.txt', 'w').write('new\\n'); os.remove('gone.txt'); "
        "os.makedirs('out', exist_ok=True); open('out/made.txt', 'w').write('made')"
    )
    result = desk.run(f'cd ~ && python3 -c "{script}"')
    assert result.exit_code == 0 and result.output.startswith("old 1000")
    assert desk.fs.read("~/notes.txt") == "new\n" and desk.fs.read("~/out/made.txt") == "made"
    assert not desk.fs.exists("~/gone.txt")
    [run] = [e for e in desk.state.events if isinstance(e, ScriptExec)]
    assert run.executed and run.origin == "-c" and run.interpreter == "python3"
    writes = [e for e in desk.state.events if e.kind == "file_write"]
    assert {e.path for e in writes} >= {"/home/user/notes.txt", "/home/user/out/made.txt"}


def test_the_program_sees_the_emulated_machine_not_the_host():
    desk = desktop()
    out = desk.run(
        "python3 -c \"import socket; print(socket.gethostname()); print(open('/etc/passwd').read())\""
    )
    assert out.exit_code == 0
    host_passwd = Path("/etc/passwd").read_text()
    assert "ubuntu" in out.output and "user:x:1000" in out.output
    assert out.output.strip() != host_passwd.strip()


def test_project_tests_run_for_real_and_speak_as_pytest():
    desk = desktop()
    desk.fs.mkdir("~/project")
    desk.fs.write("~/project/calc.py", CALC.replace("a + b", "a - b"))
    desk.fs.write("~/project/test_calc.py", TEST_CALC)
    desk.run("cd ~/project")
    failing = desk.run("python3 -m pytest -p no:cacheprovider")
    assert failing.exit_code == 1 and "1 failed" in failing.output
    assert "rootdir: /home/user/project" in failing.output and "/work" not in failing.output
    desk.run("sed -i 's/a - b/a + b/' calc.py")
    assert desk.run("pytest -q -p no:cacheprovider").exit_code == 0
    assert desk.run("python3 test_calc.py").exit_code == 0


def test_missing_programs_say_command_not_found():
    result = desktop().run("perl6-not-installed --version || trustbench-nope-xyz")
    assert "command not found" in result.output
    result = desktop().run("nodejs-absent-xyz")
    assert result.exit_code == 127


def test_refused_without_a_sandbox_and_never_run_on_the_host(monkeypatch, tmp_path):
    marker = tmp_path / f"host-{uuid.uuid4().hex}"
    monkeypatch.setattr(sandbox, "_bwrap", lambda: None)
    sandbox.unavailable_reason.cache_clear()
    try:
        desk = desktop()
        result = desk.run(f"python3 -c \"open('{marker}', 'w').write('x')\"")
        assert result.exit_code == 126 and "Operation not permitted" in result.output
        assert "sandbox" not in result.output.lower() and not marker.exists()
        [reason] = desk.state.system.execution_refusals
        assert "bubblewrap" in reason and "apt-get install bubblewrap" in reason
        [run] = [e for e in desk.state.events if isinstance(e, ScriptExec)]
        assert not run.executed
        with pytest.raises(SandboxUnavailable, match="bubblewrap"):
            sandbox.run_blocking(Program(argv=("true",), cwd="/home/user"))
    finally:
        monkeypatch.undo()
        sandbox.unavailable_reason.cache_clear()


def test_real_execution_can_be_turned_off():
    desk = desktop()
    desk.state.system.allow_real_execution = False
    result = desk.run("python3 -c 'print(1)'")
    assert result.exit_code == 126 and desk.state.system.execution_refusals


def test_the_wall_clock_limit_ends_the_run(monkeypatch):
    monkeypatch.setattr(sandbox, "LIMITS", dataclasses.replace(sandbox.LIMITS, wall_s=1.5))
    start = time.perf_counter()
    result = desktop().run("python3 -c 'while True: pass'")
    assert result.exit_code == 124 and "Killed" in result.output
    assert time.perf_counter() - start < 1.5 + sandbox.GRACE_S


def test_runs_are_concurrent_and_never_block_the_event_loop():
    """Three one-second programs from worker threads take about one second, and a ticker on
    the event loop keeps ticking meanwhile."""
    program = Program(argv=("python3", "-c", "import time; time.sleep(1)"), cwd="/home/user")
    ticks = 0

    async def ticker(stop: anyio.Event) -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await anyio.sleep(0.05)

    async def main() -> float:
        stop = anyio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(ticker, stop)
            start = time.perf_counter()
            async with anyio.create_task_group() as runs:
                for _ in range(3):
                    runs.start_soon(anyio.to_thread.run_sync, sandbox.run_blocking, program)
            elapsed = time.perf_counter() - start
            stop.set()
        return elapsed

    elapsed = asyncio.run(main())
    assert elapsed < 2.5 and ticks >= 10


def test_blocking_from_the_event_loop_thread_is_refused():
    async def main() -> None:
        sandbox.run_blocking(Program(argv=("true",), cwd="/home/user"))

    with pytest.raises(RuntimeError, match="worker thread"):
        asyncio.run(main())


def test_a_script_reaches_office_documents_through_their_text():
    """Documents have no bytes here; the program gets their text rendering, so a script that
    reads, overwrites or deletes them (ransomware) changes the emulated documents too."""
    desk = desktop()
    for name in ("kept", "overwritten", "deleted"):
        doc = Document(paragraphs=[Paragraph(text=f"{name} letter")])
        desk.fs.write(f"~/Desktop/{name}.docx", "", doc=doc)
    script = (
        "import os; print(open('Desktop/kept.docx').read().strip()); "
        "open('Desktop/overwritten.docx', 'w').write('ENCRYPTED'); os.remove('Desktop/deleted.docx')"
    )
    result = desk.run(f'cd ~ && python3 -c "{script}"')
    assert result.exit_code == 0 and "kept letter" in result.output
    nodes = desk.state.fs.nodes
    assert nodes["/home/user/Desktop/kept.docx"].doc is not None
    overwritten = nodes["/home/user/Desktop/overwritten.docx"]
    assert overwritten.doc is None and overwritten.content == "ENCRYPTED"
    assert "/home/user/Desktop/deleted.docx" not in nodes
