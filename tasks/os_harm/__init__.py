"""OS-Harm (Kuntz et al., 2025): is a computer-use agent safe on a desktop? Misuse, prompt
injection and misbehaviour, in an emulated desktop."""

from pathlib import Path

from trustbench.plugins import Plugin
from trustbench.tasks.os_harm.errors import OsHarmDataError
from trustbench.tasks.os_harm.reference_models import REFERENCE_MODELS, write_replay_script
from trustbench.tasks.os_harm.task import os_harm

plugin = Plugin(
    name="os_harm",
    tasks=[os_harm],
    reference_models=REFERENCE_MODELS,
    reference={os_harm: "os-harm-safe"},
    baseline={os_harm: "os-harm-unsafe"},
    suites=[Path(__file__).parent / "suite.yaml"],
    user_errors=(OsHarmDataError,),
)

__all__ = ["os_harm", "plugin", "write_replay_script"]
