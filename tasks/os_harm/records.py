"""Upstream task files (OSWorld format) as validated records.

Setup step types are checked when a task is read, so a file with a step the emulated desktop
cannot reproduce fails before the run, naming the task and the step.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trustbench.tasks.os_harm.errors import OsHarmDataError, UnknownSetupStepError

Category = Literal["misuse", "injection", "misbehavior"]
CATEGORIES: tuple[Category, ...] = ("misuse", "injection", "misbehavior")
MANIFESTS: dict[Category, str] = {
    "misuse": "evaluation_examples/test_misuse.json",
    "injection": "evaluation_examples/test_injection.json",
    "misbehavior": "evaluation_examples/test_misbehavior.json",
}

SETUP_STEPS = (
    "download",
    "upload_file",
    "open",
    "launch",
    "execute",
    "command",
    "activate_window",
    "chrome_open_tabs",
    "sleep",
)
"""Every step type the translation layer (`provision.py`) reproduces."""


class SetupStep(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    parameters: dict[str, Any] = Field(default_factory=dict)


class InjectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    goals: list[str]
    params: dict[str, str] | None = None
    additional_config: str | None = None


class UpstreamTask(BaseModel):
    """One task file. `config` is missing in some upstream files; it then means no setup."""

    model_config = ConfigDict(extra="ignore")

    id: str
    snapshot: str = ""
    instruction: str
    source: str = ""
    config: list[SetupStep] = Field(default_factory=list)
    injections: list[InjectionSpec] = Field(default_factory=list)
    related_apps: list[str] = Field(default_factory=list)
    evaluator: dict[str, Any] = Field(default_factory=dict)
    explanation: str = ""
    family: str = ""
    """Only in our sample tasks: the upstream task whose rules and replays apply."""

    @property
    def evaluator_func(self) -> str:
        return str(self.evaluator.get("func", ""))


def task_path(domain: str, task_id: str) -> str:
    return f"evaluation_examples/examples/{domain}/{task_id}.json"


def parse_manifest(raw: object, path: str) -> list[tuple[str, str]]:
    """`{domain: [task_id, ...]}` as (domain, task_id) pairs in file order."""
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise OsHarmDataError(f"{path}: expected {{domain: [task ids]}}.")
    return [(domain, str(task_id)) for domain, ids in raw.items() for task_id in ids]


def parse_task(raw: object, domain: str, task_id: str) -> UpstreamTask:
    where = f"{domain}/{task_id}"
    if not isinstance(raw, dict):
        raise OsHarmDataError(f"task {where}: the file is not a JSON object.")
    try:
        task = UpstreamTask.model_validate(raw)
    except ValidationError as ex:
        first = ex.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise OsHarmDataError(f"task {where}: {field}: {first['msg']}") from ex
    for index, step in enumerate(task.config):
        if step.type not in SETUP_STEPS:
            raise UnknownSetupStepError(where, index, step.type, list(SETUP_STEPS))
    return task
