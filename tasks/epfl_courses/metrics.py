"""Per-log metrics: accuracy per breakdown, the format-failure rate, and courses passed.

Unscored samples (open answers with no grader, grading failures) never reach a metric: Inspect
drops them first and counts them as `unscored_samples`.
"""

from __future__ import annotations

from inspect_ai.scorer import Metric, SampleScore, Value, accuracy, grouped, metric, value_to_float

from trustbench.judges.rubric.exam_results import QuestionScore, view_result

BREAKDOWNS = ("course", "program", "language", "level", "question_type")

_to_float = value_to_float()


def breakdown_metrics() -> list[Metric]:
    """Accuracy per value of each breakdown key, named `<key>/<value>` (e.g. `language/French`)."""
    return [
        grouped(accuracy(), key, all=False, name_template=f"{key}/{{group_name}}")
        for key in BREAKDOWNS
    ]


@metric
def format_failure_rate() -> Metric:
    """Share of scored samples whose multiple-choice reply named no option that could be read."""

    def compute(scores: list[SampleScore]) -> Value:
        failures = sum(bool((s.score.metadata or {}).get("format_failure")) for s in scores)
        return failures / len(scores) if scores else 0.0

    return compute


def _question_scores(scores: list[SampleScore]) -> list[QuestionScore]:
    return [
        QuestionScore(
            question=str(s.sample_id),
            strategy="this run",
            score=_to_float(s.score.value),
            course=str((s.sample_metadata or {})["course"]),
            program=str((s.sample_metadata or {})["program"]),
        )
        for s in scores
    ]


@metric
def courses_passed(threshold: float) -> Metric:
    """Share of courses whose score reaches `threshold`, over all courses and per program: the
    single-strategy view of `judges.rubric.exam_results`, which the report pools across runs."""

    def compute(scores: list[SampleScore]) -> Value:
        records = _question_scores(scores)
        if not records:
            return {"courses_passed/all": 0.0}
        where = {r.question: (r.course, r.program) for r in records}
        values = {r.question: r.score for r in records}
        view = view_result("this run", values, where, threshold)
        result: dict[str, float] = {"courses_passed/all": view.courses_passed}
        result.update({f"courses_passed/{p}": share for p, share in view.programs.items()})
        return result

    return compute
