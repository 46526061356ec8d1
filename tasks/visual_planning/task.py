"""Visual planning OOD: navigate a FrozenLake-style grid map, in and out of distribution."""

from __future__ import annotations

from typing import Literal

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig, get_model
from inspect_ai.scorer import accuracy, stderr
from inspect_ai.solver import Generate, Solver, TaskState, generate, solver

from trustbench.environments.gridworld import TraceFormat
from trustbench.report_spec import ReportSpec
from trustbench.tasks.visual_planning.dataset import (
    REPRESENTATIONS,
    build_dataset,
    default_sizes,
    file_maps,
    generated_maps,
)
from trustbench.tasks.visual_planning.scorer import plan_success, planning_breakdown

TEXT_ONLY_PROVIDERS = ("local", "hf")
"""Providers that cannot take an image; an image run on them fails before any sample starts."""

BREAKDOWNS = ["size", "split", "trivial"]


@solver
def require_image_input() -> Solver:
    """Fail clearly, instead of with a provider error deep in a request, on text-only models."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        provider = str(get_model()).split("/", 1)[0]
        if provider in TEXT_ONLY_PROVIDERS:
            raise ValueError(
                f"The model '{get_model()}' takes text only, but representation=image sends an "
                "image. Use -T representation=grid (or description, table, coordinates), or a "
                "vision model."
            )
        return state

    return solve


def _sizes(sizes: list[int] | str | int | None, split: str) -> list[int]:
    if sizes is None:
        return default_sizes(split)
    if isinstance(sizes, int):
        return [sizes]
    if isinstance(sizes, str):
        return [int(s) for s in sizes.replace(",", " ").split()]
    return [int(s) for s in sizes]


@task(needs={"vision": "representation=image"})
def visual_planning(
    representation: Literal["image", "description", "table", "grid", "coordinates"] = "grid",
    cot: Literal[
        "none", "description", "table", "grid", "table_description", "grid_description"
    ] = "none",
    shots: int = 0,
    split: Literal["id", "ood", "all"] = "all",
    sizes: list[int] | str | None = None,
    n_per_size: int = 100,
    seed: int = 0,
    map_file: str | None = None,
    on_invalid_map: Literal["error", "skip"] = "error",
    ood_filter: Literal["none", "window"] = "none",
    id_max_size: int = 6,
) -> Task:
    """Plan a safe move sequence on a grid map given as an image or text; ID vs OOD map sizes.

    Maps up to `id_max_size` are in distribution, larger ones out of distribution. `sizes`
    (default 3-6 for id, 7-8 for ood) and `n_per_size` control generated maps; `map_file`
    evaluates maps in the upstream `map_desc` encoding instead. `ood_filter=window` drops OOD maps
    whose start, goal and an optimal path fit in an ID-sized window; OOD success on the
    remaining maps is always reported as `ood_controlled`.
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(f"representation must be one of {REPRESENTATIONS}, not {representation!r}")
    trace = TraceFormat(cot)
    if map_file is not None:
        maps, skipped = file_maps(map_file, id_max_size, on_invalid_map)
        if split != "all":
            maps = [m for m in maps if m.split == split]
        source = {"map_file": map_file, "skipped_maps": skipped}
    else:
        maps = generated_maps(_sizes(sizes, split), n_per_size, seed, id_max_size)
        source = {"generator_seed": seed, "n_per_size": n_per_size, "skipped_maps": 0}
    dataset = build_dataset(
        maps, representation, trace, shots, seed, id_max_size, "visual_planning"
    )
    removed = 0
    if ood_filter == "window":
        kept = dataset.filter(lambda s: not (s.metadata or {}).get("trivial"))
        removed = len(dataset) - len(kept)
        dataset = kept
    if len(dataset) == 0:
        raise ValueError("No maps to evaluate: check split, sizes, map_file and ood_filter.")
    solvers = [generate()]
    if representation == "image":
        solvers.insert(0, require_image_input())
    return Task(
        dataset=dataset,
        solver=solvers,
        scorer=plan_success(),
        metrics=[accuracy(), stderr(), planning_breakdown()],
        config=GenerateConfig(temperature=0.7, top_p=0.9),
        version=1,
        metadata={
            **ReportSpec().metadata(),
            "breakdowns": BREAKDOWNS,
            "headline": "accuracy",
            "ood_filter": ood_filter,
            "trivial_removed": removed,
            **source,
        },
    )
