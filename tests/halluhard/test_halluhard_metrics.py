"""Pooled metrics against hand-computed values: claims are pooled over conversations and turns,
verification errors leave the denominator, abstentions stay in it, empty groups are left out, and
heuristic verdicts feed only the lower bound, never the hallucination rate."""

import pytest
from inspect_ai.scorer import SampleScore, Score

from trustbench.tasks.halluhard.metrics import halluhard_breakdown, halluhard_rates, run_mode


def hallucination_rate():
    return lambda scores: halluhard_rates()(scores).get("hallucination_rate")


def claim(turn, hallucinated=False, ref="yes", content="yes", abstention=False, error=None):
    return {
        "turn": turn,
        "hallucinated": hallucinated,
        "reference_grounding": ref,
        "content_grounding": content,
        "abstention": abstention,
        "verification_error": error,
    }


def turn(n, found, unreadable=False, unparsed=()):
    return {
        "turn": n,
        "claims_found": found,
        "fallbacks": ["extraction_unreadable"] if unreadable else [],
        "unparsed_citations": list(unparsed),
    }


def response(turn, language, issues=(), error=None):
    return {
        "turn": turn,
        "language": language,
        "issues": [{"type": t, "detail": ""} for t in issues],
        "hallucinated": bool(issues),
        "verification_error": error,
    }


def sample(domain, value=0.0, **metadata):
    return SampleScore(score=Score(value=value, metadata={"domain": domain, **metadata}))


SCORES = [
    # Legal, two conversations. Valid claims: 6 (one error left out); hallucinated 3.
    sample(
        "legal_cases",
        claims=[
            claim(1, hallucinated=True, ref="no", content="no"),
            claim(1),
            claim(1, error="fetch failed", ref="n/a", content="n/a"),
            claim(2, hallucinated=True, content="no"),
            claim(2, abstention=True, ref="n/a", content="n/a"),
        ],
        turns=[turn(1, 7, unparsed=["[9]"]), turn(2, 2), turn(3, 0, unreadable=True)],
    ),
    sample(
        "legal_cases",
        claims=[claim(1), claim(3, hallucinated=True, ref="no", content="no")],
        turns=[turn(1, 1), turn(2, 0), turn(3, 1)],
    ),
    # Research: a conversation whose only claim had a verification error, and one with none.
    sample(
        "research_questions",
        claims=[claim(1, error="missing", ref="n/a", content="n/a")],
        turns=[turn(1, 1)],
    ),
    sample("research_questions", claims=[], turns=[turn(1, 0), turn(2, 0)]),
    # Coding, response level.
    sample(
        "coding",
        responses=[
            response(1, "Python", ["import"]),
            response(2, "Python"),
            response(3, "Python", ["install", "function_call"]),
        ],
    ),
    sample("coding", responses=[response(1, "R"), response(2, "R", error="timeout")]),
]


def test_pooled_rates_by_hand():
    result = halluhard_breakdown()(SCORES)
    legal, coding = 3 / 6, 2 / 4
    assert result["legal_cases"] == pytest.approx(legal)
    assert result["legal_cases/turn_1"] == pytest.approx(1 / 3)
    assert result["legal_cases/turn_2"] == pytest.approx(1 / 2)
    assert result["legal_cases/turn_3"] == pytest.approx(1.0)
    assert result["legal_cases/reference_failure"] == pytest.approx(2 / 6)
    assert result["legal_cases/content_failure"] == pytest.approx(3 / 6)
    assert result["legal_cases/abstention"] == pytest.approx(1 / 6)
    assert result["legal_cases/verification_error"] == pytest.approx(1 / 7)
    assert result["legal_cases/claims_per_turn"] == pytest.approx(7 / 6)
    assert result["legal_cases/claims_found_per_turn"] == pytest.approx(11 / 6)
    assert result["legal_cases/extraction_unreadable_turns"] == pytest.approx(1 / 6)
    assert result["legal_cases/unparsed_citations"] == 1.0
    assert result["legal_cases/lower_bound"] == pytest.approx(legal)  # all judged by a grader
    assert "research_questions" not in result  # nothing valid to divide by
    assert result["research_questions/verification_error"] == 1.0
    assert result["research_questions/claims_per_turn"] == pytest.approx(1 / 3)
    assert result["coding"] == pytest.approx(coding)
    assert result["coding/turn_1"] == pytest.approx(1 / 2)
    assert result["coding/turn_2"] == 0.0
    assert result["coding/turn_3"] == 1.0
    assert result["coding/verification_error"] == pytest.approx(1 / 5)
    assert result["coding/type/import"] == pytest.approx(1 / 4)
    assert result["coding/type/install"] == pytest.approx(1 / 4)
    assert result["coding/type/function_call"] == pytest.approx(1 / 4)
    assert result["coding/language/Python"] == pytest.approx(2 / 3)
    assert result["coding/language/R"] == 0.0
    assert result["coding/Python/import"] == pytest.approx(1 / 3)
    assert result["coding/R/install"] == 0.0
    assert result["turn_1"] == pytest.approx((1 / 3 + 1 / 2) / 2)
    assert result["turn_3"] == pytest.approx((1.0 + 1.0) / 2)
    assert hallucination_rate()(SCORES) == pytest.approx((legal + coding) / 2)


def test_pooling_is_not_the_mean_of_conversation_rates():
    scores = [
        sample("medical_guidelines", claims=[claim(1, hallucinated=True)], turns=[turn(1, 1)]),
        sample("medical_guidelines", claims=[claim(1)] * 9, turns=[turn(1, 9)]),
    ]
    assert hallucination_rate()(scores) == pytest.approx(1 / 10)  # the mean of rates is 0.5


def test_no_claims_at_all_is_no_rate_not_zero():
    assert halluhard_rates()([sample("legal_cases", claims=[], turns=[turn(1, 0)])]) == {}


def heuristic(turn, reference):
    """A heuristic verdict: content not assessed, hallucinated only when the reference failed."""
    return {
        "turn": turn,
        "mode": "heuristic",
        "reference_grounding": reference,
        "content_grounding": "not_assessed",
        "hallucinated": True if reference == "no" else None,
        "abstention": False,
        "verification_error": None,
    }


def test_heuristic_verdicts_give_a_lower_bound_and_no_hallucination_rate():
    scores = [
        sample(
            "research_questions",
            judge_mode="heuristic",
            claims=[
                heuristic(1, "no"),
                heuristic(1, "yes"),
                heuristic(2, "yes"),
                heuristic(2, "yes"),
            ],
            turns=[turn(1, 2), turn(2, 2)],
        ),
        sample(
            "legal_cases", judge_mode="heuristic", claims=[heuristic(1, "no")], turns=[turn(1, 1)]
        ),
    ]
    rates = halluhard_rates()(scores)
    assert "hallucination_rate" not in rates  # not reported from heuristic verdicts
    assert list(rates) == ["hallucination_rate_lower_bound"]  # so it is the run's first metric
    assert rates["hallucination_rate_lower_bound"] == pytest.approx((1 / 4 + 1) / 2)
    result = halluhard_breakdown()(scores)
    assert "research_questions" not in result and "research_questions/turn_1" not in result
    assert result["research_questions/reference_failure"] == pytest.approx(1 / 4)
    assert result["research_questions/content_not_assessed"] == 1.0
    assert "research_questions/content_failure" not in result
    assert result["judge_mode/heuristic"] == 2.0
    assert run_mode(result) == "heuristic"


def test_a_run_with_both_modes_is_mixed_and_rates_only_graded_claims():
    scores = [
        sample(
            "legal_cases", judge_mode="heuristic", claims=[heuristic(1, "no")], turns=[turn(1, 1)]
        ),
        sample("legal_cases", judge_mode="llm", claims=[claim(1), claim(1)], turns=[turn(1, 2)]),
    ]
    assert halluhard_rates()(scores) == {
        "hallucination_rate": 0.0,
        "hallucination_rate_lower_bound": pytest.approx(1 / 3),
    }
    assert run_mode(halluhard_breakdown()(scores)) == "mixed"
