"""`build_report`: logs → report data → every requested format, under one directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trustbench.errors import TrustbenchError
from trustbench.report.agreement import agreement_warnings, counted_warnings
from trustbench.report.collect import ReportData, sample_frame
from trustbench.report.export import write_csv, write_json
from trustbench.report.facts import (
    Comparability,
    RunFacts,
    comparability,
    facts_section,
    run_facts,
)
from trustbench.report.model import Report
from trustbench.report.paired import paired_section
from trustbench.report.per_task import task_sections
from trustbench.report.render_html import render_html
from trustbench.report.render_md import PLOT_DIR, plot_files, render_markdown
from trustbench.report.results import ResultRow, overview_section, result_rows
from trustbench.report.runs import make_runs, read_logs
from trustbench.report.shards import combine_shards

FORMATS = ("html", "md", "csv", "json")
FILES = {"html": "report.html", "md": "report.md", "csv": "report.csv", "json": "report.json"}


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    files: dict[str, Path]
    """Format → the file written."""
    overview: list[ResultRow]
    warnings: list[str]


@dataclass(frozen=True)
class _Gathered:
    """The logs read and checked: what both the report and the results table are built from."""

    data: ReportData
    facts: dict[str, RunFacts]
    comparable: Comparability
    warnings: list[str]


def parse_formats(value: str | Sequence[str]) -> list[str]:
    """`html,md` or a list; unknown names are an error that lists the known ones."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower() for n in names if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise TrustbenchError(
            f"Unknown report format(s): {', '.join(unknown) or '(none)'}. Choose from: {', '.join(FORMATS)}"
        )
    return names


def _gather(log_dirs: Sequence[str | Path], baseline: str | None, out: Path) -> _Gathered:
    logs, superseded = read_logs(list(log_dirs))
    logs, shards, merge_problems = combine_shards(logs)
    runs = make_runs(logs, shards)
    models = sorted({run.model for run in runs})
    if baseline is not None and baseline not in models:
        raise TrustbenchError(
            f"--baseline {baseline} is not a model in these logs. Models: {', '.join(models)}"
        )
    samples, problems = sample_frame(runs)
    data = ReportData(runs, samples, out)
    facts = {run.key: run_facts(run) for run in runs}
    comparable = comparability(runs, facts)
    warnings = [*comparable.warnings, *(f"Could not read: {p}" for p in problems)]
    warnings += merge_problems
    warnings += agreement_warnings(runs)
    warnings += counted_warnings(runs)
    warnings += [
        f"Set aside an earlier attempt ({log.status}) of {log.eval.task} on {log.eval.model}, "
        f"retried in a newer log: {log.location}"
        for log in superseded
    ]
    return _Gathered(data, facts, comparable, warnings)


def results(log_dirs: Sequence[str | Path]) -> tuple[list[ResultRow], list[str]]:
    """The results table and the warnings of the logs under `log_dirs`, without writing a
    report (`trustbench run --no-report`)."""
    gathered = _gather(log_dirs, None, Path.cwd())
    return result_rows(gathered.data, gathered.comparable), gathered.warnings


def build_report(
    log_dirs: Sequence[str | Path],
    *,
    baseline: str | None = None,
    out_dir: str | Path,
    formats: str | Sequence[str] = FORMATS,
) -> ReportResult:
    """Read every log under `log_dirs` (the current attempt of each task and model) and write
    the comparison report in each of `formats` to `out_dir`."""
    wanted = parse_formats(formats)
    out = Path(out_dir)
    gathered = _gather(log_dirs, baseline, out)
    data, facts = gathered.data, gathered.facts
    runs = data.runs
    overview, rows = overview_section(data, gathered.comparable)
    sections = [overview, facts_section(data, facts, gathered.comparable)]
    if baseline is not None:
        sections.append(paired_section(data, baseline))
    sections += task_sections(data)
    newest = max(run.log.eval.created for run in runs)
    models = {run.model for run in runs}
    report = Report(
        title="trustbench report",
        generated=f"{len(runs)} logs, {len(models)} models; newest log created {newest}.",
        sources=[str(d) for d in log_dirs],
        warnings=gathered.warnings,
        sections=sections,
    )
    out.mkdir(parents=True, exist_ok=True)
    files = {name: out / FILES[name] for name in wanted}
    if "html" in files:
        files["html"].write_text(render_html(report), encoding="utf-8")
    if "md" in files:
        names = plot_files(report)
        (out / PLOT_DIR).mkdir(exist_ok=True)
        for plot in report.plots():
            (out / PLOT_DIR / names[id(plot)]).write_bytes(plot.png)
        files["md"].write_text(render_markdown(report, names), encoding="utf-8")
    if "csv" in files:
        write_csv(report, files["csv"])
    if "json" in files:
        write_json(report, files["json"], rows, [facts[run.key] for run in runs])
    return ReportResult(out, files, rows, gathered.warnings)
