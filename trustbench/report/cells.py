"""How numbers read in tables: one place, so every section formats alike."""

from __future__ import annotations

import math

from trustbench.report.model import Cell, Tone
from trustbench.report.stats import Estimate

DASH = "-"


def number(value: float | None, digits: int = 3) -> str:
    if value is None or math.isnan(value):
        return DASH
    return f"{value:.{digits}f}"


def interval(low: float | None, high: float | None) -> str:
    return DASH if low is None or high is None else f"[{low:.3f}, {high:.3f}]"


def value_cell(value: float | None, href: str | None = None) -> Cell:
    sortable = None if value is None or math.isnan(value) else value
    return Cell(number(value), sortable, href)


def estimate_cell(estimate: Estimate | None, href: str | None = None) -> Cell:
    """Value, interval and n in one cell, for wide tables with one column per model."""
    if estimate is None or estimate.n == 0:
        return Cell(DASH, None, href)
    text = f"{number(estimate.value)} {interval(estimate.low, estimate.high)} n={estimate.n}"
    return Cell(text, estimate.value, href)


def count_cell(count: int | None, bad_if_positive: bool = False) -> Cell:
    if count is None:
        return Cell(DASH)
    return Cell(str(count), count, tone="bad" if bad_if_positive and count > 0 else "")


def text_cell(text: str, tone: Tone = "", href: str | None = None) -> Cell:
    return Cell(text, text, href, tone)
