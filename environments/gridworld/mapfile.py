"""Loading map files in the upstream VSP/Mirage layouts (JSONL or a JSON list)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .maps import GridMap, MapFormatError
from .simulator import is_solvable


@dataclass(frozen=True)
class LoadedMap:
    map: GridMap
    map_id: str
    line: int
    """1-based line (JSONL) or 1-based list index (JSON) the map came from."""


@dataclass(frozen=True)
class SkippedMap:
    line: int
    reason: str


@dataclass(frozen=True)
class MapFile:
    maps: list[LoadedMap] = field(default_factory=list)
    skipped: list[SkippedMap] = field(default_factory=list)


def _parse_entry(entry: Any, default_id: str, require_solvable: bool) -> tuple[GridMap, str]:
    """An entry is `{"map_desc": [...], "map_id": ...}` (other fields ignored) or a bare list."""
    if isinstance(entry, dict):
        if "map_desc" not in entry:
            raise MapFormatError(f"object has no 'map_desc' field (keys: {sorted(entry)[:8]})")
        desc = entry["map_desc"]
        raw_id = entry.get("map_id")
        map_id = default_id if raw_id is None else str(raw_id)
    elif isinstance(entry, list):
        desc, map_id = entry, default_id
    else:
        raise MapFormatError(
            f"expected an object with a 'map_desc' field or a map_desc list, "
            f"got {type(entry).__name__}"
        )
    grid = GridMap.from_map_desc(desc)
    if require_solvable and not is_solvable(grid):
        raise MapFormatError("unsolvable map: no path from start to goal avoids the holes")
    return grid, map_id


def _entries(path: Path) -> list[tuple[int, Any, str | None]]:
    """(line, decoded JSON, problem) per entry; problem is set when a JSONL line is not JSON.
    The file is UTF-8, with or without a byte-order mark.

    A `.json` file that is not valid JSON as a whole cannot be skipped line by line, so it
    raises straight away.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise MapFormatError(
            f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}; save the file as "
            "UTF-8 (with or without a byte-order mark)",
            path=str(path),
            line=line,
        ) from err
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise MapFormatError(
                f"invalid JSON: {err.msg}", path=str(path), line=err.lineno
            ) from err
        if not isinstance(data, list):
            raise MapFormatError(
                f"a .json map file must hold a list of maps, got {type(data).__name__}",
                path=str(path),
                line=1,
            )
        return [(index, entry, None) for index, entry in enumerate(data, start=1)]
    entries: list[tuple[int, Any, str | None]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            entries.append((number, json.loads(raw), None))
        except json.JSONDecodeError as err:
            entries.append((number, None, f"invalid JSON: {err.msg} at column {err.colno}"))
    return entries


def load_map_file(
    path: str | Path,
    *,
    on_invalid: Literal["error", "skip"] = "error",
    require_solvable: bool = True,
) -> MapFile:
    """Load every map of a JSONL file (one map per line) or a `.json` list of maps.

    With on_invalid="error" the first bad entry raises MapFormatError naming file and line;
    with "skip" bad entries are recorded in `MapFile.skipped` and loading continues.
    """
    if on_invalid not in ("error", "skip"):
        raise ValueError(f"on_invalid must be 'error' or 'skip', got {on_invalid!r}")
    path = Path(path)
    result = MapFile()
    for line, entry, problem in _entries(path):
        if problem is None:
            try:
                grid, map_id = _parse_entry(entry, f"{path.stem}:{line}", require_solvable)
            except MapFormatError as err:
                problem = err.problem
            else:
                result.maps.append(LoadedMap(map=grid, map_id=map_id, line=line))
                continue
        if on_invalid == "error":
            raise MapFormatError(problem, path=str(path), line=line)
        result.skipped.append(SkippedMap(line=line, reason=problem))
    return result
