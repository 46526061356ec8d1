"""The report as one self-contained HTML file: inline CSS, plots as base64 PNG, and a few lines
of inline JavaScript to sort tables. Nothing is fetched when it is opened."""

from __future__ import annotations

import base64
import html
import re

from trustbench.report.model import Block, Cell, Plot, Report, Section, Table

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2329;
  margin: 0; background: #f6f7f9; }
header, main, nav { max-width: 1320px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #d5d9de; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
h4 { font-size: 14px; margin: 18px 0 6px; }
p.meta { color: #555; margin: 2px 0; }
nav { font-size: 13px; margin-top: 8px; }
nav a { margin-right: 14px; }
code { background: #eceef1; padding: 0 3px; border-radius: 3px; font-size: 12.5px; }
.warnings { background: #fff6d6; border: 1px solid #e8cf6b; border-radius: 6px;
  padding: 8px 14px; margin: 14px 0; }
.warnings h2 { border: 0; margin: 4px 0; font-size: 16px; }
.warnings ul { margin: 4px 0; padding-left: 20px; }
.ok { background: #e7f5ea; border: 1px solid #9fd3ab; border-radius: 6px; padding: 8px 14px;
  margin: 14px 0; }
.table-wrap { overflow-x: auto; margin: 8px 0 4px; background: #fff; border: 1px solid #d5d9de;
  border-radius: 6px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 6px 8px; }
th, td { padding: 4px 7px; border-top: 1px solid #eceef1; text-align: left; white-space: nowrap; }
th { background: #eef1f4; cursor: pointer; user-select: none; position: sticky; top: 0; }
th[aria-sort=ascending]::after { content: " ▲"; }
th[aria-sort=descending]::after { content: " ▼"; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.warn { background: #fff3cd; white-space: normal; min-width: 150px; }
td:last-child { white-space: normal; min-width: 120px; }
td.bad { background: #f8d7da; }
p.note { color: #555; font-size: 12.5px; margin: 2px 0 10px; }
figure { margin: 10px 0 18px; background: #fff; border: 1px solid #d5d9de; border-radius: 6px;
  padding: 8px; display: inline-block; max-width: calc(100% - 18px); }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 12.5px; color: #555; margin-top: 4px; }
"""

SCRIPT = """
(function () {
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null || v === "") return null;
    var n = Number(v);
    return isNaN(n) ? v.toLowerCase() : n;
  }
  document.querySelectorAll("table.sortable th").forEach(function (th) {
    th.addEventListener("click", function () {
      var table = th.closest("table"), body = table.tBodies[0];
      var index = Array.prototype.indexOf.call(th.parentNode.children, th);
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[index]), y = key(b.cells[index]);
        if (x === y) return 0;
        if (x === null) return 1;
        if (y === null) return -1;
        if (typeof x !== typeof y) { x = String(x); y = String(y); }
        return (x < y ? -1 : 1) * (up ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
"""


def _inline(text: str) -> str:
    """Escape, then show `backticked` words as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _cell(cell: Cell) -> str:
    attrs = "" if cell.sort is None else f' data-sort="{html.escape(str(cell.sort))}"'
    if cell.tone:
        attrs += f' class="{cell.tone}"'
    text = html.escape(cell.text)
    if cell.href:
        text = f'<a href="{html.escape(cell.href)}">{text}</a>'
    return f"<td{attrs}>{text}</td>"


def _table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "\n".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in table.rows)
    note = f'<p class="note">{_inline(table.note)}</p>' if table.note else ""
    return (
        f'<div class="table-wrap"><table class="sortable"><caption>{html.escape(table.title)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>{note}"
    )


def _plot(plot: Plot) -> str:
    data = base64.b64encode(plot.png).decode("ascii")
    title = html.escape(plot.title)
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{title}">'
        f"<figcaption>{title}</figcaption></figure>"
    )


def _block(block: Block) -> str:
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Plot):
        return _plot(block)
    return f"<p>{_inline(block.text)}</p>"


def _section(section: Section, level: int) -> str:
    heading = f'<h{level} id="{section.anchor}">{html.escape(section.title)}</h{level}>'
    parts = [heading, *(_block(b) for b in section.blocks)]
    parts += [_section(child, min(level + 1, 6)) for child in section.children]
    return "\n".join(parts)


def _warnings(report: Report) -> str:
    if not report.warnings:
        return (
            '<div class="ok">All runs finished, and versions, judge and evidence modes match.</div>'
        )
    items = "".join(f"<li>{_inline(w)}</li>" for w in report.warnings)
    return (
        '<div class="warnings" id="comparability"><h2>Comparability and completeness</h2>'
        f"<ul>{items}</ul></div>"
    )


def render_html(report: Report) -> str:
    toc = "".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in report.sections)
    sources = ", ".join(f"<code>{html.escape(s)}</code>" for s in report.sources)
    body = "\n".join(_section(s, 2) for s in report.sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(report.title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{html.escape(report.title)}</h1>
<p class="meta">{_inline(report.generated)}</p>
<p class="meta">Logs: {sources}. Per-sample view: <code>inspect view --log-dir LOGDIR</code>.</p>
</header>
<nav>{toc}</nav>
<main>
{_warnings(report)}
{body}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
