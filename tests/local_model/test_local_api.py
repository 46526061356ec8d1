"""LocalModelAPI's plumbing around a scripted fake engine: outputs, usage, tool calls, an eval,
and the model args that choose and shape an engine."""

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
from trustbench.providers.local.api import engine_options
from trustbench.providers.local.engine import EngineOptions
from trustbench.providers.local.generation import Completion, Request, Settings
from trustbench.providers.local.prompt import TURN_STOP_SEQS


@modelapi(name="localfake")
def localfake():
    return LocalModelAPI


class FakeEngine:
    """Answers with scripted texts, one per request, and records what it was asked."""

    name = "fake"
    path = Path("/models/fake")
    has_chat_template = False
    max_concurrency = 6

    def __init__(self) -> None:
        self.replies: list[str] = []
        self.requests: list[Request] = []
        self.options: list[EngineOptions] = []

    def tokenize(self, text: str) -> list[int]:
        return [len(word) for word in text.split()]

    async def complete(self, request: Request) -> Completion:
        self.requests.append(request)
        prompt = request.prompt if isinstance(request.prompt, str) else str(request.prompt)
        return Completion(
            self.replies.pop(0),
            len(self.tokenize(prompt)),
            5,
            "stop",
            cached_input_tokens=3,
            details={"slot": 0},
        )


@pytest.fixture
def engine(monkeypatch):
    fake = FakeEngine()

    def load(model, options):
        fake.options.append(options)
        return fake

    monkeypatch.setattr(api_module, "resolve_model", lambda name: fake.path)
    monkeypatch.setattr(api_module, "load_engine", load)
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
    assert output.usage.input_tokens == len(engine.tokenize(engine.requests[0].prompt))
    assert output.usage.input_tokens_cache_read == 3
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
    assert engine.options == [EngineOptions(engine="llama.cpp", batch_size=4)]
    assert api.max_connections() == engine.max_concurrency
    assert api.connection_key() == "fake:/models/fake"
    assert api.max_tokens() == 256


async def test_the_model_call_records_what_the_engine_reports(engine):
    engine.replies = ["Hi."]
    api = LocalModelAPI("fake", config=GenerateConfig())
    _, call = await api.generate([ChatMessageUser(content="Hi")], [], "auto", GenerateConfig())
    assert call.response["engine"] == "fake"
    assert call.response["slot"] == 0
    assert call.request["prompt"].endswith("User: Hi\n\nAssistant:")


async def test_chat_template_format_hands_the_engine_the_messages(engine):
    engine.has_chat_template = True
    engine.replies = ["Hello."]
    api = LocalModelAPI("fake", config=GenerateConfig(), prompt_format="chat_template")
    config = GenerateConfig(stop_seqs=["END"])
    output, call = await api.generate([ChatMessageUser(content="Hi")], [], "auto", config)
    request = engine.requests[0]
    [(system, _), user] = request.prompt
    assert system == "system"
    assert user == ("user", "Hi")
    assert request.stop_seqs == ("END",)
    assert output.completion == "Hello."
    assert call.request["prompt"][1] == {"role": "user", "content": "Hi"}


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


def test_the_engine_follows_the_kind_of_model(tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert engine_options(gguf, {}) == EngineOptions(engine="llama.cpp")
    assert engine_options(tmp_path, {}) == EngineOptions(engine="transformers")
    options = engine_options(gguf, {"engine": "transformers", "dtype": "bfloat16"})
    assert options == EngineOptions(engine="transformers", dtype="bfloat16")
    assert engine_options(gguf, {"threads": "1"}).threads == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"dtype": "bfloat16"}, "Unknown model args for engine=llama.cpp: dtype"),
        ({"engine": "vllm"}, "engine must be one of llama.cpp, transformers"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"engine": "transformers", "threads": 2}, "engine=transformers: threads"),
    ],
)
def test_engine_args_are_checked_before_loading(tmp_path, args, message):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(TrustbenchError, match=message):
        engine_options(gguf, args)


def test_llama_cpp_refuses_a_model_directory(tmp_path):
    from trustbench.providers.local.engine import load_engine

    with pytest.raises(TrustbenchError, match="engine=llama.cpp reads GGUF files"):
        load_engine(tmp_path, EngineOptions(engine="llama.cpp"))
