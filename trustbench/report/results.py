"""The results table: one row per task and model (the headline value with its interval, the
counts, the status, what judged it and what makes it not comparable), built once and rendered
twice, in the report (`report_table`) and on the terminal (`report.terminal`), with the same
columns and the same text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from trustbench.report.cells import count_cell, interval, text_cell, value_cell
from trustbench.report.collect import ReportData
from trustbench.report.facts import Comparability, judge_mode_run
from trustbench.report.model import Cell, Section, Table, Text, TidyRow
from trustbench.report.plots import Point, interval_plot
from trustbench.report.runs import Run

NOT_DECLARED = "no CI: the task does not declare how its headline aggregates over samples"
NO_TOOL_CALLS = "the agent made no tool call in any sample: its tools may not have arrived"
FROM_SAMPLES = "value from the samples present (log has no results)"
BEST = "★"
LOWER, HIGHER = "↓", "↑"


@dataclass(frozen=True)
class ResultRow:
    task: str
    model: str
    metric: str
    lower_is_better: bool | None
    """The headline's direction as the task declares it; None when it declares none."""
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    errors: int
    unscored: int
    planned: int
    status: str
    judge_mode: str
    best: bool
    """The best value of its task among the models compared (in the declared direction)."""
    flags: list[str]
    """What makes this row not comparable or not complete."""
    notes: list[str]
    """How its interval was computed, when not plainly, and what the task says about it."""
    log: str


def _planned(run: Run) -> int:
    if run.log.results is not None:
        return run.log.results.total_samples
    return (run.log.eval.dataset.samples or 0) * (run.log.eval.config.epochs or 1)


def _row(data: ReportData, run: Run, flags: list[str], best: bool) -> ResultRow:
    """The log's own headline value, with a bootstrap interval of the headline recomputed on
    resampled samples (as the task declares it aggregates); a log that never finished shows the
    value recomputed from its samples."""
    samples = data.samples_of(run)
    estimate = data.estimate(run)
    headline = run.headline
    value: float | None = headline.value if headline else None
    low, high = estimate.low, estimate.high
    flags = list(flags)
    if value is None and estimate.n:
        value = estimate.value
        flags.append(FROM_SAMPLES)
    elif data.aggregation(run) is None:
        low = high = None
        flags.append(NOT_DECLARED)
    if data.tool_calls(run) == 0:
        flags.append(NO_TOOL_CALLS)
    cluster = data.cluster_field(run)
    notes = (
        [f"CI over {estimate.clusters} {cluster} clusters"] if cluster and low is not None else []
    )
    if run.spec and run.spec.headline_note:
        notes.append(run.spec.headline_note)
    return ResultRow(
        task=run.label,
        model=run.model,
        metric=headline.metric if headline else "-",
        lower_is_better=run.spec.lower_is_better if run.spec else None,
        value=value,
        ci_low=low,
        ci_high=high,
        n=estimate.n,
        errors=int(samples["errors"].sum()),
        unscored=int(samples["unscored"].sum()),
        planned=_planned(run),
        status=run.status,
        judge_mode=judge_mode_run(run),
        best=best,
        flags=flags,
        notes=notes,
        log=data.href(run),
    )


def best_runs(data: ReportData) -> set[str]:
    """Per task, the runs with the best headline among two or more models compared, in the
    direction the task declares (no mark where it declares none, or where all tie)."""
    marked: set[str] = set()
    for runs in data.primary_by_label().values():
        valued = [
            (run.spec.lower_is_better, run, run.headline.value)
            for run in runs
            if run.spec and run.headline and run.headline.value is not None
        ]
        if len(valued) < 2 or len({lower for lower, _, _ in valued}) > 1:
            continue
        values = [v for _, _, v in valued]
        top = min(values) if valued[0][0] else max(values)
        if any(v != top for v in values):
            marked |= {run.key for _, run, v in valued if v == top}
    return marked


def result_rows(data: ReportData, comparability: Comparability) -> list[ResultRow]:
    best = best_runs(data)
    return [
        _row(data, run, comparability.flags.get(run.key, []), run.key in best) for run in data.runs
    ]


def metric_text(row: ResultRow) -> str:
    """The metric with its direction: `unsafe_rate ↓` is better lower."""
    if row.lower_is_better is None:
        return row.metric
    return f"{row.metric} {LOWER if row.lower_is_better else HIGHER}"


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[ResultRow], Cell]
    numeric: bool = False


COLUMNS = (
    Column("task", lambda r: text_cell(r.task)),
    Column("model", lambda r: text_cell(r.model)),
    Column("metric", lambda r: text_cell(metric_text(r))),
    Column(
        "value",
        lambda r: Cell(f"{value_cell(r.value).text}{' ' + BEST if r.best else ''}", r.value),
        numeric=True,
    ),
    Column("95% CI", lambda r: Cell(interval(r.ci_low, r.ci_high), r.ci_low)),
    Column("n", lambda r: count_cell(r.n), numeric=True),
    Column("errors", lambda r: count_cell(r.errors, bad_if_positive=True), numeric=True),
    Column("unscored", lambda r: count_cell(r.unscored, bad_if_positive=True), numeric=True),
    Column("planned", lambda r: count_cell(r.planned), numeric=True),
    Column("status", lambda r: text_cell(r.status, "" if r.status == "success" else "bad")),
    Column("judge mode", lambda r: text_cell(r.judge_mode)),
    Column("log", lambda r: text_cell(unquote(PurePosixPath(r.log).name), href=r.log)),
    Column("flags", lambda r: text_cell("; ".join(r.flags), "warn" if r.flags else "")),
    Column("notes", lambda r: text_cell("; ".join(r.notes))),
)
"""The table's columns, in order: both renderers show exactly these."""
TITLE = "trustbench results"
LEGEND = (
    f"{BEST} marks the best value of a task among the models compared; {LOWER} after a metric: "
    f"lower is better, {HIGHER}: higher is better (as the task declares)."
)


def cells(row: ResultRow) -> list[Cell]:
    return [column.cell(row) for column in COLUMNS]


def report_table(rows: list[ResultRow]) -> Table:
    """The results table as the report shows it (HTML, Markdown)."""
    return Table(TITLE, [c.header for c in COLUMNS], [cells(row) for row in rows], LEGEND)


def _tidy(row: ResultRow) -> list[TidyRow]:
    counts = {"samples_errored": row.errors, "samples_unscored": row.unscored}
    return [
        TidyRow(
            "overview",
            row.task,
            row.model,
            row.metric,
            "all",
            row.value,
            row.ci_low,
            row.ci_high,
            row.n,
        ),
        *(
            TidyRow("overview", row.task, row.model, name, "all", count)
            for name, count in counts.items()
        ),
    ]


def overview_section(
    data: ReportData, comparability: Comparability
) -> tuple[Section, list[ResultRow]]:
    rows = result_rows(data, comparability)
    section = Section("Overview", "overview")
    section.blocks.append(
        Text(
            "Headline metric per task and model. 95 % intervals are percentile bootstraps over "
            "samples (over seed questions where samples share one); n counts scored samples. "
            "Each row links to its Inspect log: open it with `inspect view`."
        )
    )
    section.blocks.append(report_table(rows))
    section.rows = [tidy for row in rows for tidy in _tidy(row)]
    panels: dict[str, list[Point]] = defaultdict(list)
    for row, run in zip(rows, data.runs, strict=True):
        if run.primary and row.value is not None:
            panels[f"{row.task} — {metric_text(row)}"].append(
                Point(row.model, row.value, row.ci_low, row.ci_high)
            )
    if panels:
        section.blocks.append(
            interval_plot("Headline metric by task", dict(panels), "value (95 % CI)")
        )
    return section, rows
