import pytest

from trustbench.environments.gridworld import (
    GridMap,
    Move,
    TraceFormat,
    format_answer,
    generate_maps,
    parse_moves,
    reasoning_trace,
    shortest_path,
)

GRID = GridMap.from_map_desc([[0, 2, 0], [0, -1, 0], [0, 1, -1]])
PLAN = shortest_path(GRID)


def test_format_answer():
    assert format_answer([Move.D, Move.D, Move.L]) == "\\boxed{DOWN, DOWN, LEFT}"


def test_none_is_just_the_answer():
    assert reasoning_trace(GRID, PLAN, TraceFormat.NONE) == "\\boxed{LEFT, UP, UP, RIGHT}"


@pytest.mark.parametrize("fmt", list(TraceFormat))
def test_every_format_ends_with_answer_that_parses_back(fmt):
    for grid in [GRID, *generate_maps(6, 5, seed=2)]:
        plan = shortest_path(grid)
        trace = reasoning_trace(grid, plan, fmt)
        assert trace.endswith(format_answer(plan))
        assert parse_moves(trace).moves == plan
        if fmt is not TraceFormat.NONE:
            assert trace.count("Step ") == len(plan)


def test_description_narrates_blocked_and_detour():
    trace = reasoning_trace(GRID, PLAN, TraceFormat.DESCRIPTION)
    first = trace.split("\n\n")[0]
    assert "Moving UP brings me closer" in first
    assert "UP is blocked by a hole at row 2, column 2" in first
    assert "I move LEFT, a detour around the holes." in first
    assert "RIGHT is blocked by a hole" in trace.split("\n\n")[2]


def test_table_trace_shows_player_moving():
    blocks = reasoning_trace(GRID, PLAN, TraceFormat.TABLE).split("\n\n")
    assert blocks[0].splitlines()[-1] == "| Row 3 | @ | _ | # |"
    assert blocks[1].splitlines()[-2] == "| Row 2 | @ | # | _ |"
    assert blocks[3].splitlines()[2] == "| Row 1 | _ | @ | _ |"


def test_combined_format_has_description_then_state():
    block = reasoning_trace(GRID, PLAN, TraceFormat.GRID_DESCRIPTION).split("\n\n")[0]
    lines = block.splitlines()
    assert lines[0].startswith("Step 1: I am at row 3, column 2")
    assert lines[1:] == ["Grid:", ". G .", ". X .", "P . X"]


def test_failing_plan_rejected():
    with pytest.raises(ValueError, match="do not solve"):
        reasoning_trace(GRID, [Move.U], TraceFormat.TABLE)
