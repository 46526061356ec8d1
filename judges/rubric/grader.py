"""Grade one open answer against its reference with an LLM, asking for JSON and retrying once."""

from __future__ import annotations

from dataclasses import dataclass, field

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig, Model

from trustbench.judges.asking import Unreadable, ask_again, ask_until_readable
from trustbench.judges.rubric.labels import normalize_label
from trustbench.judges.rubric.prompt import OUR_GRADING, GradingWording
from trustbench.judges.rubric.verdict import RubricVerdict, parse_verdict


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
    wording: GradingWording = OUR_GRADING,
) -> GradingResult:
    """Ask `model` for a rubric verdict; an unreadable reply is pointed out and asked again
    `retries` times, then reported as a failure (never guessed)."""

    def read(text: str) -> RubricVerdict:
        try:
            return parse_verdict(text)
        except Unreadable:
            label = normalize_label(text) if wording.bare_label_retry else None
            if label is None:
                raise
            return RubricVerdict(label=label)

    reply = await ask_until_readable(
        model,
        [
            ChatMessageSystem(content=wording.system(subject)),
            ChatMessageUser(content=wording.request(question, reference, answer)),
        ],
        lambda output: read(output.completion),
        ask_again(wording.retry),
        retries=retries,
        config=config or GenerateConfig(),
    )
    return GradingResult(reply.value, reply.raws, reply.error)
