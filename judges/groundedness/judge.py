"""One assistant turn in, verdicts out (HalluHard §3): claims, a seeded sample, evidence per
claim, a verdict per claim.

With graders: 1 extraction call per turn; per claim, the planner loop (one call per search step
after the first, fewer when it stops early) and 1 verdict call (+1 for each unreadable reply).
An unreadable extraction falls back to the rule-based citation finder, an unreadable plan to
queries built from the claim; both are recorded on every claim they touch. Without graders:
rule-based claims and the reference check of `heuristic`, content not assessed."""

from __future__ import annotations

import asyncio

from inspect_ai.model import Model

from trustbench.judges.groundedness.citations import Unparsed, claims_and_unparsed
from trustbench.judges.groundedness.claims import sample_claims, statement
from trustbench.judges.groundedness.evidence_plan import (
    Bundle,
    TurnEvidence,
    broaden,
    planned_search,
    read_cited,
    read_pages,
)
from trustbench.judges.groundedness.extraction import extract_claims
from trustbench.judges.groundedness.grader import Graders
from trustbench.judges.groundedness.heuristic import heuristic_judgement
from trustbench.judges.groundedness.prompts import TRUSTBENCH_PROMPTS, JudgePrompts
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
    domain: Domain,
    evidence: Evidence,
    grader: Graders | Model | None,
    prompts: JudgePrompts = TRUSTBENCH_PROMPTS,
    config: GroundednessConfig = DEFAULT_CONFIG,
) -> TurnJudgement:
    """Verdicts on (a sample of) the source-attributed claims of one assistant turn. Bad evidence
    and unreadable grader replies become recorded fallbacks or verification errors, never
    exceptions. Each turn is judged on its own, as upstream's extractor sees only the turn."""
    if domain == "coding":
        raise ValueError("coding answers are judged per response: use judge_coding_response")
    graders = Graders.single(grader) if isinstance(grader, Model) else grader
    result = TurnJudgement(
        mode="heuristic" if graders is None else "llm",
        claims_found=0,
        verdicts=[],
        grader_calls=0,
        fetches=0,
        config_hash=config.hash(),
    )
    if len(response.strip()) < MIN_TURN_CHARS:
        return result
    unparsed: list[Unparsed] = []
    turn_fallbacks: list[str] = []
    raw = None
    if graders is None:
        claims, unparsed = claims_and_unparsed(response, domain)
    else:
        extraction = await extract_claims(graders, prompts, response, domain, config.seed)
        raw = extraction.raw
        if extraction.error is None:
            claims = extraction.claims
        else:
            claims, unparsed = claims_and_unparsed(response, domain)
            turn_fallbacks.append("extraction_unreadable")
    claims = list({c.id: c for c in claims}.values())
    sample = sample_claims(claims, config.max_claims_per_turn, config.seed)
    turn = TurnEvidence(evidence)
    try:
        verdicts = await asyncio.gather(
            *(_judge_claim(turn, graders, prompts, c, domain, config) for c in sample)
        )
    finally:
        turn.cancel()
    verdicts = [
        v.model_copy(update={"fallbacks": [*turn_fallbacks, *v.fallbacks]}) for v in verdicts
    ]
    return result.model_copy(
        update={
            "claims_found": len(claims),
            "unparsed_citations": [u.text for u in unparsed],
            "unparsed_spans": [(u.start, u.end) for u in unparsed],
            "fallbacks": turn_fallbacks,
            "verdicts": verdicts,
            "grader_calls": graders.total_calls if graders else 0,
            "fetches": turn.fetches,
            "raw_grader_output": raw,
        }
    )


async def _judge_claim(
    turn: TurnEvidence,
    graders: Graders | None,
    prompts: JudgePrompts,
    claim: Claim,
    domain: Domain,
    config: GroundednessConfig,
) -> ClaimVerdict:
    if graders is None:
        return await heuristic_judgement(turn, claim, config)
    text = statement(claim, domain)
    bundle = Bundle()
    await read_cited(turn, claim, bundle)
    picks: list[str] = []
    if config.search_steps:
        picks = await planned_search(graders, prompts, turn, claim, text, bundle, config)
    if not bundle.results and bundle.cited is None and config.fallback_search:
        if graders.web_search is not None and bundle.searches_ok:
            bundle.fallbacks.append("fallback_web_search")
            return await llm_verdict(
                graders, prompts, claim, domain, text, bundle, config.seed, web_search=True
            )
        await broaden(turn, claim, bundle)
    await read_pages(turn, claim, text, bundle, picks, config)
    problem = _unusable(bundle, turn.mode)
    if problem is not None:
        return ClaimVerdict(
            claim=claim,
            evidence_urls=bundle.evidence_urls,
            passage_hashes=[passage_hash(p.text) for p in bundle.passages],
            route=bundle.route,
            queries=bundle.queries,
            fallbacks=bundle.fallbacks,
            verification_error=problem,
            explanation=problem,
        )
    if bundle.empty:
        return ClaimVerdict(
            claim=claim,
            route="not_found",
            queries=bundle.queries,
            fallbacks=bundle.fallbacks,
            reference_grounding="no",
            content_grounding="no",
            hallucinated=True,
            explanation="Reference: no search found the cited work"
            + (" and the cited link does not exist" if bundle.cited_gone else "")
            + ". Content: no (its reference is not grounded).",
        )
    return await llm_verdict(graders, prompts, claim, domain, text, bundle, config.seed)


def _unusable(bundle: Bundle, mode: str) -> str | None:
    """Why the evidence cannot support a verdict: a replay that lacks what the original run saw,
    or nothing found because nothing could be searched or fetched (a real failure, unlike
    searches that ran and found nothing)."""
    if mode == "replay" and bundle.missing_in_replay():
        return "the evidence store lacks evidence this claim needs: " + "; ".join(bundle.missing)
    if bundle.empty and not bundle.found_nothing() and not bundle.cited_gone:
        reasons = bundle.problems + bundle.missing
        detail = "; ".join(reasons) if reasons else "no search was run"
        return f"no evidence: {detail}"
    return None
