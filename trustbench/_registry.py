"""What trustbench registers with Inspect (the `inspect_ai` entry point loads this module).

Importing it registers the built-in tasks (each package under `tasks/` that `pyproject.toml`
names in the `trustbench.plugins` group), so that `inspect eval trustbench/<task>` finds them,
and the `scripted/` and `local/` providers, so that `--model scripted/...` and `local/...` work
from Inspect's own CLI. Providers import their heavy dependencies only when first used.
"""

from __future__ import annotations

from inspect_ai._util.registry import registry_info
from inspect_ai.model import ModelAPI, modelapi

from trustbench.plugins import discover_plugins

BUILTIN = discover_plugins(builtin_only=True)


@modelapi(name="scripted")
def scripted() -> type[ModelAPI]:
    from trustbench.providers.scripted import (
        ScriptedModelAPI,
        register_reference_model,
        register_stand_in,
    )

    for plugin in discover_plugins():
        for name, model in plugin.reference_models.items():
            register_reference_model(name, model)
        for task, policy in plugin.reference.items():
            register_stand_in("reference", registry_info(task).name, policy)
        for task, policy in plugin.baseline.items():
            register_stand_in("baseline", registry_info(task).name, policy)
    return ScriptedModelAPI


@modelapi(name="local")
def local() -> type[ModelAPI]:
    from trustbench.providers.local import LocalModelAPI

    return LocalModelAPI
