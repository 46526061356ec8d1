"""One assistant turn in, verdicts out (HalluHard §3): claims, a seeded sample, evidence per
claim, a verdict per claim. With a grader: 1 extraction call + 1 planning call per turn + 1
verdict call per claim (+1 for each unreadable reply). Without one: the same evidence flow with
rule-based claims, queries and verdicts."""

from __future__ import annotations

import asyncio

from inspect_ai.model import Model

from trustbench.judges.groundedness.citations import heuristic_claims
from trustbench.judges.groundedness.claims import sample_claims, statement
from trustbench.judges.groundedness.evidence_plan import (
    Bundle,
    TurnEvidence,
    default_queries,
    gather,
    plan_queries,
)
from trustbench.judges.groundedness.extraction import extract_claims
from trustbench.judges.groundedness.grader import Grader
from trustbench.judges.groundedness.heuristic import heuristic_verdict
from trustbench.judges.groundedness.types import (
    DEFAULT_CONFIG,
    Claim,
    ClaimVerdict,
    Domain,
    GroundednessConfig,
    TurnJudgement,
)
from trustbench.judges.groundedness.verdict import llm_verdict, passage_hash
from trustbench.retrieval.evidence import Evidence

MIN_TURN_CHARS = 20
"""HalluHard skips shorter turns."""


async def judge_turn(
    *,
    response: str,
    question: str,
    domain: Domain,
    evidence: Evidence,
    grader: Model | None,
    config: GroundednessConfig = DEFAULT_CONFIG,
) -> TurnJudgement:
    """Verdicts on (a sample of) the source-attributed claims of one assistant turn. Bad evidence
    and unreadable grader replies become recorded verification errors, never exceptions."""
    if domain == "coding":
        raise ValueError("coding answers are judged per response: use judge_coding_response")
    session = Grader(grader) if grader is not None else None
    result = TurnJudgement(
        mode="heuristic" if session is None else "llm",
        claims_found=0,
        verdicts=[],
        grader_calls=0,
        fetches=0,
        config_hash=config.hash(),
    )
    if len(response.strip()) < MIN_TURN_CHARS:
        return result
    if session is None:
        claims = heuristic_claims(response, domain)
    else:
        extraction = await extract_claims(session, response, domain, config.seed)
        if extraction.error is not None:
            return result.model_copy(
                update={
                    "grader_calls": session.calls,
                    "verification_error": f"claim extraction failed: {extraction.error}",
                    "raw_grader_output": extraction.raw,
                }
            )
        claims = extraction.claims
    claims = list({c.id: c for c in claims}.values())
    sample = sample_claims(claims, config.max_claims_per_turn, config.seed)
    statements = [statement(c, domain) for c in sample]

    if session is not None and sample and config.search_steps:
        plans = await plan_queries(session, sample, statements, question, config)
    else:
        plans = {c.id: default_queries(c, config.search_steps) for c in sample}
    turn = TurnEvidence(evidence)
    try:
        bundles = await asyncio.gather(
            *(
                gather(turn, c, s, plans[c.id], config)
                for c, s in zip(sample, statements, strict=True)
            )
        )
    finally:
        turn.cancel()
    verdicts = await asyncio.gather(
        *(
            _verdict(session, c, domain, s, b, evidence.mode, config.seed)
            for c, s, b in zip(sample, statements, bundles, strict=True)
        )
    )
    return result.model_copy(
        update={
            "claims_found": len(claims),
            "verdicts": list(verdicts),
            "grader_calls": session.calls if session else 0,
            "fetches": turn.fetches,
        }
    )


async def _verdict(
    session: Grader | None,
    claim: Claim,
    domain: Domain,
    statement: str,
    bundle: Bundle,
    mode: str,
    seed: int,
) -> ClaimVerdict:
    problem = _unusable(bundle, mode)
    if problem is not None:
        return ClaimVerdict(
            claim=claim,
            evidence_urls=bundle.evidence_urls,
            passage_hashes=[passage_hash(p.text) for p in bundle.passages],
            snippets_only=bundle.snippets_only,
            verification_error=problem,
            explanation=problem,
        )
    if session is None:
        return heuristic_verdict(claim, bundle)
    return await llm_verdict(session, claim, domain, statement, bundle, seed)


def _unusable(bundle: Bundle, mode: str) -> str | None:
    """Why the evidence cannot support a verdict: a replay that lacks what the original run
    saw, or no page and no search result at all."""
    if mode == "replay" and bundle.missing:
        return "the evidence store lacks evidence this claim needs: " + "; ".join(bundle.missing)
    if bundle.empty:
        reasons = bundle.problems + bundle.missing
        detail = "; ".join(reasons) if reasons else "the searches found nothing"
        return f"no evidence: {detail}"
    return None
