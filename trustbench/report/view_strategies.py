"""Runs of one task under several prompting strategies (eval metadata `strategy`), as the EPFL
course exams are run: the pass rate per strategy, and per question across strategies (passed
under any strategy, passed under a majority), overall and by course and program."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from trustbench.report.breakdowns import Breakdown, breakdown_blocks
from trustbench.report.collect import ReportData, metadata_column
from trustbench.report.model import Section, Text, slug
from trustbench.report.runs import Run
from trustbench.report.stats import Estimate, bootstrap_mean

FIELDS = ("course", "program")
DEFAULT_THRESHOLD = 0.5
ANY = "any strategy"
MAJORITY = "majority vote"


def has_strategies(runs: list[Run]) -> bool:
    return any("strategy" in run.metadata for run in runs)


def _passes(data: ReportData, runs: list[Run]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Question × strategy → 1 passed, 0 failed, NaN not scored; and each question's fields.
    A sample passes when its headline value reaches the task's `pass_threshold`."""
    parts = []
    for run in runs:
        samples = data.samples_of(run)
        scored = samples[samples["value"].notna()]
        threshold = float(run.metadata.get("pass_threshold", DEFAULT_THRESHOLD))
        parts.append(
            pd.DataFrame(
                {
                    "id": scored["id"],
                    "strategy": str(run.metadata["strategy"]),
                    "passed": (scored["value"] >= threshold).astype(float),
                    **{field: metadata_column(scored, field) for field in FIELDS},
                }
            )
        )
    long = pd.concat(parts, ignore_index=True)
    wide = long.pivot_table(index="id", columns="strategy", values="passed", aggfunc="mean")
    fields = long.groupby("id")[list(FIELDS)].first().reindex(wide.index)
    return wide, fields


def _views(wide: pd.DataFrame) -> dict[str, pd.Series]:
    views = {f"strategy={strategy}": wide[strategy].dropna() for strategy in wide.columns}
    views[ANY] = wide.max(axis=1)
    views[MAJORITY] = (wide.sum(axis=1) > wide.count(axis=1) / 2).astype(float)
    return views


def _estimate(values: pd.Series) -> Estimate:
    return bootstrap_mean(values.to_numpy(dtype=float))


def strategy_view(data: ReportData, runs: list[Run]) -> list[Section]:
    by_model: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        if "strategy" in run.metadata:
            by_model[run.model].append(run)
    task = runs[0].task
    columns = [group[0] for _, group in sorted(by_model.items())]
    overall: dict[tuple[str, Any], Estimate] = {}
    by_field: dict[str, dict[str, dict[tuple[str, Any], Estimate]]] = {
        field: {ANY: {}, MAJORITY: {}} for field in FIELDS
    }
    for column in columns:
        wide, fields = _passes(data, by_model[column.model])
        views = _views(wide)
        for name, values in views.items():
            overall[(column.key, name)] = _estimate(values)
        for field in FIELDS:
            keys = fields[field]
            present = keys.notna()
            for name in (ANY, MAJORITY) if present.any() else ():
                values = views[name][present]
                for group, members in values.groupby(keys[present].astype(str)):
                    by_field[field][name][(column.key, group)] = _estimate(members)
    strategies = sorted({g for (_, g) in overall if g.startswith("strategy=")})
    section = Section(f"{task}: across strategies", slug(f"strategies-{task}"))
    section.blocks.append(
        Text(
            "A question passes when its score reaches the task's pass threshold. Any strategy: "
            "passed under at least one strategy; majority vote: passed under more than half of "
            "the strategies that answered it."
        )
    )
    groups = [*strategies, ANY, MAJORITY]
    blocks, section.rows = breakdown_blocks(
        data,
        columns,
        Breakdown("view", groups, overall, numeric=False),
        task=task,
        title=f"{task}: pass rate across strategies",
        metric="pass rate",
    )
    section.blocks += blocks
    for field in FIELDS:
        for name, estimates in by_field[field].items():
            groups = sorted({g for (_, g) in estimates})
            if not groups:
                continue
            blocks, rows = breakdown_blocks(
                data,
                columns,
                Breakdown(field, groups, estimates, numeric=False),
                task=task,
                title=f"{task}: {name} pass rate by {field}",
                metric=f"pass rate ({name})",
            )
            section.blocks += blocks
            section.rows += rows
    return [section]
