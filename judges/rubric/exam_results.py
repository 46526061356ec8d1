"""Exam results across prompting strategies, exactly as the EPFL task README defines them.

The input is one `QuestionScore` per question and strategy: the question's score `s(q, k)`
(1 or 0 for multiple choice and numeric answers, the label's score for rubric answers), its
course and its degree program. A *view* gives every question one value:

- `strategy=<k>`: `s(q, k)`, for the questions scored under `k`;
- `mean over strategies`: the mean of `s(q, k)` over the strategies `K(q)` that scored `q`;
- `any strategy`: 1 when some strategy answered `q` fully correctly (`s = 1`), else 0;
- `majority vote`: 1 when more than half of `K(q)` answered `q` fully correctly, else 0.

For each view: the question score (the mean over questions), each course's score (the mean over
its questions) and pass decision (score ≥ threshold), and each program's share of courses
passed (courses without a program form the group `none`). Pure functions over plain records,
so the task's per-log metrics and the report's cross-strategy view compute the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

MEAN = "mean over strategies"
ANY = "any strategy"
MAJORITY = "majority vote"
POOLED = (MEAN, ANY, MAJORITY)
FULL_MARKS = 1.0 - 1e-9
"""A score counts as fully correct from here (label scores are floats)."""


def strategy_view(strategy: str) -> str:
    return f"strategy={strategy}"


@dataclass(frozen=True)
class QuestionScore:
    question: str
    strategy: str
    score: float
    course: str
    program: str


@dataclass(frozen=True)
class CourseResult:
    course: str
    program: str
    score: float
    passed: bool
    questions: int


@dataclass(frozen=True)
class ViewResult:
    view: str
    values: dict[str, float]
    """Question → its value under this view."""
    courses: dict[str, CourseResult]
    programs: dict[str, float]
    """Program → share of its courses passed."""

    @property
    def score(self) -> float:
        """The question score: the mean value over the view's questions."""
        return sum(self.values.values()) / len(self.values) if self.values else float("nan")

    @property
    def courses_passed(self) -> float:
        """Share of all courses passed."""
        passed = [c.passed for c in self.courses.values()]
        return sum(passed) / len(passed) if passed else float("nan")


def question_values(scores: Iterable[QuestionScore]) -> dict[str, dict[str, float]]:
    """View → question → value, for every strategy present and the three pooled views."""
    by_question: dict[str, dict[str, float]] = defaultdict(dict)
    for item in scores:
        by_question[item.question][item.strategy] = item.score
    views: dict[str, dict[str, float]] = defaultdict(dict)
    for question, per_strategy in by_question.items():
        for strategy, score in per_strategy.items():
            views[strategy_view(strategy)][question] = score
        full = sum(score >= FULL_MARKS for score in per_strategy.values())
        views[MEAN][question] = sum(per_strategy.values()) / len(per_strategy)
        views[ANY][question] = 1.0 if full else 0.0
        views[MAJORITY][question] = 1.0 if full > len(per_strategy) / 2 else 0.0
    return dict(views)


def view_result(
    view: str, values: dict[str, float], where: dict[str, tuple[str, str]], threshold: float
) -> ViewResult:
    """Courses and programs of one view; `where` maps a question to its (course, program)."""
    by_course: dict[str, list[float]] = defaultdict(list)
    program_of: dict[str, str] = {}
    for question, value in values.items():
        course, program_of[course] = where[question]
        by_course[course].append(value)
    courses: dict[str, CourseResult] = {}
    by_program: dict[str, list[bool]] = defaultdict(list)
    for course, course_values in sorted(by_course.items()):
        program = program_of[course]
        score = sum(course_values) / len(course_values)
        courses[course] = CourseResult(
            course, program, score, score >= threshold, len(course_values)
        )
        by_program[program].append(score >= threshold)
    programs = {p: sum(passed) / len(passed) for p, passed in sorted(by_program.items())}
    return ViewResult(view, values, courses, programs)


def exam_results(scores: Iterable[QuestionScore], threshold: float) -> dict[str, ViewResult]:
    """Every view: each strategy's, then mean, any strategy and majority vote."""
    scores = list(scores)
    where = {s.question: (s.course, s.program) for s in scores}
    views = question_values(scores)
    order = sorted(v for v in views if v not in POOLED) + [v for v in POOLED if v in views]
    return {view: view_result(view, views[view], where, threshold) for view in order}
