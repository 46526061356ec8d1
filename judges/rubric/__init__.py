"""Exam rubric grader: an open answer against its reference, as a four-label verdict.

Knows nothing about tasks: it takes text (question, reference, answer) and a model, and returns
verdicts. References that are one quantity (a number with or without a unit), a range or a bound are
graded numerically with pint, with no model at all, whenever the reply's final value can be read.
"""

from trustbench.judges.rubric.grader import GradingResult, grade_answer
from trustbench.judges.rubric.labels import (
    DEFAULT_LABEL_SCORES,
    RubricLabel,
    label_score_map,
    normalize_label,
)
from trustbench.judges.rubric.numeric import (
    DEFAULT_REL_TOL,
    NumericVerdict,
    Reading,
    expects_range,
    grade_numeric,
    read_answer,
)
from trustbench.judges.rubric.prompt import (
    ANSWER_TAG,
    OUR_GRADING,
    QUESTION_TAG,
    REFERENCE_TAG,
    GradingWording,
)
from trustbench.judges.rubric.quantities import Answer, Interval, Quantity, parse_reference
from trustbench.judges.rubric.verdict import RubricVerdict, VerdictParseError, parse_verdict

__all__ = [
    "ANSWER_TAG",
    "Answer",
    "DEFAULT_LABEL_SCORES",
    "DEFAULT_REL_TOL",
    "QUESTION_TAG",
    "REFERENCE_TAG",
    "Reading",
    "GradingResult",
    "GradingWording",
    "Interval",
    "NumericVerdict",
    "OUR_GRADING",
    "Quantity",
    "RubricLabel",
    "RubricVerdict",
    "VerdictParseError",
    "grade_answer",
    "grade_numeric",
    "label_score_map",
    "normalize_label",
    "expects_range",
    "parse_reference",
    "parse_verdict",
    "read_answer",
]
