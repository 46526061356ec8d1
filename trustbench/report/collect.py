"""Runs → one tidy frame of samples (Inspect's `samples_df`), with each sample's headline value
reduced over epochs, and the per-run slices and estimates every section is built from."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from inspect_ai.analysis import SampleColumn, SampleSummary, samples_df
from inspect_ai.log import EvalSampleSummary

from trustbench.report.headline import sample_value
from trustbench.report.runs import Run
from trustbench.report.stats import Estimate, bootstrap_mean, bootstrap_ratio
from trustbench.report_spec import CLUSTER_BY, Aggregation

COLUMNS = {"id", "epoch", "metadata_*", "score_*", "error"}
SAMPLE_COLUMNS = [column for column in SampleSummary if column.name in COLUMNS]
MEAN_METRICS = ("accuracy", "mean")
"""Inspect's metrics that are the mean of the sample values: a task that declares nothing about
its headline gets an interval only when its headline is one of these."""
SCORE_FIELDS = ("numerator", "denominator", "tool_calls")
"""Columns read from the headline score's metadata, named as in the task's `ReportSpec`."""
EMPTY = pd.DataFrame(
    {
        "run": pd.Series(dtype=str),
        "id": pd.Series(dtype=str),
        "value": pd.Series(dtype=float),
        "errors": pd.Series(dtype=int),
        "unscored": pd.Series(dtype=int),
    }
)


def metadata_column(samples: pd.DataFrame, field: str) -> pd.Series:
    """A sample metadata field, all missing when no sample of this frame carries it."""
    column = f"metadata_{field}"
    if column in samples:
        return samples[column].astype(object)
    return pd.Series([None] * len(samples), index=samples.index, dtype=object)


def _score_field(scorer: str, name: str, field: str) -> SampleColumn:
    """A numeric field of the headline score's metadata (kept in the log's sample summaries)."""

    def read(sample: EvalSampleSummary) -> float | None:
        score = (sample.scores or {}).get(scorer)
        value = (score.metadata or {}).get(field) if score is not None else None
        return float(value) if isinstance(value, int | float) else None

    return SampleColumn(name, path=read, full=False)


def _in_log_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Samples of several shard logs in the order one log keeps them (Inspect sorts a log's
    samples by epoch, then id), so that a sharded run resamples exactly as one log would."""
    key = frame["id"].map(lambda v: v if isinstance(v, str) else str(v).zfill(20))
    order = sorted(range(len(frame)), key=lambda i: (frame["epoch"].iat[i], key.iat[i]))
    return frame.iloc[order].reset_index(drop=True)


def _run_samples(run: Run) -> tuple[pd.DataFrame, list[str]]:
    """One run at a time: `samples_df` over several runs' logs coerces a column whose types
    differ between logs (scores C/I in one, floats in another) to text."""
    headline = run.headline
    spec = run.spec
    columns = list(SAMPLE_COLUMNS)
    if headline is not None and spec is not None:
        pooled = spec.aggregation
        wanted = (
            pooled.numerator if pooled else None,
            pooled.denominator if pooled else None,
            spec.tool_calls,
        )
        columns += [
            _score_field(headline.scorer, name, field)
            for name, field in zip(SCORE_FIELDS, wanted, strict=True)
            if field is not None
        ]
    frame, errors = samples_df(run.logs, columns=columns, strict=False, quiet=True)
    problems = [f"{run.path}: {error}" for error in errors]
    if frame.empty:
        return frame, problems
    if run.shards:
        frame = _in_log_order(frame)
    column = f"score_{headline.scorer}" if headline else None
    raw = frame[column].tolist() if column in frame else [None] * len(frame)
    values = [sample_value(item, headline) for item in raw] if headline else [math.nan] * len(raw)
    errored = frame["error"].fillna("").astype(str) != ""
    value = pd.Series(values, index=frame.index, dtype=float)
    frame = frame.assign(
        run=run.key,
        id=frame["id"].astype(str),
        value=value,
        errored=errored.astype(int),
        unscored=(~errored & value.isna()).astype(int),
    )
    for name in SCORE_FIELDS:
        if name in frame:  # a column of missing values comes back typed as text
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    fields: dict[str, tuple[str, str | Callable[[pd.Series], float]]] = {
        name: (name, "mean") for name in SCORE_FIELDS[:2] if name in frame
    }
    if "tool_calls" in frame:
        fields["tool_calls"] = ("tool_calls", lambda calls: calls.sum(min_count=1))
    metadata = [c for c in frame.columns if c.startswith("metadata_")]
    reduced = frame.groupby(["run", "id"], sort=False).agg(
        value=("value", "mean"),
        errors=("errored", "sum"),
        unscored=("unscored", "sum"),
        **fields,
        **{c: (c, "first") for c in metadata},
    )
    return reduced.reset_index(), problems


def sample_frame(runs: list[Run]) -> tuple[pd.DataFrame, list[str]]:
    """One row per run and sample id: the headline value averaged over epochs (as Inspect's
    default reducer does), errored and unscored epoch counts, and the sample metadata
    (`metadata_<field>`). Also returns what `samples_df` could not read, to show it."""
    parts, problems = [], []
    for run in runs:
        frame, errors = _run_samples(run)
        problems += errors
        if not frame.empty:
            parts.append(frame)
    if not parts:
        return EMPTY.copy(), problems
    return pd.concat(parts, ignore_index=True), problems


@dataclass
class ReportData:
    """Everything a section needs: the runs and each run's samples."""

    runs: list[Run]
    samples: pd.DataFrame
    out_dir: Path
    _by_run: dict[str, pd.DataFrame] = field(init=False, repr=False)
    _clusters: dict[str, str | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_run = {str(k): g for k, g in self.samples.groupby("run", sort=False)}
        self._clusters = {run.key: self._find_cluster_field(run) for run in self.runs}

    def href(self, run: Run) -> str:
        """Link from a table row to the run's log (open it with `inspect view`), relative to the
        report so that the report and the logs can move together."""
        if run.path == run.key:
            return run.key
        return quote(Path(os.path.relpath(run.path, self.out_dir.resolve())).as_posix())

    def samples_of(self, run: Run) -> pd.DataFrame:
        return self._by_run.get(run.key, EMPTY)

    def primary_by_label(self) -> dict[str, list[Run]]:
        """Task label → the runs compared on it, one per model."""
        grouped: dict[str, list[Run]] = defaultdict(list)
        for run in self.runs:
            if run.primary:
                grouped[run.label].append(run)
        return dict(grouped)

    def cluster_field(self, run: Run) -> str | None:
        return self._clusters[run.key]

    def _find_cluster_field(self, run: Run) -> str | None:
        name = run.spec.cluster_by if run.spec else CLUSTER_BY
        column = f"metadata_{name}"
        samples = self.samples_of(run)
        return name if column in samples and samples[column].notna().any() else None

    def aggregation(self, run: Run) -> Aggregation | None:
        """How the run's headline is computed from its samples: the task's declaration, or,
        for a task that declares none, a plain mean when its headline is one of Inspect's mean
        metrics; None when the report cannot tell (then it shows no interval)."""
        if run.spec is not None:
            return run.spec.aggregation
        if run.headline is not None and run.headline.metric in MEAN_METRICS:
            return Aggregation(bounds=None)
        return None

    def value_name(self, run: Run) -> str:
        """What a group estimate of the samples is called: the headline metric when the report
        recomputes that metric, else the mean of the score it is computed from."""
        if run.headline is None:
            return "mean score"
        if self.aggregation(run) is not None:
            return run.headline.metric
        return f"mean {run.headline.score}"

    def tool_calls(self, run: Run) -> int | None:
        """Tool calls the agent made over all samples, for a task that counts them."""
        samples = self.samples_of(run)
        if "tool_calls" not in samples or samples["tool_calls"].isna().all():
            return None
        return int(samples["tool_calls"].sum())

    def estimate(self, run: Run, samples: pd.DataFrame | None = None) -> Estimate:
        """The headline recomputed on `samples` (default: all of the run's) with a 95 %
        interval, as the task declares it aggregates (a mean of the sample values when it
        declares nothing), clustered when the run's samples share seed questions."""
        samples = self.samples_of(run) if samples is None else samples
        aggregation = self.aggregation(run)
        if aggregation is not None and aggregation.kind == "ratio":
            scored = samples[samples["numerator"].notna() & samples["denominator"].notna()]
            strata = aggregation.strata
            return bootstrap_ratio(
                scored["numerator"].to_numpy(dtype=float),
                scored["denominator"].to_numpy(dtype=float),
                self._clusters_of(run, scored),
                metadata_column(scored, strata).astype(str).to_numpy() if strata else None,
            )
        scored = samples[samples["value"].notna()]
        return bootstrap_mean(scored["value"].to_numpy(dtype=float), self._clusters_of(run, scored))

    def _clusters_of(self, run: Run, scored: pd.DataFrame) -> np.ndarray | None:
        cluster = self.cluster_field(run)
        if cluster is None:
            return None
        # a sample without a cluster value is a cluster of its own
        ids = scored[f"metadata_{cluster}"].astype(object)
        return ids.where(ids.notna(), "\0" + scored["id"]).astype(str).to_numpy()
