"""Fetched bytes to a `Document`: HTML (trafilatura, beautifulsoup4 fallback), PDF (pypdf in a
killable child process) and plain text / Markdown."""

from __future__ import annotations

import hashlib
import re

from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.extract.pdf import extract_pdf
from trustbench.retrieval.extract.plaintext import extract_plaintext
from trustbench.retrieval.extract.webpage import extract_html
from trustbench.retrieval.types import ContentKind, Document, FetchResult

__all__ = ["ExtractionFailed", "extract", "extract_bytes", "sniff_kind"]

_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|meta|title)[\s>]", re.I)


def extract(
    result: FetchResult, *, pdf_max_pages: int = 50, pdf_time_budget_s: float = 20.0
) -> Document:
    """The text and metadata of a successful fetch; raises `ExtractionFailed` for a failed one."""
    if result.error is not None:
        raise ExtractionFailed(
            f"the fetch failed ({result.error.kind}): {result.error.reason}", url=result.url
        )
    return extract_bytes(
        result.url,
        result.body,
        result.kind,
        result.charset,
        final_url=result.final_url,
        sha256=result.sha256,
        pdf_max_pages=pdf_max_pages,
        pdf_time_budget_s=pdf_time_budget_s,
    )


def extract_bytes(
    url: str,
    body: bytes,
    kind: ContentKind | None,
    charset: str | None = None,
    *,
    final_url: str | None = None,
    sha256: str | None = None,
    pdf_max_pages: int = 50,
    pdf_time_budget_s: float = 20.0,
) -> Document:
    """Dispatches on the content kind, corrected by the bytes where they disagree (a PDF served
    as text/html is still a PDF). Relative links resolve against `final_url` (after redirects)."""
    sha256 = sha256 or hashlib.sha256(body).hexdigest()
    kind = sniff_kind(body, kind)
    if kind == "pdf":
        return extract_pdf(
            url, body, max_pages=pdf_max_pages, time_budget_s=pdf_time_budget_s, sha256=sha256
        )
    if kind == "html":
        return extract_html(url, body, charset, base_url=final_url or url, sha256=sha256)
    if kind == "text":
        return extract_plaintext(url, body, charset, sha256=sha256)
    raise ExtractionFailed("unsupported content: neither HTML, PDF nor text", url=url)


def sniff_kind(body: bytes, kind: ContentKind | None) -> ContentKind:
    """The declared kind unless the first bytes say otherwise (a PDF served as HTML, an HTML error
    page served as a PDF)."""
    head = body[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if kind in ("html", "text"):
        return kind
    if _HTML_START.search(head):
        return "html"
    if b"\x00" not in head:
        return "text"
    return "other"
