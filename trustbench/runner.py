"""`trustbench run`: suites and tasks → one resumable Inspect eval set → a status-checked result."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from inspect_ai import Task, eval_set
from inspect_ai.log import EvalLog

from trustbench.catalog import Catalog, TaskEntry
from trustbench.errors import TrustbenchError
from trustbench.models import DEFAULT_MODEL, TEXT_ONLY_PROVIDERS, check_models, provider_of
from trustbench.suites import load_suite

DEFAULT_SUITE = "smoke"
RESULTS_DIR_ENV = "TRUSTBENCH_RESULTS"


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_DIR_ENV, "results"))


@dataclass(frozen=True)
class PlannedTask:
    entry: TaskEntry
    args: dict[str, Any]
    limit: int | None
    origin: str
    """Where the task came from, for error messages: a suite file entry or the command line."""

    def build(self) -> Task:
        task = self.entry.function(**self.args)
        if self.limit is not None and len(task.dataset) > self.limit:
            task.dataset = task.dataset[: self.limit]
        return task

    def needs_now(self) -> set[str]:
        """The needs that apply with these arguments (a need may hold only for some settings)."""
        active = set()
        for need, condition in self.entry.needs.items():
            if condition == "always":
                active.add(need)
                continue
            key, _, value = condition.partition("=")
            if str(self.args.get(key, self.entry_default(key))) == value:
                active.add(need)
        return active

    def entry_default(self, name: str) -> Any:
        return next((p.default for p in self.entry.parameters if p.name == name), None)


@dataclass
class RunPlan:
    name: str
    tasks: list[PlannedTask]
    models: list[str]
    roles: dict[str, str]
    log_dir: Path | str
    """A local folder, or a remote one as an fsspec URL (`s3://…`)."""
    generate: dict[str, Any] = field(default_factory=dict)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "run"


def log_location(log_dir: str | Path) -> Path | str:
    """A local folder as a Path; a remote one (`s3://…`, any fsspec URL Inspect accepts) as
    given, since a Path would fold its `//`."""
    text = str(log_dir)
    return text if "://" in text else Path(text)


def _check_args(entry: TaskEntry, args: dict[str, Any], origin: str) -> None:
    allowed = [p.name for p in entry.parameters]
    for key in args:
        if key not in allowed:
            raise TrustbenchError(
                f"{origin}: task {entry.name} has no parameter '{key}'. "
                f"Its parameters: {', '.join(allowed) or '(none)'}"
            )
    missing = [p.name for p in entry.parameters if p.required and p.name not in args]
    if missing:
        raise TrustbenchError(
            f"{origin}: task {entry.name} needs {', '.join(missing)}: pass -T {missing[0]}=..."
        )


def plan_run(
    catalog: Catalog,
    targets: list[str],
    *,
    models: list[str] | None = None,
    grader: str | None = None,
    user: str | None = None,
    task_args: dict[str, Any] | None = None,
    log_dir: str | Path | None = None,
) -> RunPlan:
    """Resolve names, arguments, models and roles, and check them all before anything runs.

    A target is a suite file, a suite name or a task name; a suite wins over a task of the same
    short name (`visual_planning`), and the task stays reachable by its full name
    (`trustbench/visual_planning`).
    """
    targets = targets or [DEFAULT_SUITE]
    planned: list[PlannedTask] = []
    default_models: list[str] = []
    roles: dict[str, str] = {}
    generate: dict[str, Any] = {}
    for target in targets:
        if target.endswith((".yaml", ".yml")) or target in catalog.suites:
            suite = (
                load_suite(target) if target.endswith((".yaml", ".yml")) else catalog.suite(target)
            )
            where = str(suite.path or suite.name)
            for i, item in enumerate(suite.tasks):
                origin = f"{where}: tasks.{i}"
                planned.append(PlannedTask(catalog.task(item.task), item.args, item.limit, origin))
            default_models = default_models or suite.model
            roles = {**suite.roles, **roles}
            generate = {**suite.generate, **generate}
        else:
            planned.append(PlannedTask(catalog.task(target), {}, None, "command line"))
    overrides = task_args or {}
    for key in overrides:
        if not any(key in [p.name for p in t.entry.parameters] for t in planned):
            raise TrustbenchError(
                f"-T {key}=...: no task in this run has a parameter '{key}'. "
                "See `trustbench list` for each task's parameters."
            )
    planned = [
        PlannedTask(
            t.entry,
            {
                **t.args,
                **{k: v for k, v in overrides.items() if k in [p.name for p in t.entry.parameters]},
            },
            t.limit,
            t.origin,
        )
        for t in planned
    ]
    for t in planned:
        _check_args(t.entry, t.args, t.origin)
    chosen = models or default_models or [DEFAULT_MODEL]
    if grader:
        roles["grader"] = grader
    if user:
        roles["user"] = user
    check_models([*chosen, *roles.values()])
    for t in planned:
        if "vision" in t.needs_now():
            text_only = [m for m in chosen if provider_of(m) in TEXT_ONLY_PROVIDERS]
            if text_only:
                raise TrustbenchError(
                    f"{t.origin}: {t.entry.name} with these arguments sends images, but "
                    f"{', '.join(text_only)} takes text only. Use a text representation "
                    "or a vision model."
                )
    name = _slug("+".join(Path(t).stem if t.endswith((".yaml", ".yml")) else t for t in targets))
    directory = log_location(log_dir) if log_dir else results_dir() / "runs" / name
    return RunPlan(name, planned, chosen, roles, directory, generate)


@dataclass(frozen=True)
class RunOutcome:
    logs: list[EvalLog]

    @property
    def failed(self) -> list[EvalLog]:
        return [log for log in self.logs if log.status != "success"]

    @property
    def success(self) -> bool:
        return bool(self.logs) and not self.failed


class Executor(Protocol):
    """Runs a whole plan somewhere else (e.g. `trustbench.scale.executor.execute_on_ray`), with
    `execute`'s arguments and its guarantees: resumable, one outcome."""

    def __call__(
        self,
        plan: RunPlan,
        *,
        limit: int | None,
        display: str | None,
        retry_attempts: int | None,
        data_dir: str | Path | None,
        **eval_options: Any,
    ) -> RunOutcome: ...


def execute(
    plan: RunPlan,
    *,
    limit: int | None = None,
    display: str | None = None,
    retry_attempts: int | None = None,
    data_dir: str | Path | None = None,
    executor: Executor | None = None,
    **eval_options: Any,
) -> RunOutcome:
    """Run the plan as an eval set in its log dir (or hand it to `executor`): re-running the
    same plan resumes it."""
    if executor is not None:
        return executor(
            plan,
            limit=limit,
            display=display,
            retry_attempts=retry_attempts,
            data_dir=data_dir,
            **eval_options,
        )
    if data_dir is not None:
        os.environ["TRUSTBENCH_DATA"] = str(Path(data_dir).resolve())
    tasks = [t.build() for t in plan.tasks]
    if isinstance(plan.log_dir, Path):
        plan.log_dir.mkdir(parents=True, exist_ok=True)
    _, logs = eval_set(
        tasks=tasks,
        model=plan.models,
        model_roles=plan.roles or None,
        log_dir=str(plan.log_dir),
        limit=limit,
        display=display,  # type: ignore[arg-type]
        retry_attempts=retry_attempts,
        **plan.generate,
        **eval_options,
    )
    return RunOutcome(logs)
