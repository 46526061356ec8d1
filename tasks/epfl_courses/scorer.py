"""Scoring: option sets for multiple choice; numbers, or the rubric grader, for open answers.

A reply is first stripped of what it copied from its prompt (`judges.echo`): a reply that only
repeats the prompt scores 0 as a format failure, whatever the prompt contains. Open answers
whose reference is one quantity are graded with pint when the reply's final value can be read
with confidence; otherwise the grader decides, or with no grader bound the sample is left
unscored (`Score.unscored`, counted by Inspect), never guessed. So are answers the grader
failed to grade twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from trustbench.judges.echo import own_words, prompt_texts
from trustbench.judges.roles import bound_grader
from trustbench.judges.rubric import (
    RubricLabel,
    grade_answer,
    grade_numeric,
    label_score_map,
    parse_quantity,
)
from trustbench.tasks.epfl_courses.extraction import extract_choices
from trustbench.tasks.epfl_courses.prompt_set import PromptSet
from trustbench.tasks.epfl_courses.records import LETTERS

GRADER_CONFIG = GenerateConfig(temperature=0.0)
"""Deterministic grading (upstream sampled its GPT-4 grader at 0.8)."""
_OPTION_LINE = re.compile(r"^[-*•]?\s*\[?(?:[A-Za-z]|\d{1,2})\]?\s*[.:)]\s*(.+)$")


def names_an_option(options: Sequence[str]) -> Callable[[str], bool]:
    """Whether a line is one labelled option (`C: text`), which a reply may quote as its choice."""
    texts = {" ".join(option.split()) for option in options}

    def check(line: str) -> bool:
        found = _OPTION_LINE.match(line)
        return found is not None and found.group(1) in texts

    return check


def echo_score() -> Score:
    return Score(
        value=0.0,
        answer=None,
        explanation="the reply only repeats the prompt",
        reason="invalid_response_format",
        metadata={"scoring": "echo", "format_failure": True},
    )


def score_mcq(reply: str, metadata: dict[str, Any]) -> Score:
    extraction = extract_choices(reply, metadata["options"])
    key = frozenset(metadata["answer_index"])
    expected = ", ".join(LETTERS[i] for i in sorted(key))
    details = {"scoring": "mcq", "extraction": extraction.method}
    if extraction.choices is None:
        return Score(
            value=0.0,
            answer=None,
            explanation=f"no option could be read from the reply; expected {expected}",
            reason="invalid_response_format",
            metadata={**details, "format_failure": True, "selected": None},
        )
    chosen = ", ".join(extraction.letters())
    return Score(
        value=1.0 if extraction.choices == key else 0.0,
        answer=chosen,
        explanation=f"chose {chosen} ({extraction.method}); expected {expected}",
        metadata={**details, "format_failure": False, "selected": extraction.letters()},
    )


async def score_open(
    reply: str,
    own: str,
    metadata: dict[str, Any],
    label_scores: dict[RubricLabel, float],
    numeric_tolerance: float,
    prompts: PromptSet,
) -> Score:
    """`own` is the reply without what it copied from the prompt; the grader sees `reply`."""
    reference = metadata["reference"]
    grader = bound_grader()
    quantity = parse_quantity(reference, metadata["language"])
    numeric_problem = None
    if quantity is not None:
        numeric = grade_numeric(
            own, quantity, language=metadata["language"], rel_tol=numeric_tolerance
        )
        if numeric.outcome != "unreadable":
            return Score(
                value=1.0 if numeric.correct else 0.0,
                answer=str(numeric.answer),
                explanation=numeric.reason,
                metadata={
                    "scoring": "numeric",
                    "format_failure": False,
                    "read_from": numeric.method,
                    "reference_quantity": str(quantity),
                },
            )
        numeric_problem = f"{numeric.method}: {numeric.reason}"
        if grader is None:
            return Score.unscored(
                reason="scoring_failed",
                explanation=f"no numeric answer could be read with confidence ({numeric_problem});"
                " bind a grader (--grader MODEL) to grade such replies",
                metadata={"scoring": "numeric_unreadable", "read_from": numeric.method},
            )
    if grader is None:
        return Score.unscored(
            reason="scoring_failed",
            explanation="open answer not graded: no grader bound (pass --grader MODEL, or bind "
            "the 'grader' model role)",
            metadata={"scoring": "no_grader"},
        )
    result = await grade_answer(
        grader,
        question=metadata["question"],
        reference=reference,
        answer=reply,
        subject=metadata["course_name"],
        config=GRADER_CONFIG,
        wording=prompts.grading,
    )
    if result.verdict is None:
        return Score.unscored(
            reason="grader_failed",
            explanation=f"the grader's reply could not be read twice: {result.error}",
            metadata={"scoring": "grading_failed", "grader_replies": result.replies},
        )
    verdict = result.verdict
    return Score(
        value=label_scores[verdict.label],
        answer=str(verdict.label),
        explanation=f"{verdict.label}: {verdict.accuracy} {verdict.completeness}".strip(),
        metadata={
            "scoring": "rubric",
            "format_failure": False,
            "label": str(verdict.label),
            "grader_replies": result.replies,
            **({"numeric_unreadable": numeric_problem} if numeric_problem else {}),
        },
    )


@scorer(metrics=[])
def exam_scorer(
    label_scores: dict[str, float] | None, numeric_tolerance: float, prompts: PromptSet
) -> Scorer:
    """`label_scores` overrides the rubric's label → score map (default 1, 2/3, 1/3, 0)."""
    scores = label_score_map(label_scores)

    async def score(state: TaskState, target: Target) -> Score:
        reply = state.output.completion
        metadata = state.metadata
        own = own_words(
            reply,
            prompt_texts(state.messages),
            names_an_answer=names_an_option(metadata["options"]),
        )
        if own.only_echo:
            return echo_score()
        if metadata["question_type"] == "mcq":
            return score_mcq(own.text, metadata)
        return await score_open(reply, own.text, metadata, scores, numeric_tolerance, prompts)

    return score
