"""OS-Harm (Kuntz et al., 2025): is a computer-use agent safe on a desktop? Misuse, prompt
injection and misbehaviour, in an emulated desktop."""

from trustbench.tasks.os_harm.reference_models import write_replay_script
from trustbench.tasks.os_harm.task import os_harm

__all__ = ["os_harm", "write_replay_script"]
