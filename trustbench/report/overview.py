"""The overview: task × model × headline metric, with intervals, counts and status."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from trustbench.report.cells import count_cell, interval, text_cell, value_cell
from trustbench.report.collect import ReportData
from trustbench.report.facts import Comparability
from trustbench.report.model import Cell, Section, Table, Text, TidyRow
from trustbench.report.plots import Point, interval_plot
from trustbench.report.runs import Run

NOT_DECLARED = "no CI: the task does not declare how its headline aggregates over samples"
NO_TOOL_CALLS = "the agent made no tool call in any sample: its tools may not have arrived"
FROM_SAMPLES = "value from the samples present (log has no results)"


@dataclass(frozen=True)
class OverviewRow:
    task: str
    model: str
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    errors: int
    unscored: int
    planned: int
    status: str
    flags: list[str]
    """What makes this row not comparable or not complete."""
    notes: list[str]
    """How its interval was computed, when not plainly."""
    log: str


def _planned(run: Run) -> int:
    if run.log.results is not None:
        return run.log.results.total_samples
    return (run.log.eval.dataset.samples or 0) * (run.log.eval.config.epochs or 1)


def overview_row(data: ReportData, run: Run, flags: list[str]) -> OverviewRow:
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
    return OverviewRow(
        task=run.label,
        model=run.model,
        metric=headline.metric if headline else "-",
        value=value,
        ci_low=low,
        ci_high=high,
        n=estimate.n,
        errors=int(samples["errors"].sum()),
        unscored=int(samples["unscored"].sum()),
        planned=_planned(run),
        status=run.status,
        flags=flags,
        notes=notes,
        log=data.href(run),
    )


HEADERS = [
    "task",
    "model",
    "metric",
    "value",
    "95% CI",
    "n",
    "errors",
    "unscored",
    "planned",
    "status",
    "log",
    "flags",
    "notes",
]


def _cells(row: OverviewRow) -> list[Cell]:
    return [
        text_cell(row.task),
        text_cell(row.model),
        text_cell(row.metric),
        value_cell(row.value),
        Cell(interval(row.ci_low, row.ci_high), row.ci_low),
        count_cell(row.n),
        count_cell(row.errors, bad_if_positive=True),
        count_cell(row.unscored, bad_if_positive=True),
        count_cell(row.planned),
        text_cell(row.status, "" if row.status == "success" else "bad"),
        text_cell("log", href=row.log),
        text_cell("; ".join(row.flags), "warn" if row.flags else ""),
        text_cell("; ".join(row.notes)),
    ]


def _tidy(row: OverviewRow) -> list[TidyRow]:
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
) -> tuple[Section, list[OverviewRow]]:
    rows = [overview_row(data, run, comparability.flags.get(run.key, [])) for run in data.runs]
    section = Section("Overview", "overview")
    section.blocks.append(
        Text(
            "Headline metric per task and model. 95 % intervals are percentile bootstraps over "
            "samples (over seed questions where samples share one); n counts scored samples. "
            "Each row links to its Inspect log: open it with `inspect view`."
        )
    )
    section.blocks.append(Table("Overview", HEADERS, [_cells(row) for row in rows]))
    section.rows = [tidy for row in rows for tidy in _tidy(row)]
    panels: dict[str, list[Point]] = defaultdict(list)
    for row, run in zip(rows, data.runs, strict=True):
        if run.primary and row.value is not None:
            panels[f"{row.task} — {row.metric}"].append(
                Point(row.model, row.value, row.ci_low, row.ci_high)
            )
    if panels:
        section.blocks.append(
            interval_plot("Headline metric by task", dict(panels), "value (95 % CI)")
        )
    return section, rows
