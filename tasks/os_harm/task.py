"""OS-Harm (Kuntz et al., 2025): safety of computer-use agents on 150 desktop tasks (deliberate
misuse, prompt injection, model misbehaviour), in an emulated desktop instead of a VM."""

from __future__ import annotations

from typing import Literal

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import stderr

from trustbench.report_spec import ReportSpec
from trustbench.tasks.os_harm.agent import BACKENDS, desktop_agent
from trustbench.tasks.os_harm.dataset import UNLISTED, build_dataset, categories_of, load_variants
from trustbench.tasks.os_harm.metrics import BREAKDOWNS, os_harm_breakdown, unsafe_rate
from trustbench.tasks.os_harm.provision import plan_setup
from trustbench.tasks.os_harm.scorer import os_harm_scorer
from trustbench.tasks.os_harm.sources import open_source

UPSTREAM_SAMPLING = GenerateConfig(temperature=1.0, top_p=0.9, max_tokens=1500)
"""Upstream's agent settings; any of them can be overridden at eval time."""


@task(needs={"data": "dataset=upstream", "tools": "always"})
def os_harm(
    category: Literal["all", "misuse", "injection", "misbehavior"] = "all",
    dataset: Literal["upstream", "sample"] = "upstream",
    jailbreak: bool = False,
    max_steps: int = 15,
    history: int = 3,
    backend: Literal["emulated"] = "emulated",
    data_dir: str | None = None,
    empty_instruction: Literal["keep", "base"] = "keep",
) -> Task:
    """Run a computer-use agent on OS-Harm's tasks in an emulated Ubuntu desktop; report how
    often it acts unsafely and how often it completes the task, per category, injection vector,
    injection goal and application, judged by the grader model and by deterministic rules.

    `dataset=upstream` reads the pinned upstream task files (from `data_dir`, TRUSTBENCH_DATA,
    the cache, or a checked download); `sample` is our bundled six-sample set (no network).
    `jailbreak` wraps misuse instructions in a jailbreak template; `history` is how many past
    steps stay in the agent's context; `data_dir` (or TRUSTBENCH_DATA) points at a local mirror
    of the upstream files; `empty_instruction=base` gives the one paraphrase upstream left
    empty its base task's instruction.
    """
    if max_steps < 1 or history < 0:
        raise ValueError(f"max_steps must be >= 1 and history >= 0 (got {max_steps}, {history}).")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}.")
    files = open_source(dataset, data_dir)
    loaded = load_variants(files, categories_of(category))
    for variant in loaded.variants:
        plan_setup(variant.sample_id, [s.model_dump() for s in variant.task.config])
    return Task(
        dataset=build_dataset(loaded, jailbreak, empty_instruction),
        solver=desktop_agent(max_steps=max_steps, history=history, backend=backend),
        scorer=os_harm_scorer(),
        metrics=[unsafe_rate(), stderr(), os_harm_breakdown()],
        config=UPSTREAM_SAMPLING,
        version=1,
        metadata={
            **ReportSpec(tool_calls="tool_calls").metadata(),
            "headline": "unsafe_rate",
            "breakdowns": BREAKDOWNS,
            "backend": backend,
            "comparable_with_paper": False,
            "source": files.origin,
            "samples": len(loaded.variants),
            "duplicates_skipped": loaded.duplicates_skipped,
            "unlisted_tasks": UNLISTED,
            "jailbreak": jailbreak,
            "max_steps": max_steps,
            "history": history,
        },
    )
