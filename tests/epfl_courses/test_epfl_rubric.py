"""The rubric judge on its own: labels, structured replies, the retry (numeric grading has its
own tests in test_epfl_numeric.py)."""

import json

import pytest
from inspect_ai.model import get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.judges.rubric import (
    RubricLabel,
    VerdictParseError,
    grade_answer,
    label_score_map,
    normalize_label,
    parse_verdict,
)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("correct", RubricLabel.CORRECT),
        ("Mostly_Correct", RubricLabel.MOSTLY_CORRECT),
        ("almost correct", RubricLabel.MOSTLY_CORRECT),
        ("'mostly incorrect'", RubricLabel.MOSTLY_INCORRECT),
        ("wrong answer", RubricLabel.INCORRECT),
        ("excellent", None),
    ],
)
def test_labels_are_read_in_any_spelling(text, label):
    assert normalize_label(text) == label


def test_label_scores_are_configurable_and_checked():
    scores = label_score_map({"mostly correct": 0.5})
    assert scores[RubricLabel.MOSTLY_CORRECT] == 0.5 and scores[RubricLabel.CORRECT] == 1.0
    with pytest.raises(ValueError, match="Unknown rubric label 'great'"):
        label_score_map({"great": 1.0})


def test_verdicts_are_parsed_from_json_in_the_reply():
    fenced = (
        'Here it is:\n```json\n{"accuracy": "ok", "completeness": "ok", "label": "Correct"}\n```'
    )
    assert parse_verdict(fenced).label == RubricLabel.CORRECT
    upstream_style = '{"accuracy": "...", "completeness": "...", "grade": "almost correct"}'
    assert parse_verdict(upstream_style).label == RubricLabel.MOSTLY_CORRECT
    for bad, problem in [
        ("no json here", "no JSON object"),
        ('{"label": "superb"}', "label"),
        ("{label: correct}", "no JSON object"),
    ]:
        with pytest.raises(VerdictParseError, match=problem):
            parse_verdict(bad)


def scripted_grader(tmp_path, *replies):
    """Replies in turn order: the retry is the conversation's second assistant turn."""
    script = tmp_path / f"grader{len(replies)}.json"
    script.write_text(json.dumps({"outputs": list(replies)}))
    return get_model("scripted/script", file=str(script), memoize=False)


async def test_an_unreadable_reply_is_retried_once_then_reported(tmp_path):
    retried = await grade_answer(
        scripted_grader(tmp_path, "I think it is fine", '{"label": "mostly incorrect"}'),
        question="Q?",
        reference="42",
        answer="41",
    )
    assert retried.verdict.label == RubricLabel.MOSTLY_INCORRECT and len(retried.replies) == 2
    failed = await grade_answer(
        scripted_grader(tmp_path, "nope", "still nope", '{"label": "correct"}'),
        question="Q?",
        reference="42",
        answer="41",
    )
    assert (
        failed.failed
        and failed.error == "the reply contains no JSON object"
        and len(failed.replies) == 2
    )
