"""Worked answers (chain-of-thought targets) for few-shot demonstrations.

Each format mirrors one of the upstream reasoning-trace styles: one block per move, then the
boxed answer. The description narration is our own wording of the same content: which
directions reduce the Manhattan distance to the goal, which of them a hole blocks, and the
move taken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from .maps import GridMap, Position
from .render import char_grid, table
from .simulator import Move, simulate, step


class TraceFormat(StrEnum):
    NONE = "none"
    DESCRIPTION = "description"
    TABLE = "table"
    GRID = "grid"
    TABLE_DESCRIPTION = "table_description"
    GRID_DESCRIPTION = "grid_description"


def format_answer(moves: Sequence[Move]) -> str:
    """The upstream target form, e.g. `\\boxed{DOWN, DOWN, LEFT}`."""
    return "\\boxed{" + ", ".join(move.word for move in moves) + "}"


def _at(pos: Position) -> str:
    return f"row {pos[0] + 1}, column {pos[1] + 1}"


def _closer(pos: Position, goal: Position) -> list[Move]:
    """Directions that reduce the Manhattan distance to the goal, in U, D, L, R order."""
    return [
        move
        for move, wanted in (
            (Move.U, goal[0] < pos[0]),
            (Move.D, goal[0] > pos[0]),
            (Move.L, goal[1] < pos[1]),
            (Move.R, goal[1] > pos[1]),
        )
        if wanted
    ]


def _narrate(grid: GridMap, pos: Position, move: Move) -> str:
    closer = _closer(pos, grid.goal)
    sentences = [f"I am at {_at(pos)} and the goal is at {_at(grid.goal)}."]
    if not closer:
        return " ".join([*sentences, f"I am on the goal, but the plan moves {move.word}."])
    sentences.append(
        "Moving " + " or ".join(m.word for m in closer) + " brings me closer to the goal."
    )
    for blocked in closer:
        target = step(pos, blocked)
        if target in grid.holes:
            sentences.append(f"{blocked.word} is blocked by a hole at {_at(target)}.")
    if move in closer:
        sentences.append(f"I move {move.word}.")
    else:
        sentences.append(f"I move {move.word}, a detour around the holes.")
    return " ".join(sentences)


_VIEWS: dict[TraceFormat, tuple[bool, Callable[[GridMap, Position | None], str] | None]] = {
    TraceFormat.DESCRIPTION: (True, None),
    TraceFormat.TABLE: (False, table),
    TraceFormat.GRID: (False, char_grid),
    TraceFormat.TABLE_DESCRIPTION: (True, table),
    TraceFormat.GRID_DESCRIPTION: (True, char_grid),
}
"""Per format: whether a step narrates, and which renderer redraws the state after it."""


def reasoning_trace(grid: GridMap, moves: Sequence[Move], fmt: TraceFormat) -> str:
    """The worked answer for `moves`, which must reach the goal (use `shortest_path`)."""
    outcome = simulate(grid, moves)
    if not outcome.success:
        raise ValueError(
            f"moves do not solve the map ({outcome.reason} after {outcome.steps_taken} moves); "
            "traces demonstrate correct plans, e.g. shortest_path(grid)"
        )
    fmt = TraceFormat(fmt)
    if fmt is TraceFormat.NONE:
        return format_answer(moves)
    narrate, view = _VIEWS[fmt]
    blocks = []
    for index, move in enumerate(moves):
        before, after = outcome.path[index], outcome.path[index + 1]
        lines = [
            f"Step {index + 1}: "
            + (_narrate(grid, before, move) if narrate else f"I move {move.word}.")
        ]
        if view is not None:
            lines.append(view(grid, after))
        blocks.append("\n".join(lines))
    return "\n\n".join([*blocks, format_answer(moves)])
