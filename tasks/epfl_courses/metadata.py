"""A question as sample metadata, and back.

The metadata carries the whole record (options, answer key, reference) because the scorer, the
multi-call strategies and the scripted reference models need it; the model under test only ever
sees the prompt messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustbench.tasks.epfl_courses.records import Course, Question


def sample_metadata(question: Question) -> dict[str, Any]:
    return {
        "question_id": question.id,
        "course": question.course.id,
        "course_name": question.course.name,
        "program": question.course.program,
        "language": question.course.language,
        "level": question.course.level,
        "question_type": question.kind,
        "multiple_correct": question.multiple,
        "question": question.body,
        "options": list(question.options),
        "answer_index": list(question.answer_index),
        "reference": question.reference,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "blooms": question.blooms,
    }


def question_from_metadata(metadata: Mapping[str, Any]) -> Question:
    """The record back from a sample, for solvers and scorers that build further prompts."""
    course = Course(
        id=metadata["course"],
        name=metadata["course_name"],
        program=metadata["program"],
        language=metadata["language"],
        level=metadata["level"],
    )
    return Question(
        id=metadata["question_id"],
        course=course,
        kind=metadata["question_type"],
        body=metadata["question"],
        options=tuple(metadata["options"]),
        answer_index=tuple(metadata["answer_index"]),
        multiple=metadata["multiple_correct"],
        reference=metadata["reference"],
        explanation=metadata["explanation"],
        difficulty=metadata["difficulty"],
        blooms=metadata["blooms"],
    )
