"""`scripted/<policy>`: a deterministic, offline, free model for tests and baselines."""

from trustbench.providers.scripted.api import ScriptedModelAPI
from trustbench.providers.scripted.reference_models import (
    STAND_INS,
    reference_model_names,
    register_reference_model,
    register_stand_in,
    stand_in,
)

__all__ = [
    "STAND_INS",
    "ScriptedModelAPI",
    "reference_model_names",
    "register_reference_model",
    "register_stand_in",
    "stand_in",
]
