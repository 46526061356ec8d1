"""Reference models: the scripted models task packages ship (`Plugin.reference_models`),
registered by name so that `scripted/<name>` plays them, seeing the sample they answer.

`rng` is seeded from the policy seed and the sample id, so every answer is reproducible.

Stand-ins: `scripted/reference` and `scripted/baseline` play, on each task, the policy its plugin
names for that part (`Plugin.reference`, `Plugin.baseline`), so one model name plays every task
of a suite beside the models under test.
"""

from __future__ import annotations

from typing import Literal

from trustbench.plugins import ReferenceModel

StandIn = Literal["reference", "baseline"]
STAND_INS: dict[StandIn, str] = {
    "reference": "each task's reference solution: the best score a run can show",
    "baseline": "refuses, guesses or complies without judgement: the score to beat",
}
"""The stand-ins, and what each plays."""

_REFERENCE_MODELS: dict[str, ReferenceModel] = {}
_STAND_INS: dict[StandIn, dict[str, str]] = {kind: {} for kind in STAND_INS}


def register_reference_model(name: str, model: ReferenceModel) -> None:
    """Make `scripted/<name>` answer with `model`; re-registering the same function is a no-op."""
    existing = _REFERENCE_MODELS.get(name)
    if existing is not None and existing is not model:
        raise ValueError(
            f"Reference model '{name}' is already registered by {existing.__module__}."
        )
    _REFERENCE_MODELS[name] = model


def get_reference_model(name: str) -> ReferenceModel | None:
    return _REFERENCE_MODELS.get(name)


def reference_model_names() -> list[str]:
    return sorted(_REFERENCE_MODELS)


def register_stand_in(kind: StandIn, task: str, policy: str) -> None:
    """Make `scripted/<kind>` play `policy` on the task registered as `task` (`package/name`)."""
    _STAND_INS[kind][task] = policy


def stand_in(kind: StandIn, task: str) -> str | None:
    return _STAND_INS[kind].get(task)
