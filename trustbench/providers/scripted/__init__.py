"""`scripted/<policy>`: a deterministic, offline, free model for tests and baselines."""

from trustbench.providers.scripted.api import ScriptedModelAPI
from trustbench.providers.scripted.oracles import Oracle, oracle_names, register_oracle

__all__ = ["Oracle", "ScriptedModelAPI", "oracle_names", "register_oracle"]
