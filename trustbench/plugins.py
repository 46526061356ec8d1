"""One declaration per task package, and how the packages are found.

Every task package, built in or installed on its own, exports one `Plugin` (its tasks, the
scripted models that play them, its report views, suites and user errors) and names it in the
entry-point group `trustbench.plugins`:

    [project.entry-points."trustbench.plugins"]
    my_task = "mypkg.my_task:plugin"

trustbench's own tasks are found the same way: one line per package under `tasks/` in its
`pyproject.toml`. What a task tells the report about its numbers travels in its log instead
(`trustbench.report_spec.ReportSpec`), since the report reads logs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.model import ChatMessage

from trustbench.errors import TrustbenchError

ENTRY_POINT_GROUP = "trustbench.plugins"
DISTRIBUTION = "trustbench"
"""The distribution whose plugins are the built-in tasks (listed first)."""

NEEDS = ("internet", "grader", "vision", "tools", "data")
"""What a task may need to run. Declared per task with `@task(needs={...})`, mapping each need to
`"always"` or to the parameter setting that brings it in (e.g. `{"vision": "representation=image"}`)."""

TaskFunction = Callable[..., Task]
ReferenceModel = Callable[[list[ChatMessage], dict[str, Any], random.Random], str | dict[str, Any]]
"""A scripted model a task ships, played as `scripted/<name>`: from the conversation so far, the
sample's metadata and a generator seeded per sample, the next assistant turn (its text, or a
whole turn: `{"text": ..., "tool_calls": [{"function": ..., "arguments": {...}}]}`). A plain
function, so a task can define one without importing trustbench."""


@dataclass(frozen=True)
class Plugin:
    """What one task package contributes."""

    name: str
    tasks: Sequence[TaskFunction]
    """Its `@task` functions."""
    reference_models: Mapping[str, ReferenceModel] = field(default_factory=dict)
    """Scripted models by name (`scripted/<name>`), for tests, smoke runs and baselines."""
    reference: Mapping[TaskFunction, str] = field(default_factory=dict)
    """Per task, the scripted policy `scripted/reference` plays on it (a correct, safe answer)."""
    baseline: Mapping[TaskFunction, str] = field(default_factory=dict)
    """Per task, the scripted policy `scripted/baseline` plays on it (a naive one)."""
    views: Mapping[TaskFunction, str] = field(default_factory=dict)
    """Per task, its own report section: a `trustbench.report.views.View` named as
    `"module:function"`, imported only when a report is built (the report code is heavy)."""
    suites: Sequence[Path] = ()
    """Suite files it ships (`trustbench run <suite name>`)."""
    user_errors: tuple[type[Exception], ...] = ()
    """The base classes of the errors its tasks raise for input a user can fix (bad data, a bad
    argument value): the CLI prints them as one clear message, without a traceback."""

    def __post_init__(self) -> None:
        for part in ("reference", "baseline", "views"):
            strays = [f for f in getattr(self, part) if f not in self.tasks]
            if strays:
                names = ", ".join(getattr(f, "__name__", repr(f)) for f in strays)
                raise TrustbenchError(
                    f"Plugin '{self.name}' declares {part} for {names}, which is not among its "
                    "tasks: add it to tasks=[...]."
                )
        for view in self.views.values():
            module, _, function = view.partition(":")
            if not module or not function.isidentifier():
                raise TrustbenchError(
                    f"Plugin '{self.name}': view '{view}' must be written 'module:function'."
                )


def _load(ep: EntryPoint) -> Plugin:
    try:
        plugin = ep.load()
    except ImportError as ex:
        raise TrustbenchError(
            f"Plugin '{ep.name}' ({ep.value}) failed to import: {ex}. "
            f"Reinstall it or uninstall its package ({ep.dist.name if ep.dist else '?'})."
        ) from ex
    if not isinstance(plugin, Plugin):
        raise TrustbenchError(
            f"Plugin entry point '{ep.name}' = '{ep.value}' must point at a "
            f"trustbench.plugins.Plugin, not {type(plugin).__name__}."
        )
    return plugin


def _builtin(ep: EntryPoint) -> bool:
    return ep.dist is not None and ep.dist.name == DISTRIBUTION


def discover_plugins(builtin_only: bool = False) -> list[Plugin]:
    """Every installed task package's declaration, trustbench's own first; a broken package is
    an error that names it, and so is a name or a task two packages both claim."""
    found = sorted(
        entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: (not _builtin(ep), ep.name)
    )
    plugins = [_load(ep) for ep in found if _builtin(ep) or not builtin_only]
    seen: dict[str, Plugin] = {}
    owners: dict[TaskFunction, Plugin] = {}
    for plugin in plugins:
        if plugin.name in seen:
            raise TrustbenchError(
                f"Two plugins are named '{plugin.name}': rename one (Plugin(name=...))."
            )
        seen[plugin.name] = plugin
        for task in plugin.tasks:
            if task in owners:
                raise TrustbenchError(
                    f"Plugins '{owners[task].name}' and '{plugin.name}' both declare the task "
                    f"{getattr(task, '__name__', task)}: declare it in one."
                )
            owners[task] = plugin
    return plugins
