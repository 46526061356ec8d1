"""The eight prompting strategies: the messages each starts from, and the solver that runs it.

Six are one call (`generate()` on the prepared messages). Self-refine and expert prompting
are several calls, as custom solvers. Names are upstream's `prompt_type` values, so logs join
with upstream's per-question grades.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
)
from inspect_ai.solver import Solver, generate

from trustbench.tasks.epfl_courses.prompt_set import PromptSet, numbered_answer
from trustbench.tasks.epfl_courses.records import Question
from trustbench.tasks.epfl_courses.solver import expert_prompting, self_refine

Messages = Callable[[PromptSet, Question, list[Question], int], list[ChatMessage]]

CHARS_PER_TOKEN = 4
"""Token estimate for the four-shot budget; exact counts would need the model's tokenizer."""


def _tokens(messages: list[ChatMessage]) -> int:
    return sum(len(m.text) for m in messages) // CHARS_PER_TOKEN


def _with_demos(
    system: list[ChatMessage],
    demos: list[list[ChatMessage]],
    question: list[ChatMessage],
    budget: int,
) -> list[ChatMessage]:
    """Demonstrations, least similar first; the first ones are dropped while over budget."""
    while demos and _tokens([*system, *(m for d in demos for m in d), *question]) > budget:
        demos = demos[1:]
    return [*system, *(m for d in demos for m in d), *question]


def zero_shot(p: PromptSet, q: Question, demos: list[Question], budget: int) -> list[ChatMessage]:
    return [ChatMessageUser(content=p.base(q))]


def one_shot(p: PromptSet, q: Question, demos: list[Question], budget: int) -> list[ChatMessage]:
    pairs: list[list[ChatMessage]] = [
        [
            ChatMessageUser(content=p.base(d)),
            ChatMessageAssistant(content=numbered_answer(d)),
        ]
        for d in reversed(demos)
    ]
    return _with_demos([], pairs, zero_shot(p, q, [], budget), budget)


def cot_zero_shot(
    p: PromptSet, q: Question, demos: list[Question], budget: int
) -> list[ChatMessage]:
    return [
        ChatMessageSystem(content=p.cot_system(q.course.name)),
        ChatMessageUser(content=p.cot(q)),
    ]


def cot_four_shot(
    p: PromptSet, q: Question, demos: list[Question], budget: int
) -> list[ChatMessage]:
    system, question = cot_zero_shot(p, q, [], budget)
    pairs: list[list[ChatMessage]] = [
        [
            ChatMessageUser(content=p.cot(d)),
            ChatMessageAssistant(content=p.cot_demo_answer(d)),
        ]
        for d in reversed(demos)
    ]
    return _with_demos([system], pairs, [question], budget)


def tree_of_thought(
    p: PromptSet, q: Question, demos: list[Question], budget: int
) -> list[ChatMessage]:
    return [
        ChatMessageSystem(content=p.tot_system(q.course.name)),
        ChatMessageUser(content=p.tree_of_thought(q)),
    ]


def metacog(p: PromptSet, q: Question, demos: list[Question], budget: int) -> list[ChatMessage]:
    return [
        ChatMessageSystem(content=p.metacog_system(q.course.name)),
        ChatMessageUser(content=p.metacognitive(q)),
    ]


def self_refine_draft(
    p: PromptSet, q: Question, demos: list[Question], budget: int
) -> list[ChatMessage]:
    return [
        ChatMessageSystem(content=p.refine_system(q.course.name)),
        ChatMessageUser(content=p.draft(q)),
    ]


def _single_call(rounds: int, prompts: PromptSet) -> Solver:
    return generate()


@dataclass(frozen=True)
class Strategy:
    name: str
    shots: int
    """How many same-course neighbours to offer as demonstrations."""
    messages: Messages
    solver: Callable[[int, PromptSet], Solver]
    """Builds the solver, given the number of self-refine rounds (used by self-refine only)
    and the prompt set (used by the multi-call strategies)."""


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in [
        Strategy("zero_shot", 0, zero_shot, _single_call),
        Strategy("one_shot", 1, one_shot, _single_call),
        Strategy("cot_zero_shot", 0, cot_zero_shot, _single_call),
        Strategy("cot_four_shot", 4, cot_four_shot, _single_call),
        Strategy("tree_of_thought", 0, tree_of_thought, _single_call),
        Strategy("metacog", 0, metacog, _single_call),
        Strategy("self_refine", 0, self_refine_draft, self_refine),
        Strategy("expert_prompting", 0, zero_shot, lambda rounds, p: expert_prompting(p)),
    ]
}
