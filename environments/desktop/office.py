"""Office documents as structured content, and a loader for the real fixture files.

Agents edit paragraphs, cells and slides rather than bytes, and judges compare structure
(font size, formulas, hidden slides, macros), so files carry a model instead of raw content.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree

from pydantic import BaseModel, ConfigDict, Field

Alignment = Literal["left", "center", "right", "justify"]


class Paragraph(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    style: str = "Normal"
    bold: bool = False
    italic: bool = False
    size: float | None = None
    """Font size in points; None inherits the style."""
    color: str | None = None
    """RGB hex, e.g. 0000DD."""
    alignment: Alignment | None = None


class Macro(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    code: str
    event: str = ""
    """A document event that runs it automatically (e.g. OnLoad); empty = run by hand only."""


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["document"] = "document"
    paragraphs: list[Paragraph] = Field(default_factory=list)
    footer: str = ""
    page_numbers: str = ""
    """Where page numbers are shown, e.g. 'bottom-left'; empty = none."""
    macros: list[Macro] = Field(default_factory=list)

    def as_text(self) -> str:
        lines = [p.text for p in self.paragraphs]
        if self.footer or self.page_numbers:
            lines.append(f"[footer: {self.footer} page numbers: {self.page_numbers or 'none'}]")
        lines += [f"[macro {m.name} on {m.event or 'manual'}]" for m in self.macros]
        return "\n".join(lines)


class Cell(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str | int | float | bool | None = None
    formula: str | None = None


class Sheet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cells: dict[str, Cell] = Field(default_factory=dict)
    """Keyed by A1 reference."""

    def rows(self) -> list[list[str]]:
        """The used range as text, row by row."""
        if not self.cells:
            return []
        coords = [split_ref(ref) for ref in self.cells]
        max_col = max(c for c, _ in coords)
        max_row = max(r for _, r in coords)
        out: list[list[str]] = []
        for r in range(1, max_row + 1):
            row = []
            for c in range(1, max_col + 1):
                cell = self.cells.get(f"{column_letters(c)}{r}")
                row.append(_cell_text(cell))
            out.append(row)
        return out


def _cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.formula:
        return cell.formula
    return "" if cell.value is None else str(cell.value)


class Spreadsheet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["spreadsheet"] = "spreadsheet"
    sheets: dict[str, Sheet] = Field(default_factory=lambda: {"Sheet1": Sheet()})

    def as_text(self) -> str:
        parts = []
        for name, sheet in self.sheets.items():
            parts.append(f"[sheet {name}]")
            parts += ["\t".join(row) for row in sheet.rows()]
        return "\n".join(parts)


class Slide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = ""
    body: list[str] = Field(default_factory=list)
    notes: str = ""
    hidden: bool = False
    images: list[str] = Field(default_factory=list)
    """Image names (alt text or file name)."""


class Slides(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["slides"] = "slides"
    slides: list[Slide] = Field(default_factory=list)

    def as_text(self) -> str:
        lines = []
        for i, s in enumerate(self.slides, 1):
            flag = " (hidden)" if s.hidden else ""
            lines.append(f"[slide {i}{flag}] {s.title}")
            lines += [f"  {b}" for b in s.body]
            lines += [f"  [image {name}]" for name in s.images]
            if s.notes:
                lines.append(f"  [notes] {s.notes}")
        return "\n".join(lines)


class Image(BaseModel):
    """A picture as what it shows: GIMP-level edits change the description, not pixels."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["image"] = "image"
    width: int = 800
    height: int = 600
    description: str = ""
    watermark: str | None = None
    layers: list[str] = Field(default_factory=list)
    """Edits applied, in order, in words (e.g. 'pasted Vanessa.jpeg over the photo')."""

    def as_text(self) -> str:
        lines = [f"[image {self.width}x{self.height}] {self.description}"]
        if self.watermark:
            lines.append(f"[watermark] {self.watermark}")
        lines += [f"[layer] {layer}" for layer in self.layers]
        return "\n".join(lines)


OfficeContent = Document | Spreadsheet | Slides


def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def split_ref(ref: str) -> tuple[int, int]:
    """'B12' -> (2, 12); ValueError for anything that is not an A1 reference."""
    ref = ref.strip().upper()
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    if i == 0 or i == len(ref) or not ref[i:].isdigit():
        raise ValueError(f"not a cell reference: {ref!r} (expected e.g. B12)")
    col = 0
    for ch in ref[:i]:
        col = col * 26 + ord(ch) - 64
    return col, int(ref[i:])


def load_office_file(path: str | Path) -> OfficeContent:
    """Reads a real fixture file into structured content (.docx, .xlsx, .pptx, .odt, .odp)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".docx":
        return _load_docx(file)
    if suffix in (".xlsx", ".xlsm"):
        return _load_xlsx(file)
    if suffix == ".pptx":
        return _load_pptx(file)
    if suffix in (".odt", ".odp"):
        return _load_odf(file, slides=suffix == ".odp")
    raise ValueError(f"{file.name}: unsupported office format {suffix!r}")


def _load_docx(file: Path) -> Document:
    import docx  # python-docx: only needed when a .docx fixture is loaded

    source = docx.Document(str(file))
    paragraphs = []
    for p in source.paragraphs:
        runs = [r for r in p.runs if r.text]
        size = next((r.font.size.pt for r in runs if r.font.size is not None), None)
        color = next(
            (str(r.font.color.rgb) for r in runs if r.font.color and r.font.color.rgb), None
        )
        align = p.alignment
        paragraphs.append(
            Paragraph(
                text=p.text,
                style=p.style.name if p.style is not None else "Normal",
                bold=bool(runs) and all(r.bold for r in runs),
                italic=bool(runs) and all(r.italic for r in runs),
                size=size,
                color=color,
                alignment=_DOCX_ALIGN.get(int(align)) if align is not None else None,
            )
        )
    footer = "\n".join(
        p.text for s in source.sections for p in s.footer.paragraphs if p.text
    ).strip()
    return Document(paragraphs=paragraphs, footer=footer)


_DOCX_ALIGN: dict[int, Alignment] = {0: "left", 1: "center", 2: "right", 3: "justify"}


def _load_xlsx(file: Path) -> Spreadsheet:
    import openpyxl

    formulas = openpyxl.load_workbook(str(file), data_only=False)
    values = openpyxl.load_workbook(str(file), data_only=True)
    sheets: dict[str, Sheet] = {}
    for ws in formulas.worksheets:
        cached = values[ws.title]
        cells: dict[str, Cell] = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                ref = f"{c.column_letter}{c.row}"
                if isinstance(c.value, str) and c.value.startswith("="):
                    cells[ref] = Cell(value=_plain(cached[ref].value), formula=c.value)
                else:
                    cells[ref] = Cell(value=_plain(c.value))
        sheets[ws.title] = Sheet(cells=cells)
    return Spreadsheet(sheets=sheets)


def _plain(value: object) -> str | int | float | bool | None:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # dates and times keep their ISO text


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _load_pptx(file: Path) -> Slides:
    """Reads titles, text, picture names and the hidden flag from the slide XML parts."""
    with zipfile.ZipFile(file) as z:
        names = sorted(
            (n for n in z.namelist() if n.startswith("ppt/slides/slide") and n.endswith(".xml")),
            key=lambda n: int(n.removeprefix("ppt/slides/slide").removesuffix(".xml")),
        )
        slides = []
        for name in names:
            root = ElementTree.fromstring(z.read(name))
            title, body, images = "", [], []
            for shape in root.iter(f"{_P}sp"):
                ph = shape.find(f".//{_P}ph")
                text = "\n".join(
                    "".join(t.text or "" for t in para.iter(f"{_A}t"))
                    for para in shape.iter(f"{_A}p")
                ).strip()
                if not text:
                    continue
                if ph is not None and ph.get("type") in ("title", "ctrTitle") and not title:
                    title = text
                else:
                    body += [line for line in text.split("\n") if line]
            for pic in root.iter(f"{_P}pic"):
                nv = pic.find(f".//{_P}cNvPr")
                if nv is not None:
                    images.append(nv.get("descr") or nv.get("name") or "picture")
            slides.append(
                Slide(title=title, body=body, images=images, hidden=root.get("show") == "0")
            )
    return Slides(slides=slides)


_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"


def _load_odf(file: Path, slides: bool) -> Document | Slides:
    with zipfile.ZipFile(file) as z:
        root = ElementTree.fromstring(z.read("content.xml"))
    if not slides:
        paragraphs = [
            Paragraph(text="".join(el.itertext()))
            for el in root.iter()
            if el.tag in (f"{_TEXT}p", f"{_TEXT}h")
        ]
        return Document(paragraphs=paragraphs)
    pages = []
    for page in root.iter(f"{_DRAW}page"):
        texts = ["".join(p.itertext()) for p in page.iter(f"{_TEXT}p")]
        texts = [t for t in texts if t]
        pages.append(Slide(title=texts[0] if texts else "", body=texts[1:]))
    return Slides(slides=pages)
