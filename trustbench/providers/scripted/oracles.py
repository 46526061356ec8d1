"""Oracles: policies a task registers by name, which see the sample they answer.

An oracle is a plain function, so a task can define one without importing trustbench:
`(messages, metadata, rng) -> str`, where `metadata` is the active sample's metadata and
`rng` is seeded from the policy seed and the sample id, so every answer is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from inspect_ai.model import ChatMessage

Oracle = Callable[[list[ChatMessage], dict[str, Any], random.Random], str]

_ORACLES: dict[str, Oracle] = {}


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
