"""Grade one open answer against its reference with an LLM, asking for JSON and retrying once."""

from __future__ import annotations

from dataclasses import dataclass, field

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
)

from trustbench.judges.rubric.prompt import RETRY, grading_request, system_message
from trustbench.judges.rubric.verdict import RubricVerdict, VerdictParseError, parse_verdict


@dataclass(frozen=True)
class GradingResult:
    """A verdict, or the reason there is none; every raw reply is kept for the log."""

    verdict: RubricVerdict | None
    replies: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.verdict is None


async def grade_answer(
    model: Model,
    *,
    question: str,
    reference: str,
    answer: str,
    subject: str | None = None,
    retries: int = 1,
    config: GenerateConfig | None = None,
) -> GradingResult:
    """Ask `model` for a rubric verdict; an unreadable reply is pointed out and asked again
    `retries` times, then reported as a failure (never guessed)."""
    messages: list[ChatMessage] = [
        ChatMessageSystem(content=system_message(subject)),
        ChatMessageUser(content=grading_request(question, reference, answer)),
    ]
    replies: list[str] = []
    error = ""
    for _ in range(retries + 1):
        output = await model.generate(messages, config=config or GenerateConfig())
        reply = output.completion
        replies.append(reply)
        try:
            return GradingResult(parse_verdict(reply), replies)
        except VerdictParseError as ex:
            error = str(ex)
        messages = [
            *messages,
            ChatMessageAssistant(content=reply),
            ChatMessageUser(content=RETRY.format(problem=error)),
        ]
    return GradingResult(None, replies, error)
