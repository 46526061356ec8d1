"""The request batcher, with a fake backend in place of the model."""

import threading
import time

import anyio
import pytest

from trustbench.providers.local.batcher import Batcher


class FakeBackend:
    """Records each batch; answers `request * 10` after `seconds` of blocking work."""

    def __init__(self, seconds: float = 0.05, fail: bool = False) -> None:
        self.seconds = seconds
        self.fail = fail
        self.batches: list[list] = []
        self.threads: set[int] = set()

    def __call__(self, requests: list) -> list:
        self.batches.append(list(requests))
        self.threads.add(threading.get_ident())
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("backend broke")
        return [value * 10 if isinstance(value, int) else value for value in requests]


async def submit_all(batcher: Batcher, requests: list) -> list:
    results = [None] * len(requests)

    async def one(i: int) -> None:
        results[i] = await batcher.submit(requests[i])

    async with anyio.create_task_group() as group:
        for i in range(len(requests)):
            group.start_soon(one, i)
    return results


async def test_concurrent_requests_are_split_into_full_batches():
    backend = FakeBackend()
    batcher = Batcher(backend, key=lambda r: "same", max_batch_size=8)
    results = await submit_all(batcher, list(range(20)))
    assert results == [i * 10 for i in range(20)]
    assert [len(b) for b in backend.batches] == [8, 8, 4]
    assert sorted(sum(backend.batches, [])) == list(range(20))


async def test_backend_runs_off_the_event_loop_thread():
    backend = FakeBackend()
    await submit_all(Batcher(backend, key=lambda r: 0), [1, 2])
    assert threading.get_ident() not in backend.threads


async def test_requests_with_different_keys_never_share_a_batch():
    backend = FakeBackend()
    batcher = Batcher(backend, key=lambda r: r[0], max_batch_size=4)
    requests = [(kind, i) for i in range(6) for kind in "ab"]
    results = await submit_all(batcher, requests)
    assert results == requests
    for batch in backend.batches:
        assert len({kind for kind, _ in batch}) == 1
    assert sorted(len(b) for b in backend.batches) == [2, 2, 4, 4]


async def test_a_lone_request_runs_after_the_wait():
    backend = FakeBackend(seconds=0)
    batcher = Batcher(backend, key=lambda r: 0, max_batch_size=8, max_wait=0.05)
    start = time.monotonic()
    assert await batcher.submit(7) == 70
    assert 0.04 < time.monotonic() - start < 1
    assert backend.batches == [[7]]


async def test_requests_arriving_during_a_batch_join_the_next_one():
    backend = FakeBackend(seconds=0.3)
    batcher = Batcher(backend, key=lambda r: 0, max_batch_size=8, max_wait=0.01)
    results = []

    async def late(i: int) -> None:
        await anyio.sleep(0.1)  # the first batch is running by now
        results.append(await batcher.submit(i))

    async with anyio.create_task_group() as group:
        group.start_soon(lambda: batcher.submit(0))
        for i in range(1, 6):
            group.start_soon(late, i)
    assert backend.batches == [[0], [1, 2, 3, 4, 5]]
    assert sorted(results) == [10, 20, 30, 40, 50]


async def test_a_backend_error_reaches_every_caller_and_the_batcher_recovers():
    backend = FakeBackend(fail=True)
    batcher = Batcher(backend, key=lambda r: 0)
    errors = []

    async def one(i: int) -> None:
        try:
            await batcher.submit(i)
        except RuntimeError as error:
            errors.append(str(error))

    async with anyio.create_task_group() as group:
        for i in range(3):
            group.start_soon(one, i)
    assert errors == ["backend broke"] * 3
    backend.fail = False
    assert await batcher.submit(4) == 40


@pytest.mark.parametrize("cancelled", [0, 1], ids=["leader", "follower"])
async def test_a_cancelled_request_leaves_its_batch(cancelled):
    backend = FakeBackend(seconds=0)
    batcher = Batcher(backend, key=lambda r: 0, max_batch_size=8, max_wait=0.2)
    results = {}

    async def one(i: int, scope: anyio.CancelScope) -> None:
        with scope:
            results[i] = await batcher.submit(i)

    scopes = [anyio.CancelScope() for _ in range(3)]
    async with anyio.create_task_group() as group:
        for i, scope in enumerate(scopes):
            group.start_soon(one, i, scope)
        await anyio.sleep(0.05)
        scopes[cancelled].cancel()
    survivors = [i for i in range(3) if i != cancelled]
    assert backend.batches == [survivors]
    assert results == {i: i * 10 for i in survivors}


async def test_a_cancelled_leader_does_not_strand_a_running_batch():
    backend = FakeBackend(seconds=0.2)
    batcher = Batcher(backend, key=lambda r: 0, max_batch_size=2)
    results = {}

    async def one(i: int, scope: anyio.CancelScope) -> None:
        with scope:
            results[i] = await batcher.submit(i)

    leader = anyio.CancelScope()
    async with anyio.create_task_group() as group:
        group.start_soon(one, 0, leader)
        group.start_soon(one, 1, anyio.CancelScope())
        await anyio.sleep(0.1)  # the batch [0, 1] is running
        leader.cancel()
    assert backend.batches == [[0, 1]]
    assert results[1] == 10


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError):
        Batcher(FakeBackend(), key=lambda r: 0, max_batch_size=0)
