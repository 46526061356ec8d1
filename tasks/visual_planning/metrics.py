"""The task's metrics, for both parsers (ours, the headline, and upstream's): success by split
and map size, how often the parsers disagree, optimality and the format-error rate."""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai.scorer import Metric, SampleScore, Value, metric, value_to_float

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
        for size in sorted({int(m["size"]) for m in meta if m.get("size") is not None}):
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
