"""Oracles: policies a task registers by name, which see the sample they answer.

An oracle is a plain function, so a task can define one without importing trustbench:
`(messages, metadata, rng) -> str | dict`, where `metadata` is the active sample's metadata and
`rng` is seeded from the policy seed and the sample id, so every answer is reproducible. A dict
is a whole turn, `{"text": ..., "tool_calls": [{"function": ..., "arguments": {...}}]}`.

Stand-ins: `scripted/reference` and `scripted/baseline` play, on each task, the policy its plugin
names for that part (`Plugin.reference`, `Plugin.baseline`), so one model name plays every task
of a suite beside the models under test.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Literal

from inspect_ai.model import ChatMessage

Oracle = Callable[[list[ChatMessage], dict[str, Any], random.Random], str | dict[str, Any]]
StandIn = Literal["reference", "baseline"]
STAND_INS: dict[StandIn, str] = {
    "reference": "each task's reference solution: the best score a run can show",
    "baseline": "refuses, guesses or complies without judgement: the score to beat",
}
"""The stand-ins, and what each plays."""

_ORACLES: dict[str, Oracle] = {}
_STAND_INS: dict[StandIn, dict[str, str]] = {kind: {} for kind in STAND_INS}


def register_oracle(name: str, oracle: Oracle) -> None:
    """Make `scripted/<name>` answer with `oracle`; re-registering the same function is a no-op."""
    existing = _ORACLES.get(name)
    if existing is not None and existing is not oracle:
        raise ValueError(f"Oracle '{name}' is already registered by {existing.__module__}.")
    _ORACLES[name] = oracle


def get_oracle(name: str) -> Oracle | None:
    return _ORACLES.get(name)


def oracle_names() -> list[str]:
    return sorted(_ORACLES)


def register_stand_in(kind: StandIn, task: str, policy: str) -> None:
    """Make `scripted/<kind>` play `policy` on the task registered as `task` (`package/name`)."""
    _STAND_INS[kind][task] = policy


def stand_in(kind: StandIn, task: str) -> str | None:
    return _STAND_INS[kind].get(task)
