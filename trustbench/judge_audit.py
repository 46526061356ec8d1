"""`trustbench judge-audit`: how far to trust the HalluHard judge with a given grader.

Runs the `halluhard_audit` task (the judge over a labelled set of cited answers, offline on the
set's corpus) and reports agreement with the gold labels: accuracy and F1 of "not grounded" for
references and of "not supported" for content, each with a 95 % bootstrap interval over answers,
overall, by domain and by error kind, with the counts that qualify them (gold citations the judge
found no claim for, verification errors, extra claims, content not assessed). Written as
`agreement.json` and `agreement.md` beside the Inspect log.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from inspect_ai import eval as inspect_eval
from inspect_ai.model import get_model

from trustbench.errors import TrustbenchError
from trustbench.judges.roles import GRADER_ROLE
from trustbench.tasks.halluhard.audit import agreement, halluhard_audit

if TYPE_CHECKING:
    from rich.table import Table

BOOTSTRAP = 1000
MEASURES = (
    "reference_accuracy",
    "reference_f1_not_grounded",
    "content_accuracy",
    "content_f1_not_supported",
)
"""The measures with intervals; `content_*` only where the judge assessed content."""
COUNTS = (
    "citations",
    "missing_claims",
    "silently_dropped",
    "verification_errors",
    "content_assessed",
)
"""`silently_dropped`: missing claims the judge did not show among its unparsed citations."""


@dataclass
class Row:
    group: str
    values: dict[str, float]
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass
class AuditReport:
    judge_mode: str
    grader: str | None
    rows: list[Row]
    extra_claims: int
    unparsed_citations: int
    log: str
    missing: list[dict[str, Any]] = field(default_factory=list)
    """Gold citations the judge found no claim for: id, marker, and whether it showed them
    among its unparsed citations."""

    def to_json(self) -> dict[str, Any]:
        return {
            "judge_mode": self.judge_mode,
            "grader": self.grader,
            "extra_claims": self.extra_claims,
            "unparsed_citations": self.unparsed_citations,
            "log": self.log,
            "missing": self.missing,
            "groups": [
                {
                    "group": r.group,
                    **r.values,
                    "intervals": {k: list(v) for k, v in r.intervals.items()},
                }
                for r in self.rows
            ],
        }


def bootstrap(
    items: list[list[dict[str, Any]]], draws: int = BOOTSTRAP, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """95 % percentile intervals of each measure, resampling whole answers (citations of one
    answer are not independent)."""
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(draws):
        chosen = rng.integers(0, len(items), len(items))
        values = agreement([row for i in chosen for row in items[i]])
        for name in MEASURES:
            if name in values:
                samples[name].append(values[name])
    return {
        name: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5)))
        for name, v in samples.items()
    }


def summarise(per_item: dict[str, list[dict[str, Any]]], draws: int = BOOTSTRAP) -> list[Row]:
    """Overall, then by domain and by error kind."""
    everything = list(per_item.values())
    rows = [
        Row(
            "all", agreement([r for rows in everything for r in rows]), bootstrap(everything, draws)
        )
    ]
    for key in ("domain", "kind"):
        values = sorted({r[key] for rows in everything for r in rows})
        for value in values:
            grouped = [[r for r in rows if r[key] == value] for rows in everything]
            grouped = [g for g in grouped if g]
            flat = [r for g in grouped for r in g]
            rows.append(Row(f"{key}: {value}", agreement(flat), bootstrap(grouped, draws)))
    return rows


def run_audit(
    *,
    grader: str | None,
    audit_set: str | None,
    judge_mode: Literal["auto", "llm", "heuristic"],
    prompts: Literal["trustbench", "upstream"],
    task_args: dict[str, Any],
    out_dir: Path,
    draws: int = BOOTSTRAP,
) -> AuditReport:
    if judge_mode == "llm" and grader is None:
        raise TrustbenchError("judge-audit --judge-mode llm needs --grader <model>.")
    roles = {GRADER_ROLE: get_model(grader)} if grader else {}
    task = halluhard_audit(audit_set=audit_set, judge_mode=judge_mode, prompts=prompts, **task_args)
    [log] = inspect_eval(
        task, model="none", model_roles=roles, log_dir=str(out_dir), display="none"
    )
    if log.status != "success":
        message = log.error.message if log.error else log.status
        raise TrustbenchError(f"The audit run did not finish ({log.status}): {message}")
    per_item: dict[str, list[dict[str, Any]]] = {}
    modes: set[str] = set()
    extra = unparsed = 0
    missing: list[dict[str, Any]] = []
    for sample in log.samples or []:
        score = (sample.scores or {}).get("audit_judge")
        if score is None:
            raise TrustbenchError(f"The audit run left item {sample.id} without a judge score.")
        meta = score.metadata or {}
        per_item[str(sample.id)] = meta.get("rows", [])
        missing += [
            {"id": r["id"], "marker": r["marker"], "unparsed": not r["silently_dropped"]}
            for r in meta.get("rows", [])
            if r["missing"]
        ]
        modes.add(meta.get("judge_mode", ""))
        extra += len(meta.get("extra_claims", []))
        unparsed += len(meta.get("unparsed_citations", []))
    mode = modes.pop() if len(modes) == 1 else "mixed"
    report = AuditReport(
        mode, grader, summarise(per_item, draws), extra, unparsed, log.location, missing
    )
    write(report, out_dir)
    return report


def _cell(row: Row, name: str) -> str:
    if name not in row.values:
        return "not assessed" if name.startswith("content") else "-"
    value = row.values[name]
    if name in row.intervals:
        low, high = row.intervals[name]
        return f"{value:.3f} [{low:.3f}, {high:.3f}]"
    return f"{value:.0f}" if name != "content_assessed" else f"{value:.0%}"


HEADERS = ("group", *MEASURES, *COUNTS)


def table_rows(report: AuditReport) -> list[list[str]]:
    return [[row.group, *(_cell(row, name) for name in HEADERS[1:])] for row in report.rows]


def markdown(report: AuditReport) -> str:
    lines = [
        f"# Judge audit: {report.judge_mode} mode"
        + (f", grader {report.grader}" if report.grader else ""),
        "",
        "Agreement with the gold labels (95 % bootstrap intervals over answers). Missing claims "
        "and verification errors count as disagreements; content the judge did not assess is "
        "reported as not assessed.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
        *("| " + " | ".join(cells) + " |" for cells in table_rows(report)),
        "",
        f"Extra claims (judged, matching no gold citation): {report.extra_claims}. "
        f"Unparsed citations: {report.unparsed_citations}. Log: {report.log}",
        *(["", "Gold citations with no claim:", ""] if report.missing else []),
        *(
            f"- {m['id']} `{m['marker']}`: "
            + ("shown among the unparsed citations" if m["unparsed"] else "silently dropped")
            for m in report.missing
        ),
    ]
    return "\n".join(lines) + "\n"


def write(report: AuditReport, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "agreement.json").write_text(json.dumps(report.to_json(), indent=2))
    (out_dir / "agreement.md").write_text(markdown(report))


def rich_table(report: AuditReport) -> Table:
    from rich.table import Table

    title = f"judge audit: {report.judge_mode} mode" + (
        f", grader {report.grader}" if report.grader else ""
    )
    table = Table(title=title)
    for header in HEADERS:
        table.add_column(header, justify="left" if header == "group" else "right")
    for cells in table_rows(report):
        table.add_row(*cells)
    return table
