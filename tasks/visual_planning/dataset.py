"""Maps for the task: generated per split and size, or read from a file in the upstream encoding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessage, ChatMessageAssistant

from trustbench.environments.gridworld import (
    GridMap,
    TraceFormat,
    fits_in_window,
    generate_maps,
    generate_splits,
    load_map_file,
    reasoning_trace,
    shortest_path,
)
from trustbench.tasks.visual_planning.prompts import PlanningPrompt

Representation = Literal["image", "description", "table", "grid", "coordinates"]
REPRESENTATIONS: tuple[str, ...] = ("image", "description", "table", "grid", "coordinates")
ID_SIZES = (3, 4, 5, 6)
OOD_SIZES = (7, 8)
DEMO_SEED_OFFSET = 1_000_003


@dataclass(frozen=True)
class PlanningMap:
    map: GridMap
    map_id: str
    split: Literal["id", "ood"]


def split_of(size: int, id_max_size: int) -> Literal["id", "ood"]:
    return "id" if size <= id_max_size else "ood"


def default_sizes(split: str) -> list[int]:
    return {"id": list(ID_SIZES), "ood": list(OOD_SIZES), "all": [*ID_SIZES, *OOD_SIZES]}[split]


def generated_maps(
    sizes: Sequence[int], n_per_size: int, seed: int, id_max_size: int
) -> list[PlanningMap]:
    by_split: dict[str, list[int]] = {"id": [], "ood": []}
    for size in sizes:
        by_split[split_of(size, id_max_size)].append(size)
    generated = generate_splits(by_split, n_per_size, seed=seed)
    counts: Counter[int] = Counter()
    maps = []
    splits: tuple[Literal["id", "ood"], ...] = ("id", "ood")
    for split in splits:
        for grid in generated[split]:
            maps.append(
                PlanningMap(grid, f"{grid.size}x{grid.size}-{counts[grid.size]:03d}", split)
            )
            counts[grid.size] += 1
    return maps


def file_maps(
    path: str | Path,
    id_max_size: int,
    on_invalid: Literal["error", "skip"],
    *,
    sizes: Sequence[int] | None,
    n_per_size: int | None,
    split: str,
) -> tuple[list[PlanningMap], list[dict[str, str]]]:
    """The file's maps that `sizes` and `split` select, at most `n_per_size` of each size in
    file order; and every map left out, with the reason."""
    loaded = load_map_file(path, on_invalid=on_invalid)
    left_out = [
        {"map": f"{Path(path).name}:{item.line}", "reason": item.reason} for item in loaded.skipped
    ]
    kept: list[PlanningMap] = []
    counts: Counter[int] = Counter()
    for item in loaded.maps:
        size = item.map.size
        where = split_of(size, id_max_size)
        if sizes is not None and size not in sizes:
            reason = f"size {size} is not in sizes={list(sizes)}"
        elif split != "all" and where != split:
            reason = f"an {where.upper()} map, and split={split}"
        elif n_per_size is not None and counts[size] >= n_per_size:
            reason = f"beyond n_per_size={n_per_size} maps of size {size}"
        else:
            kept.append(PlanningMap(item.map, item.map_id, where))
            counts[size] += 1
            continue
        left_out.append({"map": item.map_id, "reason": reason})
    return kept, left_out


def demonstration_maps(shots: int, seed: int, exclude: set[str]) -> list[GridMap]:
    """Worked examples come from in-distribution sizes and never repeat an evaluated map."""
    maps: list[GridMap] = []
    for i in range(shots):
        size = ID_SIZES[i % len(ID_SIZES)]
        found = generate_maps(size, 1, seed=seed + DEMO_SEED_OFFSET + i, exclude=exclude)
        maps += found
        exclude = exclude | {found[0].key()}
    return maps


def demonstration(
    grid: GridMap, representation: str, cot: TraceFormat, prompt: PlanningPrompt
) -> list[ChatMessage]:
    plan = shortest_path(grid)
    assert plan is not None, "demonstration maps are generated solvable"
    return [
        prompt.message(grid, representation, cot),
        ChatMessageAssistant(content=reasoning_trace(grid, plan, cot)),
    ]


def to_sample(
    item: PlanningMap,
    representation: str,
    cot: TraceFormat,
    demos: list[GridMap],
    id_max_size: int,
    prompt: PlanningPrompt,
) -> Sample:
    plan = shortest_path(item.map)
    if plan is None:
        raise ValueError(f"map {item.map_id} is unsolvable")
    messages: list[ChatMessage] = []
    for demo in demos:
        messages += demonstration(demo, representation, cot, prompt)
    messages.append(prompt.message(item.map, representation, cot))
    trivial = item.split == "ood" and fits_in_window(item.map, id_max_size)
    return Sample(
        id=item.map_id,
        input=messages,
        target=", ".join(move.value for move in plan),
        metadata={
            "map_desc": item.map.to_map_desc(),
            "size": item.map.size,
            "split": item.split,
            "trivial": trivial,
            "optimal_length": len(plan),
            "representation": representation,
        },
    )


def build_dataset(
    maps: list[PlanningMap],
    representation: str,
    cot: TraceFormat,
    shots: int,
    seed: int,
    id_max_size: int,
    prompt: PlanningPrompt,
) -> MemoryDataset:
    demos = demonstration_maps(shots, seed, {m.map.key() for m in maps})
    samples = [to_sample(m, representation, cot, demos, id_max_size, prompt) for m in maps]
    return MemoryDataset(samples, name="visual_planning")
