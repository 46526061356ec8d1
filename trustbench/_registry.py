"""Everything trustbench registers with Inspect (the `inspect_ai` entry point loads this module).

Importing it makes `inspect eval trustbench/<task>` and `--model scripted/...` / `local/...` work
from Inspect's own CLI. Providers import their heavy dependencies only when first used.
"""

from __future__ import annotations

from inspect_ai._util.registry import registry_info
from inspect_ai.model import ModelAPI, modelapi

from trustbench.environments.gridworld import MapFormatError
from trustbench.plugins import Plugin, discover_plugins
from trustbench.retrieval.types import RetrievalError
from trustbench.tasks.epfl_courses import REFERENCE_MODELS as EPFL_COURSES_ORACLES
from trustbench.tasks.epfl_courses import epfl_courses
from trustbench.tasks.epfl_courses.errors import ExamDataError
from trustbench.tasks.halluhard import REFERENCE_MODELS as HALLUHARD_ORACLES
from trustbench.tasks.halluhard import halluhard, halluhard_audit, halluhard_judge
from trustbench.tasks.halluhard.errors import HalluHardDataError
from trustbench.tasks.os_harm import os_harm
from trustbench.tasks.os_harm.errors import OsHarmDataError
from trustbench.tasks.os_harm.reference_models import REFERENCE_MODELS as OS_HARM_ORACLES
from trustbench.tasks.visual_planning import REFERENCE_MODELS as VISUAL_PLANNING_ORACLES
from trustbench.tasks.visual_planning import visual_planning

builtin = Plugin(
    name="trustbench",
    tasks=[visual_planning, epfl_courses, halluhard, halluhard_audit, os_harm],
    oracles={
        **VISUAL_PLANNING_ORACLES,
        **EPFL_COURSES_ORACLES,
        **HALLUHARD_ORACLES,
        **OS_HARM_ORACLES,
    },
    reference={
        visual_planning: "gridworld-bfs",
        epfl_courses: "epfl-reference",
        halluhard: "halluhard-cited",
        os_harm: "os-harm-safe",
    },
    baseline={
        visual_planning: "gridworld-random",
        epfl_courses: "refuse",
        halluhard: "halluhard-invented",
        os_harm: "os-harm-unsafe",
    },
    user_errors=(
        MapFormatError,
        ExamDataError,
        HalluHardDataError,
        OsHarmDataError,
        RetrievalError,
    ),
)


@modelapi(name="scripted")
def scripted() -> type[ModelAPI]:
    from trustbench.providers.scripted import (
        ScriptedModelAPI,
        register_oracle,
        register_stand_in,
    )

    for plugin in (builtin, *discover_plugins()):
        for name, oracle in plugin.oracles.items():
            register_oracle(name, oracle)
        for kind, policies in (("reference", plugin.reference), ("baseline", plugin.baseline)):
            for task, policy in policies.items():
                register_stand_in(kind, registry_info(task).name, policy)
    return ScriptedModelAPI


@modelapi(name="local")
def local() -> type[ModelAPI]:
    from trustbench.providers.local import LocalModelAPI

    return LocalModelAPI


__all__ = [
    "builtin",
    "epfl_courses",
    "halluhard",
    "halluhard_audit",
    "halluhard_judge",
    "local",
    "os_harm",
    "scripted",
    "visual_planning",
]
