"""What a reply says in its own words: the reply without the lines it copied from the prompt.

A model that repeats its instructions (a small base model, or `scripted/echo`) must not be
credited with what the prompt contains: option lists, the question's numbers, an answer format.
Before an answer is parsed, each run of whole lines copied from the prompt is removed when the
run holds at least `MIN_COPIED_CHARS` of the prompt's own text (instructions, question), not
only lines that name an answer (an option quoted as the choice stays). A reply with nothing
left is an echo: a format failure, never an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser

MIN_COPIED_CHARS = 20
"""A copied run shorter than this (an "Answer:" line, a map row) is left in place."""


@dataclass(frozen=True)
class OwnWords:
    text: str
    """The reply without the runs copied from the prompt."""
    copied_lines: int

    @property
    def only_echo(self) -> bool:
        """The reply repeats the prompt and adds nothing."""
        return self.copied_lines > 0 and not self.text.strip()


def prompt_texts(messages: Sequence[ChatMessage]) -> list[str]:
    """What the model was told (system and user turns): what its answer must not copy."""
    return [m.text for m in messages if isinstance(m, ChatMessageSystem | ChatMessageUser)]


def squash(line: str) -> str:
    return " ".join(line.split())


def own_words(
    reply: str,
    prompt: Iterable[str],
    *,
    names_an_answer: Callable[[str], bool] | None = None,
) -> OwnWords:
    """`reply` without the runs of lines it copied from the `prompt` texts.

    `names_an_answer(line)` (given a whitespace-squashed line) marks copied lines that could be
    the reply's own choice, such as `C: Its entropy`; they never make a run an echo by
    themselves.
    """
    known = {squash(line) for text in prompt for line in text.splitlines()} - {""}
    lines = reply.splitlines()
    squashed = [squash(line) for line in lines]
    copied = [bool(s) and s in known for s in squashed]
    kept: list[str] = []
    removed = 0
    i = 0
    while i < len(lines):
        if not copied[i]:
            kept.append(lines[i])
            i += 1
            continue
        end, evidence = i, 0
        while end < len(lines) and (copied[end] or not squashed[end]):
            if copied[end] and not (names_an_answer and names_an_answer(squashed[end])):
                evidence += len(squashed[end])
            end += 1
        if evidence >= MIN_COPIED_CHARS:
            removed += sum(copied[i:end])
        else:
            kept += lines[i:end]
        i = end
    return OwnWords("\n".join(kept), removed)
