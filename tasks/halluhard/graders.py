"""The judge's graders from the eval's model roles: `grader` for every stage, or a model per
stage (`grader_extraction`, `grader_planning`, `grader_verdict`), each with its own generation
settings (`grader_config: {extraction: {...}, planning: {...}, verdict: {...}}`, any
GenerateConfig fields; default temperature 0). The paper ran a cheap extractor and planner
(gpt-5-mini, minimal reasoning) and a stronger verdict (medium reasoning):
`-T grader_config='{extraction: {reasoning_effort: minimal}, planning: {reasoning_effort:
minimal}, verdict: {reasoning_effort: medium}}'`."""

from __future__ import annotations

from typing import Any

from inspect_ai.model import GenerateConfig, Model, model_roles
from pydantic import ValidationError

from trustbench.judges.groundedness import Graders, StageModel
from trustbench.judges.groundedness.grader import DEFAULT_CONFIG, STAGES
from trustbench.judges.roles import GRADER_ROLE, bound_grader, no_grader
from trustbench.tasks.halluhard.errors import HalluHardDataError
from trustbench.tasks.halluhard.solver import SEARCH_PROVIDERS, search_tool

STAGE_ROLES = {stage: f"{GRADER_ROLE}_{stage}" for stage in STAGES}


class GraderSettingsError(HalluHardDataError):
    """`grader_config` names an unknown stage or setting."""


def stage_configs(grader_config: dict[str, dict[str, Any]] | None) -> dict[str, GenerateConfig]:
    """Each stage's generation settings over the default; refuses unknown stages and fields."""
    settings = dict(grader_config or {})
    unknown = sorted(set(settings) - set(STAGES))
    if unknown:
        raise GraderSettingsError(
            f"grader_config has no stage {', '.join(unknown)}: use {', '.join(STAGES)}."
        )
    configs: dict[str, GenerateConfig] = {}
    for stage in STAGES:
        try:
            extra = GenerateConfig.model_validate(settings.get(stage) or {})
        except ValidationError as ex:
            raise GraderSettingsError(f"grader_config.{stage}: {ex.errors()[0]['msg']}") from ex
        configs[stage] = DEFAULT_CONFIG.merge(extra)
    return configs


def bound_models() -> dict[str, Model] | None:
    """Each stage's model from the bound roles (its own role, else `grader`); None when no
    grader role is bound at all."""
    models = {stage: bound_grader(role) or bound_grader() for stage, role in STAGE_ROLES.items()}
    if any(model is None for model in models.values()):
        return None
    return {stage: model for stage, model in models.items() if model is not None}


def stage_graders(
    judge_mode: str, grader_config: dict[str, dict[str, Any]] | None
) -> Graders | None:
    """The graders, or None for heuristic mode (asked for, or auto with no grader bound)."""
    models = None if judge_mode == "heuristic" else bound_models()
    if models is None:
        if judge_mode == "llm":
            raise ValueError(no_grader("judge_mode=llm", "pass -S judge_mode=heuristic"))
        return None
    configs = stage_configs(grader_config)
    verdict = models["verdict"]
    provider = str(verdict).split("/", 1)[0]
    return Graders(
        extraction=StageModel(models["extraction"], configs["extraction"]),
        planning=StageModel(models["planning"], configs["planning"]),
        verdict=StageModel(verdict, configs["verdict"]),
        web_search=search_tool() if provider in SEARCH_PROVIDERS else None,
    )


def describe(judge_mode: str, grader_config: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    """What the task's metadata records about its graders, resolved when the task is built."""
    graders = stage_graders(judge_mode, grader_config)
    if graders is None:
        return {"mode": "heuristic"}
    return {
        "mode": "llm",
        "stages": {
            stage: {
                "role": role if role in model_roles() else GRADER_ROLE,
                **getattr(graders, stage).describe(),
            }
            for stage, role in STAGE_ROLES.items()
        },
        "not_found_fallback": "grader web search" if graders.web_search else "broader search",
    }
