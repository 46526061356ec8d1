"""Text renderings of a map, optionally with the player somewhere other than the start.

`describe`, `table` and `char_grid` reproduce the upstream VSP/Neuhaus formats byte for byte
(they are data formats models were trained on); `coordinates` is our own compact format.
All positions in the output are 1-based. The player is drawn on top of whatever cell it
stands on; once it has left the start, the start cell is shown as frozen.
"""

from __future__ import annotations

from collections.abc import Callable

from .maps import GridMap, Position


def _player(grid: GridMap, player: Position | None) -> Position:
    pos = grid.start if player is None else player
    if not grid.in_bounds(pos):
        raise ValueError(f"player {pos} is outside the {grid.size}x{grid.size} map")
    return pos


def _symbols(
    grid: GridMap, player: Position | None, *, frozen: str, hole: str, goal: str, me: str
) -> list[list[str]]:
    at = _player(grid, player)
    rows = []
    for r in range(grid.size):
        row = []
        for c in range(grid.size):
            pos = (r, c)
            if pos == at:
                row.append(me)
            elif pos == grid.goal:
                row.append(goal)
            elif pos in grid.holes:
                row.append(hole)
            else:
                row.append(frozen)
        rows.append(row)
    return rows


def describe(grid: GridMap, player: Position | None = None) -> str:
    """VSP `pure_text`: size, player, holes and goal as sentences."""
    at = _player(grid, player)
    lines = [
        f"This is a {grid.size}x{grid.size} map.",
        f"The player is at: row {at[0] + 1}, column {at[1] + 1};",
    ]
    if grid.holes:
        holes = " ".join(f"Row {r + 1}, Column {c + 1};" for r, c in sorted(grid.holes))
        lines.append(f"The hole(s) are at: {holes}")
    else:
        lines.append("There is no holes in this map;")
    lines.append(f"The goal is at: Row {grid.goal[0] + 1}, Column {grid.goal[1] + 1}.")
    return "\n".join(lines)


def table(grid: GridMap, player: Position | None = None) -> str:
    """VSP `table`: `_` frozen, `#` hole, `@` player, `*` goal."""
    symbols = _symbols(grid, player, frozen="_", hole="#", goal="*", me="@")
    header = "| | " + " | ".join(f"Col {c + 1}" for c in range(grid.size)) + " |"
    rows = [f"| Row {r + 1} | " + " | ".join(row) + " |" for r, row in enumerate(symbols)]
    return "\n".join([header, *rows])


def char_grid(grid: GridMap, player: Position | None = None) -> str:
    """Neuhaus et al. `grid`: `.` frozen, `X` hole, `G` goal, `P` player."""
    symbols = _symbols(grid, player, frozen=".", hole="X", goal="G", me="P")
    return "\n".join(["Grid:", *(" ".join(row) for row in symbols)])


def coordinates(grid: GridMap, player: Position | None = None) -> str:
    """Our compact coordinate list; scales with the number of holes, not the map area."""
    at = _player(grid, player)
    holes = ", ".join(f"({r + 1}, {c + 1})" for r, c in sorted(grid.holes)) or "none"
    return "\n".join(
        [
            f"Map size: {grid.size}x{grid.size} (positions are (row, column), 1-based, "
            "row 1 at the top, column 1 at the left)",
            f"Player: ({at[0] + 1}, {at[1] + 1})",
            f"Goal: ({grid.goal[0] + 1}, {grid.goal[1] + 1})",
            f"Holes: {holes}",
        ]
    )


TEXT_RENDERERS: dict[str, Callable[[GridMap, Position | None], str]] = {
    "description": describe,
    "table": table,
    "grid": char_grid,
    "coordinates": coordinates,
}
"""Renderer per text format name; the names match LEGENDS."""

LEGENDS: dict[str, str] = {
    "description": (
        "The map is described in sentences giving the player, hole and goal positions as "
        "row and column numbers counted from 1 at the top-left corner."
    ),
    "table": (
        "The map is a table with one row per map row, where '_' is frozen ice (safe), "
        "'#' is a hole, '@' is the player and '*' is the goal."
    ),
    "grid": (
        "The map is a grid of space-separated cells, one map row per line, where '.' is "
        "frozen ice (safe), 'X' is a hole, 'G' is the goal and 'P' is the player."
    ),
    "coordinates": (
        "The map lists its size and the (row, column) positions of the player, the goal "
        "and every hole, counted from 1 at the top-left corner; all other cells are safe ice."
    ),
}
