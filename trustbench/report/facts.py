"""Run facts that decide whether two numbers are comparable, and the flags raised when the
runs in one report differ on them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from trustbench.judges.roles import GRADER_ROLE
from trustbench.report.cells import DASH, count_cell, text_cell
from trustbench.report.collect import ReportData
from trustbench.report.model import Cell, Section, Table, Text
from trustbench.report.runs import Run
from trustbench.report.shards import shard_info

UNKNOWN = DASH


TRANSPORT_SETTINGS = {"max_retries", "timeout", "attempt_timeout", "max_connections"}
"""Generation settings that change how requests are sent, not what the model writes."""


@dataclass(frozen=True)
class RunFacts:
    model: str
    model_detail: str
    base_url: str
    served_model: str
    """The name the model's server reported for the model it serves."""
    tool_protocol: str
    generation: str
    roles: str
    judge_mode: str
    evidence_mode: str
    prompts: str
    dataset_version: str
    task_version: str
    trustbench: str
    inspect: str
    executor: str
    tokens: int | None
    role_tokens: int | None
    seconds: float | None
    cost: float | None


def _seconds(started: str, completed: str) -> float | None:
    if not started or not completed:
        return None
    return (datetime.fromisoformat(completed) - datetime.fromisoformat(started)).total_seconds()


def judge_mode_run(run: Run) -> str:
    """The judge mode that actually ran: a task whose judge picks its mode per sample logs
    `judge_mode/<mode>` metrics (samples per mode); one mode, or `mixed`. Else the task's own
    `judge_mode` metadata, where `auto` says whether a grader was bound."""
    metrics = {
        name.removeprefix("judge_mode/")
        for name, value in run.metrics.items()
        if name.startswith("judge_mode/") and value
    }
    if metrics:
        return metrics.pop() if len(metrics) == 1 else "mixed"
    mode = str(run.metadata.get("judge_mode", UNKNOWN))
    if mode == "auto":
        bound = GRADER_ROLE in (run.log.eval.model_roles or {})
        return "auto (grader bound)" if bound else "auto (no grader)"
    return mode


def _prompts(recorded: object) -> str:
    """Which wording ran (`upstream` or `trustbench`), from the task's `prompts` metadata: the
    name, or a record whose `set` (or `prompts`) key names it."""
    if isinstance(recorded, dict):
        recorded = recorded.get("set", recorded.get("prompts"))
    return UNKNOWN if recorded is None else str(recorded)


def executor_text(run: Run) -> str:
    """How the run was executed: in one process, or as shards on a cluster (and its layout)."""
    info = shard_info(run.log)
    if info is None:
        return "one process"
    cluster = f"{info.get('nodes', '?')} node(s), {info.get('cpus', '?')} CPUs"
    size = info.get("shard_size", "?")
    return f"{info.get('executor', '?')}: {info.get('count', '?')} shards of ≤{size} samples on {cluster}"


def run_facts(run: Run) -> RunFacts:
    spec = run.log.eval
    meta = run.metadata
    detail = ", ".join(f"{k}={v}" for k, v in sorted(spec.model_args.items()))
    served = (meta.get("served_models") or {}).get(spec.model) or {}
    base_url = served.get("base_url") or spec.model_base_url
    protocol = served.get("tool_protocol")
    if protocol and served.get("tool_protocol_source"):
        protocol = f"{protocol} ({served['tool_protocol_source']})"
    roles = []
    for role, config in sorted((spec.model_roles or {}).items()):
        configs = config if isinstance(config, list) else [config]
        roles.append(f"{role}={', '.join(c.model for c in configs)}")
    stats = run.log.stats
    usage = stats.model_usage
    tokens = usage[spec.model].total_tokens if spec.model in usage else None
    others = [u.total_tokens for name, u in usage.items() if name != spec.model]
    costs = [u.total_cost for u in usage.values() if u.total_cost is not None]
    packages = spec.packages
    return RunFacts(
        model=spec.model,
        model_detail=detail or UNKNOWN,
        base_url=str(base_url or UNKNOWN),
        served_model=str(served.get("served_model") or UNKNOWN),
        tool_protocol=str(protocol or UNKNOWN),
        generation=generation_settings(run),
        roles="; ".join(roles) or "none",
        judge_mode=judge_mode_run(run),
        evidence_mode=str(meta.get("evidence_mode", UNKNOWN)),
        prompts=_prompts(meta.get("prompts")),
        dataset_version=str(meta.get("dataset_version", meta.get("data_version", UNKNOWN))),
        task_version=str(spec.task_version),
        trustbench=packages.get("trustbench", UNKNOWN),
        inspect=packages.get("inspect_ai", UNKNOWN),
        executor=executor_text(run),
        tokens=tokens,
        role_tokens=sum(others) if others else None,
        seconds=_seconds(stats.started_at, stats.completed_at),
        cost=sum(costs) if costs else None,
    )


def generation_settings(run: Run) -> str:
    """The settings every model call of the run was made with (the task's merged with the
    run's, e.g. `--max-tokens`), as `name=value` pairs."""
    config = run.log.plan.config.model_dump(exclude_none=True)
    pairs = [f"{k}={v}" for k, v in sorted(config.items()) if k not in TRANSPORT_SETTINGS]
    return ", ".join(pairs) or UNKNOWN


ACROSS_REPORT = {"trustbench": "trustbench version", "inspect": "Inspect version"}
"""Facts that must agree across every run in a report."""
ACROSS_TASK = {
    "dataset_version": "dataset version",
    "task_version": "task version",
    "judge_mode": "judge mode",
    "evidence_mode": "evidence mode",
    "prompts": "prompts",
    "roles": "grader/roles",
    "generation": "generation settings",
}
"""Facts that must agree between the models compared on one task."""


@dataclass(frozen=True)
class Comparability:
    warnings: list[str]
    flags: dict[str, list[str]]
    """Run key → what is mixed for it: shown in that run's row."""
    mixed: dict[str, set[str]]
    """Run key → the fact attributes that differ, to highlight those cells."""


def short(message: str, limit: int = 200) -> str:
    """First line of an error, cut to fit a table cell."""
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def comparability(runs: list[Run], facts: dict[str, RunFacts]) -> Comparability:
    """Mixed versions are allowed in one report, but every affected row says so."""
    warnings: list[str] = []
    flags: dict[str, list[str]] = defaultdict(list)
    mixed: dict[str, set[str]] = defaultdict(set)

    def check(group: list[Run], attr: str, what: str, scope: str, known_only: bool) -> None:
        seen = {str(getattr(facts[run.key], attr)) for run in group}
        values = sorted(seen - {UNKNOWN} if known_only else seen)
        if len(values) > 1:
            warnings.append(f"Mixed {what} {scope}: {', '.join(values)}.")
            for run in group:
                if known_only and str(getattr(facts[run.key], attr)) == UNKNOWN:
                    continue
                flags[run.key].append(f"mixed {what}")
                mixed[run.key].add(attr)

    for attr, what in ACROSS_REPORT.items():
        # a plugin's task has no trustbench version of its own: not a mismatch
        check(runs, attr, what, "across the report", known_only=True)
    by_label: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_label[run.label].append(run)
    for label, group in sorted(by_label.items()):
        for attr, what in ACROSS_TASK.items():
            check(group, attr, what, f"in {label}", known_only=False)
    for run in runs:
        if facts[run.key].judge_mode == "mixed":
            flags[run.key].append("judge mode mixed (some samples judged without a grader)")
        if run.status != "success":
            message = f": {short(run.log.error.message)}" if run.log.error else ""
            warnings.append(f"{run.label} on {run.model} is {run.status}{message}.")
            flags[run.key].append(f"status {run.status}")
        if not run.primary:
            flags[run.key].append("older duplicate (not compared)")
    return Comparability(warnings, dict(flags), dict(mixed))


FACT_COLUMNS = {
    "model_detail": "model args",
    "base_url": "base URL",
    "served_model": "served model",
    "tool_protocol": "tool protocol",
    "generation": "generation settings",
    "roles": "grader/roles",
    "judge_mode": "judge mode",
    "evidence_mode": "evidence mode",
    "prompts": "prompts",
    "dataset_version": "dataset version",
    "task_version": "task version",
    "trustbench": "trustbench",
    "inspect": "Inspect",
    "executor": "executor",
}


def _duration(seconds: float | None) -> Cell:
    return Cell(DASH if seconds is None else f"{seconds:.1f} s", seconds)


def facts_section(
    data: ReportData, facts: dict[str, RunFacts], comparability: Comparability
) -> Section:
    """One row per log; a cell that differs between runs that are compared is highlighted."""
    headers = ["task", "model", "status", *FACT_COLUMNS.values()]
    headers += ["tokens (model)", "tokens (other roles)", "time", "cost", "log"]
    rows = []
    for run in data.runs:
        fact = facts[run.key]
        mixed = comparability.mixed.get(run.key, set())
        rows.append(
            [
                text_cell(run.label),
                text_cell(run.model),
                text_cell(run.status, "" if run.status == "success" else "bad"),
                *(
                    text_cell(str(getattr(fact, attr)), "warn" if attr in mixed else "")
                    for attr in FACT_COLUMNS
                ),
                count_cell(fact.tokens),
                count_cell(fact.role_tokens),
                _duration(fact.seconds),
                Cell(DASH if fact.cost is None else f"${fact.cost:.4f}", fact.cost),
                text_cell("log", href=data.href(run)),
            ]
        )
    section = Section("Run facts", "facts")
    section.blocks.append(
        Text(
            "What decides whether numbers are comparable: highlighted cells differ between runs "
            "of the same task (or, for versions, across the report)."
        )
    )
    section.blocks.append(Table("Run facts", headers, rows))
    return section
