"""The README's cross-strategy definitions (judges.rubric.exam_results), on a synthetic exam
worked out by hand: varying strategy coverage, partial credit, ties, and two programs."""

import pytest

from trustbench.judges.rubric.exam_results import (
    ANY,
    MAJORITY,
    MEAN,
    QuestionScore,
    exam_results,
)

ROWS = [  # question, course, program, {strategy: score}
    ("q1", "c1", "P", {"a": 1.0, "b": 1.0, "c": 0.0}),
    ("q2", "c1", "P", {"a": 2 / 3, "b": 0.0, "c": 0.0}),
    ("q3", "c2", "P", {"a": 1.0, "b": 0.0}),  # not scored under c: K(q3) = {a, b}
    ("q4", "c3", "none", {"a": 0.0, "b": 1.0, "c": 1.0}),
]
SCORES = [
    QuestionScore(q, strategy, score, course, program)
    for q, course, program, by_strategy in ROWS
    for strategy, score in by_strategy.items()
]


@pytest.fixture(scope="module")
def results():
    return exam_results(SCORES, threshold=0.5)


def test_views_are_each_strategy_then_the_pooled_ones(results):
    assert list(results) == ["strategy=a", "strategy=b", "strategy=c", MEAN, ANY, MAJORITY]


def test_question_values_per_view(results):
    assert results[MEAN].values == pytest.approx({"q1": 2 / 3, "q2": 2 / 9, "q3": 0.5, "q4": 2 / 3})
    # partial credit (2/3, "mostly correct") is not "fully correct"
    assert results[ANY].values == {"q1": 1.0, "q2": 0.0, "q3": 1.0, "q4": 1.0}
    # q3: 1 of 2 is a tie, not a majority
    assert results[MAJORITY].values == {"q1": 1.0, "q2": 0.0, "q3": 0.0, "q4": 1.0}
    assert set(results["strategy=c"].values) == {"q1", "q2", "q4"}


def test_question_scores(results):
    assert results["strategy=a"].score == pytest.approx((1 + 2 / 3 + 1 + 0) / 4)
    assert results["strategy=c"].score == pytest.approx(1 / 3)
    assert results[MEAN].score == pytest.approx((2 / 3 + 2 / 9 + 0.5 + 2 / 3) / 4)
    assert results[ANY].score == 0.75 and results[MAJORITY].score == 0.5


def test_course_scores_pass_decisions_and_program_shares(results):
    mean = results[MEAN]
    assert mean.courses["c1"].score == pytest.approx((2 / 3 + 2 / 9) / 2)  # 0.444: failed
    assert [c.passed for c in mean.courses.values()] == [False, True, True]
    assert mean.programs == {"P": 0.5, "none": 1.0}
    assert mean.courses_passed == pytest.approx(2 / 3)
    majority = results[MAJORITY]
    assert majority.courses["c1"].score == 0.5 and majority.courses["c1"].passed  # ≥ threshold
    assert majority.programs == {"P": 0.5, "none": 1.0}
    b = results["strategy=b"]
    assert {c: r.passed for c, r in b.courses.items()} == {"c1": True, "c2": False, "c3": True}
    assert results["strategy=c"].programs == {"P": 0.0, "none": 1.0}  # c2 not scored under c


def test_the_threshold_is_a_parameter():
    strict = exam_results(SCORES, threshold=0.9)
    assert strict[MEAN].courses_passed == 0.0
    assert strict[ANY].courses_passed == pytest.approx(2 / 3)  # c1 = 0.5 fails at 0.9
