"""Deterministic FrozenLake dynamics, scoring and shortest paths.

`simulate` follows the upstream (Neuhaus et al.) scorer exactly: moving off the edge is a
no-op, a hole ends the episode, and only the *final* position counts, so walking over the
goal and off it again fails.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from .maps import GridMap, Position


class Move(StrEnum):
    """One step; the value is the upstream single-letter code (a str, so it compares to "U")."""

    U = "U"
    D = "D"
    L = "L"
    R = "R"

    @property
    def delta(self) -> Position:
        return _DELTAS[self]

    @property
    def word(self) -> str:
        """The full word used in upstream targets (`\\boxed{DOWN, LEFT}`)."""
        return _WORDS[self]


_DELTAS: dict[Move, Position] = {Move.U: (-1, 0), Move.D: (1, 0), Move.L: (0, -1), Move.R: (0, 1)}
_WORDS: dict[Move, str] = {Move.U: "UP", Move.D: "DOWN", Move.L: "LEFT", Move.R: "RIGHT"}


def step(pos: Position, move: Move) -> Position:
    """The cell `move` leads to from `pos`, ignoring map bounds."""
    dr, dc = move.delta
    return (pos[0] + dr, pos[1] + dc)


@dataclass(frozen=True)
class Outcome:
    """Result of playing a plan.

    `path` lists the start and the position after every executed move (a no-op repeats the
    position). `steps_taken` counts executed moves; on a hole it includes the fatal move, so
    the failing move is `moves[steps_taken - 1]`.
    """

    success: bool
    reason: Literal["goal", "hole", "not_at_goal"]
    final: Position
    steps_taken: int
    path: list[Position]


def simulate(grid: GridMap, moves: Sequence[Move]) -> Outcome:
    pos = grid.start
    path = [pos]
    for index, move in enumerate(moves):
        nxt = step(pos, move)
        if grid.in_bounds(nxt):
            pos = nxt
        path.append(pos)
        if pos in grid.holes:
            return Outcome(False, "hole", pos, index + 1, path)
    if pos == grid.goal:
        return Outcome(True, "goal", pos, len(moves), path)
    return Outcome(False, "not_at_goal", pos, len(moves), path)


def _bfs(grid: GridMap, lo: Position, hi: Position) -> list[Move] | None:
    """Shortest start→goal plan using only cells in the box lo..hi (inclusive).

    Neighbours are expanded in the order U, D, L, R from a FIFO queue, so among all shortest
    plans the one returned is the lexicographically first under U < D < L < R.
    """
    parent: dict[Position, tuple[Position, Move]] = {}
    seen = {grid.start}
    queue = deque([grid.start])
    while queue:
        pos = queue.popleft()
        if pos == grid.goal:
            plan: list[Move] = []
            while pos != grid.start:
                pos, move = parent[pos]
                plan.append(move)
            return plan[::-1]
        for move in Move:
            nxt = step(pos, move)
            if (
                lo[0] <= nxt[0] <= hi[0]
                and lo[1] <= nxt[1] <= hi[1]
                and nxt not in seen
                and nxt not in grid.holes
            ):
                seen.add(nxt)
                parent[nxt] = (pos, move)
                queue.append(nxt)
    return None


def shortest_path(grid: GridMap) -> list[Move] | None:
    """A shortest safe plan (BFS; ties → first under U < D < L < R), or None if unsolvable."""
    last = grid.size - 1
    return _bfs(grid, (0, 0), (last, last))


def is_solvable(grid: GridMap) -> bool:
    return shortest_path(grid) is not None


def fits_in_window(grid: GridMap, window: int) -> bool:
    """Whether some window×window sub-square holds start, goal and a globally optimal path.

    This is the "trivial match" control for out-of-distribution sizes: such a map is an
    in-distribution problem padded with extra cells. Maps no larger than the window always
    fit; unsolvable larger maps never do.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    if grid.size <= window:
        return True
    best = shortest_path(grid)
    if best is None:
        return False
    cells = (grid.start, grid.goal)
    span = window - 1
    for top in range(grid.size - span):
        if not all(top <= r <= top + span for r, _ in cells):
            continue
        for left in range(grid.size - span):
            if not all(left <= c <= left + span for _, c in cells):
                continue
            plan = _bfs(grid, (top, left), (top + span, left + span))
            if plan is not None and len(plan) == len(best):
                return True
    return False
