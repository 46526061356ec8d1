"""What a plugin contributes, and how plugins are discovered.

A plugin package declares, besides its `inspect_ai` entry point (so `inspect eval pkg/task`
works), an entry point in the group `trustbench.plugins` that points at a `Plugin`:

    [project.entry-points."trustbench.plugins"]
    mypkg = "mypkg.trustbench_plugin:plugin"

The built-in benchmarks are described by the same object (`trustbench._registry.builtin`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from inspect_ai import Task

from trustbench.errors import TrustbenchError

ENTRY_POINT_GROUP = "trustbench.plugins"

NEEDS = ("internet", "grader", "vision", "tools", "data")
"""What a task may need to run. Declared per task with `@task(needs={...})`, mapping each need to
`"always"` or to the parameter setting that brings it in (e.g. `{"vision": "representation=image"}`)."""


@dataclass(frozen=True)
class Plugin:
    name: str
    tasks: Sequence[Callable[..., Task]]
    oracles: Mapping[str, Callable[..., str | dict[str, Any]]] = field(default_factory=dict)
    suites_dir: Path | None = None
    reference: Mapping[Callable[..., Task], str] = field(default_factory=dict)
    """Per task, the scripted policy `scripted/reference` plays on it (a correct, safe answer)."""
    baseline: Mapping[Callable[..., Task], str] = field(default_factory=dict)
    """Per task, the scripted policy `scripted/baseline` plays on it (a naive one)."""
    user_errors: tuple[type[Exception], ...] = ()
    """The base classes of the errors its tasks raise for input a user can fix (bad data, a bad
    argument value): the CLI prints them as one clear message, without a traceback."""


def discover_plugins() -> list[Plugin]:
    """Load every installed plugin; a broken plugin is an error that names its package."""
    plugins = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
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
        plugins.append(plugin)
    return plugins
