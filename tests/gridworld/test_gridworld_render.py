import base64
import io

import pytest
from PIL import Image

from trustbench.environments.gridworld import (
    LEGENDS,
    TEXT_RENDERERS,
    GridMap,
    char_grid,
    coordinates,
    describe,
    png_data_uri,
    render_png,
    table,
)

# . G .
# . X .
# . S X
GRID = GridMap.from_map_desc([[0, 2, 0], [0, -1, 0], [0, 1, -1]])
OPEN = GridMap(size=2, start=(0, 0), goal=(1, 1))


def test_describe_golden():
    assert describe(GRID) == (
        "This is a 3x3 map.\n"
        "The player is at: row 3, column 2;\n"
        "The hole(s) are at: Row 2, Column 2; Row 3, Column 3;\n"
        "The goal is at: Row 1, Column 2."
    )
    assert describe(OPEN).splitlines()[2] == "There is no holes in this map;"


def test_table_golden():
    assert table(GRID) == (
        "| | Col 1 | Col 2 | Col 3 |\n"
        "| Row 1 | _ | * | _ |\n"
        "| Row 2 | _ | # | _ |\n"
        "| Row 3 | _ | @ | # |"
    )


def test_char_grid_golden():
    assert char_grid(GRID) == "Grid:\n. G .\n. X .\n. P X"


def test_coordinates_golden():
    text = coordinates(GRID)
    assert text.splitlines()[1:] == ["Player: (3, 2)", "Goal: (1, 2)", "Holes: (2, 2), (3, 3)"]
    assert text.startswith("Map size: 3x3 (positions are (row, column), 1-based")
    assert coordinates(OPEN).endswith("Holes: none")


def test_player_moves_start_vacated_and_goal_overwritten():
    assert char_grid(GRID, (2, 0)) == "Grid:\n. G .\n. X .\nP . X"
    assert table(GRID, (0, 1)).splitlines()[1] == "| Row 1 | _ | @ | _ |"
    assert "row 1, column 1;" in describe(GRID, (0, 0))
    assert "Player: (1, 2)" in coordinates(GRID, (0, 1))


def test_renderer_registry_and_legends():
    assert set(TEXT_RENDERERS) == set(LEGENDS)
    for name, render in TEXT_RENDERERS.items():
        assert render(GRID, None)
        assert LEGENDS[name].endswith(".")


def test_player_out_of_bounds():
    with pytest.raises(ValueError, match="outside"):
        char_grid(GRID, (3, 0))


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_png_size_determinism_and_tiles():
    png = render_png(GRID)
    assert png.startswith(b"\x89PNG")
    image = _pixels(png)
    assert image.size == (192, 192)
    assert render_png(GRID) == png
    assert _pixels(render_png(GridMap(size=5, start=(0, 0), goal=(4, 4)))).size == (320, 320)
    hole = image.getpixel((64 + 32, 64 + 32))  # centre of row 1, col 1 (0-based)
    frozen = image.getpixel((32, 32))
    assert hole != frozen
    assert render_png(GRID, player=(2, 0)) != png


def test_png_small_cells_and_data_uri():
    png = render_png(GRID, cell_px=32)
    assert _pixels(png).size == (96, 96)
    uri = png_data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png
