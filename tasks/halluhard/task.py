"""HalluHard (Fan et al., 2026): multi-turn questions whose answers must cite sources inline; a
judge checks each cited claim against evidence it retrieves. Lower is better."""

from __future__ import annotations

from typing import Any, Literal

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import Solver

from trustbench.judges.groundedness import TRUSTBENCH_PROMPTS
from trustbench.judges.roles import require_grader
from trustbench.report_spec import Aggregation, ReportSpec
from trustbench.tasks.halluhard.dataset import load_seeds
from trustbench.tasks.halluhard.errors import HalluHardDataError
from trustbench.tasks.halluhard.graders import stage_configs
from trustbench.tasks.halluhard.prompts import DOMAINS, TRUSTBENCH_TARGET
from trustbench.tasks.halluhard.scorer import halluhard_judge, judge_config
from trustbench.tasks.halluhard.solver import halluhard_conversation
from trustbench.tasks.halluhard.upstream_prompts import judge_prompts, target_prompts
from trustbench.tasks.upstream_text import PROMPTS

BREAKDOWNS = ("domain", "language")
"""Sample fields to group by. Turns are not samples: the per-turn rates are pooled metrics
(`turn_<t>`, `<domain>/turn_<t>`)."""


def _domains(domains: list[str] | str | None) -> list[str]:
    if domains is None:
        return list(DOMAINS)
    if isinstance(domains, str):
        return [d for d in domains.replace(",", " ").split() if d]
    return list(domains)


MAX_TOKENS = 4048
"""The paper's one explicit answer budget (its Claude setting), for every model alike."""


@task(
    needs={
        "data": "dataset=upstream",
        "internet": "evidence_mode=live",
        "grader": "judge_mode=llm",
    },
    renamed={"source": "dataset"},
)
def halluhard(
    domains: list[str] | str | None = None,
    dataset: Literal["upstream", "sample"] = "upstream",
    prompts: Literal["upstream", "trustbench"] | None = None,
    n_per_domain: int | None = None,
    legal_version: Literal["v1", "v2"] = "v1",
    research_order: Literal["original", "shuffled"] = "original",
    seed: int = 0,
    data_dir: str | None = None,
    turns: int = 3,
    web_search: bool = False,
    judge_mode: Literal["auto", "llm", "heuristic"] = "auto",
    evidence_mode: Literal["live", "replay", "offline"] = "live",
    search_provider: str = "serper",
    search_options: dict[str, Any] | None = None,
    corpus_dir: str | None = None,
    evidence_store: str | None = None,
    fetch_options: dict[str, Any] | None = None,
    max_claims_per_turn: int = 5,
    search_steps: int = 3,
    grader_config: dict[str, dict[str, Any]] | None = None,
    judge_options: dict[str, Any] | None = None,
) -> Task:
    """Multi-turn legal, research, medical and coding conversations; the share of cited claims
    (coding: responses) that a web-retrieving judge finds hallucinated, pooled as the paper.

    Defaults follow the paper: the first 100 seeds per citation domain and 50 per coding language
    (`n_per_domain` overrides both; per language for coding), legal v1, research questions in
    their original order, three assistant turns, the paper's prompts (`prompts=upstream`, loaded
    from the pinned revision; the default with upstream data). `dataset=sample` runs our bundled
    questions (with our wording by default). Evidence is `live` (Serper + fetching, stored),
    `replay` (the store alone) or `offline` (a local corpus, by default the bundled one). `seed`
    seeds the judge's claim sampling; `grader_config` sets each judge stage's generation settings.
    """
    if turns < 1:
        raise HalluHardDataError(f"turns must be at least 1, not {turns}.")
    prompts = prompts or ("upstream" if dataset == "upstream" else "trustbench")
    if prompts not in PROMPTS:
        raise HalluHardDataError(f"prompts must be one of {', '.join(PROMPTS)}, not {prompts!r}.")
    chosen = _domains(domains)
    stage_configs(grader_config)  # bad settings fail here, before any sample runs
    target = target_prompts(chosen, data_dir) if prompts == "upstream" else TRUSTBENCH_TARGET
    judging = judge_prompts(data_dir) if prompts == "upstream" else TRUSTBENCH_PROMPTS
    seeds = load_seeds(
        chosen, dataset, n_per_domain, legal_version, research_order, data_dir, target
    )
    scorer = halluhard_judge(
        judge_mode=judge_mode,
        prompts=prompts,
        grader_config=grader_config,
        data_dir=data_dir,
        evidence_mode=evidence_mode,
        search_provider=search_provider,
        search_options=search_options,
        corpus_dir=corpus_dir,
        evidence_store=evidence_store,
        fetch_options=fetch_options,
        max_claims_per_turn=max_claims_per_turn,
        search_steps=search_steps,
        seed=seed,
        judge_options=judge_options,
    )
    solvers: list[Solver] = [
        halluhard_conversation(turns=turns, web_search=web_search, prompts=target)
    ]
    if judge_mode == "llm":
        solvers.insert(0, require_grader("judge_mode=llm", "pass -T judge_mode=heuristic"))
    return Task(
        dataset=seeds.dataset,
        solver=solvers,
        scorer=scorer,
        version=1,
        config=GenerateConfig(max_tokens=MAX_TOKENS),
        metadata={
            **ReportSpec(
                headline="hallucination_rate",
                headline_note="with a grader: hallucinated claims / judged claims; without one "
                "the run reports hallucination_rate_lower_bound instead (references checked, "
                "content not assessed)",
                lower_is_better=True,
                breakdowns=BREAKDOWNS,
                aggregation=Aggregation(
                    kind="ratio", numerator="hallucinated", denominator="judged", strata="domain"
                ),
            ).metadata(),
            "domains": chosen,
            "dataset": dataset,
            "dataset_version": seeds.versions,
            "dataset_counts": seeds.counts,
            "turns": turns,
            "user_simulator": "the `user` role if bound, else the model under test ('self'); "
            "each sample's metadata says which",
            "web_search": web_search,
            "judge_mode_requested": judge_mode,
            "prompts": _prompt_record(prompts, chosen, target.texts + judging.texts),
            "grader_config": {
                k: v.model_dump(exclude_none=True) for k, v in stage_configs(grader_config).items()
            },
            "grader_roles": "grader for every stage, or grader_extraction / grader_planning / "
            "grader_verdict per stage; each sample's score records the models that ran",
            "evidence_mode": evidence_mode,
            "search_provider": search_provider if evidence_mode != "offline" else "corpus",
            "corpus_dir": (corpus_dir or "packaged") if evidence_mode == "offline" else None,
            "judge_config_hash": judge_config(
                max_claims_per_turn, search_steps, seed, judge_options
            ).hash(),
        },
    )


def _prompt_record(prompts: str, domains: list[str], texts: list[dict[str, str]]) -> dict[str, Any]:
    """Which texts ran; `mixed` when a part of the protocol has no upstream text and ran in our
    wording (the coding judge) under prompts=upstream."""
    ours = ["coding judge"] if prompts == "upstream" and "coding" in domains else []
    return {"set": prompts, "texts": texts, "ours": ours, "mixed": bool(ours)}
