"""The four rubric labels, their default scores, and the spellings graders use for them."""

from __future__ import annotations

import re
from enum import StrEnum


class RubricLabel(StrEnum):
    CORRECT = "correct"
    MOSTLY_CORRECT = "mostly correct"
    MOSTLY_INCORRECT = "mostly incorrect"
    INCORRECT = "incorrect"


DEFAULT_LABEL_SCORES: dict[RubricLabel, float] = {
    RubricLabel.CORRECT: 1.0,
    RubricLabel.MOSTLY_CORRECT: 2 / 3,
    RubricLabel.MOSTLY_INCORRECT: 1 / 3,
    RubricLabel.INCORRECT: 0.0,
}
"""Evenly spaced credit. Upstream's own mapping is not published, so this is a parameter."""

_SYNONYMS: dict[str, RubricLabel] = {
    "correct": RubricLabel.CORRECT,
    "fully correct": RubricLabel.CORRECT,
    "mostly correct": RubricLabel.MOSTLY_CORRECT,
    "almost correct": RubricLabel.MOSTLY_CORRECT,
    "partially correct": RubricLabel.MOSTLY_CORRECT,
    "mostly incorrect": RubricLabel.MOSTLY_INCORRECT,
    "mostly wrong": RubricLabel.MOSTLY_INCORRECT,
    "incorrect": RubricLabel.INCORRECT,
    "wrong": RubricLabel.INCORRECT,
    "wrong answer": RubricLabel.INCORRECT,
}
"""Upstream's grader used 'almost correct' and 'wrong answer'; both are accepted."""


def normalize_label(text: str) -> RubricLabel | None:
    """Read a label written with any case, underscores, hyphens or quotes; None if unknown."""
    key = re.sub(r"[\s_\-]+", " ", text.strip().strip("'\"`.").casefold()).strip()
    return _SYNONYMS.get(key)


def label_score_map(overrides: dict[str, float] | None) -> dict[RubricLabel, float]:
    """The default scores with `overrides` (keyed by any accepted spelling) applied."""
    scores = dict(DEFAULT_LABEL_SCORES)
    for name, value in (overrides or {}).items():
        label = normalize_label(name)
        if label is None:
            raise ValueError(
                f"Unknown rubric label {name!r} in label_scores; use one of: "
                + ", ".join(repr(str(lbl)) for lbl in RubricLabel)
            )
        scores[label] = float(value)
    return scores
