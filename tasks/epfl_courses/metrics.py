"""Per-log metrics: accuracy per breakdown, the format-failure rate, and courses passed.

Unscored samples (open answers with no grader, grading failures) never reach a metric: Inspect
drops them first and counts them as `unscored_samples`.
"""

from __future__ import annotations

from collections import defaultdict

from inspect_ai.scorer import Metric, SampleScore, Value, accuracy, grouped, metric, value_to_float

BREAKDOWNS = ["course", "program", "language", "level", "question_type"]

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


def course_accuracy(scores: list[SampleScore]) -> dict[str, tuple[str, float]]:
    """Per course: its program and mean score."""
    totals: dict[str, list[float]] = defaultdict(list)
    program: dict[str, str] = {}
    for s in scores:
        meta = s.sample_metadata or {}
        totals[meta["course"]].append(_to_float(s.score.value))
        program[meta["course"]] = meta["program"]
    return {c: (program[c], sum(v) / len(v)) for c, v in totals.items()}


@metric
def courses_passed(threshold: float) -> Metric:
    """Share of courses whose accuracy reaches `threshold`: over all courses, and per program."""

    def compute(scores: list[SampleScore]) -> Value:
        courses = course_accuracy(scores)
        by_program: dict[str, list[bool]] = defaultdict(list)
        for program, score in courses.values():
            by_program[program].append(score >= threshold)
        passed = [p for results in by_program.values() for p in results]
        result: dict[str, float] = {
            "courses_passed/all": sum(passed) / len(passed) if passed else 0.0
        }
        for program, results in sorted(by_program.items()):
            result[f"courses_passed/{program}"] = sum(results) / len(results)
        return result

    return compute
