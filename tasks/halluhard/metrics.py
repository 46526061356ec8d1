"""Hallucination rates pooled as the paper pools them, never averaged over samples, and only
from verdicts that can carry them.

Citation domains (Eq. 1): H = hallucinated claims / claims without a verification error, over
every judged claim of every conversation and turn, counting only claims a grader judged (the
heuristic mode does not assess content, so its claims carry no hallucination label unless their
reference failed). Coding (Eq. 2): the same over responses. `hallucination_rate` is the
unweighted mean of the domain rates, as the paper's "Avg"; `hallucination_rate_lower_bound`
counts every claim known to be hallucinated (a grader's label, or a reference not grounded)
over every valid claim, whatever judged it: the heuristic mode's headline. A group with nothing
to divide by is left out, not reported as 0.

Reads the claims and responses that `halluhard_judge` keeps in each Score's metadata.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from inspect_ai.scorer import Metric, SampleScore, Value, metric

from trustbench.tasks.halluhard.prompts import DOMAINS

ISSUE_TYPES = ("import", "install", "function_call")
Record = dict[str, Any]


def _rate(records: Iterable[Record], hit: Callable[[Record], bool]) -> float | None:
    pool = list(records)
    return sum(hit(r) for r in pool) / len(pool) if pool else None


def _valid(records: Iterable[Record]) -> list[Record]:
    return [r for r in records if r.get("verification_error") is None]


def _graded(records: Iterable[Record]) -> list[Record]:
    """Valid records whose hallucination label a grader gave (content assessed)."""
    return [r for r in _valid(records) if r.get("mode", "llm") == "llm"]


def _put(result: dict[str, float], key: str, value: float | None) -> None:
    if value is not None:
        result[key] = value


def _by_domain(scores: list[SampleScore]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in scores:
        meta = s.score.metadata or {}
        if meta.get("domain") in DOMAINS:
            grouped[meta["domain"]].append(meta)
    return grouped


def _records(domain: str, metas: list[dict[str, Any]]) -> list[Record]:
    key = "responses" if domain == "coding" else "claims"
    return [record for meta in metas for record in meta.get(key, [])]


def _hallucinated(record: Record) -> bool:
    return record.get("hallucinated") is True


def domain_rates(scores: list[SampleScore]) -> dict[str, float]:
    """H per domain, from grader verdicts only."""
    rates: dict[str, float] = {}
    for domain, metas in _by_domain(scores).items():
        _put(rates, domain, _rate(_graded(_records(domain, metas)), _hallucinated))
    return rates


def lower_bounds(scores: list[SampleScore]) -> dict[str, float]:
    """Per domain: records known to be hallucinated / valid records, whatever judged them."""
    bounds: dict[str, float] = {}
    for domain, metas in _by_domain(scores).items():
        _put(bounds, domain, _rate(_valid(_records(domain, metas)), _hallucinated))
    return bounds


def _per_turn(result: dict[str, float], prefix: str, records: list[Record]) -> None:
    for turn in sorted({r["turn"] for r in records}):
        _put(
            result,
            f"{prefix}/turn_{turn}",
            _rate([r for r in records if r["turn"] == turn], _hallucinated),
        )


def _shares(result: dict[str, float], prefix: str, records: list[Record], key: str) -> None:
    """Share of records per value of `key` (a string, or a list of strings)."""
    counts: Counter[str] = Counter()
    for record in records:
        value = record.get(key)
        counts.update(value if isinstance(value, list) else [value] if value else [])
    for name, count in sorted(counts.items()):
        result[f"{prefix}/{name}"] = count / len(records)


def _citation_breakdown(result: dict[str, float], domain: str, metas: list[dict[str, Any]]) -> None:
    claims = _records(domain, metas)
    valid = _valid(claims)
    assessed = [c for c in valid if c.get("content_grounding") not in ("not_assessed", None)]
    turns = [t for meta in metas for t in meta.get("turns", [])]
    _per_turn(result, domain, _graded(claims))
    _put(result, f"{domain}/lower_bound", _rate(valid, _hallucinated))
    _put(
        result,
        f"{domain}/reference_failure",
        _rate(valid, lambda c: c.get("reference_grounding") == "no"),
    )
    _put(
        result,
        f"{domain}/content_failure",
        _rate(assessed, lambda c: c.get("content_grounding") == "no"),
    )
    _put(
        result,
        f"{domain}/content_not_assessed",
        _rate(valid, lambda c: c.get("content_grounding") == "not_assessed"),
    )
    _put(result, f"{domain}/abstention", _rate(valid, lambda c: bool(c.get("abstention"))))
    _put(
        result,
        f"{domain}/verification_error",
        _rate(claims, lambda c: c.get("verification_error") is not None),
    )
    if claims:
        _shares(result, f"{domain}/fallback", claims, "fallbacks")
        _shares(result, f"{domain}/route", claims, "route")
    if turns:
        result[f"{domain}/claims_per_turn"] = len(claims) / len(turns)
        result[f"{domain}/claims_found_per_turn"] = sum(t["claims_found"] for t in turns) / len(
            turns
        )
        result[f"{domain}/unparsed_citations"] = float(
            sum(len(t.get("unparsed_citations", [])) for t in turns)
        )
        result[f"{domain}/extraction_unreadable_turns"] = sum(
            "extraction_unreadable" in t.get("fallbacks", []) for t in turns
        ) / len(turns)


def _has_issue(kind: str) -> Callable[[Record], bool]:
    return lambda r: any(issue.get("type") == kind for issue in r.get("issues", []))


def _coding_breakdown(result: dict[str, float], metas: list[dict[str, Any]]) -> None:
    responses = _records("coding", metas)
    valid = _valid(responses)
    graded = _graded(responses)
    _per_turn(result, "coding", graded)
    _put(result, "coding/lower_bound", _rate(valid, _hallucinated))
    _put(
        result,
        "coding/verification_error",
        _rate(responses, lambda r: r.get("verification_error") is not None),
    )
    for kind in ISSUE_TYPES:
        _put(result, f"coding/type/{kind}", _rate(valid, _has_issue(kind)))
    for language in sorted({r["language"] for r in valid}):
        members = [r for r in graded if r["language"] == language]
        _put(result, f"coding/language/{language}", _rate(members, _hallucinated))
        for kind in ISSUE_TYPES:
            _put(
                result,
                f"coding/{language}/{kind}",
                _rate([r for r in valid if r["language"] == language], _has_issue(kind)),
            )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@metric
def halluhard_rates() -> Metric:
    """`hallucination_rate`: the unweighted mean over domains of the pooled per-domain rates,
    from grader verdicts only, and absent (not 0, not NaN) when no grader judged anything; then
    `hallucination_rate_lower_bound`, which the heuristic mode reports first instead."""

    def compute(scores: list[SampleScore]) -> Value:
        result: dict[str, float] = {}
        _put(result, "hallucination_rate", _mean(list(domain_rates(scores).values())))
        _put(result, "hallucination_rate_lower_bound", _mean(list(lower_bounds(scores).values())))
        return result

    return compute


@metric
def halluhard_breakdown() -> Metric:
    """Per domain: H, H per turn, lower bound, reference- and content-failure, content not
    assessed, abstention and verification-error rates, fallbacks and evidence routes, claims per
    turn, unparsed citations; coding: H per turn, language and error type; `turn_<t>`, the mean
    over domains of the per-turn rates; `verification_error`, pooled over every claim and
    response; and how many samples each judge mode judged (`judge_mode/<mode>`)."""

    def compute(scores: list[SampleScore]) -> Value:
        result: dict[str, float] = dict(domain_rates(scores))
        everything: list[Record] = []
        for domain, metas in _by_domain(scores).items():
            everything += _records(domain, metas)
            if domain == "coding":
                _coding_breakdown(result, metas)
            else:
                _citation_breakdown(result, domain, metas)
        per_turn: dict[str, list[float]] = defaultdict(list)
        for key, value in list(result.items()):
            domain, _, rest = key.partition("/")
            if domain in DOMAINS and rest.startswith("turn_"):
                per_turn[rest].append(value)
        for turn, values in sorted(per_turn.items()):
            result[turn] = sum(values) / len(values)
        _put(
            result,
            "verification_error",
            _rate(everything, lambda r: r.get("verification_error") is not None),
        )
        modes = Counter((s.score.metadata or {}).get("judge_mode") for s in scores)
        for mode, count in modes.items():
            if mode:
                result[f"judge_mode/{mode}"] = float(count)
        return result

    return compute


def run_mode(metrics: dict[str, float]) -> str | None:
    """The judge mode a run actually used, from its logged metrics: llm, heuristic or mixed."""
    used = sorted(
        k.removeprefix("judge_mode/")
        for k, v in metrics.items()
        if k.startswith("judge_mode/") and v
    )
    if not used:
        return None
    return used[0] if len(used) == 1 else "mixed"
