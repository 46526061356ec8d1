"""The catalog: every task and suite trustbench can run, built-in and from plugins."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from inspect_ai import Task
from inspect_ai._util.registry import registry_info

from trustbench.errors import TrustbenchError, UnknownNameError
from trustbench.plugins import NEEDS, Plugin, discover_plugins
from trustbench.suites import Suite, find_suites


@dataclass(frozen=True)
class TaskParameter:
    name: str
    default: Any
    annotation: str

    @property
    def required(self) -> bool:
        return self.default is inspect.Parameter.empty


@dataclass(frozen=True)
class TaskEntry:
    name: str
    """The registry name, `package/task`, which `inspect eval` also accepts."""
    plugin: str
    summary: str
    parameters: tuple[TaskParameter, ...]
    needs: dict[str, str]
    function: Callable[..., Task]

    @property
    def short_name(self) -> str:
        return self.name.split("/", 1)[-1]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "plugin": self.plugin,
            "summary": self.summary,
            "needs": self.needs,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.annotation,
                    "default": None if p.required else p.default,
                    "required": p.required,
                }
                for p in self.parameters
            ],
        }


def _entry(plugin: Plugin, function: Callable[..., Task]) -> TaskEntry:
    info = registry_info(function)
    attribs = info.metadata.get("attribs", {})
    needs = dict(attribs.get("needs", {}))
    unknown = set(needs) - set(NEEDS)
    if unknown:
        raise TrustbenchError(
            f"Task {info.name} declares unknown needs {sorted(unknown)}; allowed: {list(NEEDS)}."
        )
    signature = inspect.signature(function)
    parameters = tuple(
        TaskParameter(
            name=p.name,
            default=p.default,
            annotation=_annotation(p.annotation),
        )
        for p in signature.parameters.values()
    )
    doc = inspect.getdoc(function) or ""
    return TaskEntry(
        name=info.name,
        plugin=plugin.name,
        summary=doc.split("\n\n")[0].replace("\n", " "),
        parameters=parameters,
        needs=needs,
        function=function,
    )


def _annotation(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return "any"
    return (
        annotation
        if isinstance(annotation, str)
        else getattr(annotation, "__name__", str(annotation))
    )


@dataclass(frozen=True)
class Catalog:
    plugins: tuple[Plugin, ...]
    tasks: tuple[TaskEntry, ...]
    suites: dict[str, Suite]

    def task(self, name: str) -> TaskEntry:
        """Find a task by `package/task` or by its short name when that is unambiguous."""
        exact = [t for t in self.tasks if t.name == name]
        short = [t for t in self.tasks if t.short_name == name]
        matches = exact or short
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise TrustbenchError(
                f"Task name '{name}' is ambiguous: {', '.join(t.name for t in matches)}. "
                "Use the full package/task name."
            )
        raise UnknownNameError("task", name, [t.name for t in self.tasks])

    def suite(self, name: str) -> Suite:
        if name in self.suites:
            return self.suites[name]
        raise UnknownNameError("suite", name, self.suites)


@cache
def load_catalog() -> Catalog:
    from trustbench._registry import builtin

    plugins = (builtin, *discover_plugins())
    tasks = tuple(_entry(p, f) for p in plugins for f in p.tasks)
    suites = find_suites([p.suites_dir for p in plugins if p.suites_dir is not None])
    return Catalog(plugins=plugins, tasks=tasks, suites=suites)
