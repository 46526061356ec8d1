import pytest

from trustbench.environments.gridworld import (
    GridMap,
    Move,
    fits_in_window,
    is_solvable,
    shortest_path,
    simulate,
)

U, D, L, R = Move.U, Move.D, Move.L, Move.R
# . G .
# . X .
# . S X
GRID = GridMap.from_map_desc([[0, 2, 0], [0, -1, 0], [0, 1, -1]])


def test_move_deltas_and_words():
    assert [m.delta for m in Move] == [(-1, 0), (1, 0), (0, -1), (0, 1)]
    assert [m.word for m in Move] == ["UP", "DOWN", "LEFT", "RIGHT"]
    assert Move("U") is U


def test_edge_move_is_noop():
    outcome = simulate(GRID, [D, L, L, U, U, R])
    assert outcome.success and outcome.reason == "goal"
    assert outcome.path[:4] == [(2, 1), (2, 1), (2, 0), (2, 0)]
    assert outcome.steps_taken == 6


def test_hole_ends_episode():
    outcome = simulate(GRID, [L, U, R, U, U])
    assert not outcome.success
    assert outcome.reason == "hole"
    assert outcome.final == (1, 1)
    assert outcome.steps_taken == 3
    assert outcome.path == [(2, 1), (2, 0), (1, 0), (1, 1)]


def test_overshooting_the_goal_fails():
    outcome = simulate(GRID, [L, U, U, R, R])
    assert not outcome.success
    assert outcome.reason == "not_at_goal"
    assert outcome.final == (0, 2)


def test_empty_plan_is_not_at_goal():
    assert simulate(GRID, []).reason == "not_at_goal"


def test_non_shortest_plan_succeeds():
    outcome = simulate(GRID, [L, U, D, U, U, R])
    assert outcome.success and outcome.steps_taken == 6


def test_bfs_is_optimal_and_tie_broken_u_d_l_r():
    assert shortest_path(GRID) == [L, U, U, R]
    open_map = GridMap(size=4, start=(3, 0), goal=(0, 3))
    assert shortest_path(open_map) == [U, U, U, R, R, R]
    # . . . .
    # S X G .
    # . X X .
    # . . . .
    detour = GridMap(size=4, start=(1, 0), goal=(1, 2), holes=frozenset({(1, 1), (2, 1), (2, 2)}))
    plan = shortest_path(detour)
    assert plan == [U, R, R, D]
    assert simulate(detour, plan).success


def test_unsolvable():
    walled = GridMap.from_map_desc([[1, -1, 0], [-1, 0, 0], [0, 0, 2]])
    assert shortest_path(walled) is None
    assert not is_solvable(walled)
    assert is_solvable(GRID)


def test_fits_in_window_small_maps_always_fit():
    assert fits_in_window(GRID, 6)
    assert fits_in_window(GridMap(size=6, start=(0, 0), goal=(5, 5)), 6)


def test_fits_in_window_too_far_apart():
    wide = GridMap(size=7, start=(3, 0), goal=(3, 6))
    assert not fits_in_window(wide, 6)
    assert fits_in_window(wide, 7)


def test_fits_in_window_padded_small_problem():
    padded = GridMap(size=8, start=(2, 2), goal=(4, 5), holes=frozenset({(3, 3), (7, 7)}))
    assert fits_in_window(padded, 6)


def test_fits_in_window_optimal_path_leaves_window():
    # Start and goal fit only in the window rows 0-5, cols 1-6, where the best path has 11
    # moves; the global optimum (9 moves) runs through column 0.
    # . . . . . . S
    # . X X . . . .
    # . G X . . . .
    # . . X . . . .
    grid = GridMap(
        size=7, start=(0, 6), goal=(2, 1), holes=frozenset({(1, 1), (1, 2), (2, 2), (3, 2)})
    )
    assert len(shortest_path(grid)) == 9
    assert not fits_in_window(grid, 6)


def test_fits_in_window_rejects_bad_window():
    with pytest.raises(ValueError, match="window"):
        fits_in_window(GRID, 0)
