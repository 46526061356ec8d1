"""Models as a run serves them, against a fake OpenAI-compatible server on loopback: the tool
protocol chosen by a probe, tools through the text protocol, requests that cannot succeed not
retried, the health watch, the run facts, and `doctor`'s checks with a short timeout."""

import asyncio
import json
import time

import pytest
from fake_openai import SERVED_MODEL, fake_openai_server
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig
from inspect_ai.tool import ToolInfo, ToolParam, ToolParams

from trustbench.catalog import load_catalog
from trustbench.doctor import check_api_key, check_model_reachable
from trustbench.errors import TrustbenchError
from trustbench.providers.served import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ModelRequestRejected,
    ProviderNotReady,
    RequestLimits,
    ServerHealth,
    load_model,
    serve,
    tool_protocol_arg,
)
from trustbench.providers.tool_text import format_call
from trustbench.runner import plan_run

MODEL = "openai-api/fake/m"
QUICK = RequestLimits(timeout=3, max_retries=1)
WEATHER = ToolInfo(
    name="weather",
    description="Current weather for a city.",
    parameters=ToolParams(properties={"city": ToolParam(type="string")}, required=["city"]),
)


@pytest.fixture
def server(monkeypatch):
    with fake_openai_server() as fake:
        monkeypatch.setenv("FAKE_BASE_URL", fake.base_url)
        monkeypatch.setenv("FAKE_API_KEY", "unused")
        yield fake


def never(_):
    raise AssertionError("the run was ended")


def served(model=MODEL, model_args=None, *, tools=True, on_down=never):
    return serve(model, model_args or {}, QUICK, needs_tools=tools, on_down=on_down)


def generate(model, messages, tools=(), config=GenerateConfig()):
    async def call():
        return await model.generate(list(messages), tools=list(tools), config=config)

    return asyncio.run(call())


def test_a_server_that_returns_tool_calls_keeps_native_tools(server):
    server.tool_call = lambda request: {"name": "report_number", "arguments": {"number": 7}}
    result = served()
    assert result.facts.tool_protocol == "native" and result.facts.tool_protocol_source == "probe"
    assert result.facts.base_url == server.base_url
    assert result.facts.served_model == SERVED_MODEL
    assert server.requests[0]["tools"][0]["function"]["name"] == "report_number"


def test_a_server_that_drops_tools_gets_the_text_protocol(server):
    server.native_tools = False
    result = served()
    assert (result.facts.tool_protocol, result.facts.tool_protocol_source) == ("text", "probe")
    server.reply = lambda request: format_call("weather", {"city": "Oslo"})
    output = generate(
        result.model,
        [ChatMessageSystem(content="You are an agent."), ChatMessageUser(content="Oslo?")],
        [WEATHER],
    )
    [call] = output.message.tool_calls
    assert (call.function, call.arguments) == ("weather", {"city": "Oslo"})
    sent = server.requests[-1]
    assert "tools" not in sent
    assert sent["messages"][0]["content"].startswith("You are an agent.\n\nYou can use these tools")


def test_native_tools_requested_from_a_server_that_drops_them_stop_before_the_run(server):
    server.native_tools = False
    with pytest.raises(TrustbenchError, match="tool_protocol=text"):
        served(model_args={"tool_protocol": "native"})


def test_a_requested_protocol_is_kept_and_recorded_in_the_model_args(server):
    result = served(model_args={"tool_protocol": "text"})
    assert (result.facts.tool_protocol, result.facts.tool_protocol_source) == ("text", "requested")
    assert result.model.model_args == {"tool_protocol": "text"}
    assert server.requests[0].get("tools") is None


def test_tasks_without_tools_send_no_probe(server):
    result = served(tools=False)
    assert result.facts.tool_protocol == "native"
    assert "tools" not in server.requests[0] and result.facts.served_model == SERVED_MODEL


def test_bad_tool_protocol_values_are_refused():
    with pytest.raises(TrustbenchError, match="auto, native, text"):
        tool_protocol_arg(MODEL, "json")
    with pytest.raises(TrustbenchError, match="text protocol only"):
        tool_protocol_arg("local/gemma-3-270m", "native")


def test_scripted_and_embedded_models_report_their_own_protocol():
    assert served("scripted/echo").facts.tool_protocol == "native"


def test_a_server_that_cannot_read_the_input_fails_the_request_at_once(server):
    result = served(tools=False)
    server.behaviour = "error_500"
    server.error_message = "image input is not supported - hint: provide the mmproj"
    before = server.received
    with pytest.raises(Exception, match="image input is not supported"):
        generate(result.model, [ChatMessageUser(content="hi")])
    assert server.received - before == 1


def test_a_rejected_request_fails_with_the_servers_message_and_no_retry(server):
    result = served(tools=False)
    server.behaviour = "context_400"
    before = server.received
    with pytest.raises(ModelRequestRejected, match="exceeds the available context size"):
        generate(result.model, [ChatMessageUser(content="hi")])
    assert server.received - before == 1


def test_a_failing_server_is_retried_up_to_the_limit_then_ends_the_run(server):
    """Inspect backs off at least 3 s, so the second attempt comes after the 3 s budget."""
    ended = []
    result = served(tools=False, on_down=ended.append)
    server.behaviour = "error_500"
    before = server.received
    with pytest.raises(Exception, match="InternalServerError"):
        generate(result.model, [ChatMessageUser(content="hi")])
    assert server.received - before == QUICK.max_retries + 1
    assert len(ended) == 1 and "internal server error" in str(ended[0])
    with pytest.raises(TrustbenchError, match="has not answered"):
        generate(result.model, [ChatMessageUser(content="hi")])
    assert server.received - before == QUICK.max_retries + 1


def test_health_opens_after_the_budget_of_failures_and_ends_the_run_once():
    ended = []
    health = ServerHealth(MODEL, "http://127.0.0.1:1/v1", budget=10, on_down=ended.append)
    now = time.monotonic()
    health.failed(now - 5, "ConnectError")
    health.check()
    health.answered()
    health.failed(now - 9, "ConnectError")
    health.check()
    health.failed(now - 20, "ConnectError")
    health.failed(now - 30, "ConnectError")
    with pytest.raises(TrustbenchError, match=r"has not answered for 10 s \(last failure: Conn"):
        health.check()
    assert len(ended) == 1 and "re-run the same command to resume" in str(ended[0])


def test_limits_come_from_the_command_line_then_the_suite_then_the_defaults(tmp_path):
    suite = tmp_path / "s.yaml"
    suite.write_text(
        "name: s\ndescription: d\ngenerate: {timeout: 42, max_tokens: 7}\n"
        "tasks: [{task: visual_planning}]\n"
    )
    catalog = load_catalog()
    from_suite = plan_run(catalog, [str(suite)])
    assert from_suite.limits == RequestLimits(timeout=42, max_retries=DEFAULT_MAX_RETRIES)
    assert from_suite.generate == {"max_tokens": 7}
    cli = plan_run(catalog, [str(suite)], timeout=5, max_retries=0, max_tokens=99)
    assert cli.limits == RequestLimits(timeout=5, max_retries=0)
    assert cli.generate == {"max_tokens": 99}
    plain = plan_run(catalog, ["visual_planning"])
    assert plain.limits == RequestLimits(DEFAULT_TIMEOUT, DEFAULT_MAX_RETRIES)
    assert plain.generate == {} and not plain.needs_tools
    assert plan_run(catalog, ["trustbench/os_harm"]).needs_tools


def test_a_missing_key_variable_is_named_in_plain_text(monkeypatch):
    monkeypatch.setenv("NOKEY_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("NOKEY_API_KEY", raising=False)
    with pytest.raises(ProviderNotReady) as raised:
        load_model("openai-api/nokey/m", GenerateConfig(), {})
    assert "[" not in str(raised.value) and "NOKEY_API_KEY" in str(raised.value)
    assert raised.value.fix == "export NOKEY_API_KEY=..."


def test_doctor_checks_the_servers_variables_and_gives_up_on_a_hung_server(server):
    checks = check_api_key(MODEL)
    assert [(c.name, c.status) for c in checks] == [
        (f"{MODEL} base URL", "ok"),
        (f"{MODEL} API key", "ok"),
    ]
    assert check_model_reachable(MODEL).detail == f"answered as {SERVED_MODEL}"
    server.behaviour = "hang"
    started = time.monotonic()
    check = check_model_reachable(MODEL, timeout=2)
    assert check.status == "fail" and "timeout" in check.detail
    assert time.monotonic() - started < 30


def test_doctor_names_the_key_variable_a_server_needs(monkeypatch):
    monkeypatch.setenv("LLAMACPP_BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.delenv("LLAMACPP_API_KEY", raising=False)
    [url, key] = check_api_key("openai-api/llamacpp/gemma")
    assert url.status == "ok" and key.status == "fail"
    assert key.fix.startswith("export LLAMACPP_API_KEY=")
    reach = check_model_reachable("openai-api/llamacpp/gemma")
    assert reach.status == "fail" and reach.fix == "export LLAMACPP_API_KEY=..."
    assert "[" not in reach.detail


def test_requests_carry_the_runs_token_budget(server):
    result = served(tools=False)
    generate(result.model, [ChatMessageUser(content="hi")], config=GenerateConfig(max_tokens=33))
    assert server.requests[-1]["max_tokens"] == 33
    assert json.dumps(result.facts.record())


def test_a_missing_package_names_the_install_command():
    missing = ProviderNotReady(
        "google/gemini: ERROR: Google API requires optional dependencies. "
        "Install with: pip install google-genai"
    )
    assert missing.fix == "pip install google-genai"
