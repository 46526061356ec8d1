"""The sandbox's first process (PID 1 of its namespace), run by the interpreter inside it.

Not imported by trustbench: `sandbox.py` hands this file's text to `python3 -I -S` inside the
sandbox, followed by the job (JSON) on stdin. It lays out the copied files, starts the program
with its limits, enforces the wall clock, ends every other process of the namespace when the
program ends, and reports on its own stdout, which no other process of the sandbox holds.

Why the program cannot forge or suppress the report: the launcher is PID 1 (signals from inside
the namespace that it does not handle never reach it, SIGKILL included), it is not dumpable
(no other process may open its /proc entries or descriptors), and the sandbox's seccomp filter
denies ptrace and process_vm_* to everyone. Its first line (the run's nonce) tells the host it
started; a report without the same nonce is not a report.
"""

import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

PR_SET_DUMPABLE = 4
REPORTED_NAMES = 50
"""At most this many paths in the report's not_copied list (the count is always exact)."""
MAX_PATH = 1024


def prepare(job: dict) -> dict[str, bytes]:
    """Writes the copied files; returns what each held, to tell changes apart afterwards."""
    before = {}
    for root in job["roots"]:
        os.makedirs(root, exist_ok=True)
    for path, (text, mode) in job["files"].items():
        data = text.encode("utf-8", "surrogateescape")
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, mode)
        except OSError:
            continue  # outside the writable roots: the program does not get it
        before[path] = data
    try:
        os.makedirs(job["cwd"], exist_ok=True)
    except OSError:
        pass
    return before


def start(job: dict, limits: dict) -> tuple[int, int]:
    """Forks the program; returns its pid and the read end of its stdout and stderr."""
    stdin_path = f"/tmp/.stdin-{os.getpid()}"
    with open(stdin_path, "wb") as f:
        f.write(job["stdin"].encode("utf-8", "surrogateescape"))
    stdin_fd = os.open(stdin_path, os.O_RDONLY)
    os.unlink(stdin_path)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        os.close(stdin_fd)
        return pid, read_end
    try:
        os.setsid()
        os.dup2(stdin_fd, 0)
        os.dup2(write_end, 1)
        os.dup2(write_end, 2)
        os.closerange(3, 65536)
        for number in (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(number, signal.SIG_DFL)
        # the fork inherited "not dumpable", which also makes /proc/self root's; nothing else
        # runs in the sandbox yet, and exec makes the program dumpable again anyway
        ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")  # under memory pressure the program goes, never the launcher
        if limits["nice"]:
            os.nice(limits["nice"])
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
        os.execvpe(job["argv"][0], job["argv"], job["env"])
    except FileNotFoundError:
        os.write(2, f"bash: {job['argv'][0]}: command not found\n".encode())
        os._exit(127)
    except PermissionError:
        os.write(2, f"bash: {job['argv'][0]}: Permission denied\n".encode())
        os._exit(126)
    except BaseException as ex:
        os.write(2, f"bash: {job['argv'][0]}: {ex}\n".encode())
        os._exit(126)
    raise AssertionError("unreachable")


def supervise(pid: int, read_end: int, limits: dict) -> tuple[int | None, bool, bytes, int]:
    """Collects the program's output (capped) until it ends or the wall clock runs out, then
    kills everything else in the namespace. Returns (status, timed_out, output, size)."""
    os.set_blocking(read_end, False)
    output, size, cap = [], 0, limits["output_bytes"]
    deadline = time.monotonic() + limits["wall_s"]
    status, timed_out = None, False

    def drain() -> None:
        nonlocal size
        while True:
            try:
                chunk = os.read(read_end, 65536)
            except BlockingIOError:
                return
            if not chunk:
                return
            if size < cap:
                output.append(chunk[: cap - size])
            size += len(chunk)

    def reap() -> None:
        nonlocal status
        while True:  # orphans are ours (PID 1): reap them so they do not count as processes
            try:
                done, code = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if done == 0:
                return
            if done == pid:
                status = code

    while status is None:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        select.select([read_end], [], [], min(left, 0.05))
        drain()
        reap()
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            done, code = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        if done == pid and status is None:
            status = code
    drain()
    return status, timed_out, b"".join(output), size


def collect(job: dict, before: dict[str, bytes], limits: dict) -> dict:
    """What changed under the writable roots, within the copy-back budgets."""
    changed: dict[str, str] = {}
    not_copied: list[str] = []
    missed = 0
    budget, files_left, entries_left = (
        limits["copy_back_bytes"],
        limits["copy_back_files"],
        limits["copy_back_files"] * 8,
    )

    def skip(path: str) -> None:
        nonlocal missed
        missed += 1
        if len(not_copied) < REPORTED_NAMES:
            not_copied.append(path[:MAX_PATH])

    stack = list(job["roots"])
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            entries_left -= 1
            if entries_left < 0:
                skip(entry.path)
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            path = entry.path
            if len(path) > MAX_PATH or not entry.is_file(follow_symlinks=False):
                skip(path)
                continue
            try:
                if entry.stat(follow_symlinks=False).st_size > budget or files_left <= 0:
                    skip(path)
                    continue
                with open(path, "rb") as f:
                    data = f.read(budget + 1)
            except OSError:
                skip(path)
                continue
            if before.get(path) != data:
                changed[path] = data.decode("utf-8", "replace")
                budget -= len(data)
                files_left -= 1
    deleted = sorted(p for p in before if not os.path.lexists(p))
    return {"changed": changed, "deleted": deleted, "not_copied": not_copied, "missed": missed}


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # PID 1 ignores what it does not handle
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    job = json.loads(sys.stdin.buffer.read())
    report = sys.stdout.buffer
    report.write(job["nonce"].encode() + b"\n")
    report.flush()
    limits = job["limits"]
    before = prepare(job)
    pid, read_end = start(job, limits)
    status, timed_out, output, size = supervise(pid, read_end, limits)
    text = output.decode("utf-8", "replace")
    if size > len(output):
        text += f"\n[output truncated: {size} bytes]\n"
    result = {"nonce": job["nonce"], "status": status, "timed_out": timed_out, "output": text}
    result.update(collect(job, before, limits))
    report.write(json.dumps(result).encode())
    report.flush()


if __name__ == "__main__":
    main()
