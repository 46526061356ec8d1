"""`scripted/<policy>`: a deterministic, offline, free model for tests and baselines."""

from trustbench.providers.scripted.api import ScriptedModelAPI
from trustbench.providers.scripted.oracles import (
    STAND_INS,
    Oracle,
    oracle_names,
    register_oracle,
    register_stand_in,
    stand_in,
)

__all__ = [
    "STAND_INS",
    "Oracle",
    "ScriptedModelAPI",
    "oracle_names",
    "register_oracle",
    "register_stand_in",
    "stand_in",
]
