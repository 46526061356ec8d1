"""The grading request: what the grader reads and the JSON it must return.

`OUR_GRADING` is our wording: the question, reference and student answer are wrapped in tags
so the grader (and a scripted grader in tests) can tell them apart whatever they contain. A
task may bring another `GradingWording` (a paper's own, loaded at run time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trustbench.judges.rubric.labels import RubricLabel

QUESTION_TAG = "question"
REFERENCE_TAG = "reference_answer"
ANSWER_TAG = "student_answer"

LABELS = ", ".join(f'"{label}"' for label in RubricLabel)

INSTRUCTIONS = f"""\
Grade a student's answer to an exam question against the reference answer. Be strict and precise.
1. Read the question and make sure you understand what it asks.
2. Compare the student's answer with the reference answer, point by point.
3. Judge how accurate the student's answer is, and how complete.
4. Pick exactly one label: {LABELS}."""

REPLY_FORMAT = f"""\
Reply with one JSON object and nothing else, with the keys "accuracy" (your assessment of the \
answer's accuracy), "completeness" (your assessment of its completeness) and "label" (one of \
{LABELS})."""

RETRY = """\
Your reply could not be read ({problem}). Reply again with only the JSON object, with the keys \
"accuracy", "completeness" and "label"."""


def system_message(subject: str | None) -> str:
    who = f"a teacher of {subject}" if subject else "a teacher"
    return f"You are {who}, grading exam answers."


def _tagged(tag: str, text: str) -> str:
    return f"<{tag}>\n{text.strip()}\n</{tag}>"


def grading_request(question: str, reference: str, answer: str) -> str:
    return "\n\n".join(
        [
            INSTRUCTIONS,
            _tagged(QUESTION_TAG, question),
            _tagged(REFERENCE_TAG, reference),
            _tagged(ANSWER_TAG, answer),
            REPLY_FORMAT,
        ]
    )


@dataclass(frozen=True)
class GradingWording:
    """One wording of the grading conversation."""

    name: str
    system: Callable[[str | None], str]
    """The system message, given the subject (course) when known."""
    request: Callable[[str, str, str], str]
    """The request, given the question, the reference and the student's answer."""
    retry: str
    """Sent when a reply cannot be read; may name the `{problem}`."""
    bare_label_retry: bool = False
    """Whether the retry asks for the label alone, with no JSON around it."""


OUR_GRADING = GradingWording("trustbench", system_message, grading_request, RETRY)
