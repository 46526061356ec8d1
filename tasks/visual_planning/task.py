"""Visual planning OOD: navigate a FrozenLake-style grid map, in and out of distribution."""

from __future__ import annotations

from typing import Literal

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import accuracy, stderr

from trustbench.environments.gridworld import TraceFormat
from trustbench.report_spec import ReportSpec
from trustbench.tasks.upstream_data import mirror_root
from trustbench.tasks.upstream_text import PROMPTS
from trustbench.tasks.visual_planning.dataset import (
    REPRESENTATIONS,
    build_dataset,
    default_sizes,
    file_maps,
    generated_maps,
)
from trustbench.tasks.visual_planning.metrics import planning_breakdown
from trustbench.tasks.visual_planning.prompts import TRUSTBENCH, PlanningPrompt
from trustbench.tasks.visual_planning.scorer import plan_success
from trustbench.tasks.visual_planning.solver import planning_solver
from trustbench.tasks.visual_planning.upstream_prompts import load_upstream_prompt

BREAKDOWNS = ("size", "split", "trivial")
UPSTREAM_SEED = 42
"""Upstream's evaluation seed (`seed_everything(42)`), also our map generator's default."""
MAX_TOKENS = {"text": 4096, "image": 16192}
"""Upstream's `max_new_tokens`: 4,096 in its text-model evaluation, 16,192 in its
vision-language one."""
GENERATED_PER_SIZE = 100
"""Maps generated per size when `n_per_size` is not given (VSP has 100 per level)."""


def _sizes(sizes: list[int] | str | int | None) -> list[int] | None:
    if sizes is None:
        return None
    if isinstance(sizes, int):
        return [sizes]
    if isinstance(sizes, str):
        return [int(s) for s in sizes.replace(",", " ").replace("[", " ").replace("]", " ").split()]
    return [int(s) for s in sizes]


@task(needs={"vision": "representation=image"}, renamed={"on_invalid_map": "on_invalid"})
def visual_planning(
    representation: Literal["image", "description", "table", "grid", "coordinates"] = "grid",
    cot: Literal[
        "none", "description", "table", "grid", "table_description", "grid_description"
    ] = "none",
    shots: int = 0,
    split: Literal["id", "ood", "all"] = "all",
    sizes: list[int] | str | None = None,
    n_per_size: int | None = None,
    seed: int = UPSTREAM_SEED,
    map_file: str | None = None,
    on_invalid: Literal["error", "skip"] = "error",
    ood_filter: Literal["none", "window"] = "none",
    id_max_size: int = 6,
    prompts: Literal["upstream", "trustbench"] = "trustbench",
    data_dir: str | None = None,
) -> Task:
    """Plan a safe move sequence on a grid map given as an image or text; ID vs OOD map sizes.

    Maps up to `id_max_size` are in distribution, larger ones out of distribution. Generated
    maps: `sizes` (default 3-6 for id, 7-8 for ood), `n_per_size` of each (default 100), from
    `seed`. `map_file` evaluates maps in the upstream `map_desc` encoding instead, filtered by
    `sizes` and `split` and capped at `n_per_size` per size; every map left out is listed in
    the log with its reason. `ood_filter=window` drops OOD maps whose start, goal and an optimal
    path fit in an ID-sized window; OOD success on the remaining maps is always reported as
    `ood_controlled`. `prompts=upstream` asks in upstream's words, loaded at run time.
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(f"representation must be one of {REPRESENTATIONS}, not {representation!r}")
    if prompts not in PROMPTS:
        raise ValueError(f"prompts must be one of {', '.join(PROMPTS)}, not {prompts!r}")
    if n_per_size is not None and n_per_size < 1:
        raise ValueError(f"n_per_size must be at least 1, not {n_per_size}")
    trace = TraceFormat(cot)
    prompt = TRUSTBENCH
    if prompts == "upstream":
        if trace is not TraceFormat.NONE and shots == 0:
            raise ValueError(
                f"prompts=upstream has no reasoning-format instruction (the paper fine-tunes on "
                f"traces), so cot={cot} would change nothing: show the format with -T shots=N, "
                "or use prompts=trustbench."
            )
        prompt = PlanningPrompt(load_upstream_prompt(mirror_root(data_dir)))
    chosen_sizes = _sizes(sizes)
    if map_file is not None:
        maps, left_out = file_maps(
            map_file,
            id_max_size,
            on_invalid,
            sizes=chosen_sizes,
            n_per_size=n_per_size,
            split=split,
        )
        source: dict[str, str | int] = {"map_file": map_file}
    else:
        per_size = n_per_size or GENERATED_PER_SIZE
        maps = generated_maps(chosen_sizes or default_sizes(split), per_size, seed, id_max_size)
        left_out = []
        source = {"generator_seed": seed, "n_per_size": per_size}
    dataset = build_dataset(maps, representation, trace, shots, seed, id_max_size, prompt)
    trivial = []
    if ood_filter == "window":
        trivial = [s for s in dataset if (s.metadata or {}).get("trivial")]
        left_out += [
            {"map": str(s.id), "reason": f"OOD map inside a {id_max_size}x{id_max_size} window"}
            for s in trivial
        ]
        dataset = dataset.filter(lambda s: not (s.metadata or {}).get("trivial"))
    if len(dataset) == 0:
        raise ValueError("No maps to evaluate: check split, sizes, map_file and ood_filter.")
    config = GenerateConfig(
        temperature=0.7,
        top_p=0.9,
        seed=seed,
        max_tokens=MAX_TOKENS["image" if representation == "image" else "text"],
    )
    return Task(
        dataset=dataset,
        solver=planning_solver(representation),
        scorer=plan_success(),
        metrics=[accuracy(), stderr(), planning_breakdown()],
        config=config,
        version=2,
        metadata={
            **ReportSpec(headline="accuracy", breakdowns=BREAKDOWNS).metadata(),
            "ood_filter": ood_filter,
            "trivial_removed": len(trivial),
            "skipped_maps": len(left_out),
            "skipped": left_out,
            "prompts": prompt.record(),
            **source,
        },
    )
