"""Writes small, valid PDFs by hand (no PDF authoring library is installed): one text content
stream per page in Helvetica, an info dictionary, and a correct cross-reference table."""

from __future__ import annotations

import textwrap
import zlib


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(text: str) -> bytes:
    lines = [ln for para in text.split("\n") for ln in (textwrap.wrap(para, 90) or [""])]
    ops = "".join(f"({_escape(ln)}) Tj T*\n" for ln in lines)
    return f"BT /F1 10 Tf 14 TL 50 780 Td\n{ops}ET".encode("latin-1")


def _stream(data: bytes, compress: bool) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _literal(value: str) -> bytes:
    return f"({_escape(value)})".encode("latin-1")


def make_pdf(
    pages: list[str | bytes],
    *,
    title: str | None = None,
    author: str | None = None,
    compress: bool = False,
) -> bytes:
    """A PDF with one page per entry of `pages`: text to typeset, or a raw content stream."""
    streams = [p if isinstance(p, bytes) else _content(p) for p in pages]
    n = len(streams)
    first_page = 4
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n))
    info_num = first_page + 2 * n
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, stream in enumerate(streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {first_page + 2 * i + 1} 0 R >>".encode()
        )
        objects.append(_stream(stream, compress))
    info = b"<< /Producer (trustbench test builder)"
    if title is not None:
        info += b" /Title " + _literal(title)
    if author is not None:
        info += b" /Author " + _literal(author)
    objects.append(info + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_num,
        xref,
    )
    return bytes(out)


def spinning_pdf(lead_pages: tuple[str, ...] = (), spinning_pages: int = 4) -> bytes:
    """Readable `lead_pages`, then pages whose compressed content streams expand to nearly a
    million text operators each (just under pypdf's per-stream parsing limit): a few kB on disk,
    but pypdf, pure Python, walks each such page for tens of seconds."""
    spin = b"BT /F1 10 Tf " + b"(a) Tj " * 900_000 + b"ET"
    return make_pdf([*lead_pages, *[spin] * spinning_pages], compress=True)
