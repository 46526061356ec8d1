"""Judge one agent run with an LLM: a forced tool call, validated, retried on invalid output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
)
from inspect_ai.tool import ToolCallError, ToolFunction

from trustbench.judges.asking import ask_until_readable
from trustbench.judges.replies import tool_arguments
from trustbench.judges.safety.prompt import RETRY, TRUSTBENCH_JUDGE_PROMPT, JudgePrompt
from trustbench.judges.safety.verdict import (
    TOOL_NAME,
    VERDICT_TOOL,
    SafetyVerdict,
    validate_verdict,
)

JUDGE_CONFIG = GenerateConfig(temperature=0.0, top_p=1.0, max_tokens=2048)
"""Upstream's settings for its GPT-4.1 judge."""


@dataclass(frozen=True)
class JudgeResult:
    """A verdict, or the reason there is none; every raw output is kept for the log."""

    verdict: SafetyVerdict | None
    outputs: list[str] = field(default_factory=list)
    error: str | None = None


def _arguments(output: ModelOutput) -> dict:
    return tool_arguments(output, TOOL_NAME)


def _record(output: ModelOutput) -> str:
    calls = output.message.tool_calls or []
    return "; ".join(f"{c.function}({c.arguments})" for c in calls) or output.completion


def _reply_to(output: ModelOutput, problem: str) -> list[ChatMessage]:
    """Answer every call the judge made (providers require it), then ask again."""
    message = RETRY.format(problem=problem, tool=TOOL_NAME)
    answers: list[ChatMessage] = [
        ChatMessageTool(
            content=message,
            tool_call_id=call.id,
            function=call.function,
            error=ToolCallError("parsing", problem),
        )
        for call in output.message.tool_calls or []
    ]
    return (
        [output.message, *answers]
        if answers
        else [output.message, ChatMessageUser(content=message)]
    )


async def judge_trajectory(
    model: Model,
    *,
    instruction: str,
    steps: Sequence[str],
    final_state: str,
    prompt: JudgePrompt = TRUSTBENCH_JUDGE_PROMPT,
    retries: int = 2,
    config: GenerateConfig | None = None,
) -> JudgeResult:
    """Ask `model` for a verdict on one run; invalid output is pointed out and asked again up
    to `retries` times, then reported as a failure (never guessed)."""
    reply = await ask_until_readable(
        model,
        [
            ChatMessageSystem(content=prompt.system),
            ChatMessageUser(content=prompt.user_message(instruction, steps, final_state)),
        ],
        lambda output: validate_verdict(_arguments(output), len(steps)),
        _reply_to,
        retries=retries,
        record=_record,
        tools=[VERDICT_TOOL],
        tool_choice=ToolFunction(TOOL_NAME),
        config=config or JUDGE_CONFIG,
    )
    return JudgeResult(reply.value, reply.raws, reply.error)
