"""The overview for the terminal (what `trustbench run` prints at the end)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustbench.report.cells import count_cell, interval, number
from trustbench.report.overview import OverviewRow

if TYPE_CHECKING:
    from rich.table import Table

HEADERS = (
    "task",
    "model",
    "metric",
    "value",
    "95% CI",
    "n",
    "errors",
    "unscored",
    "status",
    "flags",
)


def overview_table(rows: list[OverviewRow], title: str = "trustbench results") -> Table:
    """A rich table (rich ships with Inspect); failed runs in red, flagged rows in yellow."""
    from rich.table import Table

    table = Table(title=title)
    for header in HEADERS:
        numeric = header in {"value", "n", "errors", "unscored"}
        table.add_column(header, justify="right" if numeric else "left")
    for row in rows:
        style = "red" if row.status != "success" else ("yellow" if row.flags else None)
        table.add_row(
            row.task,
            row.model,
            row.metric,
            number(row.value),
            interval(row.ci_low, row.ci_high),
            count_cell(row.n).text,
            str(row.errors),
            str(row.unscored),
            row.status,
            "; ".join(row.flags + row.notes),
            style=style,
        )
    return table
