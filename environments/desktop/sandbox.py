"""Real execution on behalf of an agent, inside a bubblewrap sandbox and never on the host.

The emulator runs what it cannot emulate faithfully (Python and other interpreters, a project's
unit tests) for real, because faking it would hide exactly what OS-Harm studies (an agent that
edits the tests, a script that encrypts files). Each run gets:

- its own mount, PID, user, IPC, UTS, cgroup and network namespaces (`bwrap --unshare-all`):
  the host's files, processes and network are out of sight; the root file system holds only
  read-only system directories (`/usr`, `/lib*`, the interpreter's prefix), a synthetic `/etc`
  built from the emulated machine, and size-capped tmpfs copies of the emulated home, `/tmp`
  and the working directory;
- resource limits on the program (CPU time, address space, processes, file size, open files);
- a wall-clock limit after which every process of the sandbox is killed: a launcher inside
  ends them all with `kill(-1)` (the PID namespace holds nothing else), and the host kills
  bubblewrap, whose init then takes the whole namespace with it (`--die-with-parent`). No
  descendant survives a run, and none survives trustbench itself.

A root process is exempt from the process limit, so as root the sandbox first becomes a fresh
unprivileged host uid: a private mount namespace exposes the interpreter's directories to it,
then `setpriv` drops every privilege before bubblewrap starts.

Runs are asyncio subprocesses: concurrent samples run theirs in parallel, and a stuck one never
blocks the others. Where the sandbox cannot be created, `SandboxUnavailable` says why; callers
refuse the run, never run it with less isolation.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import anyio.from_thread

HOST_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Top-level directories that are links into /usr on merged-/usr systems, or real ones."""
HOST_SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/alternatives")
"""Read-only host entries programs need (library cache, Debian's alternative links)."""
RESERVED = ("/usr", "/proc", "/dev", "/etc", *HOST_SYSTEM_DIRS)
"""Paths that can never become a writable root."""
GRACE_S = 10.0
"""How long past its wall-clock limit the host waits for the launcher's report."""
ROOT_UID_BASE = 2_000_000_000
"""As root, each run becomes a fresh uid from this range (one no other process uses)."""
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"


class SandboxUnavailable(Exception):
    """The sandbox cannot be created here; the message is the reason, for the log."""


@dataclass(frozen=True)
class Limits:
    """What one run may use. The program gets the per-process limits; the whole sandbox gets
    the wall-clock limit and the tmpfs sizes."""

    wall_s: float = 60.0
    cpu_s: int = 30
    memory_bytes: int = 1 << 30
    processes: int = 32
    file_bytes: int = 64 << 20
    open_files: int = 256
    disk_bytes: int = 128 << 20
    """Size of each writable tmpfs (the home copy, /tmp, the working directory)."""
    output_bytes: int = 1 << 20
    copy_back_bytes: int = 4 << 20
    """Changed files larger than this in total are reported as not copied back."""


LIMITS = Limits()


@dataclass(frozen=True)
class Program:
    """One command line to run, and the world it sees."""

    argv: tuple[str, ...]
    cwd: str
    files: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    """Writable copies, absolute path -> (text, mode): what the program may read and change."""
    etc: Mapping[str, str] = field(default_factory=dict)
    """Read-only files under /etc (passwd, group, hostname), absolute path -> text."""
    user: str = "user"
    uid: int = 1000
    gid: int = 1000
    home: str = "/home/user"
    hostname: str = "ubuntu"
    env: Mapping[str, str] = field(default_factory=dict)
    stdin: str = ""

    def writable_roots(self) -> list[str]:
        """The tmpfs mounts: the home, /tmp, and the working directory when outside both."""
        roots = [self.home, "/tmp"]
        if not any(_under(self.cwd, r) for r in roots) and not _reserved(self.cwd):
            roots.append(self.cwd)
        return sorted(set(roots))


@dataclass(frozen=True)
class Run:
    exit_code: int
    output: str
    """stdout and stderr, interleaved as a terminal shows them (capped)."""
    changed: dict[str, str] = field(default_factory=dict)
    """Files created or modified under the writable roots, with their new text."""
    deleted: list[str] = field(default_factory=list)
    not_copied: list[str] = field(default_factory=list)
    """Changed files too large (or not regular files) to bring back."""
    timed_out: bool = False
    signal: int | None = None
    """The signal that ended the program (SIGKILL, SIGXCPU, SIGXFSZ, ...), if any."""


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _reserved(path: str) -> bool:
    return path == "/" or any(_under(path, r) for r in RESERVED)


# The launcher runs inside the sandbox as `python -I -S -c LAUNCHER`, reads the job (JSON) on
# stdin, starts the program with its limits, enforces the wall clock, kills every other
# process of the namespace when the program ends, and reports (JSON) on stdout.
LAUNCHER = r"""
import ctypes, json, os, resource, select, signal, sys, time
ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: the program cannot reach our fds
job = json.loads(sys.stdin.buffer.read())
before = {}
for path, (text, mode) in job["files"].items():
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode("utf-8", "surrogateescape")
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    before[path] = data
for root in job["roots"]:
    os.makedirs(root, exist_ok=True)
os.makedirs(job["cwd"], exist_ok=True)
stdin_path = "/tmp/.launcher-stdin"
with open(stdin_path, "wb") as f:
    f.write(job["stdin"].encode("utf-8", "surrogateescape"))
stdin_fd = os.open(stdin_path, os.O_RDONLY)
os.unlink(stdin_path)
read_end, write_end = os.pipe()
limits = job["limits"]
pid = os.fork()
if pid == 0:
    try:
        os.setsid()
        os.dup2(stdin_fd, 0)
        os.dup2(write_end, 1)
        os.dup2(write_end, 2)
        os.closerange(3, 65536)
        os.chdir(job["cwd"])
        for which, value in (
            (resource.RLIMIT_CPU, limits["cpu_s"]),
            (resource.RLIMIT_AS, limits["memory_bytes"]),
            (resource.RLIMIT_NPROC, limits["processes"]),
            (resource.RLIMIT_FSIZE, limits["file_bytes"]),
            (resource.RLIMIT_NOFILE, limits["open_files"]),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(which, (value, value))
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.execvpe(job["argv"][0], job["argv"], job["env"])
    except FileNotFoundError:
        os.write(2, ("bash: %s: command not found\n" % job["argv"][0]).encode())
        os._exit(127)
    except PermissionError:
        os.write(2, ("bash: %s: Permission denied\n" % job["argv"][0]).encode())
        os._exit(126)
    except BaseException as ex:
        os.write(2, ("bash: %s: %s\n" % (job["argv"][0], ex)).encode())
        os._exit(126)
os.close(write_end)
os.set_blocking(read_end, False)
output, size, cap = [], 0, limits["output_bytes"]
deadline = time.monotonic() + limits["wall_s"]
status, timed_out = None, False


def drain():
    global size
    while True:
        try:
            chunk = os.read(read_end, 65536)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        if size < cap:
            output.append(chunk[: cap - size])
        size += len(chunk)


while status is None:
    left = deadline - time.monotonic()
    if left <= 0:
        timed_out = True
        os.kill(-1, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
        break
    select.select([read_end], [], [], min(left, 0.05))
    drain()
    done, code = os.waitpid(pid, os.WNOHANG)
    if done:
        status = code
try:
    os.kill(-1, signal.SIGKILL)
except ProcessLookupError:
    pass
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
os.set_blocking(read_end, True)
drain()
changed, not_copied, budget = {}, [], limits["copy_back_bytes"]
seen = set()
for root in job["roots"]:
    for folder, dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            seen.add(path)
            if os.path.islink(path) or not os.path.isfile(path):
                not_copied.append(path)
                continue
            if os.path.getsize(path) > budget:
                not_copied.append(path)
                continue
            with open(path, "rb") as f:
                data = f.read()
            if before.get(path) != data:
                changed[path] = data.decode("utf-8", "replace")
                budget -= len(data)
text = b"".join(output).decode("utf-8", "replace")
if size > cap:
    text += "\n[output truncated: %d bytes]\n" % size
json.dump(
    {
        "status": status,
        "timed_out": timed_out,
        "output": text,
        "changed": changed,
        "deleted": sorted(p for p in before if p not in seen),
        "not_copied": sorted(not_copied),
    },
    sys.stdout,
)
"""


def _bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def _bwrap_version(bwrap: str) -> tuple[int, ...]:
    out = subprocess.run([bwrap, "--version"], capture_output=True, text=True, check=False)
    numbers = out.stdout.split()[-1].split(".") if out.stdout.split() else []
    return tuple(int(n) for n in numbers if n.isdigit())


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for path in HOST_SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in HOST_SYSTEM_FILES:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def _interpreter_dirs() -> list[str]:
    """The running interpreter's prefixes (venv and base), outside /usr: the sandbox's Python."""
    dirs = {os.path.realpath(sys.base_prefix), sys.prefix, os.path.realpath(sys.prefix)}
    return sorted(d for d in dirs if not _under(d, "/usr"))


def _python() -> str:
    return sys.executable


def _bwrap_args(program: Program, limits: Limits, sources: Mapping[str, str]) -> list[str]:
    """bubblewrap's command line; `sources` maps each interpreter dir to the path to bind from."""
    bwrap = _bwrap() or "bwrap"
    # no user namespaces inside the sandbox (bubblewrap 0.8 and later)
    nested = ["--disable-userns"] if _bwrap_version(bwrap) >= (0, 8) else []
    args = [
        "--unshare-all",
        "--unshare-user",
        *nested,
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        *_system_binds(),
    ]
    for target, source in sources.items():
        args += ["--ro-bind", source, target]
    args += ["--proc", "/proc", "--dev", "/dev"]
    for root in program.writable_roots():
        args += ["--size", str(limits.disk_bytes), "--tmpfs", root]
    args += [
        "--uid",
        str(program.uid),
        "--gid",
        str(program.gid),
        "--hostname",
        program.hostname,
        "--chdir",
        "/",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/local/bin:/usr/bin:/bin",
    ]
    return args


def _etc_binds(program: Program) -> tuple[list[str], list[int]]:
    """`--ro-bind-data` for each /etc file, fed through a pipe; returns (args, fds to pass)."""
    args: list[str] = []
    fds: list[int] = []
    for path, text in program.etc.items():
        data = text.encode("utf-8")[:60_000]  # a pipe buffer holds it without a reader
        read_end, write_end = os.pipe()
        os.write(write_end, data)
        os.close(write_end)
        fds.append(read_end)
        args += ["--perms", "0644", "--ro-bind-data", str(read_end), path]
    return args, fds


def command(program: Program, limits: Limits = LIMITS) -> tuple[list[str], list[int]]:
    """The full host command line for `program`, and the file descriptors it must inherit."""
    bwrap = _bwrap()
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}")
    etc_args, fds = _etc_binds(program)
    launcher = [_python(), "-I", "-S", "-c", LAUNCHER]
    dirs = _interpreter_dirs()
    if os.geteuid() != 0:
        args = _bwrap_args(program, limits, {d: d for d in dirs})
        return [bwrap, *args, *etc_args, "--", *launcher], fds
    staging = {d: f"/run/trustbench-sandbox/{i}" for i, d in enumerate(dirs)}
    args = _bwrap_args(program, limits, staging)
    uid = ROOT_UID_BASE + random.randrange(100_000_000)
    mounts = "".join(
        f"mkdir -p {shlex.quote(s)} && mount --bind {shlex.quote(d)} {shlex.quote(s)} && "
        for d, s in staging.items()
    )
    script = (
        "set -e; mount -t tmpfs -o mode=0755,size=64k trustbench /run && "
        + mounts
        + f"exec setpriv --reuid={uid} --regid={uid} --clear-groups --no-new-privs "
        + "--inh-caps=-all --bounding-set=-all -- "
        + shlex.join([bwrap, *args, *etc_args, "--", *launcher])
    )
    unshare = shutil.which("unshare") or "unshare"
    return [unshare, "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script], fds


def _job(program: Program, limits: Limits) -> bytes:
    env = {
        "PATH": f"{os.path.dirname(_python())}:/usr/local/bin:/usr/bin:/bin",
        "HOME": program.home,
        "USER": program.user,
        "LOGNAME": program.user,
        "HOSTNAME": program.hostname,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        **program.env,
    }
    return json.dumps(
        {
            "argv": list(program.argv),
            "cwd": program.cwd,
            "files": {p: [text, mode] for p, (text, mode) in program.files.items()},
            "roots": program.writable_roots(),
            "env": env,
            "stdin": program.stdin,
            "limits": asdict(limits),
        }
    ).encode("utf-8", "surrogateescape")


def _result(report: dict, limits: Limits) -> Run:
    status = report["status"]
    signal_number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    code = 128 + signal_number if signal_number is not None else os.WEXITSTATUS(status)
    return Run(
        exit_code=124 if report["timed_out"] else code,
        output=report["output"],
        changed=report["changed"],
        deleted=report["deleted"],
        not_copied=report["not_copied"],
        timed_out=report["timed_out"],
        signal=signal_number,
    )


async def run(program: Program, limits: Limits = LIMITS) -> Run:
    """Runs `program` in a fresh sandbox; raises `SandboxUnavailable` when it cannot be made."""
    reason = unavailable_reason()
    if reason is not None:
        raise SandboxUnavailable(reason)
    argv, fds = command(program, limits)
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=fds,
            start_new_session=True,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
        )
    finally:
        for fd in fds:
            os.close(fd)
    try:
        out, err = await asyncio.wait_for(
            proc.communicate(_job(program, limits)), limits.wall_s + GRACE_S
        )
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return Run(exit_code=124, output="", timed_out=True, signal=9)
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    try:
        report = json.loads(out)
    except json.JSONDecodeError:
        detail = err.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise SandboxUnavailable(f"the sandbox failed to start: {detail}") from None
    return _result(report, limits)


def run_blocking(program: Program, limits: Limits | None = None) -> Run:
    """`run` for synchronous callers (the emulator's shell).

    From a worker thread of an event loop (`anyio.to_thread.run_sync`), the subprocess runs on
    that loop, so other samples go on while this thread waits; with no event loop, one is
    started for the call. Calling it on an event loop's own thread would stall every sample,
    so that raises."""
    limits = limits or LIMITS
    try:
        return anyio.from_thread.run(run, program, limits)
    except anyio.NoEventLoopError:
        pass
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run(program, limits))
    raise RuntimeError(
        "real execution would block the event loop: call the desktop from a worker thread "
        "(anyio.to_thread.run_sync)"
    )


@functools.cache
def unavailable_reason() -> str | None:
    """Why no sandbox can be made here (None when it can): a real run of `true`, once."""
    try:
        argv, fds = command(Program(argv=("true",), cwd="/home/user"))
    except SandboxUnavailable as ex:
        return str(ex)
    try:
        done = subprocess.run(
            argv,
            input=_job(Program(argv=("true",), cwd="/home/user"), LIMITS),
            capture_output=True,
            pass_fds=fds,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as ex:
        return f"the sandbox failed to start: {ex}"
    finally:
        for fd in fds:
            os.close(fd)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        detail = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        return f"the sandbox failed to start: {detail}"
    if report.get("status") != 0:
        return f"the sandbox started but a test program failed: {report.get('output')!r}"
    return None


def describe() -> dict[str, object]:
    """What the log records about containment: the tool, whether it works here, the limits."""
    bwrap = _bwrap()
    version = ".".join(map(str, _bwrap_version(bwrap))) if bwrap is not None else ""
    reason = unavailable_reason()
    return {
        "tool": f"bubblewrap {version}" if bwrap is not None else "bubblewrap (not installed)",
        "available": reason is None,
        "reason": reason,
        "as_root": os.geteuid() == 0,
        "limits": asdict(LIMITS),
    }
