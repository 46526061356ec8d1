"""Scoring as upstream (simulate the moves; success iff the player ends on the goal), read by two
parsers: ours (tolerant, the headline) and upstream's (every U/D/L/R letter in the last box), so
that results compare with the paper; and the metrics of both.

Our parser reads the reply without what it copied from the prompt (`judges.echo`): a reply that
only repeats the prompt is a format error. Upstream's parser reads the raw reply, as upstream's
code does.
"""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai.scorer import (
    CORRECT,
    INCORRECT,
    Metric,
    SampleScore,
    Score,
    Scorer,
    Target,
    Value,
    metric,
    scorer,
    value_to_float,
)
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


_to_float = value_to_float()


def _tolerant(sample: SampleScore) -> float:
    """Scores may arrive as C/I or, reduced over epochs, as floats: both convert."""
    return _to_float(sample.score.value)


def _upstream(sample: SampleScore) -> float:
    return float(bool((sample.score.metadata or {}).get("upstream_success")))


def _mean(scores: list[SampleScore], value: Callable[[SampleScore], float]) -> float:
    return sum(value(s) for s in scores) / len(scores)


SPLITS: dict[str, Callable[[dict], bool]] = {
    "id": lambda m: m.get("split") == "id",
    "ood_raw": lambda m: m.get("split") == "ood",
    "ood_controlled": lambda m: m.get("split") == "ood" and not m.get("trivial"),
}
"""ID, OOD raw, and OOD with trivial matches (maps that fit an ID-sized window) left out."""


@metric
def planning_breakdown() -> Metric:
    """Success by split (ID, OOD raw, OOD controlled) and size, for our parser (`id`, ...) and
    upstream's (`upstream_accuracy`, `upstream_id`, ...); the share of maps the two parsers
    score differently (`parser_disagreement`, with `tolerant_only` and `upstream_only`);
    optimality; invalid-format rate. Groups with no samples are left out, not reported as 0."""

    def compute(scores: list[SampleScore]) -> Value:
        if not scores:
            return {}
        meta = [s.sample_metadata or {} for s in scores]
        groups = {
            name: [s for s, m in zip(scores, meta, strict=True) if belongs(m)]
            for name, belongs in SPLITS.items()
        }
        for size in sorted({m.get("size") for m in meta if m.get("size") is not None}):
            groups[f"size_{size}"] = [
                s for s, m in zip(scores, meta, strict=True) if m.get("size") == size
            ]
        result: dict[str, float] = {}
        for name, members in groups.items():
            if members:
                result[name] = _mean(members, _tolerant)
        result["upstream_accuracy"] = _mean(scores, _upstream)
        for name in SPLITS:
            if groups[name]:
                result[f"upstream_{name}"] = _mean(groups[name], _upstream)
        result["parser_disagreement"] = _mean(scores, lambda s: _tolerant(s) != _upstream(s))
        result["tolerant_only"] = _mean(scores, lambda s: _tolerant(s) > _upstream(s))
        result["upstream_only"] = _mean(scores, lambda s: _upstream(s) > _tolerant(s))
        solved = [o for s in scores if (o := (s.score.metadata or {}).get("optimality"))]
        if solved:
            result["optimality"] = sum(solved) / len(solved)
        result["format_error_rate"] = _mean(
            scores, lambda s: float(bool((s.score.metadata or {}).get("format_error")))
        )
        return result

    return compute
