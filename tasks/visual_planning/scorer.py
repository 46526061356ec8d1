"""Scoring as upstream (simulate the moves; success iff the player ends on the goal), read by two
parsers: ours (tolerant, the headline) and upstream's (every U/D/L/R letter in the last box), so
that results compare with the paper (`metrics.py` reports both).

Our parser reads the reply without what it copied from the prompt (`judges.echo`): a reply that
only repeats the prompt is a format error. Upstream's parser reads the raw reply, as upstream's
code does.
"""

from __future__ import annotations

from inspect_ai.scorer import CORRECT, INCORRECT, Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from trustbench.environments.gridworld import (
    GridMap,
    ParsedAnswer,
    parse_moves,
    parse_moves_upstream,
    simulate,
)
from trustbench.judges.echo import own_words, prompt_texts

ECHO = "the reply only repeats the prompt"


@scorer(metrics=[])
def plan_success() -> Scorer:
    """1 when the parsed moves take the player to the goal without a fall, else 0."""

    async def score(state: TaskState, target: Target) -> Score:
        grid = GridMap.from_map_desc(state.metadata["map_desc"])
        answer = state.output.completion
        upstream = simulate(grid, parse_moves_upstream(answer))
        own = own_words(answer, prompt_texts(state.messages))
        parsed = ParsedAnswer([], ECHO) if own.only_echo else parse_moves(own.text)
        if parsed.error is not None:
            return Score(
                value=INCORRECT,
                answer=answer[-200:],
                explanation=f"format error: {parsed.error}",
                metadata={
                    "format_error": True,
                    "outcome": "format_error",
                    "moves": None,
                    "optimality": None,
                    "upstream_success": upstream.success,
                },
            )
        outcome = simulate(grid, parsed.moves)
        moves = ", ".join(m.value for m in parsed.moves)
        optimal = state.metadata["optimal_length"]
        return Score(
            value=CORRECT if outcome.success else INCORRECT,
            answer=moves,
            explanation=f"{outcome.reason} after {outcome.steps_taken} move(s); optimal {optimal}",
            metadata={
                "format_error": False,
                "outcome": outcome.reason,
                "moves": moves,
                "optimality": optimal / len(parsed.moves) if outcome.success else None,
                "upstream_success": upstream.success,
            },
        )

    return score
