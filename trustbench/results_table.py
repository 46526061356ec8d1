"""The light results table (task × model × headline metric) from log headers only: what
`trustbench run --no-report` prints, and the current-attempt rule the report shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log

from trustbench.errors import TrustbenchError

if TYPE_CHECKING:
    from rich.table import Table


@dataclass(frozen=True)
class ResultRow:
    task: str
    args: str
    model: str
    status: str
    samples: str
    metric: str
    value: float | None
    stderr: float | None
    log: str

    @property
    def shown_value(self) -> str:
        if self.value is None:
            return "-"
        if self.stderr is None:
            return f"{self.value:.3f}"
        return f"{self.value:.3f} ± {self.stderr:.3f}"


def _headline(log: EvalLog) -> tuple[str, float | None, float | None]:
    if log.results is None or not log.results.scores:
        return "-", None, None
    score = log.results.scores[0]
    wanted = (log.eval.metadata or {}).get("headline")
    name = wanted if wanted in score.metrics else next(iter(score.metrics), None)
    if name is None:
        return score.name, None, None
    stderr = score.metrics.get("stderr")
    return name, score.metrics[name].value, stderr.value if stderr else None


def row_for(log: EvalLog) -> ResultRow:
    metric, value, stderr = _headline(log)
    results = log.results
    samples = f"{results.completed_samples}/{results.total_samples}" if results else "0/?"
    args = ", ".join(f"{k}={v}" for k, v in sorted(log.eval.task_args_passed.items()))
    return ResultRow(
        task=log.eval.task,
        args=args,
        model=log.eval.model,
        status=log.status,
        samples=samples,
        metric=metric,
        value=value,
        stderr=stderr,
        log=log.location,
    )


def current_attempts(logs: list[EvalLog]) -> list[EvalLog]:
    """One log per task and model: an eval set retries a task into a new log, and the earlier
    attempts (interrupted or errored) stay beside it. Keep the successful or else the newest."""
    latest: dict[tuple[str, str], EvalLog] = {}
    for log in sorted(logs, key=lambda log: (log.status == "success", log.eval.created)):
        latest[(log.eval.task_id, log.eval.model)] = log
    return list(latest.values())


def read_rows(log_dirs: list[str | Path]) -> list[ResultRow]:
    """One row per task and model; errored and cancelled runs are kept, with their status shown."""
    logs = []
    for log_dir in log_dirs:
        if not Path(log_dir).is_dir():
            raise TrustbenchError(f"Log directory not found: {log_dir}")
        infos = list_eval_logs(str(log_dir))
        if not infos:
            raise TrustbenchError(f"No Inspect logs in {log_dir}. Run `trustbench run` first.")
        logs += [read_eval_log(info, header_only=True) for info in infos]
    rows = [row_for(log) for log in current_attempts(logs)]
    return sorted(rows, key=lambda r: (r.task, r.args, r.model))


HEADERS = ("task", "args", "model", "status", "samples", "metric", "value")


def _cells(row: ResultRow) -> tuple[str, ...]:
    return (row.task, row.args, row.model, row.status, row.samples, row.metric, row.shown_value)


def to_rich_table(rows: list[ResultRow]) -> Table:
    """A rich table (rich ships with Inspect)."""
    from rich.table import Table

    table = Table(title="trustbench results")
    for header in HEADERS:
        table.add_column(header, justify="right" if header == "value" else "left")
    for row in rows:
        style = None if row.status == "success" else "red"
        table.add_row(*_cells(row), style=style)
    return table
