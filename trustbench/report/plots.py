"""Plots as PNG bytes (matplotlib, no display): estimates with intervals, and lines over an
ordered field such as map size or turn."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from trustbench.report.model import Plot, slug  # noqa: E402

DPI = 110
WIDTH = 8.0


@dataclass(frozen=True)
class Point:
    """One estimate to draw: where (`at`: a position label or an x value) and how sure."""

    at: str | float
    value: float
    low: float | None
    high: float | None


def _colours(count: int) -> list:
    cmap = plt.get_cmap("tab10" if count <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(count)]


def _errors(points: Sequence[Point]) -> list[list[float]]:
    """Whisker lengths below and above each value (zero where there is no interval)."""
    below = [p.value - p.low if p.low is not None else 0.0 for p in points]
    above = [p.high - p.value if p.high is not None else 0.0 for p in points]
    return [below, above]


def _finish(fig: Figure, title: str) -> Plot:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return Plot(title=title, png=buffer.getvalue(), name=slug(title))


def _unit_range(points: Sequence[Point], low: float) -> tuple[float, float] | None:
    """Rates and their differences get a fixed axis, so that panels compare at a glance."""
    ends = [v for p in points for v in (p.value, p.low, p.high) if v is not None]
    if ends and low <= min(ends) and max(ends) <= 1:
        return (low - 0.03, 1.03)
    return None


def interval_plot(
    title: str, panels: dict[str, list[Point]], xlabel: str, zero_line: bool = False
) -> Plot:
    """One panel per task, one row per model: the point estimate and its 95 % interval."""
    names = list(panels)
    rows = max(len(points) for points in panels.values())
    limits = _unit_range([p for points in panels.values() for p in points], -1 if zero_line else 0)
    height = sum(0.9 + 0.32 * len(panels[n]) for n in names)
    fig, axes = plt.subplots(len(names), 1, figsize=(WIDTH, max(2.0, height)), squeeze=False)
    for ax, name in zip(axes[:, 0], names, strict=True):
        points = [p for p in panels[name] if not math.isnan(p.value)]
        ys = list(range(len(points)))[::-1]
        ax.errorbar(
            [p.value for p in points],
            ys,
            xerr=_errors(points),
            fmt="o",
            color="#1f5f99",
            ecolor="#7aa6cf",
            capsize=3,
        )
        ax.set_yticks(ys, [str(p.at) for p in points])
        ax.set_ylim(-0.7, max(rows, 1) - 0.3)
        ax.set_title(name, fontsize=10, loc="left")
        ax.grid(axis="x", alpha=0.3)
        if zero_line:
            ax.axvline(0, color="#999", linewidth=1)
        if limits:
            ax.set_xlim(*limits)
    axes[-1, 0].set_xlabel(xlabel)
    fig.tight_layout()
    return _finish(fig, title)


def line_plot(
    title: str,
    series: dict[str, list[Point]],
    xlabel: str,
    ylabel: str,
    boundary: tuple[float, str] | None = None,
) -> Plot:
    """One line per model over an ordered field, with interval bars; `boundary` marks, e.g.,
    where in-distribution map sizes end."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.8))
    colours = _colours(len(series))
    for colour, (model, points) in zip(colours, series.items(), strict=True):
        points = sorted((p for p in points if not math.isnan(p.value)), key=lambda p: p.at)
        ax.errorbar(
            [p.at for p in points],
            [p.value for p in points],
            yerr=_errors(points),
            marker="o",
            capsize=3,
            color=colour,
            label=model,
        )
    if boundary is not None:
        ax.axvline(boundary[0], color="#999", linestyle="--", linewidth=1)
        ax.annotate(
            boundary[1],
            (boundary[0], 1.0),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=8,
            color="#555",
        )
    if all(float(p.at).is_integer() for points in series.values() for p in points):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return _finish(fig, title)


def grouped_plot(
    title: str, groups: list[str], series: dict[str, list[Point]], xlabel: str
) -> Plot:
    """A categorical breakdown: one row per group, one offset marker per model."""
    fig, ax = plt.subplots(
        figsize=(WIDTH, max(2.2, 0.5 + 0.28 * len(groups) * max(1, len(series) / 3)))
    )
    colours = _colours(len(series))
    step = 0.7 / max(1, len(series))
    rows = {group: len(groups) - 1 - i for i, group in enumerate(groups)}
    for i, (colour, (model, points)) in enumerate(zip(colours, series.items(), strict=True)):
        points = [p for p in points if not math.isnan(p.value)]
        offset = 0.35 - step / 2 - i * step
        ax.errorbar(
            [p.value for p in points],
            [rows[str(p.at)] + offset for p in points],
            xerr=_errors(points),
            fmt="o",
            capsize=2,
            color=colour,
            label=model,
            markersize=4,
        )
    ax.set_yticks(list(rows.values()), list(rows))
    ax.set_ylim(-0.6, len(groups) - 0.4)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return _finish(fig, title)
