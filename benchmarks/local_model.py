"""Benchmark for the `local/` provider: load time, decoding speed, and what batching buys.

Run with `.venv/bin/python benchmarks/local_model.py [--dtype float32|bfloat16]`. It prints,
from one run: the load time (a cold GGUF conversion when the cache is empty, else a cached
load), tokens per second for one greedy generation of 64 new tokens, and the throughput of 8
concurrent prompts through the batcher against the same 8 prompts one at a time.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Awaitable, Callable

import anyio

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from trustbench.providers.local import LocalModelAPI  # noqa: E402
from trustbench.providers.local.generation import Completion, Request, Settings  # noqa: E402
from trustbench.providers.local.weights import EMBEDDED_NAME, cache_root  # noqa: E402

NEW_TOKENS = 64
PROMPTS = [
    "The history of the printing press begins",
    "Here is a simple recipe for bread:",
    "def quicksort(items):",
    "The three laws of thermodynamics are",
    "Dear hiring manager,",
    "Photosynthesis is the process by which",
    "Q: Why is the sky blue?\nA:",
    "In the year 2050, cities will",
]


def requests(prompts: list[str], new_tokens: int = NEW_TOKENS) -> list[Request]:
    """No stop sequences, so every row decodes all its tokens unless it emits EOS."""
    return [Request(p, (), Settings(max_new_tokens=new_tokens)) for p in prompts]


async def one_at_a_time(api: LocalModelAPI, batch: list[Request]) -> list[Completion]:
    return [await api.batcher.submit(r) for r in batch]


async def concurrently(api: LocalModelAPI, batch: list[Request]) -> list[Completion]:
    results: list[Completion | None] = [None] * len(batch)

    async def run(i: int) -> None:
        results[i] = await api.batcher.submit(batch[i])

    async with anyio.create_task_group() as group:
        for i in range(len(batch)):
            group.start_soon(run, i)
    return [r for r in results if r is not None]


def timed(
    run: Callable[[LocalModelAPI, list[Request]], Awaitable[list[Completion]]],
    api: LocalModelAPI,
    batch: list[Request],
) -> tuple[list[Completion], float]:
    start = time.perf_counter()
    result = anyio.run(run, api, batch)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    args = parser.parse_args()

    cached = any((cache_root() / "models").glob(f"{EMBEDDED_NAME}-*"))
    start = time.perf_counter()
    api = LocalModelAPI(EMBEDDED_NAME, dtype=args.dtype, batch_size=len(PROMPTS))
    load = time.perf_counter() - start
    import torch  # only now, so the load time above includes importing it

    print(f"dtype: {args.dtype}, torch threads: {torch.get_num_threads()}")
    print(f"load ({'cached' if cached else 'cold: assemble + convert GGUF'}): {load:.1f} s")

    # warm-up: the first pass at each batch shape pays one-off allocation costs
    anyio.run(one_at_a_time, api, requests(PROMPTS[:1], new_tokens=4))
    anyio.run(concurrently, api, requests(PROMPTS, new_tokens=4))
    [single], seconds = timed(one_at_a_time, api, requests(PROMPTS[:1]))
    print(
        f"one greedy generation: {single.output_tokens} tokens in {seconds:.1f} s "
        f"= {single.output_tokens / seconds:.1f} tokens/s"
    )

    serial, serial_s = timed(one_at_a_time, api, requests(PROMPTS))
    batched, batched_s = timed(concurrently, api, requests(PROMPTS))
    serial_rate = sum(c.output_tokens for c in serial) / serial_s
    batched_rate = sum(c.output_tokens for c in batched) / batched_s
    sizes = sorted({c.batch_size for c in batched})
    print(
        f"{len(PROMPTS)} prompts one at a time: {sum(c.output_tokens for c in serial)} tokens "
        f"in {serial_s:.1f} s = {serial_rate:.1f} tokens/s"
    )
    print(
        f"{len(PROMPTS)} prompts concurrently (batch sizes {sizes}): "
        f"{sum(c.output_tokens for c in batched)} tokens in {batched_s:.1f} s "
        f"= {batched_rate:.1f} tokens/s"
    )
    print(f"batching speed-up: {batched_rate / serial_rate:.2f}x")
    same = sum(a.text == b.text for a, b in zip(serial, batched, strict=True))
    print(f"greedy outputs identical batched vs alone: {same}/{len(PROMPTS)}")


if __name__ == "__main__":
    main()
