"""Courses and questions read from the upstream `courses.json` / `questions.json` schemas.

Upstream records vary in small ways (an index or a list of indices, flags as 0/1 or 1.0, lists
written as strings, an open answer given as a list whose first element counts); all are read.
Anything that cannot be read is an `InvalidQuestionError` naming the question.
"""

from __future__ import annotations

import ast
import codecs
import json
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from trustbench.tasks.epfl_courses.errors import (
    ExamDataError,
    ExamFileEncodingError,
    InvalidQuestionError,
)

QuestionKind = Literal["mcq", "open_answer"]
KINDS: dict[str, QuestionKind] = {"mcq": "mcq", "open_answer": "open_answer"}
LETTERS = string.ascii_uppercase
NO_PROGRAM = "none"
"""Program recorded for courses with `course_program: null` (upstream's online courses)."""


@dataclass(frozen=True)
class Course:
    id: str
    name: str
    program: str
    language: str
    level: str


@dataclass(frozen=True)
class Question:
    id: str
    course: Course
    kind: QuestionKind
    body: str
    options: tuple[str, ...]
    answer_index: tuple[int, ...]
    multiple: bool
    reference: str
    explanation: str | None
    difficulty: str | None
    blooms: str | None

    @property
    def answer_letters(self) -> list[str]:
        return [LETTERS[i] for i in self.answer_index]


@dataclass(frozen=True)
class Skipped:
    question_id: str
    problem: str


def read_text(path: Path, what: str) -> str:
    """A file's text: UTF-8, with or without a byte-order mark; anything else is refused with
    the offset of the first byte that is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as ex:
        raise ExamDataError(f"Cannot read the {what} file {path}: {ex.strerror}.") from ex
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        raise ExamFileEncodingError(str(path), ex.start, data[ex.start], utf16) from ex


def read_json_list(path: Path, what: str) -> list[Any]:
    try:
        data = json.loads(read_text(path, what))
    except json.JSONDecodeError as ex:
        raise ExamDataError(
            f"{path}: not valid JSON ({ex}); the {what} file must be a JSON list."
        ) from ex
    if not isinstance(data, list):
        raise ExamDataError(f"{path}: the {what} file must be a JSON list of records.")
    return data


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_courses(records: Iterable[Any], source: str) -> dict[str, Course]:
    courses: dict[str, Course] = {}
    for i, raw in enumerate(records):
        if not isinstance(raw, Mapping):
            raise ExamDataError(f"{source}: course record {i} is not an object.")
        missing = [
            k
            for k in ("course_id", "course_name", "course_language", "course_year")
            if _text(raw.get(k)) is None
        ]
        if missing:
            raise ExamDataError(
                f"{source}: course record {i} ({raw.get('course_id', 'no id')}) lacks "
                f"{', '.join(missing)}; every course needs course_id, course_name, "
                "course_language and course_year (course_program may be null)."
            )
        course_id = str(raw["course_id"]).strip()
        courses[course_id] = Course(
            id=course_id,
            name=str(raw["course_name"]).strip(),
            program=_text(raw.get("course_program")) or NO_PROGRAM,
            language=str(raw["course_language"]).strip(),
            level=str(raw["course_year"]).strip(),
        )
    return courses


def _as_list(value: Any) -> list[Any] | None:
    """A list, or a list written as a string ("[0, 2]", "['a', 'b']") as upstream exports have."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            return None
        return list(parsed) if isinstance(parsed, list | tuple) else None
    return None


def _as_index(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in ("1", "1.0", "true", "yes")
    return bool(value)


def _options(qid: str, raw: Mapping[str, Any]) -> tuple[str, ...]:
    options = _as_list(raw.get("question_options"))
    if options is None or len(options) < 2:
        raise InvalidQuestionError(
            qid, "a multiple-choice question needs question_options, a list of at least two options"
        )
    if len(options) > len(LETTERS):
        raise InvalidQuestionError(qid, f"{len(options)} options; at most 26 can be lettered")
    texts = tuple(text for o in options if (text := _text(o)) is not None)
    if len(texts) < len(options):
        raise InvalidQuestionError(qid, "an option in question_options is empty")
    return texts


def _answer_index(qid: str, raw: Mapping[str, Any], options: tuple[str, ...]) -> tuple[int, ...]:
    """From mcq_answer_index, or else from question_answer given as index or option text."""
    key = raw.get("mcq_answer_index")
    source = "mcq_answer_index"
    if key is None:
        key, source = raw.get("question_answer"), "question_answer"
    items = _as_list(key)
    items = [key] if items is None else items
    if not items or items == [None]:
        raise InvalidQuestionError(qid, "no answer key: give mcq_answer_index (0-based)")
    indices: list[int] = []
    for item in items:
        index = _as_index(item)
        if index is None and isinstance(item, str) and source == "question_answer":
            index = next((i for i, o in enumerate(options) if o == item.strip()), None)
            if index is None:
                raise InvalidQuestionError(qid, f"answer {item!r} is not one of the options")
        if index is None:
            raise InvalidQuestionError(qid, f"{source} {item!r} is not an option index")
        if not 0 <= index < len(options):
            raise InvalidQuestionError(
                qid,
                f"{source} {index} is out of range for {len(options)} options "
                f"(0-{len(options) - 1})",
            )
        if index in indices:
            raise InvalidQuestionError(qid, f"{source} lists option {index} twice")
        indices.append(index)
    return tuple(sorted(indices))


def _reference(qid: str, raw: Mapping[str, Any]) -> str:
    answer = raw.get("question_answer")
    if isinstance(answer, list):
        answer = answer[0] if answer else None  # upstream grades against the first element
    text = _text(answer)
    if text is None:
        raise InvalidQuestionError(qid, "an open question needs a non-empty question_answer")
    return text


def parse_question(raw: Any, courses: Mapping[str, Course], position: int) -> Question:
    if not isinstance(raw, Mapping):
        raise InvalidQuestionError(f"#{position}", "the record is not a JSON object")
    qid = _text(raw.get("question_id")) or f"#{position} (no question_id)"
    if _text(raw.get("question_id")) is None:
        raise InvalidQuestionError(qid, "missing question_id")
    course_id = _text(raw.get("course_id"))
    if course_id is None:
        raise InvalidQuestionError(qid, "missing course_id")
    if course_id not in courses:
        raise InvalidQuestionError(qid, f"course_id {course_id} is not in the courses file")
    kind_text = _text(raw.get("question_type"))
    kind = KINDS.get(kind_text or "")
    if kind is None:
        raise InvalidQuestionError(
            qid, f"unknown question_type {kind_text!r}; expected one of {tuple(KINDS)}"
        )
    body = _text(raw.get("question_body"))
    if body is None:
        raise InvalidQuestionError(qid, "missing question_body")
    options: tuple[str, ...] = ()
    index: tuple[int, ...] = ()
    if kind == "mcq":
        options = _options(qid, raw)
        index = _answer_index(qid, raw, options)
        reference = "; ".join(options[i] for i in index)
    else:
        reference = _reference(qid, raw)
    return Question(
        id=qid,
        course=courses[course_id],
        kind=kind,
        body=body,
        options=options,
        answer_index=index,
        multiple=kind == "mcq" and (_flag(raw.get("multiple_correct_answers")) or len(index) > 1),
        reference=reference,
        explanation=_text(raw.get("question_explanation")),
        difficulty=_text(raw.get("question_difficulty")),
        blooms=_text(raw.get("blooms_rating")),
    )


def parse_questions(
    records: Iterable[Any],
    courses: Mapping[str, Course],
    on_invalid: Literal["error", "skip"],
) -> tuple[list[Question], list[Skipped]]:
    """Every readable question, in file order; bad ones raise or are skipped and listed."""
    questions: list[Question] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for position, raw in enumerate(records):
        try:
            question = parse_question(raw, courses, position)
            if question.id in seen:
                raise InvalidQuestionError(question.id, "duplicate question_id")
        except InvalidQuestionError as ex:
            if on_invalid == "error":
                raise
            skipped.append(Skipped(ex.question_id, ex.problem))
            continue
        seen.add(question.id)
        questions.append(question)
    return questions, skipped
