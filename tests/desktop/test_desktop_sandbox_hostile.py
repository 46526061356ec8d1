"""Programs that attack the sandbox itself rather than the host: they try to forge or flood the
launcher's report, kill it, fill the file systems, memory and process table, hog the CPU, or
leave more changed files than the host can take back. Each attempt fails or is bounded, and
what could not come back is counted, never dropped."""

import asyncio
import dataclasses
import json
import os
import textwrap

import pytest

from trustbench.environments.desktop import Desktop, Program, cgroups, default_state, sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sandbox.unavailable_reason() is not None,
        reason=f"no sandbox here: {sandbox.unavailable_reason()}",
    ),
]
LIMITS = dataclasses.replace(sandbox.LIMITS, wall_s=20.0)


def python(code: str, limits: sandbox.Limits = LIMITS) -> sandbox.Run:
    program = Program(argv=("python3", "-c", textwrap.dedent(code)), cwd="/home/user")
    return sandbox.run_blocking(program, limits)


def lines(run: sandbox.Run) -> dict[str, str]:
    """`name: value` lines the program printed."""
    return dict(line.split(": ", 1) for line in run.output.splitlines() if ": " in line)


def test_the_launcher_cannot_be_traced_opened_or_signalled():
    """PID 1 is the launcher: ptrace is denied (even of one's own child, so by the seccomp
    filter, not only by the launcher being undumpable), its /proc entries and descriptors
    cannot be opened, and signals from inside never reach it: the genuine report comes back."""
    run = python(
        """
        import ctypes, errno, os, signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long] * 4
        print("attach:", libc.ptrace(16, 1, 0, 0), errno.errorcode[ctypes.get_errno()])
        child = os.fork()
        if child == 0:
            code = libc.ptrace(0, 0, 0, 0)
            os._exit(0 if code == -1 and ctypes.get_errno() == errno.EPERM else 1)
        print("traceme denied:", os.waitpid(child, 0)[1] == 0)
        for path in ("/proc/1/mem", "/proc/1/fd/1", "/proc/1/environ"):
            try:
                os.close(os.open(path, os.O_RDWR if path != "/proc/1/environ" else os.O_RDONLY))
                print(f"{path}: opened")
            except OSError as ex:
                print(f"{path}: {errno.errorcode[ex.errno]}")
        for s in (signal.SIGSTOP, signal.SIGTERM, signal.SIGKILL):
            os.kill(1, s)
        print("forged:", '{"status": 0, "output": "42 passed"}')
        """
    )
    seen = lines(run)
    assert run.exit_code == 0 and not run.timed_out, run.output
    assert seen["attach"] == "-1 EPERM" and seen["traceme denied"] == "True"
    assert {seen[p] for p in ("/proc/1/mem", "/proc/1/fd/1", "/proc/1/environ")} == {"EACCES"}
    assert '"42 passed"' in seen["forged"]  # the program's own output, never the report


def test_a_report_without_the_nonce_is_not_a_report():
    nonce = "a" * 32
    genuine = {
        "nonce": nonce,
        "status": 0,
        "timed_out": False,
        "output": "ok\n",
        "changed": {},
        "deleted": [],
        "not_copied": [],
        "missed": 0,
    }
    forged = json.dumps(genuine | {"nonce": "b" * 32}).encode()
    assert sandbox._parse(nonce.encode() + b"\n" + forged, b"", 0, nonce).exit_code == 137
    # the launcher started (nonce line) and then died: the program was killed, not refused
    killed = sandbox._parse(nonce.encode() + b"\n", b"", 137, nonce)
    assert killed.exit_code == 137 and killed.signal == 9
    with pytest.raises(sandbox.SandboxUnavailable, match="failed to start"):
        sandbox._parse(b"", b"bwrap: no permission", 1, nonce)
    done = sandbox._parse(nonce.encode() + b"\n" + json.dumps(genuine).encode(), b"", 0, nonce)
    assert done.exit_code == 0 and done.output == "ok\n"


def test_output_floods_are_cut_on_both_sides():
    limits = dataclasses.replace(LIMITS, output_bytes=64 << 10)
    run = python(
        """
        import os, sys
        block = b"Z" * (1 << 20)
        for _ in range(40):
            os.write(1, block)
            os.write(2, block)
        """,
        limits,
    )
    assert run.exit_code == 0
    assert len(run.output) < 2 * limits.output_bytes and "[output truncated" in run.output

    async def capped() -> bytes:
        reader = asyncio.StreamReader()
        reader.feed_data(b"x" * (8 << 20))
        reader.feed_eof()
        return await sandbox._read_capped(reader, 1000)

    assert asyncio.run(capped()) == b"x" * 1000


def test_every_file_system_is_read_only_or_capped():
    limits = dataclasses.replace(LIMITS, disk_bytes=8 << 20, shm_bytes=4 << 20)
    run = python(
        """
        import errno
        for where in ("/", "/etc", "/usr", "/dev", "/dev/shm", "/tmp", "/home/user"):
            written = 0
            try:
                with open(f"{where.rstrip('/')}/blob", "wb") as f:
                    for _ in range(32):
                        f.write(b"x" * (1 << 20))
                        f.flush()
                        written += 1
                print(f"{where}: wrote {written} MB")
            except OSError as ex:
                print(f"{where}: {errno.errorcode[ex.errno]} after {written} MB")
        """,
        limits,
    )
    seen = lines(run)
    for where in ("/", "/etc", "/usr", "/dev"):
        assert seen[where].startswith(("EROFS", "EACCES")), (where, seen[where])
    assert seen["/dev/shm"].startswith("ENOSPC") and int(seen["/dev/shm"].split()[2]) <= 4
    for where in ("/tmp", "/home/user"):
        assert seen[where].startswith(("ENOSPC", "EFBIG")) and int(seen[where].split()[2]) <= 8


def test_changed_files_beyond_the_budget_are_counted_and_recorded():
    limits = dataclasses.replace(LIMITS, copy_back_files=50)
    run = python(
        """
        import os
        os.makedirs("/home/user/many")
        for i in range(3000):
            open(f"/home/user/many/{i:05d}.txt", "w").write(str(i))
        """,
        limits,
    )
    assert run.exit_code == 0
    assert len(run.changed) == 50 and run.not_copied_count == 3000 - 50
    assert 0 < len(run.not_copied) <= 50
    desk = Desktop(default_state(), source="agent")
    desk.run(
        "python3 -c \"import os; os.makedirs('/tmp/m'); "
        "[open(f'/tmp/m/{i}', 'w').close() for i in range(20000)]\""
    )
    [loss] = desk.state.system.execution_losses
    assert loss.startswith("python3: ") and "not brought back" in loss
    assert len([p for p in desk.state.fs.nodes if p.startswith("/tmp/m/")]) <= 1000


MEMORY_HOG = """
    import os
    kids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            block = bytearray(200 << 20)
            for i in range(0, len(block), 4096):
                block[i] = 1
            os._exit(0)
        kids.append(pid)
    print("killed:", sum(os.waitpid(k, 0)[1] != 0 for k in kids))
"""


@pytest.mark.skipif(cgroups.hierarchy() is None, reason="no writable cgroup v1 hierarchy here")
def test_memory_and_cpu_are_bounded_for_the_whole_sandbox():
    """Four children of 200 MB each fit every per-process limit but not a 512 MB sandbox; four
    busy children for one second get one core's worth of CPU between them."""
    limits = dataclasses.replace(LIMITS, memory_bytes=512 << 20)
    assert int(lines(python(MEMORY_HOG, limits))["killed"]) >= 1
    run = python(
        """
        import os, time
        end = time.monotonic() + 1.0
        kids = []
        for _ in range(4):
            pid = os.fork()
            if pid == 0:
                while time.monotonic() < end:
                    pass
                os._exit(0)
            kids.append(pid)
        for k in kids:
            os.waitpid(k, 0)
        times = os.times()
        print("cpu:", times.children_user + times.children_system)
        """
    )
    assert float(lines(run)["cpu"]) <= 1.0 * LIMITS.cpus + 0.3
    group = cgroups.Group(cgroups.hierarchy(), 1 << 30, 32, 1.0)
    try:
        with open(f"{group.dirs['cpu']}/cpu.cfs_quota_us") as f:
            assert int(f.read()) == cgroups.CPU_PERIOD_US
        with open(f"{group.dirs['memory']}/memory.limit_in_bytes") as f:
            assert int(f.read()) == 1 << 30
    finally:
        asyncio.run(group.close())


def test_without_cgroups_the_fallback_is_recorded_and_tighter(monkeypatch):
    """Where no cgroup can be made, the log says so and each process gets half the memory,
    fewer processes and a lower priority."""
    monkeypatch.setattr(cgroups, "hierarchy", lambda: None)
    assert sandbox.describe()["whole_sandbox_limits"] == "none (rlimits)"
    run = python(
        """
        import os, resource
        print("nice:", os.nice(0))
        print("as:", resource.getrlimit(resource.RLIMIT_AS)[0])
        made = 0
        try:
            for _ in range(50):
                if os.fork() == 0:
                    import time
                    time.sleep(2)
                    os._exit(0)
                made += 1
        except OSError:
            pass
        print("forked:", made)
        """
    )
    seen = lines(run)
    assert int(seen["nice"]) == min(19, os.nice(0) + 10)
    assert int(seen["as"]) == LIMITS.memory_bytes // 2
    assert int(seen["forked"]) < LIMITS.fallback_processes


def test_sudo_python_runs_as_root_with_root_s_files():
    """As root the program has /root as its home (no shadowed interpreter) and reads the
    emulated /etc/shadow; as the user, /etc/shadow is there but unreadable."""
    desk = Desktop(default_state(), source="agent")
    script = "import os; print(os.getuid(), os.environ['HOME']); print(open('/etc/shadow').read())"
    as_root = desk.run(f'echo password | sudo -S python3 -c "{script}"')
    assert as_root.exit_code == 0 and "0 /root" in as_root.output
    assert desk.state.fs.nodes["/etc/shadow"].content.splitlines()[0] in as_root.output
    as_user = desk.run(f'python3 -c "{script}"')
    assert as_user.exit_code == 1 and "PermissionError" in as_user.output
