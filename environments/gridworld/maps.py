"""The FrozenLake map: an N×N grid with one start, one goal and some holes.

`map_desc` (N×N rows of cell codes) is the upstream VSP/Mirage storage format; keeping it as
our interchange format lets us load their files and deduplicate against them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Position = tuple[int, int]
"""(row, col), 0-based, row 0 at the top."""

FROZEN = 0
START = 1
GOAL = 2
HOLE = -1
CELL_CODES = {FROZEN: "frozen", START: "start", GOAL: "goal", HOLE: "hole"}


class MapFormatError(ValueError):
    """A map (or a line of a map file) is not a valid FrozenLake map.

    `problem` is the bare description; `path` and `line` locate it when it came from a file.
    """

    def __init__(self, problem: str, *, path: str | None = None, line: int | None = None):
        self.problem = problem
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path is not None and line is not None else ""
        super().__init__(f"{where}{problem}")


def _as_position(value: Any, what: str) -> Position:
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise MapFormatError(f"{what} must be a (row, col) pair of ints, got {value!r}")
    return (value[0], value[1])


@dataclass(frozen=True)
class GridMap:
    """An immutable, validated map; hashable so it can live in sets and dict keys."""

    size: int
    start: Position
    goal: Position
    holes: frozenset[Position] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not isinstance(self.size, int) or isinstance(self.size, bool) or self.size < 2:
            raise MapFormatError(f"size must be an int >= 2, got {self.size!r}")
        start = _as_position(self.start, "start")
        goal = _as_position(self.goal, "goal")
        holes = frozenset(_as_position(h, "hole") for h in self.holes)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "goal", goal)
        object.__setattr__(self, "holes", holes)
        for name, pos in (("start", start), ("goal", goal)):
            if not self.in_bounds(pos):
                raise MapFormatError(f"{name} {pos} is outside the {self.size}x{self.size} map")
            if pos in holes:
                raise MapFormatError(f"{name} {pos} is also a hole; remove it from holes")
        if start == goal:
            raise MapFormatError(f"start and goal are the same cell {start}; they must differ")
        outside = sorted(h for h in holes if not self.in_bounds(h))
        if outside:
            raise MapFormatError(f"holes {outside} are outside the {self.size}x{self.size} map")

    def in_bounds(self, pos: Position) -> bool:
        return 0 <= pos[0] < self.size and 0 <= pos[1] < self.size

    def cell(self, pos: Position) -> int:
        """The upstream cell code at `pos`: 0 frozen, 1 start, 2 goal, -1 hole."""
        if not self.in_bounds(pos):
            raise IndexError(f"position {pos} is outside the {self.size}x{self.size} map")
        if pos == self.start:
            return START
        if pos == self.goal:
            return GOAL
        return HOLE if pos in self.holes else FROZEN

    @property
    def hole_density(self) -> float:
        """Holes per cell, the statistic VSP's levels are calibrated on."""
        return len(self.holes) / (self.size * self.size)

    def to_map_desc(self) -> list[list[int]]:
        return [[self.cell((r, c)) for c in range(self.size)] for r in range(self.size)]

    def key(self) -> str:
        """Canonical compact JSON of the map_desc: equal maps have equal keys, across processes."""
        return json.dumps(self.to_map_desc(), separators=(",", ":"))

    @classmethod
    def from_map_desc(cls, rows: list[list[int]]) -> GridMap:
        """Parse upstream `map_desc`; raises MapFormatError naming the offending row/col."""
        if not isinstance(rows, list) or not rows:
            raise MapFormatError(f"map_desc must be a non-empty list of rows, got {rows!r:.60}")
        for r, row in enumerate(rows):
            if not isinstance(row, list):
                raise MapFormatError(f"map_desc row {r} must be a list of cell codes, got {row!r}")
        widths = {len(row) for row in rows}
        if len(widths) > 1:
            raise MapFormatError(
                f"ragged map_desc: row lengths are {[len(row) for row in rows]}; "
                "every row must have the same number of cells"
            )
        width = widths.pop()
        if width != len(rows):
            raise MapFormatError(
                f"map is {len(rows)} rows x {width} columns; it must be square (N x N)"
            )
        if width < 2:
            raise MapFormatError(f"map is {width}x{width}; size must be at least 2")
        found: dict[int, list[Position]] = {code: [] for code in CELL_CODES}
        for r, row in enumerate(rows):
            for c, code in enumerate(row):
                if not isinstance(code, int) or isinstance(code, bool) or code not in CELL_CODES:
                    raise MapFormatError(
                        f"unknown cell code {code!r} at row {r} col {c} (0-based); "
                        "expected 0 frozen, 1 start, 2 goal or -1 hole"
                    )
                found[code].append((r, c))
        for code, name in ((START, "start"), (GOAL, "goal")):
            if not found[code]:
                raise MapFormatError(f"no {name} cell (code {code}) in the map; add exactly one")
            if len(found[code]) > 1:
                raise MapFormatError(
                    f"{len(found[code])} {name} cells (code {code}) at {found[code]} (0-based); "
                    "keep exactly one"
                )
        return cls(
            size=len(rows),
            start=found[START][0],
            goal=found[GOAL][0],
            holes=frozenset(found[HOLE]),
        )
