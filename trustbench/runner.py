"""`trustbench run`: suites and tasks → one resumable Inspect eval set → a status-checked result."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from inspect_ai import Task, eval_set
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.log import EvalLog

from trustbench.catalog import Catalog, TaskEntry
from trustbench.errors import TaskArgumentError, TrustbenchError
from trustbench.judges.roles import GRADER_ROLE
from trustbench.locations import run_dir, run_name
from trustbench.models import DEFAULT_MODEL, TEXT_ONLY_PROVIDERS, check_models, provider_of
from trustbench.providers.served import RequestLimits, Served, end_run_once, serve
from trustbench.suites import load_suite

DEFAULT_SUITE = "smoke"


@dataclass(frozen=True)
class PlannedTask:
    entry: TaskEntry
    args: dict[str, Any]
    limit: int | None
    origin: str
    """Where the task came from, as error messages start: `<suite file>: tasks.<i>: `, or ""
    for the command line."""

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
    """Generation settings for every task (suite `generate:`, `--max-tokens`): they override the
    tasks' own defaults, for every provider alike."""
    limits: RequestLimits = field(default_factory=RequestLimits)

    @property
    def needs_tools(self) -> bool:
        return any("tools" in t.needs_now() for t in self.tasks)

    def describe(self) -> list[str]:
        """The plan as `trustbench run --dry-run` prints it: what would run, and where."""
        lines = [f"run: {self.name}", f"log folder: {self.log_dir}"]
        lines += [f"model: {model}" for model in self.models]
        lines += [f"role {role}: {model}" for role, model in sorted(self.roles.items())]
        for task in self.tasks:
            args = ", ".join(f"{k}={v!r}" for k, v in sorted(task.args.items())) or "defaults"
            limit = f", at most {task.limit} samples" if task.limit is not None else ""
            origin = task.origin.rstrip(": ")
            lines.append(f"task {task.entry.name} ({origin}{limit}): {args}")
        if self.generate:
            lines.append(f"generation: {self.generate}")
        lines.append(
            f"requests: timeout {self.limits.timeout} s, {self.limits.max_retries} retries"
        )
        return lines


def _with_overrides(task: PlannedTask, overrides: dict[str, Any]) -> PlannedTask:
    """The task with the `-T` values it has a parameter for, every value checked against its
    typed signature (an error names where the value came from)."""
    args = {
        key: task.entry.check_argument(key, value, task.origin) for key, value in task.args.items()
    }
    for key, value in overrides.items():
        if task.entry.parameter(key) is not None:
            args[key] = task.entry.check_argument(key, value, "", label=f"-T {key}")
    task.entry.check_complete(args, task.origin)
    return replace(task, args=args)


def log_location(log_dir: str | Path) -> Path | str:
    """A local folder as a Path; a remote one (`s3://…`, any fsspec URL Inspect accepts) as
    given, since a Path would fold its `//`."""
    text = str(log_dir)
    return text if "://" in text else Path(text)


def _check_overrides_apply(planned: list[PlannedTask], overrides: dict[str, Any]) -> None:
    """A `-T` key applies to every task that has the parameter; one that no task has is an error
    that names the new name (if a task renamed it) or the closest parameter."""
    names = sorted({p.name for t in planned for p in t.entry.parameters})
    for key in overrides:
        if key in names:
            continue
        renamed = [
            f"{t.entry.name} calls it '{t.entry.renamed[key]}' now"
            for t in planned
            if key in t.entry.renamed
        ]
        close = difflib.get_close_matches(key, names, n=1)
        hint = (
            "; ".join(dict.fromkeys(renamed))
            or (f"did you mean '{close[0]}'?" if close else "")
            or "`trustbench list` shows each task's parameters"
        )
        raise TaskArgumentError(
            f"-T {key}=...: no task in this run has a parameter '{key}' ({hint})."
        )


def _check_stand_ins(planned: list[PlannedTask], models: list[str]) -> None:
    """`scripted/reference` and `scripted/baseline` play only tasks whose plugin names a policy."""
    for kind in ("reference", "baseline"):
        if f"scripted/{kind}" not in models:
            continue
        missing = [t.entry.name for t in planned if kind not in t.entry.stand_ins]
        if missing:
            raise TrustbenchError(
                f"scripted/{kind} has no policy for {', '.join(dict.fromkeys(missing))}: its "
                f"plugin names none (Plugin({kind}={{task: policy}})). Leave it out of --model."
            )


def _distinct(planned: list[PlannedTask]) -> list[PlannedTask]:
    """One task per name and arguments: a suite-level `-T` can make entries identical (every
    representation of a suite set to `image`), and Inspect refuses an eval set with twins."""
    seen: dict[tuple[str, str], PlannedTask] = {}
    for task in planned:
        key = (task.entry.name, repr(sorted(task.args.items())))
        first = seen.setdefault(key, task)
        if first is not task and first.limit is not None:
            more = None if task.limit is None else max(task.limit, first.limit)
            seen[key] = replace(first, limit=more)
    return list(seen.values())


def plan_run(
    catalog: Catalog,
    targets: list[str],
    *,
    models: list[str] | None = None,
    grader: str | None = None,
    user: str | None = None,
    task_args: dict[str, Any] | None = None,
    log_dir: str | Path | None = None,
    max_tokens: int | None = None,
    timeout: int | None = None,
    max_retries: int | None = None,
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
                origin = f"{where}: tasks.{i}: "
                planned.append(PlannedTask(catalog.task(item.task), item.args, item.limit, origin))
            default_models = default_models or suite.model
            roles = {**{str(role): model for role, model in suite.roles.items()}, **roles}
            generate = {**suite.generate, **generate}
        else:
            planned.append(PlannedTask(catalog.task(target), {}, None, ""))
    overrides = task_args or {}
    _check_overrides_apply(planned, overrides)
    planned = _distinct([_with_overrides(t, overrides) for t in planned])
    chosen = models or default_models or [DEFAULT_MODEL]
    if grader:
        roles[GRADER_ROLE] = grader
    if user:
        roles["user"] = user
    check_models([*chosen, *roles.values()])
    _check_stand_ins(planned, [*chosen, *roles.values()])
    for t in planned:
        if "vision" in t.needs_now():
            text_only = [m for m in chosen if provider_of(m) in TEXT_ONLY_PROVIDERS]
            if text_only:
                raise TrustbenchError(
                    f"{t.origin}{t.entry.name} with these arguments sends images, but "
                    f"{', '.join(text_only)} takes text only. Use a text representation "
                    "or a vision model."
                )
    name = run_name(targets)
    directory = log_location(log_dir) if log_dir else run_dir(name)
    if max_tokens is not None:
        generate["max_tokens"] = max_tokens
    limits = _limits(generate, timeout, max_retries)
    return RunPlan(name, planned, chosen, roles, directory, generate, limits)


def _limits(
    generate: dict[str, Any], timeout: int | None, max_retries: int | None
) -> RequestLimits:
    """The command line wins over the suite, which wins over the defaults. The suite's values
    move out of `generate`, so that the limits have one source."""
    default = RequestLimits()
    suite_timeout = generate.pop("timeout", None)
    suite_retries = generate.pop("max_retries", None)
    generate.pop("attempt_timeout", None)
    return RequestLimits(
        timeout=next(v for v in (timeout, suite_timeout, default.timeout) if v is not None),
        max_retries=next(
            v for v in (max_retries, suite_retries, default.max_retries) if v is not None
        ),
    )


DIRTY_LOG_DIR = "is not associated with a task passed to eval_set"
"""How Inspect says that a log folder holds another eval set's logs."""


class LogDirInUseError(TrustbenchError):
    """The run's log folder holds the logs of a different run, which Inspect will not mix."""

    def __init__(self, log_dir: Path | str) -> None:
        super().__init__(
            f"{log_dir} holds the logs of a different run (other tasks, arguments, models or "
            "settings), and a run resumes only its own logs. Pass --log-dir <new folder> to keep "
            f"this run apart, or delete {log_dir} to start over."
        )


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
    retry_attempts: int = 0,
    data_dir: str | Path | None = None,
    model_args: dict[str, Any] | None = None,
    executor: Executor | None = None,
    **eval_options: Any,
) -> RunOutcome:
    """Run the plan as an eval set in its log dir (or hand it to `executor`): re-running the
    same plan resumes it.

    A sample that fails (a request the server rejected, a bug) is a recorded, counted error and
    the run goes on; its task ends with status `error`, and re-running the command retries only
    the failed samples. The task is not re-run in this process (`retry_attempts`), since what
    failed once for a reason that holds would fail again. A model server that stops answering
    ends the run with `ModelServerDown`, its logs closed as cancelled, so re-running resumes.
    """
    if executor is not None:
        return executor(
            plan,
            limit=limit,
            display=display,
            retry_attempts=retry_attempts,
            data_dir=data_dir,
            model_args=model_args,
            **eval_options,
        )
    if data_dir is not None:
        os.environ["TRUSTBENCH_DATA"] = str(Path(data_dir).resolve())
    tasks = [t.build() for t in plan.tasks]
    end_run = end_run_once()
    under_test = [
        serve(name, model_args or {}, plan.limits, needs_tools=plan.needs_tools, on_down=end_run)
        for name in plan.models
    ]
    by_name = {str(s.model): s for s in under_test}
    for name in plan.roles.values():  # a role bound to a model under test shares its instance
        if name not in by_name:
            by_name[name] = serve(name, {}, plan.limits, needs_tools=False, on_down=end_run)
    roles = {role: by_name[name] for role, name in plan.roles.items()}
    served = list(by_name.values())
    facts = {str(s.model): s.facts.record() for s in served}
    if isinstance(plan.log_dir, Path):
        plan.log_dir.mkdir(parents=True, exist_ok=True)
    try:
        _, logs = eval_set(
            tasks=tasks,
            model=[s.model for s in under_test],
            model_roles={role: s.model for role, s in roles.items()} or None,
            log_dir=str(plan.log_dir),
            limit=limit,
            display=display,  # type: ignore[arg-type]  # the CLI's choice is one of Inspect's displays
            retry_attempts=retry_attempts,
            retry_immediate=retry_attempts > 0,
            fail_on_error=True,
            continue_on_fail=True,
            metadata={"served_models": facts},
            **plan.generate,
            **eval_options,
        )
    except PrerequisiteError as ex:
        if DIRTY_LOG_DIR in str(ex.message):
            raise LogDirInUseError(plan.log_dir) from ex
        raise
    except KeyboardInterrupt:
        _raise_if_down(served)
        raise
    _raise_if_down(served)
    return RunOutcome(logs)


def _raise_if_down(served: list[Served]) -> None:
    for s in served:
        s.health.check()
