"""Collects concurrent requests into batches for one blocking backend call at a time.

Inspect calls `generate()` concurrently for many samples. On a CPU one forward pass over eight
left-padded prompts costs little more than over one (decoding is bound by reading the weights),
so the requests are gathered: the first request of a group waits up to `max_wait` seconds (or
until `max_batch_size` requests share its key), then takes the lock and runs the whole group in
a worker thread, keeping the event loop free. Requests that arrive while a batch runs join the
next one, so a busy model naturally gets full batches.

There is no background task: the first waiting request of each group leads it, and when it
leaves (its batch taken, or cancelled) it hands the lead to the next one in the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import anyio
import anyio.to_thread

Req = TypeVar("Req")
Res = TypeVar("Res")


@dataclass(eq=False)
class _Item(Generic[Req, Res]):
    request: Req
    key: Hashable
    wake: anyio.Event = field(default_factory=anyio.Event)
    """Set when the result is in, or when this item becomes its group's leader."""
    full: anyio.Event = field(default_factory=anyio.Event)
    """Set when the group behind this (leading) item reaches the batch size."""
    leader: bool = False
    done: bool = False
    result: Res | None = None
    error: BaseException | None = None


class Batcher(Generic[Req, Res]):
    """Batches requests with equal `key(request)` into calls of `run_batch` (in a thread)."""

    def __init__(
        self,
        run_batch: Callable[[list[Req]], list[Res]],
        key: Callable[[Req], Hashable],
        max_batch_size: int = 8,
        max_wait: float = 0.02,
    ) -> None:
        if max_batch_size < 1:
            raise ValueError("max_batch_size must be at least 1")
        self._run_batch = run_batch
        self._key = key
        self.max_batch_size = max_batch_size
        self.max_wait = max_wait
        self._queues: dict[Hashable, list[_Item[Req, Res]]] = {}
        self._lock = anyio.Lock()
        """One backend call at a time: the model gains nothing from two competing threads."""

    async def submit(self, request: Req) -> Res:
        """Wait for `request`'s turn in a batch and return its own result."""
        item: _Item[Req, Res] = _Item(request, self._key(request))
        queue = self._queues.setdefault(item.key, [])
        queue.append(item)
        if len(queue) == 1:
            item.leader = True
        elif len(queue) >= self.max_batch_size:
            queue[0].full.set()
        try:
            if not item.leader:
                await item.wake.wait()
            if not item.done:
                await self._lead(item)
        except anyio.get_cancelled_exc_class():
            self._withdraw(item)
            raise
        if item.error is not None:
            raise item.error
        assert item.result is not None, "_run sets a result or an error before `done`"
        return item.result

    async def _lead(self, item: _Item[Req, Res]) -> None:
        with anyio.move_on_after(self.max_wait):
            await item.full.wait()
        async with self._lock:
            queue = self._queues[item.key]
            batch = queue[: self.max_batch_size]
            del queue[: self.max_batch_size]
            if queue:
                self._promote(queue[0])
            else:
                del self._queues[item.key]
            # Once taken, the batch runs to the end even if the leader is cancelled: the other
            # requests in it are waiting for their results.
            with anyio.CancelScope(shield=True):
                await self._run(batch)

    async def _run(self, batch: list[_Item[Req, Res]]) -> None:
        try:
            results = await anyio.to_thread.run_sync(self._run_batch, [i.request for i in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"batch of {len(batch)} returned {len(results)} results")
        except Exception as error:  # every caller in the batch gets the backend's error
            for waiting in batch:
                waiting.error = error
        else:
            for waiting, result in zip(batch, results, strict=True):
                waiting.result = result
        for waiting in batch:
            waiting.done = True
            waiting.wake.set()

    def _promote(self, item: _Item[Req, Res]) -> None:
        item.leader = True
        if len(self._queues[item.key]) >= self.max_batch_size:
            item.full.set()
        item.wake.set()

    def _withdraw(self, item: _Item[Req, Res]) -> None:
        """A cancelled request leaves its queue (if its batch has not been taken yet)."""
        queue = self._queues.get(item.key)
        if queue is None or item not in queue:
            return
        position = queue.index(item)
        queue.remove(item)
        if not queue:
            del self._queues[item.key]
        elif position == 0:
            self._promote(queue[0])
