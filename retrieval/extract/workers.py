"""Child processes that extract text under a time budget, killed and replaced when they overrun.

Parsing a hostile page is CPU-bound library code that no thread can stop; a process can be
killed. Workers stay up between requests, so the interpreter start and imports (≈0.5 s) are paid
once per worker rather than once per page. A worker reads a JSON header line and a body on
stdin and answers one JSON line on stdout; it announces `{"ready": true}` once it has started,
and exits when its stdin closes (so it never outlives the process that started it).
"""

from __future__ import annotations

import atexit
import json
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import IO, Any

STARTUP_TIMEOUT_S = 60.0
"""A worker that has not announced itself by then is killed (the budget starts after it has)."""
STDERR_TAIL = 300


class WorkerFailed(Exception):
    """A request got no answer: the worker ran past the budget or died. `reason` says which."""

    def __init__(self, reason: str, *, timed_out: bool) -> None:
        super().__init__(reason)
        self.reason, self.timed_out = reason, timed_out


class Worker:
    """One child process, asked one request at a time."""

    def __init__(self, command: Sequence[str]) -> None:
        self._stderr: IO[bytes] = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        self._expired = False
        with self._deadline(STARTUP_TIMEOUT_S):
            ready = self._answer(STARTUP_TIMEOUT_S, "starting")
        if not ready.get("ready"):
            self.kill()
            raise WorkerFailed(f"did not start: it said {ready}", timed_out=False)

    def ask(self, header: dict[str, Any], body: bytes, budget_s: float) -> dict[str, Any]:
        """The worker's answer to one request, or `WorkerFailed` (the worker is then dead)."""
        stdin = self._process.stdin
        assert stdin is not None
        with self._deadline(budget_s):
            try:
                stdin.write(json.dumps({**header, "size": len(body)}).encode() + b"\n")
                stdin.write(body)
                stdin.flush()
            except OSError:
                pass  # it died or was killed: reading its answer says which
            return self._answer(budget_s, "working")

    @contextmanager
    def _deadline(self, seconds: float) -> Iterator[None]:
        """Kills the worker if the block is still running after `seconds`."""
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _expire(self) -> None:
        self._expired = True
        self._process.kill()

    def _answer(self, budget_s: float, doing: str) -> dict[str, Any]:
        stdout = self._process.stdout
        assert stdout is not None
        line = stdout.readline()
        if line.endswith(b"\n"):
            return json.loads(line)
        returncode = self._process.wait()
        if self._expired:
            self.kill()
            raise WorkerFailed(f"ran past its time budget of {budget_s:g} s", timed_out=True)
        self._stderr.seek(0)
        tail = self._stderr.read().decode("utf-8", "replace")[-STDERR_TAIL:].strip()
        self.kill()
        raise WorkerFailed(f"exited with code {returncode} while {doing}: {tail}", timed_out=False)

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        """Lets the worker finish: its stdin closes and it exits."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._release()

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()
        self._release()

    def _release(self) -> None:
        for stream in (self._process.stdin, self._process.stdout, self._stderr):
            if stream is not None:
                with suppress(OSError):  # a pipe to a killed worker may hold unsent bytes
                    stream.close()


class WorkerPool:
    """Up to `size` workers running `command`, started on demand and reused; a worker that ran
    past its budget or died is replaced by a fresh one on the next request."""

    def __init__(self, command: Sequence[str], size: int) -> None:
        self.command = list(command)
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[Worker] = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    def ask(self, header: dict[str, Any], body: bytes, budget_s: float) -> dict[str, Any]:
        with self._slots:
            worker = self._take()
            answer = worker.ask(header, body, budget_s)
            with self._lock:
                self._idle.append(worker)
            return answer

    def _take(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
                worker.kill()
        return Worker(self.command)

    def close(self) -> None:
        """Ends the idle workers (busy ones end when their request does and stdin closes)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()
