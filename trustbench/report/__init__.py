"""The comparison report: Inspect logs → overview with intervals, run facts, paired tests,
per-task breakdowns and plots, as HTML, Markdown, CSV and JSON. Reads logs only; it never
imports a task."""

from trustbench.report.build import (
    FORMATS,
    ReportResult,
    build_report,
    parse_formats,
)
from trustbench.report.overview import OverviewRow
from trustbench.report.terminal import overview_table
from trustbench.report.views import register_conditional_view, register_view

__all__ = [
    "FORMATS",
    "OverviewRow",
    "ReportResult",
    "build_report",
    "overview_table",
    "parse_formats",
    "register_conditional_view",
    "register_view",
]
