"""One row of each domain's seed file, in upstream's schema, checked as it is read.

Upstream files differ in types between revisions (the initial release writes years, citation
counts and author lists as strings); both spellings are accepted.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from trustbench.tasks.halluhard.errors import SchemaError

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

KNOWN_PAPER_CITATIONS = 1000
"""Upstream drew half its papers with >= 1000 citations ("known") and half with few ("niche")."""


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LegalRow(_Row):
    question: Text
    question_category: Text
    source: str | None = None
    case_id: str | None = None

    @property
    def seed(self) -> str:
        return self.question


class ResearchRow(_Row):
    research_question: Text
    title: Text
    doi: str | None = None
    publication_year: int | None = None
    cited_by_count: int | None = None
    authors: list[str] = Field(default_factory=list)
    arxiv_id: str | None = None

    @field_validator("authors", mode="before")
    @classmethod
    def _stringified_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return ast.literal_eval(value) if value.strip().startswith("[") else [value]
            except (ValueError, SyntaxError) as ex:
                raise ValueError(f"authors is not a list: {value[:60]!r}") from ex
        return value

    @property
    def seed(self) -> str:
        return self.research_question

    @property
    def paper_group(self) -> str | None:
        if self.cited_by_count is None:
            return None
        return "known" if self.cited_by_count >= KNOWN_PAPER_CITATIONS else "niche"


class MedicalRow(_Row):
    question: Text
    guideline_text: Text
    source: Text

    @property
    def seed(self) -> str:
        return self.question

    @property
    def topic(self) -> str:
        """The guideline's first line (its title), which is all the simulated user sees of it."""
        return self.guideline_text.splitlines()[0].strip().lstrip("# ")


class CodingRow(_Row):
    language: Text
    task: Text
    prompt_template: Text
    prompt: Text

    @property
    def seed(self) -> str:
        return self.prompt


Row = LegalRow | ResearchRow | MedicalRow | CodingRow
ROW_TYPES: dict[str, type[Row]] = {
    "legal_cases": LegalRow,
    "research_questions": ResearchRow,
    "medical_guidelines": MedicalRow,
    "coding": CodingRow,
}


def read_rows(path: Path, domain: str) -> list[Row]:
    """Every row of a JSONL seed file; the first bad line is an error naming file and line."""
    row_type = ROW_TYPES[domain]
    rows: list[Row] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                rows.append(row_type.model_validate(json.loads(line)))
            except json.JSONDecodeError as ex:
                raise SchemaError(f"{path}:{number}: not JSON ({ex.msg}).") from ex
            except ValidationError as ex:
                problems = "; ".join(
                    f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in ex.errors()
                )
                raise SchemaError(
                    f"{path}:{number}: not a {domain} row ({problems}). Expected the upstream "
                    f"fields {sorted(row_type.model_fields)}."
                ) from ex
    if not rows:
        raise SchemaError(f"{path} has no rows.")
    return rows
