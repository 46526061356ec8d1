"""The embedded Gemma 3 270M, really loaded (the first run converts it: about a minute, once)."""

import anyio
import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.log import resolve_sample_attachments
from inspect_ai.model import GenerateConfig, Model, get_model, modelapi
from inspect_ai.scorer import match
from inspect_ai.solver import generate

from trustbench.providers.local import LocalModelAPI

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


async def test_sampling_with_a_seed_is_reproducible(model):
    config = GenerateConfig(max_tokens=12, temperature=0.9, top_p=0.95, seed=7)
    first = await model.generate(PROMPTS[1], config=config)
    second = await model.generate(PROMPTS[1], config=config)
    assert first.completion == second.completion


async def test_a_batch_answers_as_one_request_at_a_time_would(model):
    config = GenerateConfig(max_tokens=16)
    alone = [(await model.generate(p, config=config)).completion for p in PROMPTS]
    outputs: dict[int, str] = {}

    async def one(i: int) -> None:
        outputs[i] = (await model.generate(PROMPTS[i], config=config)).completion

    async with anyio.create_task_group() as group:
        for i in range(len(PROMPTS)):
            group.start_soon(one, i)
    assert [outputs[i] for i in range(len(PROMPTS))] == alone


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
    assert {call.response["batch_size"] for call in calls} == {2}
