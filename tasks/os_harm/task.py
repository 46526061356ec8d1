"""OS-Harm (Kuntz et al., 2025): safety of computer-use agents on 150 desktop tasks (deliberate
misuse, prompt injection, model misbehaviour), in an emulated desktop instead of a VM."""

from __future__ import annotations

import warnings
from typing import Literal

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import stderr

from trustbench.environments.desktop import sandbox
from trustbench.report_spec import ReportSpec
from trustbench.tasks.os_harm.dataset import (
    UNLISTED,
    build_dataset,
    categories_of,
    load_variants,
    open_files,
)
from trustbench.tasks.os_harm.errors import InvalidArgumentError
from trustbench.tasks.os_harm.metrics import BREAKDOWNS, os_harm_breakdown, unsafe_rate
from trustbench.tasks.os_harm.prompts import load_prompts
from trustbench.tasks.os_harm.provision import plan_setup
from trustbench.tasks.os_harm.scorer import os_harm_scorer
from trustbench.tasks.os_harm.solver import BACKENDS, desktop_agent

UPSTREAM_SAMPLING = GenerateConfig(temperature=1.0, top_p=0.9, max_tokens=1500)
"""Upstream's agent settings; any of them can be overridden at eval time."""
UPSTREAM_MAX_STEPS = 15
MAX_STEPS = 100
MAX_HISTORY = 100


def _check(
    max_steps: object,
    history: object,
    dataset: object,
    prompts: object,
    backend: object,
    judge_mode: object,
    empty_instruction: object,
) -> None:
    """Every argument against its allowed values, before anything loads."""
    if isinstance(max_steps, bool) or not isinstance(max_steps, int):
        raise InvalidArgumentError("max_steps", max_steps, f"an integer from 1 to {MAX_STEPS}")
    if not 1 <= max_steps <= MAX_STEPS:
        raise InvalidArgumentError("max_steps", max_steps, f"an integer from 1 to {MAX_STEPS}")
    if isinstance(history, bool) or not isinstance(history, int) or not 0 <= history <= MAX_HISTORY:
        raise InvalidArgumentError("history", history, f"an integer from 0 to {MAX_HISTORY}")
    for name, value, allowed in (
        ("dataset", dataset, ("upstream", "sample")),
        ("prompts", prompts, ("upstream", "trustbench")),
        ("backend", backend, tuple(BACKENDS)),
        ("judge_mode", judge_mode, ("auto", "rules")),
        ("empty_instruction", empty_instruction, ("keep", "base")),
    ):
        if value not in allowed:
            raise InvalidArgumentError(name, value, allowed)
    if max_steps > UPSTREAM_MAX_STEPS:
        warnings.warn(
            f"os_harm: max_steps={max_steps} is above the paper's {UPSTREAM_MAX_STEPS}; "
            "results are not comparable with its numbers.",
            stacklevel=3,
        )


@task(needs={"data": "dataset=upstream", "tools": "always"})
def os_harm(
    category: Literal["all", "misuse", "injection", "misbehavior"] = "all",
    dataset: Literal["upstream", "sample"] = "upstream",
    prompts: Literal["upstream", "trustbench"] | None = None,
    jailbreak: bool = False,
    max_steps: int = UPSTREAM_MAX_STEPS,
    history: int = 3,
    judge_mode: Literal["auto", "rules"] = "auto",
    backend: Literal["emulated"] = "emulated",
    data_dir: str | None = None,
    empty_instruction: Literal["keep", "base"] = "keep",
) -> Task:
    """Run a computer-use agent on OS-Harm's tasks in an emulated Ubuntu desktop; report how
    often it acts unsafely and how often it completes the task, per category, injection vector,
    injection goal and application, judged by the grader model and by deterministic rules.

    `dataset=upstream` reads the pinned upstream task files (from `data_dir`, TRUSTBENCH_DATA,
    the cache, or a checked download); `sample` is our bundled six-sample set (no network).
    `prompts=upstream` (the default with upstream data) runs the paper's agent, jailbreak and
    judge prompts, loaded verbatim from the pinned revision; `trustbench` (the default with the
    sample set) runs our wording. `jailbreak` wraps misuse instructions in the jailbreak
    template; `history` is how many past steps stay in the agent's context; `judge_mode=rules`
    scores with the rules alone, even with a grader bound; `empty_instruction=base` gives the
    one paraphrase upstream left empty its base task's instruction.
    """
    prompts = prompts or ("upstream" if dataset == "upstream" else "trustbench")
    _check(max_steps, history, dataset, prompts, backend, judge_mode, empty_instruction)
    chosen = categories_of(category)
    texts = load_prompts(prompts, data_dir)
    files = open_files(dataset, data_dir)
    loaded = load_variants(files, chosen)
    for variant in loaded.variants:
        plan_setup(variant.sample_id, [s.model_dump() for s in variant.task.config])
    return Task(
        dataset=build_dataset(
            loaded, texts.agent.jailbreak if jailbreak else None, empty_instruction
        ),
        solver=desktop_agent(
            prompts=texts.agent, max_steps=max_steps, history=history, backend=backend
        ),
        scorer=os_harm_scorer(prompt=texts.judge, judge_mode=judge_mode),
        metrics=[unsafe_rate(), stderr(), os_harm_breakdown()],
        config=UPSTREAM_SAMPLING,
        version=2,
        metadata={
            **ReportSpec(
                headline="unsafe_rate",
                lower_is_better=True,
                breakdowns=BREAKDOWNS,
                tool_calls="tool_calls",
            ).metadata(),
            "backend": backend,
            "comparable_with_paper": False,
            "source": files.origin,
            "samples": len(loaded.variants),
            "duplicates_skipped": loaded.duplicates_skipped,
            "unlisted_tasks": UNLISTED,
            "jailbreak": jailbreak,
            "max_steps": max_steps,
            "history": history,
            "judge_mode": judge_mode,
            "prompts": texts.name,
            "prompt_texts": texts.texts,
            "judge_prompt": texts.judge.name,
            "sandbox": sandbox.describe(),
        },
    )
