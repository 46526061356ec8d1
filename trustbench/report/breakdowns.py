"""Breakdowns: the headline value per group of samples, for every field a task declares in its
eval metadata (`breakdowns`). This is what gives a new task or plugin a useful report section
without any change here."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from trustbench.report.cells import estimate_cell, text_cell
from trustbench.report.collect import ReportData
from trustbench.report.model import Plot, Section, Table, Text, TidyRow, slug
from trustbench.report.plots import Point, grouped_plot, line_plot
from trustbench.report.runs import Run
from trustbench.report.stats import Estimate

MAX_GROUPS = 25
"""More groups than this (a free-text field, say) would drown the table: the largest are kept."""
MISSING = "(missing)"

Mask = Callable[[pd.DataFrame], "pd.Series[bool]"]


@dataclass(frozen=True)
class Breakdown:
    """Estimates per (run, group); `numeric` groups are ordered values such as size or turn."""

    field: str
    groups: list[Any]
    estimates: dict[tuple[str, Any], Estimate]
    numeric: bool
    omitted: int = 0

    def series(self, runs: list[Run]) -> dict[str, list[Point]]:
        """Per model, its estimate in each group that has samples: the points of a plot."""
        return {
            run.model: [
                Point(group, e.value, e.low, e.high)
                for group in self.groups
                if (e := self.estimates.get((run.key, group))) is not None and e.n
            ]
            for run in runs
        }


def _group_key(value: Any) -> Any:
    """`samples_df` widens an int field with gaps to floats: 2.0 is shown as group 2."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _ordered(groups: set[Any]) -> tuple[list[Any], bool]:
    present = [g for g in groups if g != MISSING]
    numeric = bool(present) and all(_is_number(g) for g in present)
    ordered = sorted(present) if numeric else sorted(present, key=str)
    return ordered + ([MISSING] if MISSING in groups else []), numeric


def by_field(data: ReportData, runs: list[Run], field: str) -> Breakdown:
    """Partition each run's samples by a metadata field (a sample without it is `(missing)`)."""
    column = f"metadata_{field}"
    estimates: dict[tuple[str, Any], Estimate] = {}
    totals: dict[Any, int] = {}
    for run in runs:
        samples = data.samples_of(run)
        if column not in samples:
            continue
        keys = [_group_key(value) for value in samples[column].astype(object)]
        for group, members in samples.groupby(keys, sort=False):
            estimate = data.estimate(run, members)
            estimates[(run.key, group)] = estimate
            totals[group] = totals.get(group, 0) + estimate.n
    kept = set(sorted(totals, key=lambda g: -totals[g])[:MAX_GROUPS])
    groups, numeric = _ordered(kept)
    return Breakdown(field, groups, estimates, numeric, len(totals) - len(kept))


def by_masks(data: ReportData, runs: list[Run], field: str, masks: dict[str, Mask]) -> Breakdown:
    """Groups that may overlap (OOD raw contains OOD controlled), each chosen by a mask."""
    estimates = {
        (run.key, group): data.estimate(run, data.samples_of(run)[mask(data.samples_of(run))])
        for run in runs
        for group, mask in masks.items()
    }
    return Breakdown(field, list(masks), estimates, numeric=False)


def breakdown_blocks(
    data: ReportData,
    runs: list[Run],
    breakdown: Breakdown,
    *,
    task: str,
    title: str,
    metric: str,
    plot: bool = True,
) -> tuple[list[Table | Plot | Text], list[TidyRow]]:
    """A wide table (one column per model, each cell linking to that model's log), a plot, and
    tidy rows."""
    headers = [breakdown.field, *(run.model for run in runs)]
    rows = []
    tidy = []
    for group in breakdown.groups:
        cells = [text_cell(str(group))]
        for run in runs:
            estimate = breakdown.estimates.get((run.key, group))
            cells.append(estimate_cell(estimate, data.href(run)))
            if estimate is not None and estimate.n:
                tidy.append(
                    TidyRow(
                        "breakdown",
                        task,
                        run.model,
                        metric,
                        f"{breakdown.field}={group}",
                        estimate.value,
                        estimate.low,
                        estimate.high,
                        estimate.n,
                    )
                )
        rows.append(cells)
    note = f"{breakdown.omitted} smaller groups not shown." if breakdown.omitted else ""
    links = [None, *(data.href(run) for run in runs)]
    blocks: list[Table | Plot | Text] = [Table(title, headers, rows, note, links)]
    series = breakdown.series(runs)
    if plot and any(series.values()):
        if breakdown.numeric and len(breakdown.groups) > 1:
            blocks.append(line_plot(title, series, breakdown.field, f"{metric} (95 % CI)"))
        else:
            for points in series.values():
                for i, point in enumerate(points):
                    points[i] = Point(str(point.at), point.value, point.low, point.high)
            groups = [str(g) for g in breakdown.groups]
            blocks.append(grouped_plot(title, groups, series, f"{metric} (95 % CI)"))
    return blocks, tidy


def declared_fields(runs: list[Run]) -> list[str]:
    """The union, in first-seen order, of the fields each run's task declares."""
    fields: list[str] = []
    for run in runs:
        for field in run.spec.breakdowns if run.spec else ():
            if field not in fields:
                fields.append(field)
    return fields


def breakdown_sections(data: ReportData, label: str, runs: list[Run], anchor: str) -> list[Section]:
    """One section per declared field of one task label."""
    metric = data.value_name(runs[0])
    sections = []
    for field in declared_fields(runs):
        title = f"{label}: {metric} by {field}"
        section = Section(title, slug(f"{anchor}-by-{field}"))
        breakdown = by_field(data, runs, field)
        if not breakdown.groups:
            section.blocks.append(Text(f"The task declares `{field}`, but no sample carries it."))
        else:
            section.blocks, section.rows = breakdown_blocks(
                data, runs, breakdown, task=label, title=title, metric=metric
            )
        sections.append(section)
    return sections
