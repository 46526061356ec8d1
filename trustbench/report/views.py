"""The report's view API: what a task's own report section is made of. The one module of the
report that task packages import (ARCHITECTURE.md), and the only one they need.

A task package declares its view in its plugin declaration, by name, so that the report code
loads only when a report is built:

    Plugin(..., views={my_task: "mypkg.my_task.report_view:my_view"})

The report then calls `my_view(data, runs)` with every compared run of that task (one per model
and argument set; `Run.label` tells argument sets apart) and puts the sections it returns first
in the task's part of the report, before the breakdowns the task declared in its `ReportSpec`
and the table of every metric its logs report. A view reads what the runs logged:
`Run.log` (the header: task arguments, metadata), `Run.metrics` (every metric, by name),
`Run.spec` (the task's `ReportSpec`), `judge_mode_run(run)` (the judge mode that ran), and
`ReportData.samples_of(run)` (one row per sample: `id`, the headline `value`, `errors`,
`unscored`, and each sample metadata field as `metadata_<field>`). `ReportData.estimate`
recomputes the headline with a 95 % interval on any subset of a run's samples.

Sections hold `Table`s of `Cell`s (`text_cell`, `value_cell`, `estimate_cell`), `Text` and plots
(`line_plot`, `interval_plot`), and `TidyRow`s: the numbers the CSV and JSON exports carry.
"""

from __future__ import annotations

from collections.abc import Callable

from trustbench.report.breakdowns import Breakdown, breakdown_blocks, by_field, by_masks
from trustbench.report.cells import estimate_cell, number, text_cell, value_cell
from trustbench.report.collect import ReportData, metadata_column
from trustbench.report.facts import judge_mode_run
from trustbench.report.model import Cell, Section, Table, Text, TidyRow, slug
from trustbench.report.plots import Point, interval_plot, line_plot
from trustbench.report.runs import Run
from trustbench.report.stats import Estimate, bootstrap_mean

View = Callable[[ReportData, list[Run]], list[Section]]
"""A task's view: every compared run of the task in, its sections out."""

__all__ = [
    "Breakdown",
    "Cell",
    "Estimate",
    "Point",
    "ReportData",
    "Run",
    "Section",
    "Table",
    "Text",
    "TidyRow",
    "View",
    "bootstrap_mean",
    "breakdown_blocks",
    "by_field",
    "by_masks",
    "estimate_cell",
    "interval_plot",
    "judge_mode_run",
    "line_plot",
    "metadata_column",
    "number",
    "slug",
    "text_cell",
    "value_cell",
]
