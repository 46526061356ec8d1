"""LocalModelAPI's plumbing around a scripted fake engine: outputs, usage, tool calls, an eval."""

from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model, modelapi
from inspect_ai.scorer import includes
from inspect_ai.solver import generate, use_tools
from inspect_ai.tool import ToolInfo, ToolParam, ToolParams, tool

from trustbench.errors import TrustbenchError
from trustbench.providers.local import LocalModelAPI
from trustbench.providers.local import api as api_module
from trustbench.providers.local.generation import Completion, Request, Settings
from trustbench.providers.local.prompt import TURN_STOP_SEQS

pytest.importorskip("torch")
pytest.importorskip("transformers")


@modelapi(name="localfake")
def localfake():
    return LocalModelAPI


class FakeEngine:
    """Answers with scripted texts, one per request, and records what it was asked."""

    path = Path("/models/fake")
    has_chat_template = False

    def __init__(self) -> None:
        self.replies: list[str] = []
        self.requests: list[Request] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def generate_batch(self, requests: list[Request]) -> list[Completion]:
        self.requests += requests
        return [
            Completion(self.replies.pop(0), self.count_tokens(r.prompt), 5, "stop", len(requests))
            for r in requests
        ]


@pytest.fixture
def engine(monkeypatch):
    from trustbench.providers.local import engine as engine_module

    fake = FakeEngine()
    monkeypatch.setattr(api_module, "resolve_model_dir", lambda name: fake.path)
    monkeypatch.setattr(engine_module, "load_engine", lambda path, dtype, device: fake)
    return fake


@pytest.fixture
def model(engine):
    return get_model("localfake/fake", memoize=False)


ADD = ToolInfo(
    name="add",
    description="Add two integers.",
    parameters=ToolParams(
        properties={"a": ToolParam(type="integer"), "b": ToolParam(type="integer")},
        required=["a", "b"],
    ),
)


async def test_plain_answer_with_usage_and_model_call(engine, model):
    engine.replies = [" Paris.  "]
    output = await model.generate("Capital of France?", config=GenerateConfig(stop_seqs=["END"]))
    assert output.completion == "Paris."
    assert output.stop_reason == "stop"
    assert output.usage.output_tokens == 5
    assert output.usage.input_tokens == engine.count_tokens(engine.requests[0].prompt)
    request = engine.requests[0]
    assert request.prompt.endswith("User: Capital of France?\n\nAssistant:")
    assert request.stop_seqs == (*TURN_STOP_SEQS, "END")
    assert request.settings == Settings(max_new_tokens=256)


async def test_a_tool_call_in_the_text_becomes_a_tool_call(engine, model):
    engine.replies = ['Adding.\nCALL {"name": "add", "arguments": {"a": 2, "b": 3}}']
    output = await model.generate("What is 2+3?", tools=[ADD])
    assert output.stop_reason == "tool_calls"
    assert output.message.text == "Adding."
    [call] = output.message.tool_calls
    assert (call.function, call.arguments) == ("add", {"a": 2, "b": 3})
    assert "- add: Add two integers." in engine.requests[0].prompt


async def test_a_call_to_an_unknown_tool_stays_text(engine, model):
    engine.replies = ['CALL {"name": "rm", "arguments": {}}']
    output = await model.generate("Clean up", tools=[ADD])
    assert output.message.tool_calls is None
    assert output.completion == 'CALL {"name": "rm", "arguments": {}}'


async def test_no_calls_when_tool_choice_is_none(engine, model):
    engine.replies = ['CALL {"name": "add", "arguments": {"a": 2, "b": 3}}']
    output = await model.generate("What is 2+3?", tools=[ADD], tool_choice="none")
    assert output.message.tool_calls is None
    assert "- add:" not in engine.requests[0].prompt


async def test_token_counting_uses_the_model_tokenizer(engine, model):
    assert await model.count_tokens("one two three") == 3
    assert await model.count_tokens([ChatMessageUser(content="a b")]) == 2


def test_connection_settings(engine):
    api = LocalModelAPI("fake", config=GenerateConfig(), batch_size=4)
    assert api.max_connections() == 8
    assert api.connection_key() == "/models/fake"
    assert api.max_tokens() == 256


async def test_chat_template_format_uses_the_tokenizer_template(engine):
    engine.has_chat_template = True
    engine.apply_chat_template = lambda messages: f"<bos>{messages}"
    engine.replies = ["Hello."]
    api = LocalModelAPI("fake", config=GenerateConfig(), prompt_format="chat_template")
    config = GenerateConfig(stop_seqs=["END"])
    output, call = await api.generate([ChatMessageUser(content="Hi")], [], "auto", config)
    request = engine.requests[0]
    assert request.prompt.startswith("<bos>[{'role': 'system'")
    assert "{'role': 'user', 'content': 'Hi'}" in request.prompt
    assert request.stop_seqs == ("END",)
    assert not request.add_special_tokens
    assert output.completion == "Hello."
    assert call.request["prompt"] == request.prompt


def test_chat_template_needs_a_template(engine):
    with pytest.raises(TrustbenchError, match="no chat template"):
        LocalModelAPI("fake", config=GenerateConfig(), prompt_format="chat_template")


@tool
def add():
    async def execute(a: int, b: int) -> int:
        """Add two integers.

        Args:
            a: First number.
            b: Second number.
        """
        return a + b

    return execute


def test_an_agent_loop_runs_through_the_text_tool_protocol(engine, model):
    engine.replies = ['CALL {"name": "add", "arguments": {"a": 2, "b": 3}}', "The sum is 5."]
    task = Task(
        dataset=[Sample(input="What is 2+3?", target="5")],
        solver=[use_tools(add()), generate()],
        scorer=includes(),
    )
    [log] = eval(task, model=model, display="none")
    assert log.status == "success", log.error
    assert log.results.scores[0].metrics["accuracy"].value == 1.0
    assert "Tool result (add): 5" in engine.requests[1].prompt
