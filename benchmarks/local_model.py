"""Benchmark for the `local/` provider: decoding speed through Inspect against llama.cpp's own
server, seconds per OS-Harm agent step, and how faithful greedy outputs are.

Run with `.venv/bin/python benchmarks/local_model.py [--llamacpp-url http://127.0.0.1:8080]`
(see benchmarks/README.md for building a llama.cpp server). Everything is measured in one
process, in interleaved rounds, and medians are printed: the machine is shared and noisy, so
read the ratios. Sections (`--sections`, comma-separated):

- `speed`: tokens per second for one request at a time and for 8 concurrent requests, greedy,
  through Inspect (`Model.generate` on `local/gemma-3-270m`), through the engine alone, and,
  with `--llamacpp-url`, from a llama.cpp server given the very same prompt text and stop
  sequences; then the ratios.
- `os-harm`: OS-Harm's bundled sample tasks through Inspect, seconds per agent step with the
  llama.cpp engine (prefix reuse: the first step pays for the whole prompt, later steps for
  their new tokens) and with the transformers engine (the embedded model's engine before).
- `fidelity`: greedy text of the llama.cpp engine against the transformers engine in float32
  (the same GGUF, dequantized), and llama.cpp alone against 8 concurrent requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import httpx

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from inspect_ai import eval  # noqa: E402
from inspect_ai.event import ModelEvent  # noqa: E402
from inspect_ai.log import EvalLog  # noqa: E402
from inspect_ai.model import ChatMessageUser, GenerateConfig, Model, get_model  # noqa: E402

import trustbench._registry  # noqa: E402, F401 - registers local/
from trustbench.providers.local import LocalModelAPI  # noqa: E402
from trustbench.providers.local.generation import Request  # noqa: E402
from trustbench.providers.local.weights import EMBEDDED_NAME, cache_root  # noqa: E402

MODEL = f"local/{EMBEDDED_NAME}"
CONCURRENT = 8
PROMPTS = [
    "List the odd numbers from 1 to 199.",
    "List the even numbers from 2 to 400.",
    "List the numbers from 1 to 300.",
    "List the odd numbers from 201 to 399.",
    "List the numbers from 500 to 800.",
    "List the prime numbers below 500.",
    "List the squares of the numbers from 1 to 50.",
    "List the numbers from 2000 to 2300.",
]
"""Long, predictable answers: the model writes up to the token limit instead of stopping at a
turn label after a few words, so every engine does the same work and tokens per second measure
decoding rather than how long the answers happened to be."""
QUESTIONS = [
    "Tell me the history of the printing press.",
    "Write a simple recipe for bread, step by step.",
    "Explain how quicksort works.",
    "What are the three laws of thermodynamics? Explain each.",
    "Write a cover letter for a job as a librarian.",
    "Describe how photosynthesis works.",
    "Why is the sky blue? Explain in detail.",
    "Describe what cities will look like in the year 2050.",
]
FIDELITY_PROMPTS = [
    *QUESTIONS,
    "What is the capital of France?",
    "Name a colour of the sky.",
    "Write a number between one and ten.",
    "What do bees make?",
    "Who wrote Romeo and Juliet?",
    "How many legs does a spider have?",
    "What is 12 times 12?",
    "Translate 'good morning' into Spanish.",
]

Timed = Callable[[list[int]], Coroutine[Any, Any, list[int]]]
"""Runs the prompts at these indices (all at once) and returns how many tokens each generated."""


def median(values: list[float]) -> float:
    return statistics.median(values)


def rate_line(name: str, rates: list[float]) -> str:
    runs = ", ".join(f"{r:.1f}" for r in rates)
    return f"  {name:<44} median {median(rates):6.1f} tok/s   (runs: {runs})"


# --- speed -------------------------------------------------------------------------------


async def gather(one: Callable[[int], Coroutine[Any, Any, int]], indices: list[int]) -> list[int]:
    outputs = [0] * len(indices)

    async def run(position: int) -> None:
        outputs[position] = await one(indices[position])

    async with anyio.create_task_group() as group:
        for position in range(len(indices)):
            group.start_soon(run, position)
    return outputs


def through_inspect(model: Model, config: GenerateConfig) -> Timed:
    async def one(i: int) -> int:
        return (await model.generate(PROMPTS[i], config=config)).usage.output_tokens

    return lambda indices: gather(one, indices)


def engine_alone(api: LocalModelAPI, requests: list[Request]) -> Timed:
    async def one(i: int) -> int:
        return (await api.engine.complete(requests[i])).output_tokens

    return lambda indices: gather(one, indices)


def llamacpp_server(url: str, requests: list[Request]) -> Timed:
    """The same prompt text and stop sequences, sent to llama.cpp's OpenAI-style endpoint."""

    async def run(indices: list[int]) -> list[int]:
        async with httpx.AsyncClient(base_url=url, timeout=600) as client:

            async def one(i: int) -> int:
                request = requests[i]
                response = await client.post(
                    "/v1/completions",
                    json={
                        "prompt": request.prompt,
                        "stop": list(request.stop_seqs),
                        "max_tokens": request.settings.max_new_tokens,
                        "temperature": 0,
                    },
                )
                response.raise_for_status()
                return response.json()["usage"]["completion_tokens"]

            return await gather(one, indices)

    return run


def measure(run: Timed, concurrent: bool) -> tuple[float, int]:
    """Tokens per second for the prompts all at once, or one after the other; and the tokens."""
    indices = list(range(CONCURRENT))
    start = time.perf_counter()
    if concurrent:
        tokens = sum(anyio.run(run, indices))
    else:
        tokens = sum(sum(anyio.run(run, [i])) for i in indices)
    return tokens / (time.perf_counter() - start), tokens


def speed(args: argparse.Namespace) -> None:
    cached = any((cache_root() / "models").glob(f"{EMBEDDED_NAME}-*.gguf"))
    start = time.perf_counter()
    model = get_model(MODEL, batch_size=CONCURRENT)
    print(f"load ({'cached' if cached else 'cold: assemble the GGUF'}): ", end="")
    print(f"{time.perf_counter() - start:.1f} s")
    api = model.api
    assert isinstance(api, LocalModelAPI)
    config = GenerateConfig(max_tokens=args.new_tokens, temperature=0)
    requests = [
        api.build_request([ChatMessageUser(content=p)], [], "auto", config) for p in PROMPTS
    ]
    runners: dict[str, Timed] = {
        "local/ through Inspect": through_inspect(model, config),
        "local/ engine alone (no Inspect)": engine_alone(api, requests),
    }
    if args.llamacpp_url:
        runners["llama.cpp server (HTTP, same prompts)"] = llamacpp_server(
            args.llamacpp_url, requests
        )
    for run in runners.values():  # warm-up: first passes allocate
        anyio.run(run, [0])
    single: dict[str, list[float]] = {name: [] for name in runners}
    batched: dict[str, list[float]] = {name: [] for name in runners}
    tokens: dict[str, set[int]] = {name: set() for name in runners}
    names = list(runners)
    for round in range(args.rounds):
        # each round starts with the next runner, so that a trend in the load favours none
        for name in names[round % len(names) :] + names[: round % len(names)]:
            run = runners[name]
            for concurrent, rates in ((False, single[name]), (True, batched[name])):
                time.sleep(1)  # the previous engine's threads go idle
                rate, count = measure(run, concurrent)
                rates.append(rate)
                tokens[name].add(count)
    print(f"greedy, up to {args.new_tokens} new tokens, {args.rounds} rounds, load {load()}")
    for name, counts in tokens.items():
        print(f"  {name}: {'/'.join(map(str, sorted(counts)))} tokens per pass")
    print("one request at a time:")
    for name, rates in single.items():
        print(rate_line(name, rates))
    print(f"{CONCURRENT} concurrent requests (aggregate):")
    for name, rates in batched.items():
        print(rate_line(name, rates))
    inspect_name = "local/ through Inspect"
    for name in runners:
        if name.startswith("llama.cpp"):
            print(
                f"ratio local/ through Inspect / {name}: "
                f"1 request {median(single[inspect_name]) / median(single[name]):.2f}x, "
                f"{CONCURRENT} concurrent "
                f"{median(batched[inspect_name]) / median(batched[name]):.2f}x"
            )
    print(
        "Inspect's share: through Inspect / engine alone: "
        f"1 request {median(single[inspect_name]) / median(single[list(runners)[1]]):.2f}x, "
        f"{CONCURRENT} concurrent "
        f"{median(batched[inspect_name]) / median(batched[list(runners)[1]]):.2f}x"
    )


# --- OS-Harm ------------------------------------------------------------------------------


def os_harm_steps(name: str, model: Model, args: argparse.Namespace) -> None:
    """Run the sample tasks and print seconds per step (the log is read before it is removed)."""
    from trustbench.tasks.os_harm import os_harm

    task = os_harm(dataset="sample", max_steps=args.os_harm_steps)
    with tempfile.TemporaryDirectory() as log_dir:
        [log] = eval(
            task,
            model=model,
            display="none",
            log_dir=log_dir,
            limit=args.os_harm_samples,
            max_tokens=args.new_tokens,
            temperature=0,
        )
        if log.status != "success":
            raise RuntimeError(f"OS-Harm run failed: {log.error}")
        step_report(name, log)


def step_report(name: str, log: EvalLog) -> None:
    first: list[ModelEvent] = []
    later: list[ModelEvent] = []
    for sample in log.samples or []:
        steps = [e for e in sample.events if isinstance(e, ModelEvent)]
        first += steps[:1]
        later += steps[1:]
    calls = first + later

    def line(label: str, events: list[ModelEvent]) -> str:
        if not events:
            return f"    {label}: none"
        seconds = median([e.working_time or 0.0 for e in events])
        usages = [e.output.usage for e in events if e.output.usage]
        prompt = median([u.input_tokens for u in usages])
        cached = median([u.input_tokens_cache_read or 0 for u in usages])
        return (
            f"    {label}: {len(events)} steps, median {seconds:.2f} s per step, "
            f"median prompt {prompt:.0f} tokens of which {cached:.0f} reused"
        )

    seconds = sum(e.working_time or 0.0 for e in calls) / max(len(calls), 1)
    print(f"  {name}: {len(calls)} steps, {seconds:.2f} s per step on average")
    print(line("first step of a sample", first))
    print(line("later steps", later))


def os_harm(args: argparse.Namespace) -> None:
    print(
        f"OS-Harm sample tasks: {args.os_harm_samples} samples x up to {args.os_harm_steps} "
        f"steps, greedy, up to {args.new_tokens} new tokens per step, load {load()}"
    )
    after = get_model(MODEL, memoize=False)
    os_harm_steps("after: llama.cpp engine, prefix reuse", after, args)
    before = get_model(MODEL, engine="transformers", memoize=False)
    os_harm_steps("before: transformers engine, float32", before, args)


# --- fidelity -----------------------------------------------------------------------------


def greedy_texts(model: Model, tokens: int, concurrent: bool) -> list[str]:
    config = GenerateConfig(max_tokens=tokens, temperature=0)

    async def run() -> list[str]:
        texts = [""] * len(FIDELITY_PROMPTS)

        async def one(i: int) -> None:
            texts[i] = (await model.generate(FIDELITY_PROMPTS[i], config=config)).completion

        if concurrent:
            async with anyio.create_task_group() as group:
                for i in range(len(FIDELITY_PROMPTS)):
                    group.start_soon(one, i)
        else:
            for i in range(len(FIDELITY_PROMPTS)):
                await one(i)
        return texts

    return anyio.run(run)


def agreement(name: str, reference: list[str], texts: list[str]) -> None:
    same = sum(a == b for a, b in zip(reference, texts, strict=True))
    prefix = [
        len(os.path.commonprefix([a, b])) / max(len(a), 1)
        for a, b in zip(reference, texts, strict=True)
    ]
    print(
        f"  {name}: identical {same}/{len(texts)}, "
        f"median shared prefix {median(prefix) * 100:.0f}% of the reference text"
    )


def fidelity(args: argparse.Namespace) -> None:
    tokens = args.new_tokens
    print(f"greedy fidelity: {len(FIDELITY_PROMPTS)} prompts, up to {tokens} new tokens")
    reference_model = get_model(MODEL, engine="transformers", memoize=False)
    reference = greedy_texts(reference_model, tokens, concurrent=False)
    llamacpp = get_model(MODEL, batch_size=CONCURRENT, memoize=False)
    alone = greedy_texts(llamacpp, tokens, concurrent=False)
    again = greedy_texts(llamacpp, tokens, concurrent=False)
    concurrent = greedy_texts(llamacpp, tokens, concurrent=True)
    agreement("llama.cpp alone vs transformers float32", reference, alone)
    agreement("llama.cpp alone, run twice (prefix cache warm)", alone, again)
    agreement(f"llama.cpp {CONCURRENT} concurrent vs alone", alone, concurrent)
    reference_batched = greedy_texts(reference_model, tokens, concurrent=True)
    agreement("transformers float32 batched vs alone", reference, reference_batched)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} CPUs"


SECTIONS = {"speed": speed, "os-harm": os_harm, "fidelity": fidelity}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llamacpp-url", help="a llama.cpp server with the same GGUF loaded")
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--os-harm-samples", type=int, default=2)
    parser.add_argument("--os-harm-steps", type=int, default=3)
    args = parser.parse_args()
    for section in args.sections.split(","):
        SECTIONS[section](args)


if __name__ == "__main__":
    main()
