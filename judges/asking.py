"""How every judge gets a structured answer from its model: ask, read the reply, and when it
cannot be read, show the model its reply and the problem and ask again, a bounded number of
times; then report the failure with every raw reply kept, never a guess."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageUser, Model, ModelOutput

T = TypeVar("T")


class Unreadable(ValueError):
    """A reply that holds no usable answer; the message says what was wrong, for the retry."""


@dataclass(frozen=True)
class Reply(Generic[T]):
    value: T | None
    raws: list[str] = field(default_factory=list)
    error: str | None = None


FollowUp = Callable[[ModelOutput, str], list[ChatMessage]]


def ask_again(template: str) -> FollowUp:
    """The usual follow-up: the model's reply text (only the text, so a cached retry keys on the
    same messages every time), then `template` filled with `{problem}`."""

    def follow_up(output: ModelOutput, problem: str) -> list[ChatMessage]:
        return [
            ChatMessageAssistant(content=output.completion),
            ChatMessageUser(content=template.format(problem=problem)),
        ]

    return follow_up


async def ask_until_readable(
    model: Model,
    messages: Sequence[ChatMessage],
    read: Callable[[ModelOutput], T],
    follow_up: FollowUp,
    *,
    retries: int,
    record: Callable[[ModelOutput], str] = lambda output: output.completion,
    **generate_args: Any,
) -> Reply[T]:
    """`read` turns a reply into the answer or raises `Unreadable`; `record` is what the log
    keeps of each reply; `generate_args` go to `model.generate` (config, cache, tools, …)."""
    history = list(messages)
    raws: list[str] = []
    problem = ""
    for _ in range(retries + 1):
        output = await model.generate(history, **generate_args)
        raws.append(record(output))
        try:
            return Reply(read(output), raws)
        except Unreadable as ex:
            problem = str(ex)
        history += follow_up(output, problem)
    return Reply(None, raws, problem)
