"""Fetched bytes to a `Document`: HTML (trafilatura, with a linear lxml fallback) and PDF
(pypdf), each in a killable child process under a time budget, and plain text / Markdown."""

from __future__ import annotations

import hashlib

from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.extract.pdf import extract_pdf
from trustbench.retrieval.extract.plaintext import extract_plaintext
from trustbench.retrieval.extract.webpage import extract_html
from trustbench.retrieval.sniff import refine_kind
from trustbench.retrieval.types import ContentKind, Document, FetchResult

__all__ = ["ExtractionFailed", "extract", "extract_bytes"]

HTML_TIME_BUDGET_S = 10.0
PDF_TIME_BUDGET_S = 20.0


def extract(
    result: FetchResult,
    *,
    pdf_max_pages: int = 50,
    pdf_time_budget_s: float = PDF_TIME_BUDGET_S,
    html_time_budget_s: float = HTML_TIME_BUDGET_S,
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
        html_time_budget_s=html_time_budget_s,
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
    pdf_time_budget_s: float = PDF_TIME_BUDGET_S,
    html_time_budget_s: float = HTML_TIME_BUDGET_S,
) -> Document:
    """Dispatches on the content kind, corrected by the bytes where they disagree (a PDF served
    as text/html is still a PDF). Relative links resolve against `final_url` (after redirects)."""
    sha256 = sha256 or hashlib.sha256(body).hexdigest()
    kind = refine_kind(kind, body, final_url or url)
    if kind == "pdf":
        return extract_pdf(
            url, body, max_pages=pdf_max_pages, time_budget_s=pdf_time_budget_s, sha256=sha256
        )
    if kind == "html":
        return extract_html(
            url,
            body,
            charset,
            base_url=final_url or url,
            sha256=sha256,
            time_budget_s=html_time_budget_s,
        )
    if kind == "text":
        return extract_plaintext(url, body, charset, sha256=sha256)
    raise ExtractionFailed("unsupported content: neither HTML, PDF nor text", url=url)
