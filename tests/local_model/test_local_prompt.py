"""Chat-to-completion rendering, the tool-call text protocol and stop handling, without a model."""

import json

import pytest
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    ContentImage,
    ContentText,
    GenerateConfig,
)
from inspect_ai.tool import ToolCall, ToolCallError, ToolFunction, ToolInfo, ToolParam, ToolParams

from trustbench.providers.local.generation import (
    DEFAULT_MAX_TOKENS,
    Settings,
    settings_from_config,
    truncate_at_stop,
)
from trustbench.providers.local.prompt import (
    ASSISTANT_LABEL,
    DEFAULT_PREAMBLE,
    TOOL_LABEL,
    TURN_STOP_SEQS,
    USER_LABEL,
    Turn,
    UnsupportedInputError,
    chat_template_messages,
    completion_prompt,
    format_call,
    message_turns,
    parse_tool_call,
    tool_instructions,
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


def render(messages, tools=(), tool_choice="auto"):
    return completion_prompt(message_turns(list(messages), list(tools), tool_choice, "m"))


def test_conversation_becomes_a_transcript_ending_with_an_open_assistant_turn():
    prompt = render(
        [
            ChatMessageSystem(content="Answer in one word."),
            ChatMessageUser(content="Capital of France?"),
            ChatMessageAssistant(content="Paris."),
            ChatMessageUser(content="And of Italy?"),
        ]
    )
    assert prompt == (
        "Answer in one word.\n\n"
        "User: Capital of France?\n\n"
        "Assistant: Paris.\n\n"
        "User: And of Italy?\n\n"
        "Assistant:"
    )


def test_default_preamble_without_a_system_message():
    assert render([ChatMessageUser(content="Hi")]).startswith(DEFAULT_PREAMBLE + "\n\nUser: Hi")


def test_every_turn_label_on_a_new_line_stops_generation():
    labels = {USER_LABEL, ASSISTANT_LABEL, TOOL_LABEL}
    assert {stop.removeprefix("\n") for stop in TURN_STOP_SEQS} == labels


def test_tools_are_described_with_the_call_format():
    prompt = render([ChatMessageUser(content="Weather in Oslo?")], [WEATHER])
    assert "- weather: Current weather for a city." in prompt
    assert '"city": {"type": "string", "description": "City name."}' in prompt
    assert "required: city" in prompt
    assert 'CALL {"name": "<tool name>", "arguments": {"<argument>": "<value>"}}' in prompt
    assert prompt.index("weather:") < prompt.index("User: Weather in Oslo?")


def test_tool_choice_shapes_the_instructions():
    assert tool_instructions([WEATHER], "none") is None
    assert tool_instructions([], "auto") is None
    assert "must use one of the tools" in tool_instructions([WEATHER], "any")
    assert "must use the tool weather" in tool_instructions([WEATHER], ToolFunction("weather"))
    assert "must" not in tool_instructions([WEATHER], "auto")


def test_tool_calls_and_results_in_history():
    call = ToolCall(id="c1", function="weather", arguments={"city": "Oslo"})
    prompt = render(
        [
            ChatMessageUser(content="Weather in Oslo?"),
            ChatMessageAssistant(content="Let me check.", tool_calls=[call]),
            ChatMessageTool(content="Rain, 8 C", tool_call_id="c1", function="weather"),
            ChatMessageTool(
                content="",
                tool_call_id="c2",
                function="weather",
                error=ToolCallError(type="timeout", message="took too long"),
            ),
        ],
        [WEATHER],
    )
    assert 'Assistant: Let me check.\nCALL {"name": "weather", "arguments": {"city": "Oslo"}}' in (
        prompt
    )
    assert "Tool result (weather): Rain, 8 C\n\n" in prompt
    assert "Tool result (weather): Error: took too long\n\nAssistant:" in prompt


def test_images_are_refused_with_advice():
    message = ChatMessageUser(
        content=[ContentText(text="What is shown?"), ContentImage(image="data:image/png;base64,AA")]
    )
    with pytest.raises(UnsupportedInputError, match="cannot take images") as error:
        render([message])
    assert "text representation" in str(error.value)
    assert "vision model" in str(error.value)


def test_text_parts_of_list_content_are_kept():
    message = ChatMessageUser(content=[ContentText(text="one"), ContentText(text="two")])
    assert "User: one\ntwo" in render([message])


def test_chat_template_messages_keep_roles_and_label_tool_results():
    turns = [
        Turn("system", "Be brief."),
        Turn("user", "Hi"),
        Turn("assistant", "Hello"),
        Turn("tool", "42", "add"),
    ]
    assert chat_template_messages(turns) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
        {"role": "user", "content": "Tool result (add): 42"},
    ]


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
        "CALL {'name': 'weather', 'arguments': {}}",  # not JSON
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


def test_truncate_at_the_earliest_stop_sequence():
    assert truncate_at_stop("Paris.\nUser: next\nAssistant:", TURN_STOP_SEQS) == ("Paris.", True)
    assert truncate_at_stop("a STOP b END", ("END", "STOP")) == ("a ", True)
    assert truncate_at_stop("no stops here", ("END",)) == ("no stops here", False)
    assert truncate_at_stop("empty stop ignored", ("",)) == ("empty stop ignored", False)


def test_greedy_settings_share_one_batch_key():
    greedy = [
        settings_from_config(GenerateConfig()),
        settings_from_config(GenerateConfig(temperature=0, seed=3, top_p=0.5)),
    ]
    assert greedy[0] == greedy[1] == Settings(max_new_tokens=DEFAULT_MAX_TOKENS)
    assert greedy[0].greedy


def test_sampling_settings_are_kept():
    settings = settings_from_config(
        GenerateConfig(temperature=0.7, top_p=0.9, top_k=40, seed=1, max_tokens=12)
    )
    assert settings == Settings(max_new_tokens=12, temperature=0.7, top_p=0.9, top_k=40, seed=1)
    assert not settings.greedy
