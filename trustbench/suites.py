"""Suite files (`evals/*.yaml`, and those task packages ship): which tasks to run, with which
arguments, limits and roles."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from inspect_ai.model import GenerateConfig
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from trustbench.errors import TrustbenchError

Role = Literal["grader", "user"]


class SuiteTask(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(description="Task name, `package/task` or the short name.")
    args: dict[str, Any] = Field(default_factory=dict, description="Task arguments (like -T).")
    limit: int | None = Field(default=None, gt=0, description="Run at most this many samples.")


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    tasks: list[SuiteTask] = Field(min_length=1)
    model: list[str] = Field(default_factory=list, description="Default model(s) under test.")
    roles: dict[Role, str] = Field(default_factory=dict, description="Default role bindings.")
    generate: dict[str, Any] = Field(
        default_factory=dict, description="Generation settings (GenerateConfig fields)."
    )
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("model", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [m.strip() for m in value.split(",")] if isinstance(value, str) else value

    @field_validator("generate")
    @classmethod
    def _generate_config(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(GenerateConfig.model_fields)
        if unknown:
            raise ValueError(f"unknown generation settings {sorted(unknown)}")
        GenerateConfig.model_validate(value)
        return value


class SuiteError(TrustbenchError):
    """A suite file that cannot be used: names the file, the field and the reason."""


def _describe(error: ErrorDetails) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "(top level)"
    message = error["msg"]
    if error["type"] == "literal_error":
        message += f" (got {error['input']!r})"
    elif error["type"] == "extra_forbidden":
        message = f"unknown field; allowed fields: {_allowed_fields(error['loc'])}"
    return f"{field}: {message}"


def _allowed_fields(loc: tuple[int | str, ...]) -> str:
    model: type[BaseModel] = SuiteTask if loc[:1] == ("tasks",) else Suite
    return ", ".join(name for name, f in model.model_fields.items() if not f.exclude)


def load_suite(path: str | Path) -> Suite:
    file = Path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as ex:
        raise SuiteError(f"{file}: cannot read suite file: {ex.strerror}") from ex
    except yaml.YAMLError as ex:
        raise SuiteError(f"{file}: not valid YAML: {ex}") from ex
    if not isinstance(raw, dict):
        raise SuiteError(f"{file}: a suite file must be a mapping with name, description, tasks.")
    try:
        suite = Suite.model_validate(raw)
    except ValidationError as ex:
        problems = "\n".join(f"  {_describe(e)}" for e in ex.errors())
        raise SuiteError(f"{file}: invalid suite:\n{problems}") from ex
    return suite.model_copy(update={"path": file})


def suite_files(declared: list[Path]) -> list[Path]:
    """Where suites come from, a later file overriding an earlier one of the same name: the
    core's (`evals/`), the files the task packages declare (`Plugin.suites`), then the folders
    named in TRUSTBENCH_EVALS."""
    extra = [Path(p) for p in os.environ.get("TRUSTBENCH_EVALS", "").split(os.pathsep) if p]
    core = Path(str(files("trustbench.evals")))
    return [
        *sorted(core.glob("*.yaml")),
        *declared,
        *(file for folder in extra for file in sorted(folder.glob("*.yaml"))),
    ]


def find_suites(declared: list[Path]) -> dict[str, Suite]:
    suites: dict[str, Suite] = {}
    for file in suite_files(declared):
        suite = load_suite(file)
        suites[suite.name] = suite
    return suites
