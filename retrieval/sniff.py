"""What a fetched body is (HTML, PDF, text, other) and how its text is encoded.

Servers mislabel: PDFs come as application/octet-stream or with no type, HTML with no type or as
text/plain, and charsets are missing or wrong. Unambiguous bytes (the PDF magic at offset 0, an
HTML start, a byte-order mark) win over the header; the header wins over guessing. A page that
merely mentions `%PDF-` is not a PDF.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import charset_normalizer

from trustbench.retrieval.types import ContentKind

PDF_MAGIC = b"%PDF-"
SNIFF_WINDOW = 1024
"""How far HTML sniffing looks for a start tag."""
CHARSET_WINDOW = 4096
GUESS_WINDOW = 65536
"""charset-normalizer is slow on big bodies and a prefix decides as well."""

PDF_TYPES = {"application/pdf", "application/x-pdf", "application/acrobat"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
UNLABELLED_TYPES = {
    "",
    "application/octet-stream",
    "binary/octet-stream",
    "application/binary",
    "application/unknown",
    "unknown/unknown",
    "application/x-download",
    "application/force-download",
}
TEXT_TYPES = {
    "application/json",
    "application/xml",
    "application/javascript",
    "application/x-javascript",
}
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
EXTENSION_KINDS: dict[str, ContentKind] = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
}
# Bytes that never occur in text (the WHATWG "binary data bytes").
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
DOCUMENT_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
# Labels that browsers read as a superset encoding; pages labelled with them use the superset.
SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "gb2312": "gbk",
    "euc_kr": "cp949",
}


def media_type(content_type: str | None) -> str:
    """`text/html; charset=x` → `text/html`."""
    return (content_type or "").split(";")[0].strip().lower()


def sniff_kind(content_type: str | None, body_prefix: bytes, url: str) -> ContentKind:
    """The kind of a body from its Content-Type, its first bytes and, for an empty unlabelled
    body, the URL's extension."""
    declared = media_type(content_type)
    if body_prefix.startswith(PDF_MAGIC):
        return "pdf"
    if declared in PDF_TYPES:
        return "html" if _looks_like_html(body_prefix) else "pdf"
    if declared in HTML_TYPES:
        return "html"
    if declared in UNLABELLED_TYPES or declared == "text/plain":
        if _looks_like_html(body_prefix):
            return "html"
        if not body_prefix:
            return "text" if declared else _kind_from_extension(url)
        if declared == "text/plain" or not _looks_binary(body_prefix):
            return "text"
        return "other"
    if _is_textual(declared):
        return "text"
    return "other"


def refine_kind(kind: ContentKind | None, body: bytes, url: str = "") -> ContentKind:
    """The kind a body was labelled with (by `sniff_kind` when fetched, or by a file's extension),
    corrected where its first bytes say otherwise: a PDF served as HTML, an HTML error page
    served as a PDF, or no label at all."""
    prefix = body[:SNIFF_WINDOW]
    if prefix.startswith(PDF_MAGIC):
        return "pdf"
    if kind is None or kind == "other":
        return sniff_kind(None, prefix, url)
    if kind == "pdf" and _looks_like_html(prefix):
        return "html"
    return kind


def _looks_like_html(prefix: bytes) -> bool:
    head = prefix[:SNIFF_WINDOW].removeprefix(BOMS[0][0]).lstrip().lower()
    return head.startswith(HTML_STARTS) or b"<html" in head


def _looks_binary(prefix: bytes) -> bool:
    if prefix.startswith((BOMS[1][0], BOMS[2][0])):
        return False
    return BINARY_BYTES.search(prefix[:SNIFF_WINDOW]) is not None


def _is_textual(declared: str) -> bool:
    return (
        declared.startswith("text/")
        or declared in TEXT_TYPES
        or declared.endswith(("+json", "+xml"))
    )


def _kind_from_extension(url: str) -> ContentKind:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return EXTENSION_KINDS.get(suffix, "other")


def detect_charset(content_type: str | None, body: bytes) -> str:
    """A Python codec name for the body: a byte-order mark, else the header's charset, else a
    `<meta>` or XML declaration, else UTF-8 if the body is valid UTF-8, else charset-normalizer's
    guess, else UTF-8."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    header = HEADER_CHARSET.search(content_type or "")
    if header and (codec := _codec(header.group(1))):
        return codec
    document = DOCUMENT_CHARSET.search(body[:CHARSET_WINDOW])
    if document:
        label = (document.group(1) or document.group(2)).decode("ascii", "replace")
        if codec := _codec(label):
            return codec
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return _guess(body[:GUESS_WINDOW])
    return "utf-8"


def _guess(body: bytes) -> str:
    """charset-normalizer's best guess; windows-1252, the web's commonest legacy encoding, wins
    a tie (short Western European texts fit several single-byte code pages equally well)."""
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None:
        return "utf-8"
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    return "cp1252" if "cp1252" in tied else _codec(best.encoding) or "utf-8"


def _codec(label: str) -> str | None:
    """Python's name for a text encoding label, widened to the superset browsers use; None for
    unknown labels and for non-text codecs such as base64."""
    try:
        b"a".decode(label, "ignore")
    except LookupError:
        return None
    name = codecs.lookup(label).name
    return SUPERSETS.get(name, name)


def decode_text(body: bytes, charset: str | None) -> str:
    """The body as text; undecodable bytes become U+FFFD rather than failing, and a leading
    byte-order mark is dropped."""
    codec = _codec(charset or "") or "utf-8"
    return body.decode(codec, errors="replace").removeprefix("\ufeff")
