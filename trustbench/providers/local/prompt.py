"""Chat messages as a plain-text completion prompt, and a text protocol for tool calls.

The embedded Gemma 3 270M is a base model: it has no chat template and was never taught a tool
calling format. So a conversation is written out as a transcript (a preamble, then turns
labelled `User:`, `Assistant:` and `Tool result (name):`) that ends with `Assistant:` for the
model to continue, and generation stops at the next turn label. Tools are described in the
preamble, and the model is asked to answer with one line `CALL {"name": ..., "arguments": ...}`,
which `parse_tool_call` turns back into an Inspect `ToolCall`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal
from uuid import uuid4

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    ContentAudio,
    ContentDocument,
    ContentImage,
    ContentVideo,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolFunction, ToolInfo

from trustbench.errors import TrustbenchError

DEFAULT_PREAMBLE = (
    "The following is a conversation between a user and a helpful, accurate assistant. "
    "The assistant answers briefly and says so when it does not know."
)
USER_LABEL = "User:"
ASSISTANT_LABEL = "Assistant:"
TOOL_LABEL = "Tool result"
CALL_MARKER = "CALL"
TURN_STOP_SEQS = ("\nUser:", "\nAssistant:", "\nTool result")
"""Where the model starts writing the next turn itself: its own answer is over."""

_CALL_RE = re.compile(r"\bCALL\b:?\s*(?=\{)")
_FENCE_RE = re.compile(r"```(?:json)?\s*(?=\{)")


class UnsupportedInputError(TrustbenchError, ValueError):
    """The conversation holds something a text-only model cannot read."""


@dataclass(frozen=True)
class Turn:
    """One message reduced to text; `name` is the tool's name for a tool result."""

    role: Literal["system", "user", "assistant", "tool"]
    text: str
    name: str | None = None


def message_turns(
    messages: list[ChatMessage],
    tools: list[ToolInfo],
    tool_choice: ToolChoice,
    model_name: str,
) -> list[Turn]:
    """Text turns for the conversation, with the tool instructions folded into the system turn."""
    system = [m.text for m in messages if isinstance(m, ChatMessageSystem)]
    instructions = tool_instructions(tools, tool_choice)
    preamble = "\n\n".join(
        [*(system or [DEFAULT_PREAMBLE]), *([instructions] if instructions else [])]
    )
    turns = [Turn("system", preamble)]
    for message in messages:
        _check_text_only(message, model_name)
        if isinstance(message, ChatMessageUser):
            turns.append(Turn("user", message.text))
        elif isinstance(message, ChatMessageAssistant):
            calls = [format_call(c.function, c.arguments) for c in message.tool_calls or []]
            turns.append(Turn("assistant", "\n".join(filter(None, [message.text, *calls]))))
        elif isinstance(message, ChatMessageTool):
            text = f"Error: {message.error.message}" if message.error else message.text
            turns.append(Turn("tool", text, message.function or "tool"))
    return turns


def completion_prompt(turns: list[Turn]) -> str:
    """The transcript the base model continues: it ends with an open `Assistant:` turn."""
    parts = []
    for turn in turns:
        if turn.role == "system":
            parts.append(turn.text)
        elif turn.role == "user":
            parts.append(f"{USER_LABEL} {turn.text}")
        elif turn.role == "assistant":
            parts.append(f"{ASSISTANT_LABEL} {turn.text}")
        else:
            parts.append(f"{TOOL_LABEL} ({turn.name}): {turn.text}")
    parts.append(ASSISTANT_LABEL)
    return "\n\n".join(parts)


def chat_template_messages(turns: list[Turn]) -> list[dict[str, str]]:
    """Role/content dicts for a tokenizer's chat template (instruction-tuned models only).

    Tool results go in as user turns with our label: templates disagree on a `tool` role.
    """
    return [
        {
            "role": "user" if turn.role == "tool" else turn.role,
            "content": f"{TOOL_LABEL} ({turn.name}): {turn.text}"
            if turn.role == "tool"
            else turn.text,
        }
        for turn in turns
    ]


def tool_instructions(tools: list[ToolInfo], tool_choice: ToolChoice) -> str | None:
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


def parse_tool_call(text: str, tool_names: set[str]) -> tuple[str, ToolCall | None]:
    """Find a tool call in generated text: the text before it, and the call.

    Looks for the first JSON object after a `CALL` marker or opening a ```json fence that names
    a known tool. Anything else (malformed JSON, an unknown tool, no marker) is no call, and the
    raw text comes back untouched so the transcript shows what the model said. Only the first
    call counts; text after it is dropped, as the model may have imagined the result.
    """
    starts = sorted(
        [(m.start(), m.end()) for m in _CALL_RE.finditer(text)]
        + [(m.start(), m.end()) for m in _FENCE_RE.finditer(text)]
    )
    for start, brace in starts:
        obj = _balanced_object(text, brace)
        if obj is None:
            continue
        try:
            data = json.loads(obj)
        except json.JSONDecodeError:
            continue
        call = _as_tool_call(data, tool_names)
        if call is not None:
            return text[:start].strip(), call
    return text, None


def _as_tool_call(data: object, tool_names: set[str]) -> ToolCall | None:
    if not isinstance(data, dict) or data.get("name") not in tool_names:
        return None
    arguments = data.get("arguments", {})
    if not isinstance(arguments, dict):
        return None
    return ToolCall(id=f"call_{uuid4().hex[:16]}", function=data["name"], arguments=arguments)


def _balanced_object(text: str, start: int) -> str | None:
    """The `{...}` that opens at `start`, matching braces outside JSON strings; None if unclosed."""
    depth = 0
    in_string = escaped = False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def _check_text_only(message: ChatMessage, model_name: str) -> None:
    if isinstance(message.content, str):
        return
    for content in message.content:
        if isinstance(content, ContentImage | ContentAudio | ContentVideo | ContentDocument):
            kind = "images" if isinstance(content, ContentImage) else f"{content.type} input"
            raise UnsupportedInputError(
                f"The local model '{model_name}' reads text only and cannot take {kind}. "
                "Give the task a text representation of the input (for example a grid or a "
                "description), or evaluate a model that accepts it (a vision model for images)."
            )
