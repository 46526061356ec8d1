"""HalluHard: the pooled hallucination rate by turn (a line per model) and, per domain, which
kind of failure it was (reference or content), with abstentions and verification errors."""

from __future__ import annotations

from collections import defaultdict

from trustbench.report.cells import text_cell, value_cell
from trustbench.report.collect import ReportData
from trustbench.report.model import Section, Table, slug
from trustbench.report.plots import Point, line_plot
from trustbench.report.runs import Run

TURNS = (1, 2, 3)
DOMAINS = ("legal_cases", "research_questions", "medical_guidelines")
FAILURES = {
    "reference_failure": "reference failure",
    "content_failure": "content failure",
    "abstention": "abstention",
    "verification_error": "verification error",
}


def _logged(run: Run) -> dict[str, float]:
    return {
        name: metric.value
        for score in (run.log.results.scores if run.log.results else [])
        for name, metric in score.metrics.items()
    }


def _turn_table(data: ReportData, label: str, group: list[Run]) -> tuple[Table, dict]:
    logged = {run.key: _logged(run) for run in group}
    rows = [
        [
            text_cell(f"turn {turn}"),
            *(value_cell(logged[run.key].get(f"turn_{turn}"), data.href(run)) for run in group),
        ]
        for turn in TURNS
    ]
    series = {
        run.model: [
            Point(turn, value, None, None)
            for turn in TURNS
            if (value := logged[run.key].get(f"turn_{turn}")) is not None
        ]
        for run in group
    }
    headers = ["turn", *(run.model for run in group)]
    return Table(f"{label}: hallucination rate by turn (pooled over claims)", headers, rows), series


def _failure_table(data: ReportData, label: str, group: list[Run]) -> Table:
    logged = {run.key: _logged(run) for run in group}
    rows = [
        [
            text_cell(domain),
            text_cell(shown),
            *(value_cell(logged[run.key].get(f"{domain}/{name}"), data.href(run)) for run in group),
        ]
        for domain in DOMAINS
        for name, shown in FAILURES.items()
        if any(f"{domain}/{name}" in logged[run.key] for run in group)
    ]
    headers = ["domain", "rate", *(run.model for run in group)]
    return Table(f"{label}: failure types by domain (share of judged claims)", headers, rows)


def halluhard_view(data: ReportData, runs: list[Run]) -> list[Section]:
    by_label: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_label[run.label].append(run)
    sections = []
    for label, group in sorted(by_label.items()):
        section = Section(f"{label}: by turn and failure type", slug(f"halluhard-{label}"))
        table, series = _turn_table(data, label, group)
        section.blocks.append(table)
        if any(series.values()):
            section.blocks.append(
                line_plot(
                    f"{label}: hallucination rate by turn", series, "turn", "hallucination rate"
                )
            )
        section.blocks.append(_failure_table(data, label, group))
        sections.append(section)
    return sections
