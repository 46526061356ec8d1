"""The EPFL course exams' report view: the runs under the eight prompting strategies (eval
metadata `strategy`), pooled as the paper pools them. Each model's logs are joined on the sample id and pooled with
`judges.rubric.exam_results`, the one implementation of the task README's definitions: per
strategy and pooled (mean over strategies, any strategy, majority vote), the question score,
each course's score and pass decision at the logs' pass threshold (`ReportSpec`), and each program's share
of courses passed."""

from __future__ import annotations

import math
from collections import defaultdict

from trustbench.judges.rubric.exam_results import QuestionScore, ViewResult, exam_results
from trustbench.report.views import (
    Cell,
    ReportData,
    Run,
    Section,
    Table,
    Text,
    TidyRow,
    bootstrap_mean,
    estimate_cell,
    metadata_column,
    number,
    slug,
    text_cell,
)

DEFAULT_THRESHOLD = 0.5
NO_PROGRAM = "none"


def question_scores(data: ReportData, runs: list[Run]) -> list[QuestionScore]:
    """Every scored sample of the runs, as (question, strategy, score, course, program)."""
    records = []
    for run in runs:
        samples = data.samples_of(run)
        scored = samples[samples["value"].notna()]
        courses = metadata_column(scored, "course")
        programs = metadata_column(scored, "program")
        for sample_id, value, course, program in zip(
            scored["id"], scored["value"], courses, programs, strict=True
        ):
            records.append(
                QuestionScore(
                    question=str(sample_id),
                    strategy=str(run.metadata["strategy"]),
                    score=float(value),
                    course=str(course) if course is not None else "(no course)",
                    program=str(program) if program is not None else NO_PROGRAM,
                )
            )
    return records


def _threshold(runs: list[Run]) -> tuple[float, str]:
    values = {
        run.spec.pass_threshold
        if run.spec and run.spec.pass_threshold is not None
        else DEFAULT_THRESHOLD
        for run in runs
    }
    if len(values) > 1:
        return min(
            values
        ), f" The logs use different thresholds ({sorted(values)}); the lowest applies."
    return values.pop(), ""


def _definitions(runs: list[Run], threshold: float, mixed: str) -> Text:
    labels = {str(run.metadata["label_scores"]) for run in runs if "label_scores" in run.metadata}
    scores = f" Rubric label scores: {'; '.join(sorted(labels))}." if labels else ""
    return Text(
        "Each question's score under a strategy is 1 or 0 (multiple choice, numeric answers) or "
        "its rubric label's score. Mean over strategies: the mean of those scores; any "
        "strategy: 1 when some strategy answered fully correctly; majority vote: 1 when more "
        "than half of the strategies that scored the question answered it fully correctly. A "
        f"course is passed when the mean over its questions reaches {threshold:g} (the logs' "
        f"pass_threshold); a program's share is the share of its courses passed.{mixed}{scores}"
    )


def _passed_cell(result: ViewResult, href: str) -> Cell:
    passed = sum(c.passed for c in result.courses.values())
    total = len(result.courses)
    return Cell(f"{number(result.courses_passed)} ({passed}/{total})", result.courses_passed, href)


def strategy_view(data: ReportData, runs: list[Run]) -> list[Section]:
    by_model: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        if "strategy" in run.metadata:
            by_model[run.model].append(run)
    if not by_model:
        return []
    task = runs[0].task
    threshold, mixed = _threshold([r for group in by_model.values() for r in group])
    columns = [group[0] for _, group in sorted(by_model.items())]
    results = {
        column.model: exam_results(question_scores(data, by_model[column.model]), threshold)
        for column in columns
    }
    views = list(dict.fromkeys(view for result in results.values() for view in result))
    section = Section(f"{task}: across strategies", slug(f"strategies-{task}"))
    section.blocks.append(_definitions(list(runs), threshold, mixed))
    headers = ["view", *(column.model for column in columns)]
    links = [None, *(data.href(column) for column in columns)]
    score_rows, passed_rows = [], []
    for view in views:
        score_cells, passed_cells = [text_cell(view)], [text_cell(view)]
        for column in columns:
            result = results[column.model].get(view)
            if result is None or not result.values:
                score_cells.append(estimate_cell(None))
                passed_cells.append(text_cell("-"))
                continue
            estimate = bootstrap_mean(list(result.values.values()))
            score_cells.append(estimate_cell(estimate, data.href(column)))
            passed_cells.append(_passed_cell(result, data.href(column)))
            section.rows += [
                TidyRow(
                    "strategies", task, column.model, "question score", f"view={view}",
                    estimate.value, estimate.low, estimate.high, estimate.n,
                ),
                TidyRow(
                    "strategies", task, column.model, "courses passed", f"view={view}",
                    result.courses_passed, n=len(result.courses),
                ),
            ]  # fmt: skip
        score_rows.append(score_cells)
        passed_rows.append(passed_cells)
    section.blocks.append(
        Table(f"{task}: question score by view", headers, score_rows, column_links=links)
    )
    section.blocks.append(
        Table(f"{task}: share of courses passed by view", headers, passed_rows, column_links=links)
    )
    for column in columns:
        blocks, rows = _model_tables(task, column, results[column.model], data.href(column))
        section.blocks += blocks
        section.rows += rows
    return [section]


def _model_tables(
    task: str, run: Run, results: dict[str, ViewResult], href: str
) -> tuple[list[Table], list[TidyRow]]:
    """Per course (score, ✓ passed / ✗ not) and per program (share passed), one column a view."""
    views = list(results)
    courses = sorted({c for r in results.values() for c in r.courses})
    programs = sorted({p for r in results.values() for p in r.programs})
    rows: list[TidyRow] = []
    course_rows = []
    for course in courses:
        cells = [text_cell(course)]
        for view in views:
            found = results[view].courses.get(course)
            if found is None:
                cells.append(text_cell("-"))
                continue
            mark = "✓" if found.passed else "✗"
            cells.append(Cell(f"{number(found.score)} {mark}", found.score, href))
            rows += [
                TidyRow("strategies", task, run.model, f"course score ({view})",
                        f"course={course}", found.score, n=found.questions),
                TidyRow("strategies", task, run.model, f"course passed ({view})",
                        f"course={course}", float(found.passed)),
            ]  # fmt: skip
        course_rows.append(cells)
    program_rows = []
    for program in programs:
        cells = [text_cell(program)]
        for view in views:
            share = results[view].programs.get(program)
            cells.append(Cell(number(share), share, href) if share is not None else text_cell("-"))
            if share is not None and not math.isnan(share):
                rows.append(
                    TidyRow("strategies", task, run.model, f"program courses passed ({view})",
                            f"program={program}", share)
                )  # fmt: skip
        program_rows.append(cells)
    tables = [
        Table(
            f"{task} on {run.model}: course score and pass decision by view",
            ["course", *views],
            course_rows,
        ),
        Table(
            f"{task} on {run.model}: share of each program's courses passed by view",
            ["program", *views],
            program_rows,
        ),
    ]
    return tables, rows
