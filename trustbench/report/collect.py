"""Runs → one tidy frame of samples (Inspect's `samples_df`), with each sample's headline value
reduced over epochs, and the per-run slices and estimates every section is built from."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from inspect_ai.analysis import SampleSummary, samples_df

from trustbench.report.headline import sample_value
from trustbench.report.runs import Run
from trustbench.report.stats import Estimate, bootstrap_mean

COLUMNS = {"id", "epoch", "metadata_*", "score_*", "error"}
SAMPLE_COLUMNS = [column for column in SampleSummary if column.name in COLUMNS]
CLUSTER_DEFAULT = "seed_question"
"""Samples sharing this metadata field are one cluster, unless a task names another field in
its eval metadata `cluster_by`."""
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


def _in_log_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Samples of several shard logs in the order one log keeps them (Inspect sorts a log's
    samples by epoch, then id), so that a sharded run resamples exactly as one log would."""
    key = frame["id"].map(lambda v: v if isinstance(v, str) else str(v).zfill(20))
    order = sorted(range(len(frame)), key=lambda i: (frame["epoch"].iat[i], key.iat[i]))
    return frame.iloc[order].reset_index(drop=True)


def _run_samples(run: Run) -> tuple[pd.DataFrame, list[str]]:
    """One run at a time: `samples_df` over several runs' logs coerces a column whose types
    differ between logs (scores C/I in one, floats in another) to text."""
    frame, errors = samples_df(run.logs, columns=SAMPLE_COLUMNS, strict=False, quiet=True)
    problems = [f"{run.path}: {error}" for error in errors]
    if frame.empty:
        return frame, problems
    if run.shards:
        frame = _in_log_order(frame)
    headline = run.headline
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
    metadata = [c for c in frame.columns if c.startswith("metadata_")]
    reduced = frame.groupby(["run", "id"], sort=False).agg(
        value=("value", "mean"),
        errors=("errored", "sum"),
        unscored=("unscored", "sum"),
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
        name = str(run.metadata.get("cluster_by", CLUSTER_DEFAULT))
        column = f"metadata_{name}"
        samples = self.samples_of(run)
        return name if column in samples and samples[column].notna().any() else None

    def is_sample_mean(self, run: Run) -> bool:
        """Whether the log's headline value is the mean of the per-sample values (accuracy,
        mean): only then do intervals and group means speak about the headline metric itself."""
        headline = run.headline
        values = self.samples_of(run)["value"].dropna()
        if headline is None or headline.value is None or values.empty:
            return True
        return math.isclose(headline.value, float(values.mean()), abs_tol=1e-9)

    def value_name(self, run: Run) -> str:
        """What a group mean of the samples is called: the headline metric when that metric is a
        mean, else the mean of the score it is computed from."""
        if run.headline is None:
            return "mean score"
        return run.headline.metric if self.is_sample_mean(run) else f"mean {run.headline.score}"

    def estimate(self, run: Run, samples: pd.DataFrame | None = None) -> Estimate:
        """Mean headline value of `samples` (default: all of the run's) with a 95 % interval,
        clustered when the run's samples share seed questions."""
        samples = self.samples_of(run) if samples is None else samples
        scored = samples[samples["value"].notna()]
        cluster = self.cluster_field(run)
        clusters = None
        if cluster is not None:
            # a sample without a cluster value is a cluster of its own
            ids = scored[f"metadata_{cluster}"].astype(object)
            clusters = ids.where(ids.notna(), "\0" + scored["id"]).astype(str).to_numpy()
        return bootstrap_mean(scored["value"].to_numpy(dtype=float), clusters)
