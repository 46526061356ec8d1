import statistics
import subprocess
import sys

import pytest

from trustbench.environments.gridworld import (
    VSP_HOLE_DENSITY,
    generate_maps,
    generate_splits,
    is_solvable,
)


def _keys(maps):
    return [grid.key() for grid in maps]


def test_same_seed_same_maps_and_prefix_stable():
    first = _keys(generate_maps(5, 40, seed=3))
    assert first == _keys(generate_maps(5, 40, seed=3))
    assert first[:10] == _keys(generate_maps(5, 10, seed=3))
    assert first != _keys(generate_maps(5, 40, seed=4))


def test_deterministic_across_processes():
    code = (
        "from trustbench.environments.gridworld import generate_maps;"
        "print([g.key() for g in generate_maps(6, 5, seed=11)])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(hash_seed)},
        ).stdout
        for hash_seed in (1, 2)
    }
    assert outputs == {str(_keys(generate_maps(6, 5, seed=11))) + "\n"}


def test_no_duplicates_solvable_and_exclude():
    maps = generate_maps(3, 300, seed=0)
    keys = _keys(maps)
    assert len(set(keys)) == 300
    assert all(is_solvable(grid) and grid.size == 3 for grid in maps)
    more = generate_maps(3, 100, seed=0, exclude=set(keys))
    assert not set(_keys(more)) & set(keys)


def test_impossible_request_raises():
    with pytest.raises(ValueError, match="distinct solvable 2x2 maps"):
        generate_maps(2, 1000, seed=0)


def test_hole_probability_override():
    assert all(not grid.holes for grid in generate_maps(4, 20, seed=0, hole_probability=0.0))


def test_splits_are_disjoint_and_stable():
    sizes = {"test": [3, 4], "train": [3, 4]}
    splits = generate_splits(sizes, 150, seed=1)
    assert {split: len(maps) for split, maps in splits.items()} == {"test": 300, "train": 300}
    test_keys, train_keys = set(_keys(splits["test"])), set(_keys(splits["train"]))
    assert len(test_keys) == len(train_keys) == 300
    assert not test_keys & train_keys
    alone = generate_splits({"test": [3, 4]}, 150, seed=1)
    assert _keys(alone["test"]) == _keys(splits["test"])


def test_mean_density_matches_vsp():
    for size, target in VSP_HOLE_DENSITY.items():
        maps = generate_maps(size, 300, seed=0)
        density = statistics.fmean(grid.hole_density for grid in maps)
        assert abs(density - target) < 0.03, (size, density, target)
