"""Chat messages as a plain-text completion prompt, with tools in the text protocol.

The embedded Gemma 3 270M is a base model: it has no chat template and was never taught a tool
calling format. So a conversation is written out as a transcript (a preamble, then turns
labelled `User:`, `Assistant:` and `Tool result (name):`) that ends with `Assistant:` for the
model to continue, and generation stops at the next turn label. Tools are described in the
preamble in trustbench's text protocol for tool calls (`trustbench.providers.tool_text`), which
every provider can use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
from inspect_ai.tool import ToolChoice, ToolInfo

from trustbench.errors import TrustbenchError
from trustbench.providers.tool_text import (
    TOOL_LABEL,
    format_call,
    tool_instructions,
    tool_result_text,
)

DEFAULT_PREAMBLE = (
    "The following is a conversation between a user and a helpful, accurate assistant. "
    "The assistant answers briefly and says so when it does not know."
)
USER_LABEL = "User:"
ASSISTANT_LABEL = "Assistant:"
TURN_STOP_SEQS = ("\nUser:", "\nAssistant:", "\nTool result")
"""Where the model starts writing the next turn itself: its own answer is over."""


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
            turns.append(Turn("tool", tool_result_text(message), message.function or "tool"))
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
