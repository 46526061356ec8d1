"""Paired comparison against a baseline model, on the samples both models scored."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustbench.errors import TrustbenchError
from trustbench.report.cells import DASH, count_cell, interval, text_cell, value_cell
from trustbench.report.collect import ReportData
from trustbench.report.model import Cell, Section, Table, Text, TidyRow
from trustbench.report.plots import Point, interval_plot
from trustbench.report.runs import Run
from trustbench.report.stats import Estimate, bootstrap_mean, mcnemar_exact

HEADERS = [
    "task",
    "model",
    "baseline",
    "n paired",
    "model mean",
    "baseline mean",
    "difference",
    "95% CI",
    "better (95%)",
    "only baseline passed",
    "only model passed",
    "McNemar p",
    "log",
]


def _pairs(data: ReportData, run: Run, baseline: Run) -> pd.DataFrame:
    """Samples both runs scored, with the baseline's cluster (if any) for the bootstrap."""
    keep = ["id", "value"]
    cluster = data.cluster_field(baseline)
    ours = data.samples_of(run)[keep]
    theirs = data.samples_of(baseline)
    theirs = theirs[[*keep, f"metadata_{cluster}"]] if cluster else theirs[keep]
    merged = ours.merge(theirs, on="id", suffixes=("", "_baseline"))
    merged = merged[merged["value"].notna() & merged["value_baseline"].notna()]
    if cluster:
        ids = merged[f"metadata_{cluster}"].astype(object)
        merged = merged.assign(cluster=ids.where(ids.notna(), "\0" + merged["id"]).astype(str))
    return merged


def paired_difference(pairs: pd.DataFrame) -> Estimate:
    clusters = pairs["cluster"].to_numpy() if "cluster" in pairs else None
    diff = pairs["value"].to_numpy(dtype=float) - pairs["value_baseline"].to_numpy(dtype=float)
    return bootstrap_mean(diff, clusters)


def discordant(pairs: pd.DataFrame, lower_is_better: bool = False) -> tuple[int, int] | None:
    """(baseline passed, model failed) and (baseline failed, model passed), when every paired
    value is pass/fail; None for graded scores, where McNemar's test does not apply. A sample
    passes with the good value of the metric's direction: 1, or 0 for a rate of failures."""
    values = pairs[["value", "value_baseline"]].to_numpy(dtype=float)
    if not np.isin(values, (0.0, 1.0)).all():
        return None
    passed = 0.0 if lower_is_better else 1.0
    model, base = values[:, 0] == passed, values[:, 1] == passed
    return int((base & ~model).sum()), int((~base & model).sum())


def better(difference: Estimate, lower_is_better: bool | None) -> str:
    """Which of the two the paired interval says is better, in the headline's direction."""
    if lower_is_better is None or difference.low is None or difference.high is None:
        return DASH
    if difference.low <= 0.0 <= difference.high:
        return "neither"
    improves = difference.high < 0.0 if lower_is_better else difference.low > 0.0
    return "model" if improves else "baseline"


def check_baseline(data: ReportData, baseline: str) -> None:
    models = sorted({run.model for run in data.runs})
    if baseline not in models:
        raise TrustbenchError(
            f"--baseline {baseline} is not a model in these logs. Models: {', '.join(models)}"
        )


def paired_section(data: ReportData, baseline: str) -> Section:
    check_baseline(data, baseline)
    section = Section(f"Paired comparison against {baseline}", "paired")
    section.blocks.append(
        Text(
            f"Each model minus {baseline}, on the samples both scored (paired bootstrap, 95 %). "
            "For pass/fail metrics, McNemar's exact test on the discordant pairs (a sample "
            "passes with the metric's good value: 0 for a rate where lower is better). "
            "`better` names the model whose value the interval favours in the direction the "
            "task declares, or neither when it spans 0."
        )
    )
    rows: list[list[Cell]] = []
    panels: dict[str, list[Point]] = {}
    missing = []
    for label, runs in sorted(data.primary_by_label().items()):
        base = next((run for run in runs if run.model == baseline), None)
        if base is None:
            missing.append(label)
            continue
        for run in runs:
            if run is base:
                continue
            pairs = _pairs(data, run, base)
            diff = paired_difference(pairs)
            direction = run.spec.lower_is_better if run.spec else None
            counts = discordant(pairs, bool(direction)) if len(pairs) else None
            p_value = mcnemar_exact(*counts) if counts else None
            verdict = better(diff, direction)
            winner = {"model": run.model, "baseline": baseline}.get(verdict, verdict)
            aggregation = data.aggregation(run)
            pooled = aggregation is not None and aggregation.kind == "ratio"
            # the paired test compares per-sample values, which a pooled ratio is not made of
            metric = (
                f"mean {run.headline.score}" if pooled and run.headline else data.value_name(run)
            )
            rows.append(
                [
                    text_cell(label),
                    text_cell(run.model),
                    text_cell(baseline),
                    count_cell(diff.n),
                    value_cell(pairs["value"].mean() if len(pairs) else None),
                    value_cell(pairs["value_baseline"].mean() if len(pairs) else None),
                    value_cell(diff.value),
                    Cell(interval(diff.low, diff.high), diff.low),
                    text_cell(winner),
                    count_cell(counts[0] if counts else None),
                    count_cell(counts[1] if counts else None),
                    Cell(DASH if p_value is None else f"{p_value:.4g}", p_value),
                    text_cell("log", href=data.href(run)),
                ]
            )
            section.rows.append(
                TidyRow(
                    "paired",
                    label,
                    run.model,
                    f"{metric} difference vs {baseline}",
                    "paired",
                    diff.value if diff.n else None,
                    diff.low,
                    diff.high,
                    diff.n,
                )
            )
            if p_value is not None:
                section.rows.append(
                    TidyRow("paired", label, run.model, "mcnemar_p", "paired", p_value, n=diff.n)
                )
            if diff.n:
                panels.setdefault(label, []).append(
                    Point(run.model, diff.value, diff.low, diff.high)
                )
    section.blocks.append(Table("Paired differences", HEADERS, rows))
    if missing:
        section.blocks.append(Text(f"No {baseline} run for: {', '.join(missing)}."))
    if panels:
        section.blocks.append(
            interval_plot(
                f"Difference from {baseline}", panels, "difference (95 % CI)", zero_line=True
            )
        )
    return section
