"""The PDF parser's own process (started by `pdf.py` as a script, so it imports nothing but the
standard library and pypdf). Reads one PDF on stdin and writes JSON lines to stdout as it goes:
`{"head": …}` once, then per page `{"page": text}` (or `{"page": "", "unreadable": reason}`),
`{"warning": …}` and finally `{"done": true}`, or `{"error": reason}`. Streaming lets the parent keep the pages read before it had to kill us."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from typing import TypedDict

import pypdf

MEMORY_LIMIT_BYTES = 2 * 1024**3
"""Address-space cap: a decompression bomb gets a MemoryError, not the machine's memory."""
MAX_WARNINGS = 20


def emit(**message: object) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class _Forward(logging.Handler):
    """pypdf reports what it repaired through logging; those lines become our warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.seen and len(self.seen) < MAX_WARNINGS:
            self.seen.add(message)
            emit(warning=f"pypdf: {message}")


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: the time budget still applies
        return
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def _pdf_date(value: object) -> str | None:
    """`D:20240131…` → `2024-01-31` (or as much of it as is there)."""
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    return "-".join(part for part in match.groups() if part) if match else None


class _Head(TypedDict):
    pages: int
    title: str | None
    author: str | None
    date: str | None
    doi: str | None


def _entry(info: pypdf.DocumentInformation | None, key: str) -> object:
    """The entry, an indirect reference followed to its object (which `get` would not do)."""
    return info[key] if info is not None and key in info else None


def _text(info: pypdf.DocumentInformation | None, *keys: str) -> str | None:
    """The first of `keys` that holds non-blank text; an entry of another type (a hostile or
    broken file's array or number) is no text, not a reason to lose the document."""
    for key in keys:
        value = _entry(info, key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _head(reader: pypdf.PdfReader) -> _Head:
    info = reader.metadata
    return {
        "pages": len(reader.pages),
        "title": _text(info, "/Title"),
        "author": _text(info, "/Author"),
        "date": _pdf_date(_entry(info, "/CreationDate")),
        "doi": _text(info, "/doi", "/DOI"),
    }


def main(max_pages: int) -> None:
    _limit_memory()
    logging.getLogger("pypdf").addHandler(_Forward())
    body = sys.stdin.buffer.read()
    # The broad catches below are deliberate: any crash of the parser on a hostile file becomes a
    # recorded reason (whole file) or warning (one page) instead of a lost process.
    try:
        reader = pypdf.PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            emit(error="the PDF is encrypted and needs a password")
            return
        head = _head(reader)
    except Exception as exc:  # noqa: BLE001 - see above
        emit(error=f"pypdf cannot read the file: {type(exc).__name__}: {exc}")
        return
    emit(head=head)
    for number in range(min(head["pages"], max_pages)):
        try:
            text = reader.pages[number].extract_text()
        except Exception as exc:  # noqa: BLE001 - see above
            emit(page="", unreadable=f"page {number + 1}: {type(exc).__name__}: {exc}")
            continue
        emit(page=text.strip())
    emit(done=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
