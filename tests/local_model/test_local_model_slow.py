"""The embedded Gemma 3 270M, really loaded, on its default engine (llama.cpp)."""

import anyio
import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.log import resolve_sample_attachments
from inspect_ai.model import GenerateConfig, Model, get_model, modelapi
from inspect_ai.scorer import match
from inspect_ai.solver import generate

from trustbench.providers.local import LocalModelAPI
from trustbench.providers.local.llamacpp_engine import LlamaCppError

pytestmark = pytest.mark.slow

PROMPTS = [
    "What is the capital of France?",
    "Name a colour of the sky.",
    "Write a number between one and ten.",
    "What do bees make?",
]


@modelapi(name="localtest")
def localtest():
    """A test-only name: `local/` itself is registered by trustbench._registry."""
    return LocalModelAPI


@pytest.fixture(scope="module")
def model() -> Model:
    return get_model("localtest/gemma-3-270m", memoize=False)


async def test_greedy_generation_is_deterministic(model):
    config = GenerateConfig(max_tokens=16)
    first = await model.generate(PROMPTS[0], config=config)
    second = await model.generate(PROMPTS[0], config=config)
    assert first.completion.strip()
    assert first.completion == second.completion
    assert first.usage.input_tokens > 10
    assert 0 < first.usage.output_tokens <= 16
    assert first.stop_reason in ("stop", "max_tokens")
    assert "\nUser:" not in first.completion


async def test_sampling_with_a_seed_is_reproducible(model):
    """Reproducible from the same prompt-cache state: the first request computes the prompt
    after the shared preamble, the later ones only its last token, and llama.cpp's arithmetic
    differs slightly between the two (benchmarks/README.md, greedy fidelity)."""
    config = GenerateConfig(max_tokens=12, temperature=0.9, top_p=0.95, seed=7)
    await model.generate(PROMPTS[1], config=config)
    second = await model.generate(PROMPTS[1], config=config)
    third = await model.generate(PROMPTS[1], config=config)
    assert second.completion == third.completion


async def test_max_tokens_bounds_the_generation(model):
    config = GenerateConfig(max_tokens=3)
    output = await model.generate("Count from one to one hundred: one, two,", config=config)
    assert output.usage.output_tokens <= 3


async def test_a_repeated_prefix_is_not_computed_again(model):
    """An agent's next step re-sends the conversation so far: its prefix comes from the cache."""
    history = " ".join(f"Fact {i}: the number {i} is written {i}." for i in range(60))
    config = GenerateConfig(max_tokens=4)
    first = await model.generate(f"{history} What is fact 3?", config=config)
    second = await model.generate(f"{history} What is fact 7?", config=config)
    assert not first.usage.input_tokens_cache_read
    assert second.usage.input_tokens_cache_read > 0.9 * first.usage.input_tokens


async def test_concurrent_requests_each_get_an_answer(model):
    config = GenerateConfig(max_tokens=8)
    outputs: dict[int, str] = {}

    async def one(i: int) -> None:
        outputs[i] = (await model.generate(PROMPTS[i], config=config)).completion

    async with anyio.create_task_group() as group:
        for i in range(len(PROMPTS)):
            group.start_soon(one, i)
    assert all(outputs[i].strip() for i in range(len(PROMPTS)))


async def test_a_prompt_longer_than_the_context_is_a_clear_error(model):
    with pytest.raises(LlamaCppError, match="exceeds the available context size"):
        await model.generate("word " * 40_000, config=GenerateConfig(max_tokens=2))


async def test_tokens_are_counted_by_the_model_tokenizer(model):
    assert await model.count_tokens("Hello world") == 2


def test_an_evaluation_runs_end_to_end(model):
    task = Task(
        dataset=[
            Sample(input="What is 2 + 2? Answer with a number.", target="4"),
            Sample(input="What is 3 + 5? Answer with a number.", target="8"),
        ],
        solver=generate(),
        scorer=match(),
        config=GenerateConfig(max_tokens=24),
    )
    [log] = eval(task, model=model, display="none")
    assert log.status == "success", log.error
    assert len(log.samples) == 2
    samples = [resolve_sample_attachments(sample, "full") for sample in log.samples]
    calls = [event.call for s in samples for event in s.events if event.event == "model"]
    assert all(call.request["prompt"].endswith("Assistant:") for call in calls)
    assert {call.response["engine"] for call in calls} == {"llama.cpp"}
