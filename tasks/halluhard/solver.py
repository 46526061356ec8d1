"""The HalluHard conversation: the seed question, then follow-ups written by a simulated user,
each answered by the model under test, with the citation requirement on every user turn.

The simulated user is the `user` role when one is bound, else the model under test itself (as at
paper time); each sample records which. A follow-up that cannot be had (empty, refused, an
error) ends the conversation early, and the sample records why.
"""

from __future__ import annotations

import re

from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageUser,
    Model,
    ModelOutput,
    ModelRefusalError,
    get_model,
    model_roles,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import Tool, WebSearchProviders
from inspect_ai.tool import web_search as builtin_web_search

from trustbench.tasks.halluhard.citations import rendered_text
from trustbench.tasks.halluhard.prompts import TRUSTBENCH_TARGET, TargetPrompts

USER_ROLE = "user"
REFUSAL = re.compile(
    r"^\W*(i'?m sorry|i am sorry|sorry,|i can(?:'|no)?t|i cannot|i won'?t|i'?m (?:not able|unable)"
    r"|as an ai)",
    re.IGNORECASE,
)
"""How a simulated user's refusal starts; such a reply is not a follow-up question."""

SEARCH_PROVIDERS: WebSearchProviders = {
    "openai": True,
    "anthropic": {"max_uses": 5},
    "gemini": True,
    "grok": True,
    "mistral": True,
    "perplexity": True,
}
"""Built-in (provider-side) search only, so no search API key is needed; Claude is allowed five
searches a turn, as upstream."""


def search_tool() -> Tool:
    return builtin_web_search(SEARCH_PROVIDERS)


def user_simulator() -> tuple[Model, str]:
    """The bound `user` role, else the model under test ("self")."""
    if USER_ROLE in model_roles():
        return get_model(role=USER_ROLE), "role"
    return get_model(), "self"


def history(state: TaskState) -> list[tuple[str, str]]:
    """The conversation as sent: user turns with their appended instruction, answers with their
    citations inline (the prompt set decides what the simulated user sees of it)."""
    turns = []
    for message in state.messages:
        if isinstance(message, ChatMessageUser):
            turns.append(("User", message.text))
        elif isinstance(message, ChatMessageAssistant):
            turns.append(("Assistant", rendered_text(message)))
    return turns


def _failure(output: ModelOutput) -> str | None:
    if output.error:
        return f"follow_up_error: {output.error}"
    if output.stop_reason == "content_filter":
        return "follow_up_refused"
    text = output.completion.strip()
    if not text:
        return "follow_up_empty"
    if REFUSAL.match(text):
        return "follow_up_refused"
    return None


async def follow_up(
    simulator: Model, state: TaskState, prompts: TargetPrompts = TRUSTBENCH_TARGET
) -> tuple[str | None, str | None]:
    """(question, None) or (None, why not); nothing follows an answer a content filter stopped."""
    if state.output.stop_reason == "content_filter":
        return None, "target_refused"
    prompt = prompts.follow_up(state.metadata["domain"], state.metadata, history(state))
    try:
        output = await simulator.generate([ChatMessageUser(content=prompt)])
    except ModelRefusalError:
        return None, "follow_up_refused"
    failure = _failure(output)
    if failure is not None:
        return None, failure
    return output.completion.strip().strip('"').strip(), None


def assistant_turns(state: TaskState) -> int:
    return sum(isinstance(m, ChatMessageAssistant) for m in state.messages)


@solver
def halluhard_conversation(
    turns: int = 3, web_search: bool = False, prompts: TargetPrompts = TRUSTBENCH_TARGET
) -> Solver:
    """`turns` assistant turns: the answer to the seed question and to `turns - 1` follow-ups."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        domain = state.metadata["domain"]
        if web_search:
            state.tools = [search_tool()]
        simulator, simulated_by = user_simulator()
        state.metadata["user_simulator"] = simulated_by
        state.metadata["user_model"] = str(simulator)
        ended: str | None = None
        state = await generate(state)
        while ended is None and assistant_turns(state) < turns:
            question, ended = await follow_up(simulator, state, prompts)
            if question is not None:
                state.messages.append(
                    ChatMessageUser(content=question + prompts.instruction[domain])
                )
                state = await generate(state)
        state.metadata["turns_completed"] = assistant_turns(state)
        state.metadata["ended_early_reason"] = ended
        return state

    return solve
