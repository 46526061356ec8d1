"""The comparison report: Inspect logs → overview with intervals, run facts, paired tests,
per-task breakdowns and plots, as HTML, Markdown, CSV and JSON. Reads logs only; it never
imports a task."""

from trustbench.report.build import FORMATS, ReportResult, build_report, parse_formats, results
from trustbench.report.results import ResultRow
from trustbench.report.terminal import terminal_table

__all__ = [
    "FORMATS",
    "ReportResult",
    "ResultRow",
    "build_report",
    "parse_formats",
    "results",
    "terminal_table",
]
