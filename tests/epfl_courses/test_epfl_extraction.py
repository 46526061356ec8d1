"""The multiple-choice extractor on the phrasings the issue names, and on the authored corpus."""

import json
from pathlib import Path

import pytest

from trustbench.tasks.epfl_courses.extraction import extract_choices

STATE = ["Its pressure", "Its volume", "Its internal energy", "Its entropy"]
DIMS = ["2", "3", "4", "8"]
TRI = ["Le tri fusion", "Le tri rapide", "Le tri par tas", "Le tri par insertion"]
CORPUS = Path(__file__).parent / "fixtures" / "extraction_corpus.json"


@pytest.mark.parametrize(
    ("reply", "options", "expected"),
    [
        ("C", STATE, ["C"]),
        ("3", STATE, ["C"]),
        ("3. Its internal energy", STATE, ["C"]),
        ("It is the internal energy.", STATE, ["C"]),
        ("the answer is (c)", STATE, ["C"]),
        ("Final answer is [C]", STATE, ["C"]),
        ("Lots of reasoning about A and B.\n\nSo the answer must be C.", STATE, ["C"]),
        ("Pressure changes, and so does the volume.\n\n**C**", STATE, ["C"]),
        ("\\boxed{C}", STATE, ["C"]),
        ("A common mistake is A; the correct answer is C.", STATE, ["C"]),
        ("la réponse est C", STATE, ["C"]),
        ("réponses : A et C", TRI, ["A", "C"]),
        ("A and C", TRI, ["A", "C"]),
        ("Final correct answers are [A, C]", TRI, ["A", "C"]),
        ("Answer:\n1. Le tri fusion\n3. Le tri par tas", TRI, ["A", "C"]),
        ("Le tri fusion et le tri par tas.", TRI, ["A", "C"]),
        ("Answer: 4", DIMS, ["C"]),
        ("3. 4", DIMS, ["C"]),
    ],
)
def test_reads_the_chosen_options(reply, options, expected):
    extraction = extract_choices(reply, options)
    assert extraction.letters() == expected, extraction


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "I don't know.",
        "B is incorrect.",
        "Final answer is [your selected option]",
        "Je ne sais pas.",
    ],
)
def test_unreadable_replies_are_format_failures(reply):
    assert not extract_choices(reply, STATE).parsed


def test_most_of_the_authored_corpus_is_read_right():
    """A regression guard; the measured figures per split are printed by the benchmark."""
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    assert len(data["items"]) >= 200
    right = 0
    for item in data["items"]:
        got = extract_choices(item["output"], data["option_sets"][item["options"]])
        want = None if item["expected"] is None else sorted(item["expected"].split(","))
        right += (got.letters() if got.parsed else None) == want
    assert right / len(data["items"]) >= 0.97
    assert {i["lang"] for i in data["items"]} == {"en", "fr"}
