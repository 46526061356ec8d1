"""Seeded procedural map generation matching VSP's hole densities.

Each (seed, size) pair — and in `generate_splits` each (seed, split, size) — gets its own
`random.Random` stream seeded with a string (hashed with SHA-512 by `random`, so it does not
depend on PYTHONHASHSEED). Adding a size or a split therefore never changes other maps, and
asking for more maps only appends to the list.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from .maps import GridMap
from .simulator import is_solvable

VSP_HOLE_DENSITY: dict[int, float] = {3: 0.136, 4: 0.158, 5: 0.178, 6: 0.179, 7: 0.194, 8: 0.194}
"""Mean holes per cell of the upstream VSP levels; sizes above 8 use the level-8 value."""

DEFAULT_HOLE_PROBABILITY: dict[int, float] = {
    3: 0.144,
    4: 0.164,
    5: 0.183,
    6: 0.182,
    7: 0.197,
    8: 0.196,
}
"""Per-cell hole probability that reproduces VSP_HOLE_DENSITY after start/goal placement and
rejection of unsolvable maps (which removes hole-heavy maps), found by bisection.

Measured mean density of the draw distribution (20k-100k solvable maps per size, before
deduplication): 3: 0.136, 4: 0.158, 5: 0.178, 6: 0.179, 7: 0.194, 8: 0.194, 9 and 10 (at
0.195): 0.194. Deduplication raises the density when n is a sizeable part of the few sparse
maps of a small size: 3x3 batches average 0.146 (n=100), 0.159 (n=300) and 0.189 (n=1000);
from 4x4 up the effect is within noise.
"""

_LARGE_SIZE_PROBABILITY = 0.195

_MAX_FAILED_DRAWS = 2000
"""Give up after this many consecutive useless draws: the map space is (nearly) exhausted."""


def default_hole_probability(size: int) -> float:
    """Calibrated p for `size`; smaller sizes borrow size 3's, larger ones a measured 0.195."""
    if size in DEFAULT_HOLE_PROBABILITY:
        return DEFAULT_HOLE_PROBABILITY[size]
    smallest = min(DEFAULT_HOLE_PROBABILITY)
    return DEFAULT_HOLE_PROBABILITY[smallest] if size < smallest else _LARGE_SIZE_PROBABILITY


def target_hole_density(size: int) -> float:
    return VSP_HOLE_DENSITY.get(size, VSP_HOLE_DENSITY[max(VSP_HOLE_DENSITY)])


def _draw(rng: random.Random, size: int, p: float) -> GridMap | None:
    """One candidate: Bernoulli(p) holes, then start and goal on two random safe cells."""
    cells = [(r, c) for r in range(size) for c in range(size)]
    holes = [cell for cell in cells if rng.random() < p]
    hole_set = set(holes)
    safe = [cell for cell in cells if cell not in hole_set]
    if len(safe) < 2:
        return None
    start, goal = rng.sample(safe, 2)
    return GridMap(size=size, start=start, goal=goal, holes=frozenset(holes))


def _generate(rng: random.Random, size: int, n: int, p: float, exclude: set[str]) -> list[GridMap]:
    if size < 2:
        raise ValueError(f"size must be >= 2, got {size}")
    if not 0.0 <= p < 1.0:
        raise ValueError(f"hole_probability must be in [0, 1), got {p}")
    maps: list[GridMap] = []
    seen = set(exclude)
    streak = 0
    while len(maps) < n:
        grid = _draw(rng, size, p)
        if grid is not None and grid.key() not in seen and is_solvable(grid):
            streak = 0
            seen.add(grid.key())
            maps.append(grid)
            continue
        streak += 1
        if streak == _MAX_FAILED_DRAWS:
            raise ValueError(
                f"found only {len(maps)} distinct solvable {size}x{size} maps (wanted {n}): "
                f"{streak} draws in a row were duplicates or unsolvable; ask for fewer "
                "maps, a larger size or a lower hole probability"
            )
    return maps


def generate_maps(
    size: int,
    n: int,
    *,
    seed: int,
    hole_probability: float | None = None,
    exclude: set[str] | None = None,
) -> list[GridMap]:
    """`n` distinct solvable size×size maps, none of whose `key()` is in `exclude`."""
    p = default_hole_probability(size) if hole_probability is None else hole_probability
    rng = random.Random(f"{seed}:{size}")
    return _generate(rng, size, n, p, exclude or set())


def generate_splits(
    sizes_by_split: Mapping[str, Sequence[int]], n_per_size: int, *, seed: int
) -> dict[str, list[GridMap]]:
    """Maps for several splits with no map shared between splits.

    Splits are filled in mapping order and later splits avoid the maps of earlier ones, so
    list the evaluation splits first: appending a split never changes the existing ones.
    """
    taken: set[str] = set()
    splits: dict[str, list[GridMap]] = {}
    for split, sizes in sizes_by_split.items():
        maps: list[GridMap] = []
        for size in sizes:
            rng = random.Random(f"{seed}:{split}:{size}")
            batch = _generate(rng, size, n_per_size, default_hole_probability(size), taken)
            taken.update(grid.key() for grid in batch)
            maps.extend(batch)
        splits[split] = maps
    return splits
