"""The report as Markdown: the same tables, for a pull request or a paper draft. Plots are
written beside it as PNG files and linked."""

from __future__ import annotations

from trustbench.report.model import Block, Cell, Plot, Report, Section, Table

PLOT_DIR = "plots"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _cell(cell: Cell, link: bool) -> str:
    text = _escape(cell.text)
    if cell.href and link:
        text = text.replace("[", "\\[").replace("]", "\\]")
        return f"[{text}]({cell.href})"
    return f"**{text}**" if cell.tone == "bad" else text


def _table(table: Table) -> str:
    links = table.column_links or [None] * len(table.headers)
    lines = [
        f"**{_escape(table.title)}**",
        "",
        "| "
        + " | ".join(
            _cell(Cell(h, href=link), True) for h, link in zip(table.headers, links, strict=True)
        )
        + " |",
        "|" + "---|" * len(table.headers),
    ]
    lines += [
        "| " + " | ".join(_cell(c, not table.column_links) for c in row) + " |"
        for row in table.rows
    ]
    if table.note:
        lines += ["", f"_{table.note}_"]
    return "\n".join(lines)


def _block(block: Block, files: dict[int, str]) -> str:
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Plot):
        return f"![{block.title}]({PLOT_DIR}/{files[id(block)]})"
    return block.text


def plot_files(report: Report) -> dict[int, str]:
    """A unique file name for every plot (titles can repeat)."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for plot in report.plots():
        name, i = plot.name, 1
        while name in used:
            i += 1
            name = f"{plot.name}-{i}"
        used.add(name)
        names[id(plot)] = f"{name}.png"
    return names


def _section(section: Section, level: int, files: dict[int, str]) -> list[str]:
    parts = ["#" * level + " " + section.title, *(_block(b, files) for b in section.blocks)]
    for child in section.children:
        parts += _section(child, min(level + 1, 6), files)
    return parts


def render_markdown(report: Report, files: dict[int, str]) -> str:
    parts = [
        f"# {report.title}",
        report.generated,
        "Logs: " + ", ".join(f"`{s}`" for s in report.sources),
    ]
    if report.warnings:
        parts.append(
            "> **Comparability and completeness**\n>\n"
            + "\n".join(f"> - {w}" for w in report.warnings)
        )
    for section in report.sections:
        parts += _section(section, 2, files)
    return "\n\n".join(parts) + "\n"
