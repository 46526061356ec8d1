"""trustbench's text protocol for tool calls: reading calls out of replies strictly, and writing a
tool conversation for a chat model that gets no tools."""

import json

import pytest
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    ContentImage,
    ModelOutput,
)
from inspect_ai.tool import ToolCall, ToolCallError, ToolInfo, ToolParam, ToolParams

from trustbench.providers.tool_text import (
    format_call,
    parse_tool_call,
    text_protocol_input,
    tool_instructions,
    with_parsed_call,
)

WEATHER = ToolInfo(
    name="weather",
    description="Current weather for a city.",
    parameters=ToolParams(
        properties={"city": ToolParam(type="string", description="City name.")},
        required=["city"],
    ),
)
TOOLS = {"weather", "add"}


def test_parse_a_good_call():
    text, call = parse_tool_call(
        'I will look.\nCALL {"name": "weather", "arguments": {"city": "Oslo"}}', TOOLS
    )
    assert text == "I will look."
    assert call.function == "weather"
    assert call.arguments == {"city": "Oslo"}
    assert call.id.startswith("call_")


def test_parse_round_trips_format_call():
    _, call = parse_tool_call(format_call("add", {"a": 1, "b": [2, 3]}), TOOLS)
    assert (call.function, call.arguments) == ("add", {"a": 1, "b": [2, 3]})


def test_parse_nested_braces_and_braces_in_strings():
    arguments = {"query": {"text": 'a } tricky { string " with quote', "n": {"deep": 1}}}
    raw = f"CALL: {json.dumps({'name': 'add', 'arguments': arguments})} trailing {{junk"
    text, call = parse_tool_call(raw, TOOLS)
    assert text == ""
    assert call.arguments == arguments


def test_parse_fenced_json_block():
    raw = 'Sure.\n```json\n{"name": "weather", "arguments": {"city": "Rome"}}\n```'
    text, call = parse_tool_call(raw, TOOLS)
    assert text == "Sure."
    assert call.arguments == {"city": "Rome"}


def test_parse_skips_a_bad_candidate_for_a_later_good_one():
    raw = 'CALL {"name": "nope", "arguments": {}}\nCALL {"name": "add", "arguments": {"a": 1}}'
    _, call = parse_tool_call(raw, TOOLS)
    assert call.function == "add"


@pytest.mark.parametrize(
    "raw",
    [
        'CALL {"name": "weather", "arguments": {"city": "Oslo"}',  # unclosed
        'CALL {"name": "launch_missiles", "arguments": {}}',  # unknown tool
        'CALL {"name": "weather", "arguments": "Oslo"}',  # arguments not an object
        'CALL ["weather"]',  # not an object
        '{"name": "weather", "arguments": {"city": "Oslo"}}',  # no marker, no fence
        "The weather is fine.",
    ],
)
def test_no_call_keeps_the_raw_text(raw):
    assert parse_tool_call(raw, TOOLS) == (raw, None)


def test_no_tools_means_no_calls():
    raw = 'CALL {"name": "weather", "arguments": {}}'
    assert parse_tool_call(raw, set()) == (raw, None)


def test_python_literal_calls_are_read_like_the_judges_read_them():
    _, call = parse_tool_call("CALL {'name': 'weather', 'arguments': {'city': 'Oslo'}}", TOOLS)
    assert (call.function, call.arguments) == ("weather", {"city": "Oslo"})


def test_a_reply_that_repeats_the_instructions_makes_no_call():
    echo = tool_instructions([WEATHER], "auto")
    assert parse_tool_call(echo, {"weather"}) == (echo, None)


def test_a_call_cut_off_by_the_token_limit_is_not_run():
    raw = 'CALL {"name": "weather", "arguments": {"city": "Os'
    assert parse_tool_call(raw, TOOLS) == (raw, None)


def test_conversation_for_a_model_without_native_tools():
    call = ToolCall(id="c1", function="weather", arguments={"city": "Oslo"})
    messages = [
        ChatMessageSystem(content="You are an agent."),
        ChatMessageUser(content="Weather in Oslo?"),
        ChatMessageAssistant(content="Looking.", tool_calls=[call]),
        ChatMessageTool(content="12 C", tool_call_id="c1", function="weather"),
        ChatMessageUser(content="And now?"),
    ]
    converted = text_protocol_input(messages, [WEATHER], "auto")
    assert [m.role for m in converted] == ["system", "user", "assistant", "user"]
    assert converted[0].text.startswith("You are an agent.\n\nYou can use these tools:")
    assert converted[2].text == f"Looking.\n{format_call('weather', {'city': 'Oslo'})}"
    assert not converted[2].tool_calls
    assert converted[3].text == "Tool result (weather): 12 C\n\nAnd now?"


def test_tool_errors_and_images_survive_the_conversion():
    error = ChatMessageTool(
        content="", tool_call_id="c1", function="weather", error=ToolCallError("parsing", "bad")
    )
    image = ChatMessageUser(content=[ContentImage(image="data:image/png;base64,AAAA")])
    converted = text_protocol_input([error, image], [WEATHER], "none")
    assert converted[0].role == "user"
    assert converted[0].content[0].text == "Tool result (weather): Error: bad"
    assert isinstance(converted[0].content[1], ContentImage)
    assert not any(m.role == "system" for m in converted)


def test_a_call_in_the_reply_becomes_a_tool_call():
    reply = f"I check.\n{format_call('weather', {'city': 'Rome'})}"
    output = with_parsed_call(ModelOutput.from_content("m", reply), [WEATHER])
    assert output.stop_reason == "tool_calls"
    assert output.message.text == "I check."
    assert output.message.tool_calls[0].arguments == {"city": "Rome"}
    plain = ModelOutput.from_content("m", "It is sunny.")
    assert with_parsed_call(plain, [WEATHER]) is plain


def test_instructions_round_trip_through_json():
    text = tool_instructions([WEATHER], "any")
    assert json.dumps({"city": {"type": "string", "description": "City name."}}) in text
    assert text.endswith("must use one of the tools now.")
