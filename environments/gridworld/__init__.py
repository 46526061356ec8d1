"""FrozenLake-style grid planning (Neuhaus et al. 2026; VSP, Mirage): maps, dynamics,
generation, text/image renderings, reasoning traces and answer parsing.

Depends only on the standard library and Pillow, so it can be used outside trustbench.
"""

from .answers import ParsedAnswer, parse_moves, parse_moves_upstream
from .generator import (
    DEFAULT_HOLE_PROBABILITY,
    VSP_HOLE_DENSITY,
    default_hole_probability,
    generate_maps,
    generate_splits,
    target_hole_density,
)
from .image import png_data_uri, render_png
from .mapfile import LoadedMap, MapFile, SkippedMap, load_map_file
from .maps import GridMap, MapFormatError, Position
from .render import LEGENDS, TEXT_RENDERERS, char_grid, coordinates, describe, table
from .simulator import Move, Outcome, fits_in_window, is_solvable, shortest_path, simulate
from .traces import TraceFormat, format_answer, reasoning_trace

__all__ = [
    "DEFAULT_HOLE_PROBABILITY",
    "LEGENDS",
    "TEXT_RENDERERS",
    "VSP_HOLE_DENSITY",
    "GridMap",
    "LoadedMap",
    "MapFile",
    "MapFormatError",
    "Move",
    "Outcome",
    "ParsedAnswer",
    "Position",
    "SkippedMap",
    "TraceFormat",
    "char_grid",
    "coordinates",
    "default_hole_probability",
    "describe",
    "fits_in_window",
    "format_answer",
    "generate_maps",
    "generate_splits",
    "is_solvable",
    "load_map_file",
    "parse_moves",
    "parse_moves_upstream",
    "png_data_uri",
    "reasoning_trace",
    "render_png",
    "shortest_path",
    "simulate",
    "table",
    "target_hole_density",
]
