"""The report as data: sections of tables and plots, plus tidy rows. Every renderer reads this,
so HTML, Markdown, CSV and JSON always show the same numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Tone = Literal["", "warn", "bad"]


def slug(text: str) -> str:
    """An HTML anchor or file stem made from a title."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "section"


@dataclass(frozen=True)
class Cell:
    """One table cell: `sort` orders the column (numbers numerically), `href` links the row to
    its log, `tone` marks a value that is not comparable or not a success."""

    text: str
    sort: float | str | None = None
    href: str | None = None
    tone: Tone = ""


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""
    column_links: list[str | None] | None = None
    """For wide tables whose columns are runs: Markdown links the headers, not every cell."""


@dataclass(frozen=True)
class Plot:
    title: str
    png: bytes
    name: str
    """File stem for formats that keep plots beside the report (Markdown)."""


@dataclass(frozen=True)
class Text:
    text: str


Block = Table | Plot | Text


@dataclass(frozen=True)
class TidyRow:
    """One number, long format: what CSV and JSON export and what a notebook wants."""

    section: str
    task: str
    model: str
    metric: str
    group: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    rows: list[TidyRow] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def all_rows(self) -> list[TidyRow]:
        return [*self.rows, *(row for child in self.children for row in child.all_rows())]

    def all_plots(self) -> list[Plot]:
        own = [block for block in self.blocks if isinstance(block, Plot)]
        return [*own, *(plot for child in self.children for plot in child.all_plots())]


@dataclass
class Report:
    title: str
    generated: str
    sources: list[str]
    warnings: list[str]
    sections: list[Section]

    def rows(self) -> list[TidyRow]:
        return [row for section in self.sections for row in section.all_rows()]

    def plots(self) -> list[Plot]:
        return [plot for section in self.sections for plot in section.all_plots()]
