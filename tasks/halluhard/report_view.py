"""HalluHard: how each run was judged (the judge mode that actually ran, which prompts, the
headline it could defend and the verification-error rate beside it, the fallbacks), the pooled
hallucination rate by turn (a line per model) and, per domain, which kind of failure it was."""

from __future__ import annotations

from collections import defaultdict

from trustbench.report.views import (
    Point,
    ReportData,
    Run,
    Section,
    Table,
    judge_mode_run,
    line_plot,
    slug,
    text_cell,
    value_cell,
)

TURNS = (1, 2, 3)
DOMAINS = ("legal_cases", "research_questions", "medical_guidelines")
FAILURES = {
    "reference_failure": "reference failure",
    "content_failure": "content failure",
    "content_not_assessed": "content not assessed",
    "abstention": "abstention",
    "verification_error": "verification error",
}
FALLBACKS = (
    "extraction_unreadable",
    "plan_unreadable",
    "selection_unreadable",
    "verdict_unreadable",
    "fallback_search",
    "fallback_web_search",
)


def _turn_table(data: ReportData, label: str, group: list[Run]) -> tuple[Table, dict]:
    logged = {run.key: run.metrics for run in group}
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
    logged = {run.key: run.metrics for run in group}
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


def _fallback_share(logged: dict[str, float], name: str) -> float | None:
    """The largest share of claims with this fallback in any domain."""
    shares = [v for k, v in logged.items() if k.endswith(f"/fallback/{name}")]
    return max(shares) if shares else None


def _judge_table(data: ReportData, label: str, group: list[Run]) -> Table:
    """One row per run: what judged it and the numbers that judge can defend."""
    rows = []
    for run in group:
        logged = run.metrics
        mode = judge_mode_run(run)
        prompts = run.metadata.get("prompts") or {}
        prompt_text = str(prompts.get("set", "-")) + (" (mixed)" if prompts.get("mixed") else "")
        headline = (
            "hallucination_rate"
            if "hallucination_rate" in logged
            else "hallucination_rate_lower_bound"
        )
        rows.append(
            [
                text_cell(run.model),
                text_cell(mode, "warn" if mode == "mixed" else ""),
                text_cell(prompt_text, "warn" if prompts.get("mixed") else ""),
                text_cell(headline if headline in logged else "-"),
                value_cell(logged.get(headline), data.href(run)),
                value_cell(logged.get("verification_error"), data.href(run)),
                *(value_cell(_fallback_share(logged, name)) for name in FALLBACKS),
            ]
        )
    headers = [
        "model",
        "judge mode (ran)",
        "prompts",
        "headline",
        "value",
        "verification errors",
        *FALLBACKS,
    ]
    return Table(f"{label}: how it was judged", headers, rows)


def halluhard_view(data: ReportData, runs: list[Run]) -> list[Section]:
    by_label: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_label[run.label].append(run)
    sections = []
    for label, group in sorted(by_label.items()):
        section = Section(f"{label}: by turn and failure type", slug(f"halluhard-{label}"))
        section.blocks.append(_judge_table(data, label, group))
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
