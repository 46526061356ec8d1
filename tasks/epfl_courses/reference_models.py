"""Scripted policies for `scripted/`: a reference answerer (must score 100 %), a wrong answerer
(must score 0 %), and a grader that calls an answer correct when it contains the reference."""

from __future__ import annotations

import json
import random
import re
from typing import Any

from inspect_ai.model import ChatMessage

from trustbench.judges.rubric import ANSWER_TAG, REFERENCE_TAG, parse_quantity
from trustbench.judges.rubric.units import symbol
from trustbench.tasks.epfl_courses.records import LETTERS

_ENGLISH = ("Final answer: {}", "The answer is {}.", "**{}**")
_FRENCH = ("Réponse : {}", "La bonne réponse est {}.")


def _phrase(letters: list[str], metadata: dict[str, Any], rng: random.Random) -> str:
    phrasings = _FRENCH if metadata["language"] == "French" else _ENGLISH
    return rng.choice(phrasings).format(", ".join(letters))


def reference_answerer(
    messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random
) -> str:
    """The correct letters, in varied phrasings, or the reference text."""
    if metadata["question_type"] == "mcq":
        return _phrase([LETTERS[i] for i in metadata["answer_index"]], metadata, rng)
    return metadata["reference"]


def wrong_answerer(
    messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random
) -> str:
    """A readable but wrong answer: another option set, a far-off number, a non-answer."""
    if metadata["question_type"] == "mcq":
        key = set(metadata["answer_index"])
        others = [i for i in range(len(metadata["options"])) if i not in key]
        chosen = others if metadata["multiple_correct"] else others[:1]
        return _phrase([LETTERS[i] for i in chosen], metadata, rng)
    quantity = parse_quantity(metadata["reference"], metadata["language"])
    if quantity is not None:
        return f"The result is {quantity.value * 3 + 7:g} {symbol(quantity.unit)}".strip()
    return "I do not know how to answer this question."


def _section(messages: list[ChatMessage], tag: str) -> str | None:
    for message in messages:
        found = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", message.text, re.DOTALL)
        if found:
            return found.group(1)
    return None


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def matching_grader(
    messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random
) -> str:
    """Rubric JSON: "correct" when the student answer contains the reference, else "incorrect"."""
    reference = _section(messages, REFERENCE_TAG)
    answer = _section(messages, ANSWER_TAG)
    matches = reference is not None and answer is not None and _fold(reference) in _fold(answer)
    return json.dumps(
        {
            "accuracy": "matches the reference" if matches else "does not match the reference",
            "completeness": "complete" if matches else "incomplete",
            "label": "correct" if matches else "incorrect",
        }
    )


REFERENCE_MODELS = {
    "epfl-reference": reference_answerer,
    "epfl-wrong": wrong_answerer,
    "epfl-grader": matching_grader,
}
