"""The results table on the terminal (what `trustbench run` and `trustbench report` print): the
report's own columns and cell text (`report.results`), as a rich table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustbench.report.results import COLUMNS, LEGEND, TITLE, ResultRow, cells

if TYPE_CHECKING:
    from rich.table import Table


def terminal_table(rows: list[ResultRow]) -> Table:
    """A rich table (rich ships with Inspect); failed runs in red, flagged rows in yellow."""
    from rich.table import Table

    table = Table(title=TITLE, caption=LEGEND)
    for column in COLUMNS:
        table.add_column(column.header, justify="right" if column.numeric else "left")
    for row in rows:
        style = "red" if row.status != "success" else ("yellow" if row.flags else None)
        table.add_row(*(cell.text for cell in cells(row)), style=style)
    return table
