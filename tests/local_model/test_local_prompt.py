"""Chat-to-completion rendering, tools in the text protocol, and stop handling, without a model."""

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
    TURN_STOP_SEQS,
    USER_LABEL,
    Turn,
    UnsupportedInputError,
    chat_template_messages,
    completion_prompt,
    message_turns,
)
from trustbench.providers.tool_text import TOOL_LABEL, tool_instructions

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
