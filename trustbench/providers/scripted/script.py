"""Script files for `scripted/script`: outputs replayed turn by turn, per sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trustbench.errors import TrustbenchError


class ScriptedToolCall(BaseModel):
    model_config = ConfigDict(extra="forbid")

    function: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ScriptedTurn(BaseModel):
    """One assistant turn: text, tool calls, or both."""

    model_config = ConfigDict(extra="forbid")

    text: str = ""
    tool_calls: list[ScriptedToolCall] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class Script(BaseModel):
    """`outputs` is replayed from the start for every sample; `by_sample` overrides it by id.

    The turn to play is the number of assistant messages already in the conversation, so a
    replay is stateless: it gives the same answers under concurrency and after a resume.
    """

    model_config = ConfigDict(extra="forbid")

    outputs: list[ScriptedTurn] = Field(default_factory=list)
    by_sample: dict[str, list[ScriptedTurn]] = Field(default_factory=dict)

    def turn(self, sample_id: str | None, index: int) -> ScriptedTurn:
        turns = (
            self.by_sample.get(sample_id, self.outputs) if sample_id is not None else self.outputs
        )
        if index >= len(turns):
            raise TrustbenchError(
                f"The script has {len(turns)} turn(s) for sample {sample_id!r}, "
                f"but turn {index + 1} was requested. Add more outputs to the script."
            )
        return turns[index]


def load_script(path: str | Path) -> Script:
    file = Path(path)
    if not file.is_file():
        raise TrustbenchError(f"Script file not found: {file}. Pass -M file=<path to .yaml/.json>.")
    text = file.read_text(encoding="utf-8")
    try:
        raw = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as ex:
        raise TrustbenchError(
            f"{file}: not valid {file.suffix.lstrip('.') or 'YAML'}: {ex}"
        ) from ex
    if isinstance(raw, list):
        raw = {"outputs": raw}
    try:
        return Script.model_validate(raw)
    except ValidationError as ex:
        raise TrustbenchError(f"{file}: invalid script: {ex}") from ex
