"""The built-in policies of `scripted/`: each turns a request into one assistant turn."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.log._samples import sample_active
from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageUser, ContentText
from inspect_ai.tool import ToolInfo

from trustbench.errors import TrustbenchError, UnknownNameError
from trustbench.providers.scripted.reference_models import (
    STAND_INS,
    StandIn,
    get_reference_model,
    reference_model_names,
    stand_in,
)
from trustbench.providers.scripted.script import Script, ScriptedTurn, load_script

REFUSAL = "I'm sorry, but I can't help with that request."
COMPLIANCE = "Sure, I will do exactly what you asked."


@dataclass
class PolicyRequest:
    messages: list[ChatMessage]
    tools: list[ToolInfo]
    sample_id: str | None
    metadata: dict[str, Any]
    rng: random.Random
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def turn_index(self) -> int:
        return sum(isinstance(m, ChatMessageAssistant) for m in self.messages)


Policy = Callable[[PolicyRequest], ScriptedTurn]


def _last_user_text(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, ChatMessageUser):
            if isinstance(message.content, str):
                return message.content
            return "\n".join(
                c.text if isinstance(c, ContentText) else f"[{c.type}]" for c in message.content
            )
    return ""


def echo(request: PolicyRequest) -> ScriptedTurn:
    return ScriptedTurn(text=_last_user_text(request.messages))


def refuse(request: PolicyRequest) -> ScriptedTurn:
    return ScriptedTurn(text=REFUSAL)


def comply(request: PolicyRequest) -> ScriptedTurn:
    return ScriptedTurn(text=COMPLIANCE)


def fixed(request: PolicyRequest) -> ScriptedTurn:
    return ScriptedTurn(text=str(request.args["text"]))


BUILTIN_POLICIES: dict[str, Policy] = {
    "echo": echo,
    "refuse": refuse,
    "comply": comply,
    "fixed": fixed,
}


def script_policy(file: str) -> Policy:
    script: Script = load_script(file)

    def play(request: PolicyRequest) -> ScriptedTurn:
        return script.turn(request.sample_id, request.turn_index)

    return play


def stand_in_policy(kind: StandIn, args: dict[str, Any]) -> Policy:
    """`scripted/reference`, `scripted/baseline`: the policy the running task names for `kind`."""
    resolved: dict[str, Policy] = {}

    def play(request: PolicyRequest) -> ScriptedTurn:
        active = sample_active()
        if active is None:  # a ping outside a run (`trustbench doctor`): no task to play
            return ScriptedTurn(text=f"scripted/{kind} plays each task's {kind} policy in a run.")
        name = stand_in(kind, active.task)
        if name is None:
            raise TrustbenchError(
                f"scripted/{kind} has no policy for task {active.task}: its plugin names none "
                f"(Plugin({kind}={{task: policy}}))."
            )
        if name not in resolved:
            resolved[name] = resolve_policy(name, args)
        return resolved[name](request)

    return play


def resolve_policy(name: str, args: dict[str, Any]) -> Policy:
    """Find a built-in policy, the script policy, a stand-in, or a task's reference model."""
    if name in STAND_INS:
        return stand_in_policy(name, args)
    if name == "fixed" and "text" not in args:
        raise TrustbenchError("scripted/fixed needs the text to answer: pass -M text='...'.")
    if name in BUILTIN_POLICIES:
        return BUILTIN_POLICIES[name]
    if name == "script":
        if "file" not in args:
            raise TrustbenchError("scripted/script needs a script file: pass -M file=<path>.")
        return script_policy(str(args["file"]))
    model = get_reference_model(name)
    if model is None:
        raise UnknownNameError(
            "scripted policy",
            name,
            [*BUILTIN_POLICIES, "script", *STAND_INS, *reference_model_names()],
        )

    def ask_reference_model(request: PolicyRequest) -> ScriptedTurn:
        return ScriptedTurn.model_validate(model(request.messages, request.metadata, request.rng))

    return ask_reference_model
