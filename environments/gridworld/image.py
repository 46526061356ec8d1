"""PNG rendering in the spirit of the gym FrozenLake look, drawn from simple shapes.

We draw our own tiles (no sprite assets to ship or license): snowy ice, dark holes, a gift
box goal, a small figure for the player and a stool marking the start once it is vacated.
Output is deterministic: no timestamps or metadata are written, so equal inputs give equal
bytes (useful for caching and golden tests).
"""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw

from .maps import GridMap, Position

ICE = (226, 240, 250)
ICE_EDGE = (188, 214, 234)
SNOW = (250, 253, 255)
HOLE = (22, 48, 102)
HOLE_RIM = (70, 110, 165)
BOX = (200, 44, 56)
RIBBON = (246, 206, 70)
SKIN = (246, 208, 172)
TUNIC = (46, 140, 74)
HAT = (196, 40, 52)
STOOL = (142, 94, 52)
GRID_LINE = (96, 128, 160)

Box = tuple[float, float, float, float]


def _ice(draw: ImageDraw.ImageDraw, x: float, y: float, s: float) -> None:
    draw.rectangle((x, y, x + 64 * s - 1, y + 64 * s - 1), fill=ICE)
    draw.rectangle((x + 2 * s, y + 2 * s, x + 62 * s - 1, y + 62 * s - 1), outline=ICE_EDGE)
    for dx, dy in ((12, 14), (44, 10), (28, 34), (52, 46), (16, 50)):
        draw.ellipse(
            (x + (dx - 2) * s, y + (dy - 2) * s, x + (dx + 2) * s, y + (dy + 2) * s), fill=SNOW
        )


def _hole(draw: ImageDraw.ImageDraw, x: float, y: float, s: float) -> None:
    draw.ellipse((x + 6 * s, y + 12 * s, x + 58 * s, y + 54 * s), fill=HOLE_RIM)
    draw.ellipse((x + 10 * s, y + 16 * s, x + 54 * s, y + 50 * s), fill=HOLE)


def _goal(draw: ImageDraw.ImageDraw, x: float, y: float, s: float) -> None:
    draw.rectangle((x + 16 * s, y + 22 * s, x + 48 * s, y + 54 * s), fill=BOX)
    draw.rectangle((x + 29 * s, y + 22 * s, x + 35 * s, y + 54 * s), fill=RIBBON)
    draw.rectangle((x + 16 * s, y + 35 * s, x + 48 * s, y + 41 * s), fill=RIBBON)
    draw.ellipse(
        (x + 20 * s, y + 12 * s, x + 32 * s, y + 23 * s), outline=RIBBON, width=max(1, round(3 * s))
    )
    draw.ellipse(
        (x + 32 * s, y + 12 * s, x + 44 * s, y + 23 * s), outline=RIBBON, width=max(1, round(3 * s))
    )


def _player(draw: ImageDraw.ImageDraw, x: float, y: float, s: float) -> None:
    draw.polygon(
        [
            (x + 22 * s, y + 30 * s),
            (x + 42 * s, y + 30 * s),
            (x + 48 * s, y + 56 * s),
            (x + 16 * s, y + 56 * s),
        ],
        fill=TUNIC,
    )
    draw.ellipse((x + 23 * s, y + 13 * s, x + 41 * s, y + 31 * s), fill=SKIN)
    draw.polygon(
        [(x + 22 * s, y + 17 * s), (x + 42 * s, y + 17 * s), (x + 34 * s, y + 4 * s)], fill=HAT
    )
    draw.ellipse((x + 27 * s, y + 21 * s, x + 30 * s, y + 24 * s), fill=(40, 30, 30))
    draw.ellipse((x + 34 * s, y + 21 * s, x + 37 * s, y + 24 * s), fill=(40, 30, 30))


def _stool(draw: ImageDraw.ImageDraw, x: float, y: float, s: float) -> None:
    draw.rectangle((x + 18 * s, y + 30 * s, x + 46 * s, y + 36 * s), fill=STOOL)
    draw.rectangle((x + 21 * s, y + 36 * s, x + 25 * s, y + 50 * s), fill=STOOL)
    draw.rectangle((x + 39 * s, y + 36 * s, x + 43 * s, y + 50 * s), fill=STOOL)


def render_png(grid: GridMap, player: Position | None = None, cell_px: int = 64) -> bytes:
    """The map as PNG bytes, cell_px pixels per cell (64 as in VSP: N×N → 64N×64N)."""
    if cell_px < 16:
        raise ValueError(f"cell_px must be >= 16 to keep the tiles readable, got {cell_px}")
    at = grid.start if player is None else player
    if not grid.in_bounds(at):
        raise ValueError(f"player {at} is outside the {grid.size}x{grid.size} map")
    side = grid.size * cell_px
    image = Image.new("RGB", (side, side), ICE)
    draw = ImageDraw.Draw(image)
    s = cell_px / 64
    for r in range(grid.size):
        for c in range(grid.size):
            pos = (r, c)
            x, y = c * cell_px, r * cell_px
            _ice(draw, x, y, s)
            if pos in grid.holes:
                _hole(draw, x, y, s)
            if pos == at:
                _player(draw, x, y, s)
            elif pos == grid.goal:
                _goal(draw, x, y, s)
            elif pos == grid.start:
                _stool(draw, x, y, s)
    for i in range(1, grid.size):
        draw.line((i * cell_px, 0, i * cell_px, side), fill=GRID_LINE, width=2)
        draw.line((0, i * cell_px, side, i * cell_px), fill=GRID_LINE, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """A `data:` URI, the form inspect-ai's ContentImage accepts inline."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
