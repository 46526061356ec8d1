import json
from pathlib import Path

import pytest

from trustbench.environments.gridworld import GridMap, MapFormatError, load_map_file

DESC = [[0, 2, 0], [0, -1, 0], [0, 1, -1]]


def test_map_desc_round_trip():
    grid = GridMap.from_map_desc(DESC)
    assert grid.size == 3
    assert grid.start == (2, 1)
    assert grid.goal == (0, 1)
    assert grid.holes == frozenset({(1, 1), (2, 2)})
    assert grid.to_map_desc() == DESC
    assert GridMap.from_map_desc(grid.to_map_desc()) == grid
    assert grid.cell((2, 2)) == -1 and grid.cell((0, 0)) == 0
    assert grid.hole_density == pytest.approx(2 / 9)
    assert grid.key() == GridMap.from_map_desc(DESC).key() == json.dumps(DESC).replace(" ", "")


@pytest.mark.parametrize(
    ("desc", "message"),
    [
        ([[0, 1, 2], [0, 0, 0]], "must be square"),
        ([[1, 2], [0]], "ragged"),
        ([[0, 2], [0, 0]], "no start"),
        ([[1, 2], [1, 0]], "2 start cells"),
        ([[1, 0], [0, 0]], "no goal"),
        ([[1, 2, 0], [0, 0, 0], [0, 7, 0]], "unknown cell code 7 at row 2 col 1"),
        ([[1]], "size must be at least 2"),
        ([], "non-empty list"),
    ],
)
def test_map_desc_errors(desc, message):
    with pytest.raises(MapFormatError, match=message):
        GridMap.from_map_desc(desc)


def test_gridmap_validation():
    with pytest.raises(MapFormatError, match="same cell"):
        GridMap(size=3, start=(0, 0), goal=(0, 0))
    with pytest.raises(MapFormatError, match="also a hole"):
        GridMap(size=3, start=(0, 0), goal=(1, 1), holes=frozenset({(1, 1)}))
    with pytest.raises(MapFormatError, match="outside"):
        GridMap(size=3, start=(0, 0), goal=(1, 1), holes=frozenset({(3, 0)}))
    with pytest.raises(MapFormatError, match="size must be"):
        GridMap(size=1, start=(0, 0), goal=(0, 1))


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


GOOD = json.dumps({"map_desc": DESC, "map_id": 17, "text_input": "ignored"})
UNSOLVABLE = json.dumps([[1, -1], [-1, 2]])


def test_load_jsonl(tmp_path):
    path = _write(tmp_path, "maps.jsonl", [GOOD, "", json.dumps(DESC)])
    loaded = load_map_file(path)
    assert [(m.map_id, m.line) for m in loaded.maps] == [("17", 1), ("maps:3", 3)]
    assert loaded.maps[0].map == loaded.maps[1].map
    assert loaded.skipped == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (json.dumps([[0, 1, 2], [0, 0, 0]]), "must be square"),
        (json.dumps([[1, 0], [0, 0]]), "no goal"),
        (json.dumps([[1, 2], [0, 7]]), "unknown cell code 7"),
        (UNSOLVABLE, "unsolvable"),
        ('{"map_desc": [[1, 2]', "invalid JSON"),
        (json.dumps({"id": 3}), "no 'map_desc' field"),
        ('"text"', "expected an object"),
    ],
)
def test_load_errors_name_file_and_line(tmp_path, bad, message):
    path = _write(tmp_path, "maps.jsonl", [GOOD, "", bad])
    with pytest.raises(MapFormatError, match=message) as info:
        load_map_file(path)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path}:3: ")


def test_skip_mode_counts_and_continues(tmp_path):
    path = _write(tmp_path, "maps.jsonl", [UNSOLVABLE, "not json", GOOD, json.dumps([[1, 2]])])
    loaded = load_map_file(path, on_invalid="skip")
    assert [m.line for m in loaded.maps] == [3]
    assert [s.line for s in loaded.skipped] == [1, 2, 4]
    assert "unsolvable" in loaded.skipped[0].reason


def test_unsolvable_allowed_when_not_required(tmp_path):
    path = _write(tmp_path, "maps.jsonl", [UNSOLVABLE])
    assert len(load_map_file(path, require_solvable=False).maps) == 1


def test_load_json_list_uses_index_as_line(tmp_path):
    path = tmp_path / "maps.json"
    path.write_text(json.dumps([{"map_desc": DESC}, DESC, [[1, 1], [2, 0]]]))
    with pytest.raises(MapFormatError, match="2 start cells") as info:
        load_map_file(path)
    assert info.value.line == 3
    loaded = load_map_file(path, on_invalid="skip")
    assert [m.line for m in loaded.maps] == [1, 2]
    assert [s.line for s in loaded.skipped] == [3]


def test_load_json_invalid(tmp_path):
    path = tmp_path / "maps.json"
    path.write_text('[\n{"map_desc": [[1, 2]]\n')
    with pytest.raises(MapFormatError, match="invalid JSON") as info:
        load_map_file(path, on_invalid="skip")
    assert info.value.line == 3


def test_map_files_are_utf8_with_or_without_a_byte_order_mark(tmp_path):
    path = tmp_path / "maps.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode() + b"\n")
    assert [m.map_id for m in load_map_file(path).maps] == ["17"]
    path.write_bytes(GOOD.encode() + b"\n" + '{"map_id": "é"}'.encode("latin-1"))
    with pytest.raises(
        MapFormatError, match=r"maps.jsonl:2: not UTF-8: byte 0xe9 at offset"
    ) as info:
        load_map_file(path)
    assert f"offset {len(GOOD) + 13}" in str(info.value)
