"""One control group per sandbox run: its memory (tmpfs pages included), process count and CPU
share as a whole, not per process.

Used where trustbench runs as root on a host whose cgroup v1 memory, pids and cpu controllers
are mounted writable (as in this project's containers). cgroup v2 needs a delegated subtree
whose own processes live elsewhere (the "no internal processes" rule), which a harness cannot
arrange without moving itself, so v2-only hosts and unprivileged users fall back to the
per-process limits (see `sandbox.py` and the README).
"""

from __future__ import annotations

import asyncio
import functools
import os
import secrets
import signal
from dataclasses import dataclass

CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class Hierarchy:
    """Where each controller's per-run groups are made (this process's own group in it)."""

    parents: dict[str, str]


def _mounts() -> dict[str, str]:
    """Mount point of each cgroup v1 controller, from /proc/self/mountinfo."""
    found: dict[str, str] = {}
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            dash = fields.index("-")
            if fields[dash + 1] != "cgroup":
                continue
            for option in fields[dash + 3].split(","):
                if option in CONTROLLERS:
                    found.setdefault(option, fields[4])
    return found


def _own_groups() -> dict[str, str]:
    groups: dict[str, str] = {}
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, names, path = line.rstrip("\n").split(":", 2)
            for name in names.split(","):
                groups[name] = path
    return groups


@functools.cache
def hierarchy() -> Hierarchy | None:
    """The writable cgroup v1 hierarchy, or None where per-run groups cannot be made here."""
    if os.geteuid() != 0:
        return None
    try:
        mounts, own = _mounts(), _own_groups()
    except (OSError, ValueError):
        return None
    if any(c not in mounts or c not in own for c in CONTROLLERS):
        return None
    parents = {c: os.path.join(mounts[c], own[c].lstrip("/")) for c in CONTROLLERS}
    probe = [os.path.join(p, f"sandbox-probe-{secrets.token_hex(4)}") for p in parents.values()]
    try:
        for path in probe:
            os.mkdir(path)
    except OSError:
        return None
    finally:
        _remove(probe)
    return Hierarchy(parents)


def _remove(dirs: list[str]) -> None:
    for path in dirs:
        try:
            os.rmdir(path)
        except OSError:
            continue  # never made, or still busy (a process stuck in the kernel)


class Group:
    """A fresh group under each controller, with the sandbox's limits written in."""

    dirs: dict[str, str]

    def __init__(self, where: Hierarchy, memory_bytes: int, processes: int, cpus: float) -> None:
        name = f"sandbox-{secrets.token_hex(8)}"
        self.dirs = {c: os.path.join(p, name) for c, p in where.parents.items()}
        try:
            for path in self.dirs.values():
                os.mkdir(path)
            self._write("memory", "memory.limit_in_bytes", memory_bytes)
            if os.path.exists(os.path.join(self.dirs["memory"], "memory.memsw.limit_in_bytes")):
                self._write("memory", "memory.memsw.limit_in_bytes", memory_bytes)  # no swap
            self._write("pids", "pids.max", processes)
            self._write("cpu", "cpu.cfs_period_us", CPU_PERIOD_US)
            self._write("cpu", "cpu.cfs_quota_us", max(1000, int(cpus * CPU_PERIOD_US)))
        except OSError:
            _remove(list(self.dirs.values()))
            raise

    def _write(self, controller: str, name: str, value: int) -> None:
        with open(os.path.join(self.dirs[controller], name), "w") as f:
            f.write(str(value))

    def join_command(self) -> str:
        """Shell text that moves the shell itself (and so all it starts) into the group."""
        return "".join(f"echo $$ > '{d}/cgroup.procs' && " for d in self.dirs.values())

    def pids(self) -> list[int]:
        found: set[int] = set()
        for path in self.dirs.values():
            try:
                with open(os.path.join(path, "cgroup.procs")) as f:
                    found.update(int(line) for line in f if line.strip())
            except OSError:
                continue
        return sorted(found)

    async def close(self) -> None:
        """Kills whatever is still in the group, then removes it."""
        for _ in range(200):
            left = self.pids()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
            await asyncio.sleep(0.01)
        _remove(list(self.dirs.values()))
