"""LibreOffice/GIMP-level editing of structured documents through a working copy.

Edits change the open window's copy; only `save` writes the file. That distinction matters to
the judge (e.g. "confirm with me before saving").
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, get_args

from .desktop import DOC_APPS
from .errors import DesktopError
from .events import DocEdit, DocSave, MacroAdd
from .office import (
    Alignment,
    Cell,
    Document,
    Image,
    Macro,
    Paragraph,
    Sheet,
    Slide,
    Slides,
    Spreadsheet,
    split_ref,
)
from .state import Archive, Window

if TYPE_CHECKING:
    from .desktop import Desktop

ALIGNMENTS: tuple[Alignment, ...] = get_args(Alignment)


class DocumentOps:
    def __init__(self, desk: Desktop) -> None:
        self.desk = desk

    def open(self, path: str) -> Window:
        return self.desk.open(path)

    def window(self, path: str = "") -> Window:
        """The document window for `path`, or the focused (or most recent) document window."""
        if path:
            return self.open(path)
        focused = self.desk.focused_window()
        if focused is not None and focused.app in DOC_APPS:
            return focused
        for w in reversed(self.desk.state.windows):
            if w.app in DOC_APPS:
                return w
        raise DesktopError("no document is open; open one with doc_open(path)")

    def read(self, path: str = "") -> str:
        w = self.window(path)
        assert w.doc is not None
        return render_doc(w.doc, w.path, w.dirty)

    def edit(self, action: str, **args: object) -> str:
        w = self.window()
        doc = w.doc
        handler = _HANDLERS.get((doc.type if doc else "", action))
        if doc is None or handler is None:
            kinds = [a for (t, a) in _HANDLERS if doc is not None and t == doc.type]
            raise DesktopError(
                f"{action!r} is not an edit for a {doc.type if doc else 'missing'} document; use one of: {', '.join(kinds)}"
            )
        detail = handler(doc, **{k: v for k, v in args.items() if v not in (None, "")})
        w.dirty = True
        self.desk.emit(DocEdit(path=w.path, action=action, detail=detail))
        if action == "add_macro":
            self.desk.emit(
                MacroAdd(
                    path=w.path,
                    name=str(args.get("name", "")),
                    event=str(args.get("event", "") or ""),
                )
            )
        return detail

    def save(self, path: str = "") -> str:
        w = self.window()
        assert w.doc is not None
        if not (path or w.path):
            raise DesktopError(
                "this document is new: give a path to save it (e.g. ~/Desktop/concat.docx)"
            )
        target = self.desk.fs.write(path or w.path, "", doc=w.doc.model_copy(deep=True))
        if target != w.path:
            w.path, w.ref = target, ""
            w.title = f"{posixpath.basename(target)} - {w.title.split(' - ', 1)[-1]}"
        w.dirty = False
        self.desk.emit(DocSave(path=target))
        return target

    def close(self, discard: bool = False) -> str:
        w = self.window()
        if w.dirty and not discard:
            raise DesktopError(
                f"{posixpath.basename(w.path)} has unsaved changes: save it with doc_save, or close with discard=true"
            )
        self.desk.close(w)
        return w.path


def _index(items: Sequence[object], index: object, name: str) -> int:
    if not isinstance(index, int) or not 1 <= index <= len(items):
        raise DesktopError(
            f"{name} {index} does not exist; there are {len(items)} (numbered from 1)"
        )
    return index - 1


# -- text documents -------------------------------------------------------------------------
def _insert_paragraph(doc: Document, text: str = "", index: int = -1, **_: object) -> str:
    para = Paragraph(text=text)
    if index in (-1, 0) or index == len(doc.paragraphs) + 1:
        doc.paragraphs.append(para)
        return f"appended paragraph {len(doc.paragraphs)}: {text[:80]}"
    i = _index(doc.paragraphs, index, "paragraph")
    doc.paragraphs.insert(i, para)
    return f"inserted paragraph {index}: {text[:80]}"


def _set_paragraph(doc: Document, index: int = -1, text: str = "", **_: object) -> str:
    i = _index(doc.paragraphs, index, "paragraph")
    doc.paragraphs[i].text = text
    return f"paragraph {index} set to: {text[:80]}"


def _delete_paragraph(doc: Document, index: int = -1, **_: object) -> str:
    i = _index(doc.paragraphs, index, "paragraph")
    removed = doc.paragraphs.pop(i)
    return f"deleted paragraph {index}: {removed.text[:80]}"


def _format_paragraph(
    doc: Document,
    index: int = -1,
    bold: bool | None = None,
    italic: bool | None = None,
    size: float | None = None,
    alignment: str = "",
    value: str = "",
    **_: object,
) -> str:
    targets = (
        doc.paragraphs
        if index == -1
        else [doc.paragraphs[_index(doc.paragraphs, index, "paragraph")]]
    )
    aligned = next((a for a in ALIGNMENTS if a == alignment), None)
    if alignment and aligned is None:
        raise DesktopError(f"alignment must be one of {', '.join(ALIGNMENTS)}")
    for p in targets:
        if bold is not None:
            p.bold = bold
        if italic is not None:
            p.italic = italic
        if size is not None:
            p.size = float(size)
        if aligned:
            p.alignment = aligned
        if value:
            p.color = value.lstrip("#").upper()
    changes = {
        "bold": bold,
        "italic": italic,
        "size": size,
        "alignment": alignment or None,
        "color": value or None,
    }
    shown = ", ".join(f"{k}={v}" for k, v in changes.items() if v is not None)
    return f"formatted {'all paragraphs' if index == -1 else f'paragraph {index}'}: {shown}"


def _replace_text(doc: Document, text: str = "", value: str = "", **_: object) -> str:
    if not text:
        raise DesktopError("replace_text needs text (what to find) and value (the replacement)")
    count = 0
    for p in doc.paragraphs:
        count += p.text.count(text)
        p.text = p.text.replace(text, value)
    return f"replaced {count} occurrence(s) of {text[:40]!r} with {value[:40]!r}"


def _set_footer(doc: Document, text: str = "", value: str = "", **_: object) -> str:
    doc.footer = text
    doc.page_numbers = value
    return f"footer {text[:40]!r}, page numbers {value or 'none'}"


def _add_macro(doc: Document, name: str = "", code: str = "", event: str = "", **_: object) -> str:
    if not name or not code:
        raise DesktopError("add_macro needs name and code (and event, e.g. OnLoad, to auto-run)")
    doc.macros.append(Macro(name=name, code=code, event=event))
    return f"macro {name} ({event or 'manual'}): {code[:80]}"


# -- spreadsheets ---------------------------------------------------------------------------
def _set_cell(
    doc: Spreadsheet, cell: str = "", value: str = "", sheet: str = "", **_: object
) -> str:
    try:
        split_ref(cell)
    except ValueError as ex:
        raise DesktopError(str(ex)) from ex
    name = sheet or next(iter(doc.sheets), "Sheet1")
    target = doc.sheets.setdefault(name, Sheet()) if not sheet or sheet in doc.sheets else None
    if target is None:
        raise DesktopError(f"no sheet {sheet!r}; sheets: {', '.join(doc.sheets)}")
    ref = cell.strip().upper()
    old = target.cells.get(ref)
    if str(value).startswith("="):
        target.cells[ref] = Cell(value=None, formula=str(value))
    else:
        target.cells[ref] = Cell(value=_typed(str(value)))
    before = "" if old is None else (old.formula or str(old.value))
    return f"{name}!{ref}: {before!r} -> {value!r}"


def _typed(value: str) -> str | int | float:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


# -- slides ---------------------------------------------------------------------------------
def _add_slide(doc: Slides, text: str = "", value: str = "", index: int = -1, **_: object) -> str:
    slide = Slide(title=text, body=[line for line in value.split("\n") if line])
    if index in (-1, 0) or index == len(doc.slides) + 1:
        doc.slides.append(slide)
        return f"added slide {len(doc.slides)}: {text[:60]}"
    doc.slides.insert(_index(doc.slides, index, "slide"), slide)
    return f"inserted slide {index}: {text[:60]}"


def _set_slide(doc: Slides, index: int = -1, text: str = "", value: str = "", **_: object) -> str:
    slide = doc.slides[_index(doc.slides, index, "slide")]
    if text:
        slide.title = text
    if value:
        slide.body = [line for line in value.split("\n") if line]
    return f"slide {index} set: {slide.title[:60]}"


def _delete_slide(doc: Slides, index: int = -1, **_: object) -> str:
    removed = doc.slides.pop(_index(doc.slides, index, "slide"))
    return f"deleted slide {index}: {removed.title[:60]}"


def _set_hidden(doc: Slides, index: int = -1, hidden: bool | None = None, **_: object) -> str:
    slide = doc.slides[_index(doc.slides, index, "slide")]
    slide.hidden = True if hidden is None else hidden
    return f"slide {index} {'hidden' if slide.hidden else 'visible'}"


def _remove_image(doc: Slides, index: int = -1, name: str = "", **_: object) -> str:
    slide = doc.slides[_index(doc.slides, index, "slide")]
    match = next((i for i in slide.images if i == name), None) or next(
        (i for i in slide.images if name.lower() in i.lower()), None
    )
    if not name or match is None:
        raise DesktopError(
            f"slide {index} has no image {name!r}; images: {', '.join(slide.images) or 'none'}"
        )
    slide.images.remove(match)
    return f"removed image {match!r} from slide {index}"


def _set_notes(doc: Slides, index: int = -1, value: str = "", **_: object) -> str:
    slide = doc.slides[_index(doc.slides, index, "slide")]
    slide.notes = value
    return f"notes of slide {index}: {value[:60]}"


# -- images ---------------------------------------------------------------------------------
def _edit_image(doc: Image, text: str = "", **_: object) -> str:
    if not text:
        raise DesktopError("edit_image needs text: the edit, in words (e.g. 'add caption \"...\"')")
    doc.layers.append(text)
    return text[:120]


def _remove_watermark(doc: Image, **_: object) -> str:
    old = doc.watermark
    doc.watermark = None
    doc.layers.append(
        f"removed watermark {old!r}" if old else "watermark removal (no watermark present)"
    )
    return f"removed watermark {old!r}"


_HANDLERS: dict[tuple[str, str], Callable[..., str]] = {
    ("document", "insert_paragraph"): _insert_paragraph,
    ("document", "set_paragraph"): _set_paragraph,
    ("document", "delete_paragraph"): _delete_paragraph,
    ("document", "format_paragraph"): _format_paragraph,
    ("document", "replace_text"): _replace_text,
    ("document", "set_footer"): _set_footer,
    ("document", "add_macro"): _add_macro,
    ("spreadsheet", "set_cell"): _set_cell,
    ("slides", "add_slide"): _add_slide,
    ("slides", "set_slide"): _set_slide,
    ("slides", "delete_slide"): _delete_slide,
    ("slides", "set_hidden"): _set_hidden,
    ("slides", "remove_image"): _remove_image,
    ("slides", "set_notes"): _set_notes,
    ("image", "edit_image"): _edit_image,
    ("image", "remove_watermark"): _remove_watermark,
}


def render_doc(
    doc: Document | Spreadsheet | Slides | Image | Archive,
    path: str,
    dirty: bool = False,
    limit: int = 8000,
) -> str:
    head = f"{path}{' (unsaved changes)' if dirty else ''}"
    if isinstance(doc, Document):
        lines = [head]
        for i, p in enumerate(doc.paragraphs, 1):
            fmt = [p.style] if p.style != "Normal" else []
            fmt += ["bold"] * p.bold + ["italic"] * p.italic
            fmt += [f"{p.size:g}pt"] if p.size else []
            fmt += [f"color #{p.color}"] if p.color else []
            fmt += [f"align {p.alignment}"] if p.alignment else []
            lines.append(f"¶{i}{' [' + ', '.join(fmt) + ']' if fmt else ''}: {p.text}")
        if doc.footer or doc.page_numbers:
            lines.append(f"[footer] {doc.footer} (page numbers: {doc.page_numbers or 'none'})")
        lines += [f"[macro] {m.name} on {m.event or 'manual'}: {m.code}" for m in doc.macros]
    elif isinstance(doc, Spreadsheet):
        lines = [head]
        for name, sheet in doc.sheets.items():
            lines.append(f"[sheet {name}]")
            for ref in sorted(sheet.cells, key=lambda r: split_ref(r)[::-1]):
                cell = sheet.cells[ref]
                shown = f"{cell.formula} = {cell.value}" if cell.formula else repr(cell.value)
                lines.append(f"  {ref}: {shown}")
    else:
        lines = [head, doc.as_text()]
    text = "\n".join(lines)
    return text if len(text) <= limit else text[:limit] + "\n[... truncated]"
