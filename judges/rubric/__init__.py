"""Exam rubric grader: an open answer against its reference, as a four-label verdict.

Knows nothing about tasks: it takes text (question, reference, answer) and a model, and returns
verdicts. References that are plain numbers are graded numerically, with no model at all.
"""

from trustbench.judges.rubric.grader import GradingResult, grade_answer
from trustbench.judges.rubric.labels import (
    DEFAULT_LABEL_SCORES,
    RubricLabel,
    label_score_map,
    normalize_label,
)
from trustbench.judges.rubric.numeric import (
    NumericVerdict,
    Quantity,
    answer_quantity,
    grade_numeric,
    parse_quantity,
)
from trustbench.judges.rubric.prompt import ANSWER_TAG, QUESTION_TAG, REFERENCE_TAG
from trustbench.judges.rubric.verdict import RubricVerdict, VerdictParseError, parse_verdict

__all__ = [
    "ANSWER_TAG",
    "DEFAULT_LABEL_SCORES",
    "QUESTION_TAG",
    "REFERENCE_TAG",
    "GradingResult",
    "NumericVerdict",
    "Quantity",
    "RubricLabel",
    "RubricVerdict",
    "VerdictParseError",
    "answer_quantity",
    "grade_answer",
    "grade_numeric",
    "label_score_map",
    "normalize_label",
    "parse_quantity",
    "parse_verdict",
]
