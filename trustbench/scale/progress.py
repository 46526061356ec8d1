"""Progress across the cluster: workers count finished samples through an Inspect hook, the
driver shows shards done, samples done, errors and an ETA on the terminal."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from inspect_ai.hooks import Hooks, SampleEnd, hooks

FLUSH_S = 1.0
"""Counts go to the driver at most this often (and when the shard ends), not once a sample."""


@dataclass
class _Reporter:
    sink: Any
    shard: str
    samples: int = 0
    errors: int = 0
    flushed: float = 0.0

    def count(self, errored: bool) -> None:
        self.samples += 1
        self.errors += int(errored)
        if time.monotonic() - self.flushed >= FLUSH_S:
            self.flush()

    def flush(self) -> None:
        if self.samples:
            self.sink.samples_done(self.shard, self.samples, self.errors)
        self.samples = self.errors = 0
        self.flushed = time.monotonic()


_current: _Reporter | None = None
"""The shard this worker process runs now: a Ray worker runs one task at a time."""


@contextmanager
def reporting_to(sink: Any, shard: str) -> Iterator[None]:
    global _current
    _current = _Reporter(sink, shard, flushed=time.monotonic()) if sink is not None else None
    try:
        yield
    finally:
        if _current is not None:
            _current.flush()
        _current = None


@hooks(name="trustbench_shard_progress", description="Counts finished samples of a shard.")
class ShardProgress(Hooks):
    def enabled(self) -> bool:
        return _current is not None

    async def on_sample_end(self, data: SampleEnd) -> None:
        if _current is not None:
            _current.count(data.sample.error is not None)


@dataclass
class ClusterProgress:
    """What the driver knows: finished shards exactly, running ones from the workers' counts."""

    shards: int
    samples: int
    workers: int
    started: float

    def line(
        self, shards_done: int, samples_done: int, errors: int, failed: int, now: float
    ) -> str:
        elapsed = now - self.started
        eta = "?"
        if samples_done and samples_done < self.samples:
            eta = _clock(elapsed / samples_done * (self.samples - samples_done))
        elif samples_done >= self.samples:
            eta = "0:00:00"
        parts = [
            f"shards {shards_done}/{self.shards}",
            f"samples {samples_done}/{self.samples}",
            f"errors {errors}",
        ]
        if failed:
            parts.append(f"failed shards {failed}")
        parts += [f"workers {self.workers}", f"elapsed {_clock(elapsed)}", f"ETA {eta}"]
        return " · ".join(parts)


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
