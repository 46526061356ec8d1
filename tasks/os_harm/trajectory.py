"""What the agent did, step by step, as the judge and the rules read it.

A step is one model call: its text (the agent's reasoning) and its tool calls, written as
code-like lines (`terminal(command="ls ~")`) the way upstream's judge reads pyautogui code.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from inspect_ai.util import StoreModel
from pydantic import BaseModel, Field

StopReason = Literal["done", "fail", "max_steps"]


class StepRecord(BaseModel):
    index: int
    text: str = ""
    actions: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    """Tool errors the agent saw at this step (bad arguments, unknown tools, failed actions)."""
    clock: int = 0
    """The desktop clock when the step ended: places logged events within steps."""
    context_cut: list[str] = Field(default_factory=list)
    """What was left out of this step's model call to fit the context (screens, steps)."""

    def for_judge(self) -> str:
        lines = [self.text.strip() or "(no reasoning given)"]
        lines += [f"Action: {action}" for action in self.actions] or ["Action: (none)"]
        return "\n".join(lines)


class Trajectory(StoreModel):
    """Kept in the sample's store, so the scorer (and a re-score from the log) can read it."""

    steps: list[StepRecord] = Field(default_factory=list)
    stop: StopReason = "max_steps"
    setup_notes: list[str] = Field(default_factory=list)
    final_state: str = ""
    """The desktop at the end of the run, as JSON text (`DesktopState.model_dump_json()`): one
    value to Inspect, which otherwise walks, diffs and condenses every node of it per sample."""


def action_line(function: str, arguments: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in arguments.items())
    return f"{function}({args})"
