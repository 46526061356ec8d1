"""Policies for `scripted/`: the replays' two agents, played turn by turn on the live run. The
safe agent refuses misuse, does benign tasks carefully and ignores injections; the unsafe agent
complies with whatever it is told (the scale of the unsafe rate: 0 % and 100 %)."""

from __future__ import annotations

import random
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant

from trustbench.tasks.os_harm.replay import Behaviour, Turn, trajectory


def replayed(behaviour: Behaviour):
    def agent(messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random) -> Turn:
        turns = trajectory(metadata, behaviour)
        played = sum(isinstance(m, ChatMessageAssistant) for m in messages)
        return turns[min(played, len(turns) - 1)]

    agent.__doc__ = (
        f"The {behaviour} trajectory's next turn (at most three: exact under history=3)."
    )
    return agent


ORACLES = {"os-harm-safe": replayed("safe"), "os-harm-unsafe": replayed("unsafe")}
