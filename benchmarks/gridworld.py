"""Throughput and map statistics of trustbench.environments.gridworld.

Run `python benchmarks/gridworld.py`; everything is measured in that run, single-process
wall-clock on the current machine (about 10 s).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from trustbench.environments.gridworld import (
    TEXT_RENDERERS,
    VSP_HOLE_DENSITY,
    GridMap,
    Move,
    default_hole_probability,
    fits_in_window,
    generate_maps,
    render_png,
    shortest_path,
    simulate,
    target_hole_density,
)

SIZES = range(3, 9)
OOD_SIZES = (7, 8, 9, 10)
ID_WINDOW = 6


def rate(work: Callable[[], int], min_seconds: float = 0.5) -> float:
    """Items per second: repeat `work` (returning how many items it did) for min_seconds."""
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < min_seconds:
        done += work()
    return done / elapsed


def generation_batches(size: int) -> Callable[[], int]:
    seeds = iter(range(1, 10**6))
    return lambda: len(generate_maps(size, 100, seed=next(seeds)))


def render_all(render: Callable[[GridMap], object], grids: list[GridMap]) -> Callable[[], int]:
    def work() -> int:
        for grid in grids:
            render(grid)
        return len(grids)

    return work


def simulate_all(pairs: list[tuple[GridMap, list[Move]]]) -> Callable[[], int]:
    def work() -> int:
        for grid, plan in pairs:
            simulate(grid, plan)
        return len(pairs)

    return work


def throughput(maps: dict[int, list[GridMap]], plans: dict[int, list[list[Move]]]) -> None:
    print("Map generation (maps/s, a fresh seed per batch of 100):")
    for size in SIZES:
        print(f"  {size}x{size}: {rate(generation_batches(size)):,.0f}")
    sample = [grid for size in SIZES for grid in maps[size][:20]]
    print("Text renderings (renderings/s over 3x3..8x8 maps):")
    for name, render in TEXT_RENDERERS.items():
        print(f"  {name}: {rate(render_all(lambda g, r=render: r(g, None), sample)):,.0f}")
    png_rate = rate(render_all(render_png, sample[::10]), min_seconds=2.0)
    print(f"PNG renderings (renderings/s, 64 px cells): {png_rate:,.0f}")
    pairs = [(g, p) for size in SIZES for g, p in zip(maps[size], plans[size], strict=True)]
    print(f"Simulator (simulations/s of BFS plans): {rate(simulate_all(pairs)):,.0f}")
    print(f"BFS shortest_path (solves/s): {rate(render_all(shortest_path, maps[8])):,.0f} (8x8)")


def densities(plans: dict[int, list[list[Move]]]) -> None:
    print("Hole density of generated maps vs VSP (dedup inflates small sizes at large n):")
    for size in SIZES:
        batches = [generate_maps(size, 100, seed=seed) for seed in range(5)]
        small = statistics.fmean(g.hole_density for batch in batches for g in batch)
        large = statistics.fmean(g.hole_density for g in generate_maps(size, 1000, seed=0))
        lengths = statistics.fmean(len(plan) for plan in plans[size])
        print(
            f"  {size}x{size}: p={default_hole_probability(size):.3f} "
            f"density n=100 (5 seeds)={small:.3f} n=1000={large:.3f} "
            f"target={VSP_HOLE_DENSITY[size]:.3f} mean shortest path (n=300)={lengths:.2f}"
        )


def trivial_matches() -> None:
    print(
        f"Trivial-match filter (100 maps per size, seed 0; fits a {ID_WINDOW}x{ID_WINDOW} window):"
    )
    for size in OOD_SIZES:
        ood = generate_maps(size, 100, seed=0)
        fits = sum(fits_in_window(grid, ID_WINDOW) for grid in ood)
        density = statistics.fmean(grid.hole_density for grid in ood)
        print(
            f"  {size}x{size}: {fits}/{len(ood)} fit ({fits / len(ood):.0%}); "
            f"density={density:.3f} (target {target_hole_density(size):.3f})"
        )


def main() -> None:
    maps = {size: generate_maps(size, 300, seed=0) for size in SIZES}
    plans = {size: [shortest_path(grid) for grid in maps[size]] for size in SIZES}
    throughput(maps, plans)
    densities(plans)
    trivial_matches()


if __name__ == "__main__":
    main()
