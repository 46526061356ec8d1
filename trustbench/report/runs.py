"""Logs → runs: one per log kept, labelled by task (and arguments) and model."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from fsspec.core import url_to_fs
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from pydantic import ValidationError

from trustbench.errors import TrustbenchError
from trustbench.report.headline import Headline, resolve_headline
from trustbench.report_spec import ReportSpec


@dataclass(frozen=True)
class Run:
    """One log: a task, with its arguments, answered by one model."""

    log: EvalLog
    """The header only: samples are read separately, as a dataframe."""
    task: str
    label: str
    model: str
    spec: ReportSpec | None
    """What the task declared for the report (its headline, direction, breakdowns); None when
    it declared nothing, or something the report cannot read."""
    headline: Headline | None
    primary: bool
    """False for an older duplicate of the same task and model (from another log dir): it is
    shown, but comparisons use the newest."""
    shards: tuple[str, ...] = ()
    """For a run executed as shards, their logs (`log` is then their merged header)."""

    @property
    def logs(self) -> list[str]:
        """The log files its samples are read from."""
        return list(self.shards) or [self.key]

    @property
    def key(self) -> str:
        return self.log.location

    @property
    def status(self) -> str:
        return self.log.status

    @property
    def metadata(self) -> dict[str, Any]:
        return self.log.eval.metadata or {}

    @property
    def metrics(self) -> dict[str, float]:
        """Every metric the log reports, by name, as Inspect computed it (none when the run
        never finished scoring)."""
        return {
            name: metric.value
            for score in (self.log.results.scores if self.log.results else [])
            for name, metric in score.metrics.items()
        }

    @property
    def path(self) -> str:
        """Local path of the log when it is a file here, else its location as given."""
        parsed = urlparse(self.key)
        return unquote(parsed.path) if parsed.scheme == "file" else self.key


def current_attempts(logs: list[EvalLog]) -> list[EvalLog]:
    """One log per task and model: an eval set retries a task into a new log, and the earlier
    attempts (interrupted or errored) stay beside it. Keep the successful or else the newest."""
    latest: dict[tuple[str, str], EvalLog] = {}
    for log in sorted(logs, key=lambda log: (log.status == "success", log.eval.created)):
        latest[(log.eval.task_id, log.eval.model)] = log
    return list(latest.values())


def read_logs(log_dirs: list[str | Path]) -> tuple[list[EvalLog], list[EvalLog]]:
    """Headers of the current attempt of each task and model, and the older attempts (retried
    by an eval set) that were set aside, so that the report can name them."""
    logs: list[EvalLog] = []
    for log_dir in log_dirs:
        filesystem, path = url_to_fs(str(log_dir))
        if not filesystem.isdir(path):
            raise TrustbenchError(f"Log directory not found: {log_dir}")
        infos = list_eval_logs(str(log_dir))
        if not infos:
            raise TrustbenchError(
                f"No Inspect logs in {log_dir}. Run `trustbench run` first, or pass the "
                "directory the logs were written to (--log-dir)."
            )
        logs += [read_eval_log(info, header_only=True) for info in infos]
    current = current_attempts(logs)
    kept = {log.location for log in current}
    return current, [log for log in logs if log.location not in kept]


def task_name(log: EvalLog) -> str:
    """`trustbench/visual_planning` and `visual_planning` are one task."""
    return log.eval.task.rsplit("/", 1)[-1]


def args_text(log: EvalLog) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(log.eval.task_args_passed.items()))


def read_spec(log: EvalLog) -> ReportSpec | None:
    """The task's declaration for the report; a malformed one counts as none."""
    try:
        return ReportSpec.read(log.eval.metadata)
    except ValidationError:
        return None


def make_runs(logs: list[EvalLog], shards: dict[str, tuple[str, ...]] | None = None) -> list[Run]:
    """Label runs by task name, adding the arguments only where one task ran with several.
    `shards` gives the shard logs of each run read from shards (see `report.shards`)."""
    shards = shards or {}
    arg_sets: dict[str, set[str]] = defaultdict(set)
    for log in logs:
        arg_sets[task_name(log)].add(args_text(log))
    newest: dict[tuple[str, str], EvalLog] = {}
    labels = {}
    for log in sorted(logs, key=lambda log: (log.status == "success", log.eval.created)):
        name = task_name(log)
        args = args_text(log)
        labels[log.location] = f"{name} ({args})" if len(arg_sets[name]) > 1 and args else name
        newest[(labels[log.location], log.eval.model)] = log
    primary = {log.location for log in newest.values()}
    specs = {log.location: read_spec(log) for log in logs}
    runs = [
        Run(
            log=log,
            task=task_name(log),
            label=labels[log.location],
            model=log.eval.model,
            spec=specs[log.location],
            headline=resolve_headline(log, specs[log.location]),
            primary=log.location in primary,
            shards=shards.get(log.location, ()),
        )
        for log in logs
    ]
    return sorted(runs, key=lambda run: (run.label, run.model, run.log.eval.created))
