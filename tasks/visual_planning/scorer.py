"""Scoring as upstream (simulate the moves; success iff the player ends on the goal), plus metrics."""

from __future__ import annotations

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
    parse_moves,
    parse_moves_upstream,
    simulate,
)


@scorer(metrics=[])
def plan_success() -> Scorer:
    """1 when the parsed moves take the player to the goal without a fall, else 0."""

    async def score(state: TaskState, target: Target) -> Score:
        grid = GridMap.from_map_desc(state.metadata["map_desc"])
        answer = state.output.completion
        parsed = parse_moves(answer)
        upstream = simulate(grid, parse_moves_upstream(answer))
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


def _rate(scores: list[SampleScore]) -> float:
    """Scores may arrive as C/I or, reduced over epochs, as floats: both convert."""
    return sum(_to_float(s.score.value) for s in scores) / len(scores)


@metric
def planning_breakdown() -> Metric:
    """Success by split (ID, OOD raw, OOD with trivial matches removed) and size; optimality;
    invalid-format rate. Groups with no samples are left out rather than reported as zero."""

    def compute(scores: list[SampleScore]) -> Value:
        meta = [s.sample_metadata or {} for s in scores]
        result: dict[str, float] = {}
        groups = {
            "id": [s for s, m in zip(scores, meta, strict=True) if m.get("split") == "id"],
            "ood_raw": [s for s, m in zip(scores, meta, strict=True) if m.get("split") == "ood"],
            "ood_controlled": [
                s
                for s, m in zip(scores, meta, strict=True)
                if m.get("split") == "ood" and not m.get("trivial")
            ],
        }
        for size in sorted({m.get("size") for m in meta if m.get("size") is not None}):
            groups[f"size_{size}"] = [
                s for s, m in zip(scores, meta, strict=True) if m.get("size") == size
            ]
        for name, members in groups.items():
            if members:
                result[name] = _rate(members)
        solved = [s.score.metadata["optimality"] for s in scores if _optimality(s) is not None]
        if solved:
            result["optimality"] = sum(solved) / len(solved)
        if scores:
            result["format_error_rate"] = sum(
                bool((s.score.metadata or {}).get("format_error")) for s in scores
            ) / len(scores)
        return result

    return compute


def _optimality(sample: SampleScore) -> float | None:
    return (sample.score.metadata or {}).get("optimality")
