"""The run plan cut into shards: one (task, arguments, model, sample range) each, run by one
Inspect eval set in its own folder of the run's log directory, so each leaves one ordinary log.

A shard's folder name is its range, under a folder named after its run (the task, arguments,
model and settings it belongs to): re-running the same plan finds the same folders, and Inspect's
own eval-set resume skips a finished shard and resumes a partial one sample by sample.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustbench.errors import TrustbenchError
from trustbench.runner import PlannedTask, RunPlan

DEFAULT_SHARD_SIZE = 200
SHARDS_FOLDER = "shards"


@dataclass(frozen=True)
class Shard:
    task: int
    """Index of the task in the run plan."""
    model: str
    start: int
    end: int
    """Sample range [start, end) of the task's dataset, as Inspect's `limit=(start, end)`."""
    index: int
    count: int
    """This shard's place among the shards of its run."""
    run: str
    """The run it belongs to: task, arguments, model and settings (a folder name)."""
    log_dir: str
    """The folder its eval set writes to."""

    @property
    def samples(self) -> int:
        return self.end - self.start

    @property
    def name(self) -> str:
        return f"{self.run}/{range_folder(self.start, self.end)}"

    def metadata(self, facts: dict[str, Any]) -> dict[str, Any]:
        """What its log records: where it sits in the run, and how the run was executed."""
        return {
            "run": self.run,
            "index": self.index,
            "count": self.count,
            "start": self.start,
            "end": self.end,
            **facts,
        }


def join(base: str, *parts: str) -> str:
    """A path under a local folder or a remote URL (`s3://…`): fsspec paths use `/`."""
    if "://" in base:
        return "/".join([base.rstrip("/"), *parts])
    return str(Path(base, *parts))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


def run_name(planned: PlannedTask, model: str, identity: dict[str, Any]) -> str:
    """`<task>_<model>_<hash>`: readable, and distinct for every setting that changes results."""
    key = json.dumps(
        {
            "task": planned.entry.name,
            "args": planned.args,
            "limit": planned.limit,
            "model": model,
            **identity,
        },
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return f"{_slug(planned.entry.short_name)}_{_slug(model)}_{digest}"


def range_folder(start: int, end: int) -> str:
    return f"{start:06d}-{end:06d}"


def ranges(total: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def plan_shards(
    plan: RunPlan,
    log_dir: str,
    *,
    shard_size: int,
    sizes: list[int],
    identity: dict[str, Any],
) -> list[Shard]:
    """Every (task, model) of the plan in ranges of `shard_size` samples.

    `sizes` holds each task's sample count (after its limits); `identity` the settings beyond
    task and model that make two runs different (roles, generate config, model args)."""
    if shard_size < 1:
        raise TrustbenchError(f"--shard-size must be at least 1, not {shard_size}.")
    shards = []
    for task_index, (planned, total) in enumerate(zip(plan.tasks, sizes, strict=True)):
        for model in plan.models:
            run = run_name(planned, model, identity)
            spans = ranges(total, shard_size)
            _check_layout(log_dir, run, spans)
            shards += [
                Shard(
                    task=task_index,
                    model=model,
                    start=start,
                    end=end,
                    index=index,
                    count=len(spans),
                    run=run,
                    log_dir=join(log_dir, SHARDS_FOLDER, run, range_folder(start, end)),
                )
                for index, (start, end) in enumerate(spans)
            ]
    return shards


def _check_layout(log_dir: str, run: str, spans: list[tuple[int, int]]) -> None:
    """A run resumed with another shard size would count samples twice: refuse it up front."""
    from inspect_ai.log import list_eval_logs

    folder = join(log_dir, SHARDS_FOLDER, run)
    try:
        infos = list_eval_logs(folder)
    except FileNotFoundError:
        return
    wanted = {range_folder(start, end) for start, end in spans}
    found = {info.name.replace("\\", "/").rsplit("/", 2)[-2] for info in infos}
    stray = sorted(found - wanted)
    if stray:
        raise TrustbenchError(
            f"{folder} holds shards {', '.join(stray)} from a run with another shard size. "
            "Re-run with the shard size it used, or pass a new --log-dir."
        )
