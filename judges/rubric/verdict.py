"""The grader's structured reply, validated with pydantic from the final JSON object in its text."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from trustbench.judges.asking import Unreadable
from trustbench.judges.replies import final_json
from trustbench.judges.rubric.labels import RubricLabel, normalize_label


class RubricVerdict(BaseModel):
    model_config = ConfigDict(extra="ignore")

    label: RubricLabel
    accuracy: str = ""
    completeness: str = ""

    @field_validator("label", mode="before")
    @classmethod
    def _any_spelling(cls, value: Any) -> Any:
        if isinstance(value, str):
            return normalize_label(value) or value
        return value

    @field_validator("accuracy", "completeness", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return value if isinstance(value, str) else json.dumps(value)


class VerdictParseError(Unreadable):
    """The grader's reply holds no valid verdict; the message says what was wrong."""


def parse_verdict(text: str) -> RubricVerdict:
    try:
        raw = final_json(text, dict)
    except Unreadable as ex:
        raise VerdictParseError(str(ex)) from ex
    if raw.get("label") is None and raw.get("grade") is not None:
        raw = {**raw, "label": raw["grade"]}  # upstream's grader used the key "grade"
    try:
        return RubricVerdict.model_validate(raw)
    except ValidationError as ex:
        first = ex.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "reply"
        raise VerdictParseError(f"{where}: {first['msg']}") from ex
