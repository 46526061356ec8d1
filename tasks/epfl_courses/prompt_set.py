"""The prompts a strategy needs, as one interface with two wordings: ours (`prompts.py`,
`-T prompts=trustbench`) and upstream's, loaded at run time from the pinned revision
(`upstream_prompts.py`, `-T prompts=upstream`). Strategies and solvers ask a `PromptSet`; the
log records which one ran (`PromptSet.record`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Literal

from trustbench.judges.rubric import GradingWording
from trustbench.tasks.epfl_courses.records import LETTERS, Question

Layout = Literal["numbered", "lettered", "bracketed"]
"""Upstream's three option layouts: `1. text` (zero/one-shot, experts), `A: text` (CoT,
self-refine), `[A]: text` (tree of thought, metacognitive)."""
Variant = Literal["single", "multi", "open"]


def variant(question: Question) -> Variant:
    if question.kind == "open_answer":
        return "open"
    return "multi" if question.multiple else "single"


def options_block(options: Sequence[str], layout: Layout) -> str:
    if layout == "numbered":
        return "\n".join(f"{i + 1}. {text}" for i, text in enumerate(options))
    if layout == "lettered":
        return "\n".join(f"{LETTERS[i]}: {text}" for i, text in enumerate(options))
    return "\n".join(f"[{LETTERS[i]}]: {text}" for i, text in enumerate(options))


def numbered_answer(question: Question) -> str:
    """A demonstration's answer: the reference, or the correct options as numbered lines."""
    if question.kind == "open_answer":
        return question.reference
    return "\n".join(f"{i + 1}. {question.options[i]}" for i in question.answer_index)


def lettered_answer(question: Question) -> str:
    if question.kind == "open_answer":
        return question.reference
    return "\n".join(f"{LETTERS[i]}. {question.options[i]}" for i in question.answer_index)


class PromptSet(ABC):
    """Every prompt text the eight strategies and the grader use, for one wording."""

    name: str
    """`trustbench` or `upstream`: the value of the task's `prompts` parameter."""

    @abstractmethod
    def record(self) -> dict[str, Any]:
        """What the log keeps: the wording, and for upstream texts each one's name, sha256 and
        origin (never the text)."""

    # zero-shot, one-shot, and each expert's answer in expert prompting
    @abstractmethod
    def base(self, question: Question) -> str: ...

    # chain of thought, zero- and four-shot
    @abstractmethod
    def cot_system(self, course: str) -> str: ...

    @abstractmethod
    def cot(self, question: Question) -> str: ...

    @abstractmethod
    def cot_demo_answer(self, question: Question) -> str: ...

    # tree of thought
    @abstractmethod
    def tot_system(self, course: str) -> str: ...

    @abstractmethod
    def tree_of_thought(self, question: Question) -> str: ...

    # metacognitive prompting
    @abstractmethod
    def metacog_system(self, course: str) -> str: ...

    @abstractmethod
    def metacognitive(self, question: Question) -> str: ...

    # self-refine: draft, critique, revision
    @abstractmethod
    def refine_system(self, course: str) -> str: ...

    @abstractmethod
    def draft(self, question: Question) -> str: ...

    @abstractmethod
    def critique(self) -> str: ...

    @abstractmethod
    def revise(self, question: Question) -> str: ...

    # expert prompting: name three experts, let each answer, pick the best (open answers)
    @abstractmethod
    def professor_system(self, course: str) -> str: ...

    @abstractmethod
    def name_experts(self, question: Question) -> str: ...

    @abstractmethod
    def expert_system(self, expert: str) -> str: ...

    @abstractmethod
    def fallback_experts(self, course: str) -> list[str]: ...

    @abstractmethod
    def pick_best(self, question: Question, answers: Sequence[str]) -> str: ...

    # the rubric grader's request
    @property
    @abstractmethod
    def grading(self) -> GradingWording: ...
