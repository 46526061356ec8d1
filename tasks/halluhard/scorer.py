"""`halluhard_judge`: every assistant turn of a conversation through the groundedness judge.

Citation domains: each turn's cited claims are extracted, sampled (at most
`max_claims_per_turn`, seeded) and checked against retrieved evidence. Coding: each response is
judged whole. The Score keeps every claim (or response) with its evidence URLs, passage hashes,
verdict and explanation; the metrics pool them. Registered, so a log can be re-judged without
regenerating: `inspect score LOG --scorer trustbench/halluhard_judge -S evidence_mode=replay`.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ChatMessageAssistant, ChatMessageUser
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from trustbench.judges.groundedness import (
    TRUSTBENCH_PROMPTS,
    Domain,
    Graders,
    GroundednessConfig,
    JudgePrompts,
    judge_coding_response,
    judge_turn,
)
from trustbench.retrieval.evidence import Evidence
from trustbench.tasks.halluhard.citations import rendered_text
from trustbench.tasks.halluhard.evidence import EvidenceSource
from trustbench.tasks.halluhard.graders import stage_graders
from trustbench.tasks.halluhard.metrics import halluhard_breakdown, halluhard_rates
from trustbench.tasks.halluhard.upstream_prompts import judge_prompts

JUDGE_DOMAINS: dict[str, Domain] = {
    "legal_cases": "legal",
    "research_questions": "research",
    "medical_guidelines": "medical",
}


def conversation_turns(
    state: TaskState, requirement: str | None = None
) -> list[tuple[int, str, str]]:
    """(turn, question, response) per assistant turn; questions without the citation
    requirement (`requirement`, else the one the sample's first user turn ends with),
    responses with provider citations inline."""
    if requirement is None:
        requirement = _requirement(state)
    question = ""
    turns: list[tuple[int, str, str]] = []
    for message in state.messages:
        if isinstance(message, ChatMessageUser):
            question = message.text.removesuffix(requirement)
        elif isinstance(message, ChatMessageAssistant):
            turns.append((len(turns) + 1, question, rendered_text(message)))
    return turns


def _requirement(state: TaskState) -> str:
    """The instruction the sample's seed turn ends with (its first user turn is the seed
    question plus the instruction)."""
    first = next((m.text for m in state.messages if isinstance(m, ChatMessageUser)), "")
    seed = str(state.metadata.get("question", ""))
    return first[len(seed) :] if seed and first.startswith(seed) else ""


def judge_config(
    max_claims_per_turn: int, search_steps: int, seed: int, judge_options: dict[str, Any] | None
) -> GroundednessConfig:
    return GroundednessConfig(
        max_claims_per_turn=max_claims_per_turn,
        search_steps=search_steps,
        seed=seed,
        **(judge_options or {}),
    )


async def _judge_citations(
    state: TaskState,
    evidence: Evidence,
    graders: Graders | None,
    prompts: JudgePrompts,
    config: GroundednessConfig,
) -> dict[str, Any]:
    domain = JUDGE_DOMAINS[state.metadata["domain"]]
    turns: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    for turn, _question, response in conversation_turns(state):
        before = graders.total_calls if graders else 0
        judged = await judge_turn(
            response=response,
            domain=domain,
            evidence=evidence,
            grader=graders,
            prompts=prompts,
            config=config,
        )
        turns.append(
            {
                "turn": turn,
                "mode": judged.mode,
                "claims_found": judged.claims_found,
                "claims_judged": len(judged.verdicts),
                "unparsed_citations": judged.unparsed_citations,
                "fallbacks": judged.fallbacks,
                "grader_calls": judged.grader_calls - before,
                "fetches": judged.fetches,
            }
        )
        claims += [{"turn": turn, **v.model_dump(mode="json")} for v in judged.verdicts]
    return {"turns": turns, "claims": claims}


async def _judge_coding(
    state: TaskState,
    evidence: Evidence,
    graders: Graders | None,
    config: GroundednessConfig,
) -> dict[str, Any]:
    turns: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    for turn, question, response in conversation_turns(state):
        judged = await judge_coding_response(
            response=response,
            question=question,
            language=state.metadata["language"],
            evidence=evidence,
            grader=graders.verdict.model if graders else None,
            config=config,
        )
        record = {"turn": turn, **judged.model_dump(mode="json")}
        if judged.mode == "heuristic" and not judged.hallucinated:
            record["hallucinated"] = None  # function calls are not checked without a grader
        turns.append({"turn": turn, "mode": judged.mode, "grader_calls": judged.grader_calls})
        responses.append(record)
    return {"turns": turns, "responses": responses}


def _summary(judged: dict[str, Any]) -> tuple[int, int, str]:
    """The conversation's hallucinated count (its value: a rate would be undefined, NaN, for a
    conversation without valid claims, and Inspect leaves NaN-valued samples out of every
    metric) and a one-line account."""
    records = judged.get("claims", judged.get("responses", []))
    kind = "claim" if "claims" in judged else "response"
    valid = [r for r in records if r["verification_error"] is None]
    bad = sum(r["hallucinated"] is True for r in valid)
    unassessed = sum(r["hallucinated"] is None for r in valid)
    rate = f" ({bad / len(valid):.0%})" if valid else ""
    explanation = (
        f"{len(judged['turns'])} turn(s): {bad} of {len(valid)} valid {kind}(s) hallucinated"
        f"{rate}"
        + (f" (at least: {unassessed} not assessed without a grader)" if unassessed else "")
        + f"; {len(records) - len(valid)} more with a verification error"
    )
    return bad, len(valid), explanation


@scorer(metrics=[halluhard_rates(), halluhard_breakdown()])
def halluhard_judge(
    judge_mode: str = "auto",
    prompts: str = "trustbench",
    grader_config: dict[str, dict[str, Any]] | None = None,
    data_dir: str | None = None,
    evidence_mode: str = "live",
    search_provider: str = "serper",
    search_options: dict[str, Any] | None = None,
    corpus_dir: str | None = None,
    evidence_store: str | None = None,
    fetch_options: dict[str, Any] | None = None,
    max_claims_per_turn: int = 5,
    search_steps: int = 3,
    seed: int = 0,
    judge_options: dict[str, Any] | None = None,
) -> Scorer:
    """Judge every assistant turn; `judge_mode` auto uses the grader roles when bound, else the
    judge's heuristic mode. `prompts` picks the judge's wording (`upstream`: the paper's, loaded
    from the pinned revision); `grader_config` the generation settings per stage (extraction,
    planning, verdict); `judge_options` further GroundednessConfig fields."""
    if judge_mode not in ("auto", "llm", "heuristic"):
        raise ValueError(f"judge_mode must be auto, llm or heuristic, not {judge_mode!r}.")
    source = EvidenceSource(
        evidence_mode, search_provider, search_options, corpus_dir, evidence_store, fetch_options
    )
    config = judge_config(max_claims_per_turn, search_steps, seed, judge_options)
    judge_texts = judge_prompts(data_dir) if prompts == "upstream" else TRUSTBENCH_PROMPTS

    async def score(state: TaskState, target: Target) -> Score:
        graders = stage_graders(judge_mode, grader_config)
        async with source.open() as evidence:
            if state.metadata["domain"] == "coding":
                judged = await _judge_coding(state, evidence, graders, config)
            else:
                judged = await _judge_citations(state, evidence, graders, judge_texts, config)
        value, judged_count, explanation = _summary(judged)
        return Score(
            value=value,
            explanation=explanation,
            metadata={
                "domain": state.metadata["domain"],
                "judge_mode": "heuristic" if graders is None else "llm",
                "graders": None if graders is None else graders.describe(),
                "grader_calls": graders.calls if graders else None,
                "prompts": judge_texts.name,
                "evidence_mode": evidence_mode,
                "config_hash": config.hash(),
                "hallucinated": value,
                "judged": judged_count,
                **judged,
            },
        )

    return score
