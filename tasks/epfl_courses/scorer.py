"""Scoring: option sets for multiple choice; numbers, or the rubric grader, for open answers.

Open answers with no grader bound are left unscored (`Score.unscored`, counted by Inspect as
unscored samples), never guessed; so are answers the grader failed to grade twice.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import GenerateConfig, Model, get_model, model_roles
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from trustbench.judges.rubric import (
    Quantity,
    RubricLabel,
    grade_answer,
    grade_numeric,
    label_score_map,
    parse_quantity,
)
from trustbench.tasks.epfl_courses.extraction import extract_choices
from trustbench.tasks.epfl_courses.records import LETTERS

GRADER_ROLE = "grader"
GRADER_CONFIG = GenerateConfig(temperature=0.0)
"""Deterministic grading (upstream sampled its GPT-4 grader at 0.8)."""


def bound_grader() -> Model | None:
    """The model bound to the grader role, or None when the run binds none."""
    return get_model(role=GRADER_ROLE) if GRADER_ROLE in model_roles() else None


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


def _quantity_text(quantity: Quantity | None) -> str | None:
    return None if quantity is None else f"{quantity.value:g} {quantity.unit}".strip()


async def score_open(
    reply: str,
    metadata: dict[str, Any],
    label_scores: dict[RubricLabel, float],
    numeric_tolerance: float,
) -> Score:
    reference = metadata["reference"]
    grader = bound_grader()
    quantity = parse_quantity(reference)
    if quantity is not None:
        numeric = grade_numeric(reply, quantity, numeric_tolerance)
        if numeric.answer is not None or grader is None:
            return Score(
                value=1.0 if numeric.correct else 0.0,
                answer=_quantity_text(numeric.answer),
                explanation=numeric.reason,
                metadata={"scoring": "numeric", "format_failure": False},
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
        },
    )


@scorer(metrics=[])
def exam_scorer(label_scores: dict[str, float] | None, numeric_tolerance: float) -> Scorer:
    """`label_scores` overrides the rubric's label → score map (default 1, 2/3, 1/3, 0)."""
    scores = label_score_map(label_scores)

    async def score(state: TaskState, target: Target) -> Score:
        reply = state.output.completion
        if state.metadata["question_type"] == "mcq":
            return score_mcq(reply, state.metadata)
        return await score_open(reply, state.metadata, scores, numeric_tolerance)

    return score
