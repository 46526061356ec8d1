"""Real execution on behalf of an agent, inside a bubblewrap sandbox and never on the host.

The emulator runs what it cannot emulate faithfully (Python and other interpreters, a project's
unit tests) for real, because faking it would hide exactly what OS-Harm studies (an agent that
edits the tests, a script that encrypts files). Each run gets:

- its own mount, PID, user, IPC, UTS, cgroup and network namespaces (`bwrap --unshare-all`):
  the host's files, processes and network are out of sight. The root file system is read-only
  and holds read-only system directories (`/usr`, `/lib*`), the interpreter at `/usr/local`
  (where a self-built Python lives), a synthetic `/etc` from the emulated machine, and
  size-capped tmpfs copies of the emulated home, `/tmp`, the working directory and `/dev/shm`;
- a seccomp filter (`seccomp.py`) that denies ptrace, process_vm_* and other calls that reach
  into another process or the kernel;
- a launcher (`launcher.py`) as PID 1 of the namespace, not dumpable, holding the only
  descriptor the host reads the result from: the program cannot forge, flood or suppress it,
  and a launcher that dies anyway means "the program was killed", never "no sandbox";
- limits for the whole sandbox where a writable cgroup hierarchy exists (`cgroups.py`: memory
  with tmpfs pages, processes, one CPU's worth of time), and per-process limits always (CPU
  time, address space, processes, file size, open files; lower priority without cgroups);
- a wall-clock limit after which every process of the sandbox is killed: the launcher ends
  them all with `kill(-1)`, and the host kills bubblewrap (whose child dies with it,
  `--die-with-parent`) and everything left in the run's cgroup.

A root process is exempt from the process limit, so as root the sandbox first becomes a fresh
unprivileged host uid: a private mount namespace exposes the interpreter's directories to it,
then `setpriv` drops every privilege before bubblewrap starts.

Runs are asyncio subprocesses: concurrent samples run theirs in parallel, and a stuck one never
blocks the others. Everything the host reads back is bounded (the report, bubblewrap's
messages, the copied-back files by bytes, count and path length). Where the sandbox cannot be
created, `SandboxUnavailable` says why; callers refuse the run, never run it with less isolation.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import os
import random
import secrets
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import anyio.from_thread

from . import cgroups, seccomp

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
MESSAGES_CAP = 64 << 10
"""The most of bubblewrap's own messages (stderr) the host keeps."""
LAUNCHER = (Path(__file__).parent / "launcher.py").read_text()
STUB = "import sys,base64;exec(base64.b64decode(sys.stdin.buffer.readline()))"
"""The launcher's command line (all another process may see of it); its code follows on stdin."""


class SandboxUnavailable(Exception):
    """The sandbox cannot be created here; the message is the reason, for the log."""


@dataclass(frozen=True)
class Limits:
    """What one run may use. The whole sandbox gets the wall clock, the tmpfs sizes and (with
    cgroups) memory, processes and CPU; each process gets the rlimits."""

    wall_s: float = 60.0
    cpu_s: int = 30
    """CPU time per process (RLIMIT_CPU)."""
    cpus: float = 1.0
    """CPU share of the whole sandbox (cgroup quota): this many cores' worth at most."""
    memory_bytes: int = 1 << 30
    """Memory of the whole sandbox with cgroups (tmpfs pages included), and each process's
    address space; without cgroups, each process gets half of it."""
    processes: int = 32
    fallback_processes: int = 8
    """The process limit where no cgroup bounds the sandbox's memory as a whole."""
    file_bytes: int = 64 << 20
    open_files: int = 256
    disk_bytes: int = 128 << 20
    """Size of each writable tmpfs (the home copy, /tmp, the working directory)."""
    shm_bytes: int = 16 << 20
    """Size of /dev/shm."""
    output_bytes: int = 1 << 20
    copy_back_bytes: int = 4 << 20
    """Changed files larger than this in total are reported as not copied back."""
    copy_back_files: int = 1000
    """At most this many changed files come back (and 8 times as many entries are examined)."""


LIMITS = Limits()


@dataclass(frozen=True)
class Program:
    """One command line to run, and the world it sees."""

    argv: tuple[str, ...]
    cwd: str
    files: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    """Writable copies, absolute path -> (text, mode): what the program may read and change."""
    etc: Mapping[str, str | None] = field(default_factory=dict)
    """Read-only files under /etc (passwd, group, hostname), absolute path -> text, or None for
    a file that is there but that the program may not read."""
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
    """Changed files too large, too many or not regular files (the first 50 names)."""
    not_copied_count: int = 0
    timed_out: bool = False
    signal: int | None = None
    """The signal that ended the program (SIGKILL, SIGXCPU, SIGXFSZ, ...), if any."""


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _reserved(path: str) -> bool:
    return path == "/" or any(_under(path, r) for r in RESERVED)


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


@dataclass(frozen=True)
class Interpreter:
    """The running Python as the sandbox sees it: at `/usr/local` (or its own place under
    /usr), with the virtual environment's packages as its site-packages, and no host path in
    sight (so no emulated home, `/root` included, can shadow it)."""

    binds: tuple[tuple[str, str], ...]
    """(host directory, sandbox path), read-only, in mount order."""
    hidden: tuple[str, ...]
    """Sandbox paths covered with an empty file (editable-install hooks naming host paths)."""
    usr_local_tmpfs: bool
    executable: str
    env: tuple[tuple[str, str], ...]
    """Environment it needs: a shared-library build finds libpython through its absolute
    RUNPATH on the host, so inside, through LD_LIBRARY_PATH."""


@functools.cache
def interpreter() -> Interpreter:
    base = os.path.realpath(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    binds: list[tuple[str, str]] = []
    if _under(base, "/usr"):
        executable = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
        site = f"/usr/local/lib/{version}/dist-packages"
        usr_local_tmpfs = sys.prefix != sys.base_prefix
    else:
        binds.append((base, "/usr/local"))
        executable = f"/usr/local/bin/{version}"
        site = f"/usr/local/lib/{version}/site-packages"
        usr_local_tmpfs = False
    env: list[tuple[str, str]] = []
    library_dir = sysconfig.get_config_var("LIBDIR") or ""
    if sysconfig.get_config_var("Py_ENABLE_SHARED") and _under(os.path.realpath(library_dir), base):
        relative = os.path.relpath(os.path.realpath(library_dir), base)
        env.append(("LD_LIBRARY_PATH", os.path.normpath(f"/usr/local/{relative}")))
    hidden: list[str] = []
    if sys.prefix != sys.base_prefix:
        packages = sysconfig.get_path("purelib")
        binds.append((packages, site))
        for entry in sorted(Path(packages).iterdir()):
            if entry.name.startswith("__editable__"):
                hidden.append(f"{site}/{entry.name}")
            elif (entry / "direct_url.json").is_file():
                hidden.append(f"{site}/{entry.name}/direct_url.json")
    return Interpreter(tuple(binds), tuple(hidden), usr_local_tmpfs, executable, tuple(env))


def _interpreter_args(sources: Mapping[str, str]) -> list[str]:
    """Mounts the interpreter; `sources` maps each host directory to the path to bind from."""
    found = interpreter()
    args = ["--size", str(1 << 20), "--tmpfs", "/usr/local"] if found.usr_local_tmpfs else []
    for host, inside in found.binds:
        args += ["--ro-bind", sources.get(host, host), inside]
    for path in found.hidden:
        args += ["--ro-bind", "/dev/null", path]
    if found.usr_local_tmpfs:
        args += ["--remount-ro", "/usr/local"]
    return args


def _bwrap_args(
    program: Program, limits: Limits, sources: Mapping[str, str], seccomp_fd: int
) -> list[str]:
    """bubblewrap's command line; `sources` maps each interpreter dir to the path to bind from."""
    bwrap = _bwrap() or "bwrap"
    # no user namespaces inside the sandbox (bubblewrap 0.8 and later)
    nested = ["--disable-userns"] if _bwrap_version(bwrap) >= (0, 8) else []
    args = [
        "--unshare-all",
        "--unshare-user",
        *nested,
        "--as-pid-1",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        *_system_binds(),
        *_interpreter_args(sources),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(limits.shm_bytes),
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
    ]
    for root in program.writable_roots():
        args += ["--size", str(limits.disk_bytes), "--tmpfs", root]
    return [
        *args,
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
        *[arg for name, value in interpreter().env for arg in ("--setenv", name, value)],
        "--seccomp",
        str(seccomp_fd),
    ]


def _data_fd(data: bytes) -> int:
    """A pipe holding `data` (at most a pipe buffer's worth), read end returned."""
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    return read_end


def _etc_binds(program: Program) -> tuple[list[str], list[int]]:
    """`--ro-bind-data` for each /etc file, fed through a pipe; returns (args, fds to pass)."""
    args: list[str] = []
    fds: list[int] = []
    for path, text in program.etc.items():
        # a pipe buffer holds 60k without a reader
        fd = _data_fd(b"" if text is None else text.encode("utf-8")[:60_000])
        fds.append(fd)
        args += ["--perms", "0000" if text is None else "0644", "--ro-bind-data", str(fd), path]
    return args, fds


def command(
    program: Program, limits: Limits = LIMITS, group: cgroups.Group | None = None
) -> tuple[list[str], list[int]]:
    """The full host command line for `program`, and the file descriptors it must inherit.
    The root file system is remounted read-only last, once every mount point exists."""
    bwrap = _bwrap()
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}")
    try:
        filter_fd = _data_fd(seccomp.filter_program())
    except seccomp.SeccompUnavailable as ex:
        raise SandboxUnavailable(str(ex)) from None
    etc_args, fds = _etc_binds(program)
    fds.append(filter_fd)
    tail = [*etc_args, "--remount-ro", "/", "--", interpreter().executable, "-I", "-S", "-c", STUB]
    dirs = sorted({host for host, _ in interpreter().binds})
    join = group.join_command() if group is not None else ""
    if os.geteuid() != 0:
        args = _bwrap_args(program, limits, {d: d for d in dirs}, filter_fd)
        if not join:
            return [bwrap, *args, *tail], fds
        return ["/bin/sh", "-c", f"{join}exec {shlex.join([bwrap, *args, *tail])}"], fds
    staging = {d: f"/run/sandbox-staging/{i}" for i, d in enumerate(dirs)}
    args = _bwrap_args(program, limits, staging, filter_fd)
    uid = ROOT_UID_BASE + random.randrange(100_000_000)
    mounts = "".join(
        f"mkdir -p {shlex.quote(s)} && mount --bind {shlex.quote(d)} {shlex.quote(s)} && "
        for d, s in staging.items()
    )
    script = (
        "set -e; mount -t tmpfs -o mode=0755,size=64k staging /run && "
        + mounts
        + join
        + f"exec setpriv --reuid={uid} --regid={uid} --clear-groups --no-new-privs "
        + "--inh-caps=-all --bounding-set=-all -- "
        + shlex.join([bwrap, *args, *tail])
    )
    unshare = shutil.which("unshare") or "unshare"
    return [unshare, "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script], fds


def _job(program: Program, limits: Limits, nonce: str, grouped: bool) -> bytes:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": program.home,
        "USER": program.user,
        "LOGNAME": program.user,
        "HOSTNAME": program.hostname,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        **dict(interpreter().env),
        **program.env,
    }
    process_limits = asdict(limits)
    if not grouped:  # no cgroup bounds the whole: fewer processes, half the memory, lower priority
        process_limits |= {
            "processes": min(limits.processes, limits.fallback_processes),
            "memory_bytes": limits.memory_bytes // 2,
        }
    process_limits["nice"] = 0 if grouped else 10
    job = {
        "nonce": nonce,
        "argv": list(program.argv),
        "cwd": program.cwd,
        "files": {p: [text, mode] for p, (text, mode) in program.files.items()},
        "roots": program.writable_roots(),
        "env": env,
        "stdin": program.stdin,
        "limits": process_limits,
    }
    launcher = base64.b64encode(LAUNCHER.encode())
    return launcher + b"\n" + json.dumps(job).encode("utf-8", "surrogateescape")


def _report_cap(limits: Limits) -> int:
    """The most the host reads of the launcher's report (JSON may escape each byte as 6)."""
    return 6 * (limits.output_bytes + limits.copy_back_bytes) + (1 << 20)


def _parse(out: bytes, err: bytes, returncode: int | None, nonce: str) -> Run:
    """The launcher's report. No first line with the nonce: the sandbox never started. A first
    line but no complete report: the launcher was killed, and so was the program."""
    head, _, body = out.partition(b"\n")
    if head != nonce.encode():
        detail = err.decode("utf-8", "replace").strip()[:2000] or f"exit status {returncode}"
        raise SandboxUnavailable(f"the sandbox failed to start: {detail}")
    try:
        report = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        report = None
    if not isinstance(report, dict) or report.get("nonce") != nonce:
        return Run(exit_code=137, output="", signal=9)
    status = report["status"]
    if status is None:  # the wall clock ran out before the program could be reaped
        return Run(exit_code=124, output=report["output"], timed_out=True, signal=9)
    signal_number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    code = 128 + signal_number if signal_number is not None else os.WEXITSTATUS(status)
    return Run(
        exit_code=124 if report["timed_out"] else code,
        output=report["output"],
        changed=report["changed"],
        deleted=report["deleted"],
        not_copied=report["not_copied"],
        not_copied_count=report["missed"],
        timed_out=report["timed_out"],
        signal=signal_number,
    )


async def _read_capped(stream: asyncio.StreamReader, cap: int) -> bytes:
    """Reads to the end, keeping at most `cap` bytes (the rest is drained and dropped)."""
    kept = bytearray()
    while chunk := await stream.read(1 << 16):
        if len(kept) < cap:
            kept += chunk[: cap - len(kept)]
    return bytes(kept)


async def _exchange(proc: asyncio.subprocess.Process, job: bytes, cap: int) -> tuple[bytes, bytes]:
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None

    async def feed(stdin: asyncio.StreamWriter) -> None:
        try:
            stdin.write(job)
            await stdin.drain()
            stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            pass  # bubblewrap failed before reading it; its messages say why

    out, err, *_ = await asyncio.gather(
        _read_capped(proc.stdout, cap),
        _read_capped(proc.stderr, MESSAGES_CAP),
        feed(proc.stdin),
        proc.wait(),
    )
    return out, err


def _group(limits: Limits) -> cgroups.Group | None:
    where = cgroups.hierarchy()
    if where is None:
        return None
    try:
        return cgroups.Group(where, limits.memory_bytes, limits.processes, limits.cpus)
    except OSError as ex:
        raise SandboxUnavailable(f"the sandbox's control group could not be made: {ex}") from None


async def run(program: Program, limits: Limits | None = None) -> Run:
    """Runs `program` in a fresh sandbox; raises `SandboxUnavailable` when it cannot be made."""
    limits = limits or LIMITS
    reason = unavailable_reason()
    if reason is not None:
        raise SandboxUnavailable(reason)
    nonce = secrets.token_hex(16)
    group = _group(limits)
    try:
        argv, fds = command(program, limits, group)
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
        job = _job(program, limits, nonce, grouped=group is not None)
        try:
            out, err = await asyncio.wait_for(
                _exchange(proc, job, _report_cap(limits)), limits.wall_s + GRACE_S
            )
        except TimeoutError:
            return Run(exit_code=124, output="", timed_out=True, signal=9)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        return _parse(out, err, proc.returncode, nonce)
    finally:
        if group is not None:
            await group.close()


def run_blocking(program: Program, limits: Limits | None = None) -> Run:
    """`run` for synchronous callers (the emulator's shell).

    From a worker thread of an event loop (`anyio.to_thread.run_sync`), the subprocess runs on
    that loop, so other samples go on while this thread waits; with no event loop, one is
    started for the call. Calling it on an event loop's own thread would stall every sample,
    so that raises."""
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
    program = Program(argv=("true",), cwd="/home/user")
    try:
        argv, fds = command(program)
    except SandboxUnavailable as ex:
        return str(ex)
    nonce = secrets.token_hex(16)
    try:
        done = subprocess.run(
            argv,
            input=_job(program, LIMITS, nonce, grouped=False),
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
        result = _parse(done.stdout, done.stderr, done.returncode, nonce)
    except SandboxUnavailable as ex:
        return str(ex)
    if result.exit_code != 0:
        return f"the sandbox started but a test program failed: {result.output!r}"
    return None


def describe() -> dict[str, object]:
    """What the log records about containment: the tool, whether it works here, the limits."""
    bwrap = _bwrap()
    version = ".".join(map(str, _bwrap_version(bwrap))) if bwrap is not None else ""
    reason = unavailable_reason()
    grouped = cgroups.hierarchy() is not None
    return {
        "tool": f"bubblewrap {version}" if bwrap is not None else "bubblewrap (not installed)",
        "available": reason is None,
        "reason": reason,
        "as_root": os.geteuid() == 0,
        "whole_sandbox_limits": "cgroup v1 (memory, pids, cpu)" if grouped else "none (rlimits)",
        "seccomp_denied": list(seccomp.DENIED),
        "limits": asdict(LIMITS),
    }
