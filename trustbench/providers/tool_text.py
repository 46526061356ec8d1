"""trustbench's text protocol for tool calls, for any model that cannot take tools natively.

The tools are described in the system message, and the model is asked to answer with one line
`CALL {"name": ..., "arguments": {...}}`; that line becomes an Inspect `ToolCall` again. Earlier
calls are written back into the conversation in the same form, and tool results come back as
user turns (`Tool result (name): ...`), since a server without a tool-capable chat template has
no `tool` role either.

The embedded model (a base model, no chat template) always uses it; `-M tool_protocol=text`
makes any provider use it (see `trustbench.providers.served`). Replies are read with the JSON
span reader the judges use: a call is the first closed JSON object that follows a `CALL` marker
(or opens a ```json fence) and names a known tool with an object of arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Literal, get_args
from uuid import uuid4

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    Content,
    ContentText,
    ModelOutput,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolFunction, ToolInfo

from trustbench.judges.replies import json_spans

ToolProtocol = Literal["native", "text"]
ToolProtocolArg = Literal["auto", "native", "text"]
TOOL_PROTOCOLS: tuple[ToolProtocolArg, ...] = get_args(ToolProtocolArg)
"""Values of the `tool_protocol` model arg: auto picks native or text per model."""
CALL_MARKER = "CALL"
TOOL_LABEL = "Tool result"

_BEFORE_CALL = re.compile(r"(?:\bCALL\b:?|```(?:json)?)\s*$")
"""What must stand right before a call's JSON object: the marker, or an opening fence."""


def tool_instructions(tools: Sequence[ToolInfo], tool_choice: ToolChoice) -> str | None:
    """How to call the tools, in our own words; None when no tool may be called."""
    if not tools or tool_choice == "none":
        return None
    lines = ["You can use these tools:", ""]
    for tool in tools:
        params = tool.parameters.model_dump(exclude_none=True)
        lines.append(f"- {tool.name}: {tool.description}")
        lines.append(f"  arguments: {json.dumps(params.get('properties', {}))}")
        if params.get("required"):
            lines.append(f"  required: {', '.join(params['required'])}")
    lines += [
        "",
        "To use a tool, the assistant replies with exactly one line of the form",
        format_call("<tool name>", {"<argument>": "<value>"}),
        "and stops there; the tool result follows in the next turn. "
        "When it has the final answer, it replies with plain text instead.",
    ]
    if tool_choice == "any":
        lines.append("The assistant must use one of the tools now.")
    elif isinstance(tool_choice, ToolFunction):
        lines.append(f"The assistant must use the tool {tool_choice.name} now.")
    return "\n".join(lines)


def format_call(name: str, arguments: dict[str, object]) -> str:
    return f"{CALL_MARKER} {json.dumps({'name': name, 'arguments': arguments})}"


def tool_result_text(message: ChatMessageTool) -> str:
    """A tool result as the model reads it in text: its output, or the error it raised."""
    return f"Error: {message.error.message}" if message.error else message.text


def parse_tool_call(text: str, tool_names: set[str]) -> tuple[str, ToolCall | None]:
    """Find a tool call in generated text: the text before it, and the call.

    Anything else (malformed or truncated JSON, an unknown tool, no marker) is no call, and the
    raw text comes back untouched so the transcript shows what the model said. Only the first
    call counts; text after it is dropped, as the model may have imagined the result.
    """
    if not tool_names:
        return text, None
    for span in json_spans(text):
        if not span.closed or not _BEFORE_CALL.search(text[: span.start]):
            continue
        call = _as_tool_call(span.value, tool_names)
        if call is not None:
            before = _BEFORE_CALL.sub("", text[: span.start])
            return before.strip(), call
    return text, None


def _as_tool_call(data: object, tool_names: set[str]) -> ToolCall | None:
    if not isinstance(data, dict) or data.get("name") not in tool_names:
        return None
    arguments = data.get("arguments", {})
    if not isinstance(arguments, dict):
        return None
    return ToolCall(id=f"call_{uuid4().hex[:16]}", function=data["name"], arguments=arguments)


def text_protocol_input(
    messages: Sequence[ChatMessage], tools: Sequence[ToolInfo], tool_choice: ToolChoice
) -> list[ChatMessage]:
    """The conversation for a chat model that gets no tools: the instructions joined to the
    system message, calls written as `CALL` lines, results as user turns. Consecutive user
    turns are merged, since many chat templates insist that roles alternate."""
    instructions = tool_instructions(tools, tool_choice)
    system = "\n\n".join(
        [m.text for m in messages if isinstance(m, ChatMessageSystem)]
        + ([instructions] if instructions else [])
    )
    converted: list[ChatMessage] = [ChatMessageSystem(content=system)] if system else []
    for message in messages:
        if isinstance(message, ChatMessageSystem):
            continue
        if isinstance(message, ChatMessageAssistant):
            calls = [format_call(c.function, c.arguments) for c in message.tool_calls or []]
            text = "\n".join(filter(None, [message.text, *calls]))
            converted.append(ChatMessageAssistant(content=text))
        elif isinstance(message, ChatMessageTool):
            label = f"{TOOL_LABEL} ({message.function or 'tool'}): {tool_result_text(message)}"
            _append_user(converted, ChatMessageUser(content=label))
        else:
            _append_user(converted, message)
    return converted


def _append_user(messages: list[ChatMessage], message: ChatMessage) -> None:
    previous = messages[-1] if messages else None
    if not (isinstance(previous, ChatMessageUser) and isinstance(message, ChatMessageUser)):
        messages.append(message)
    elif isinstance(previous.content, str) and isinstance(message.content, str):
        messages[-1] = ChatMessageUser(content=f"{previous.content}\n\n{message.content}")
    else:
        messages[-1] = ChatMessageUser(content=[*_parts(previous), *_parts(message)])


def _parts(message: ChatMessage) -> list[Content]:
    content = message.content
    return [ContentText(text=content)] if isinstance(content, str) else list(content)


def with_parsed_call(output: ModelOutput, tools: Sequence[ToolInfo]) -> ModelOutput:
    """The output with the first choice's `CALL` line turned into a tool call, if it has one."""
    if not output.choices:
        return output
    choice = output.choices[0]
    content, call = parse_tool_call(choice.message.text, {tool.name for tool in tools})
    if call is None:
        return output
    message = choice.message.model_copy(update={"content": content, "tool_calls": [call]})
    first = ChatCompletionChoice(message=message, stop_reason="tool_calls", logprobs=None)
    return output.model_copy(update={"choices": [first, *output.choices[1:]]})
