"""The Ray side: the shard task, the cluster-wide provider gate and the progress counter.

Ray schedules the shards, retries a shard whose worker or node died, and hosts the two actors
every worker talks to; this module only adapts our plain objects to it."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import ray
from ray.actor import ActorProxy

from trustbench.scale.limits import ProviderGate, ProviderLimit
from trustbench.scale.worker import ShardJob, ShardOutcome, run_shard

SHARD_RETRIES = 3
"""Ray reruns a shard whose worker process or node died this many times; the rerun resumes the
shard's log, so samples already written are not run (or counted) again."""


# The actors are plain classes wrapped by ray.remote(...), not decorated: a type checker applies
# no class decorator, so only the wrapped form has the ActorClass (and `.remote`) Ray returns.


class SharedGate:
    """One `ProviderGate` for the cluster; waiting callers park here without holding a thread."""

    def __init__(self, limits: dict[str, ProviderLimit]) -> None:
        self._gate = ProviderGate(limits)
        self._changed = asyncio.Condition()

    @ray.method
    async def acquire(self, provider: str, default_connections: int | None) -> None:
        async with self._changed:
            while True:
                wait = self._gate.wait_time(provider, time.monotonic(), default_connections)
                if wait == 0:
                    self._gate.admit(provider, time.monotonic())
                    return
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout=wait)
                except TimeoutError:
                    pass

    @ray.method
    async def release(
        self, provider: str, tokens: int, rate_limited: bool, retry_after: float | None
    ) -> None:
        async with self._changed:
            self._gate.release(
                provider,
                time.monotonic(),
                tokens=tokens,
                rate_limited=rate_limited,
                retry_after=retry_after,
            )
            self._changed.notify_all()

    @ray.method
    async def stats(self) -> dict[str, dict[str, int]]:
        return self._gate.stats()


GateActor = ray.remote(num_cpus=0)(SharedGate)


class SharedProgress:
    """Samples and errors done per shard, for the live progress line."""

    def __init__(self) -> None:
        self._samples: Counter[str] = Counter()
        self._errors: Counter[str] = Counter()

    @ray.method
    def samples_done(self, shard: str, samples: int, errors: int) -> None:
        self._samples[shard] += samples
        self._errors[shard] += errors

    @ray.method
    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        return dict(self._samples), dict(self._errors)


ProgressActor = ray.remote(num_cpus=0)(SharedProgress)


class _ActorGate:
    def __init__(self, actor: ActorProxy[SharedGate]) -> None:
        self._actor = actor

    async def acquire(self, provider: str, default_connections: int | None) -> None:
        await self._actor.acquire.remote(provider, default_connections)

    def release(
        self, provider: str, tokens: int, rate_limited: bool, retry_after: float | None
    ) -> None:
        self._actor.release.remote(provider, tokens, rate_limited, retry_after)


class _ActorProgress:
    def __init__(self, actor: ActorProxy[SharedProgress]) -> None:
        self._actor = actor

    def samples_done(self, shard: str, samples: int, errors: int) -> None:
        self._actor.samples_done.remote(shard, samples, errors)


@ray.remote(num_cpus=1, max_retries=SHARD_RETRIES, retry_exceptions=False)
def shard_task(
    job: ShardJob, gate: ActorProxy[SharedGate], progress: ActorProxy[SharedProgress]
) -> ShardOutcome:
    return run_shard(job, _ActorGate(gate), _ActorProgress(progress))
