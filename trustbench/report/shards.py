"""Shard logs → one run: a run executed as shards (`trustbench run --executor ray`) leaves one
log per sample range; the report reads them as the single log the same run would have written
in one process, with its metrics recomputed by Inspect over all of its samples."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from inspect_ai.log import EvalLog, EvalResults, read_eval_log, recompute_metrics

SHARD_METADATA = "trustbench_shard"
"""Eval metadata of a shard log: its run, its place in it, and how the run was executed."""
STATUS_ORDER = ("error", "cancelled", "started", "success")
"""A run is as good as its worst shard."""


@dataclass(frozen=True)
class ShardedLog:
    """The header of a run read from its shards, and where those shards are."""

    header: EvalLog
    shards: tuple[str, ...]
    """Shard log locations, in sample order."""
    missing: tuple[str, ...]
    """Shards of the run that left no log."""
    problems: tuple[str, ...]


def shard_info(log: EvalLog) -> dict[str, Any] | None:
    info = (log.eval.metadata or {}).get(SHARD_METADATA)
    return info if isinstance(info, dict) and "run" in info else None


def split_shards(logs: list[EvalLog]) -> tuple[list[EvalLog], dict[str, list[EvalLog]]]:
    """Ordinary logs, and shard logs by run, one per sample range (the successful or else the
    newest attempt: a shard resumed after its worker died leaves the dead attempt beside it)."""
    plain: list[EvalLog] = []
    by_range: dict[tuple[str, int, int], EvalLog] = {}
    for log in sorted(logs, key=lambda log: (log.status == "success", log.eval.created)):
        info = shard_info(log)
        if info is None:
            plain.append(log)
        else:
            by_range[(info["run"], int(info["start"]), int(info["end"]))] = log
    runs: dict[str, list[EvalLog]] = defaultdict(list)
    for (run, *_), log in sorted(by_range.items(), key=lambda item: item[0]):
        runs[run].append(log)
    return plain, dict(runs)


def combine_shards(
    logs: list[EvalLog],
) -> tuple[list[EvalLog], dict[str, tuple[str, ...]], list[str]]:
    """The logs with each run's shards replaced by the run's merged header; also the shard logs
    of each merged run (by its location), and what could not be merged cleanly."""
    plain, runs = split_shards(logs)
    merged = [merge_shards(shards) for shards in runs.values()]
    headers = plain + [run.header for run in merged]
    sources = {run.header.location: run.shards for run in merged}
    return headers, sources, [problem for run in merged for problem in run.problems]


def run_location(shard_location: str) -> str:
    """The folder that holds a run's shard folders: what `inspect view` opens for the run."""
    return shard_location.replace("\\", "/").rsplit("/", 2)[0]


def merge_shards(headers: list[EvalLog]) -> ShardedLog:
    """The run's header as one process would have written it: every sample, metrics recomputed
    over all of them (the same Inspect metrics the shards computed on their part), usage summed,
    times spanning the first start to the last end, and the worst shard's status. A run with a
    shard that left no log is incomplete, like a run one process has not finished."""
    full = [
        read_eval_log(h.location, exclude_fields={"events", "messages", "attachments"})
        for h in headers
    ]
    first = full[0]
    info = shard_info(first) or {}
    present = {int((shard_info(log) or {}).get("index", -1)) for log in full}
    missing = tuple(
        f"shard {i + 1} of {info['count']}"
        for i in range(int(info.get("count", 0)))
        if i not in present
    )
    merged = first.model_copy(deep=True)
    merged.samples = [sample for log in full for sample in log.samples or []]
    merged.location = run_location(first.location)
    worst = min((log.status for log in full), key=STATUS_ORDER.index)
    merged.status = "started" if missing and worst == "success" else worst
    merged.error = next((log.error for log in full if log.error is not None), None)
    starts = [log.stats.started_at for log in full if log.stats.started_at]
    ends = [log.stats.completed_at for log in full]
    merged.stats.started_at = min(starts, default="")
    merged.stats.completed_at = max(ends) if all(ends) else ""
    merged.stats.model_usage = _summed([log.stats.model_usage for log in full])
    merged.stats.role_usage = _summed([log.stats.role_usage for log in full])
    problems = [f"{merged.location}: no log for {', '.join(missing)}"] if missing else []
    merged.results = _results(merged, full, problems) if not missing else None
    merged.samples = None
    return ShardedLog(merged, tuple(log.location for log in full), missing, tuple(problems))


def _results(merged: EvalLog, shards: list[EvalLog], problems: list[str]) -> EvalResults | None:
    """Inspect's own metrics over the samples of every shard; None (as for an unfinished log)
    unless every shard has results."""
    if not merged.samples or any(log.results is None for log in shards):
        return None
    try:
        recompute_metrics(merged)
    except (ValueError, LookupError) as ex:
        problems.append(f"{merged.location}: metrics not recomputed over its shards: {ex}")
        return None
    results = merged.results
    assert results is not None
    results.total_samples = sum(log.results.total_samples for log in shards if log.results)
    results.completed_samples = sum(log.results.completed_samples for log in shards if log.results)
    return results


def _summed(usages: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for usage in usages:
        for name, value in usage.items():
            total[name] = total[name] + value if name in total else value
    return total
