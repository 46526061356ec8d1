"""Plain text and Markdown to a Document: decoded, newlines normalised, nothing removed."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

from trustbench.retrieval.extract.decode import decode_body
from trustbench.retrieval.types import Document

_HEADING = re.compile(r"\A\s*#\s+(.+)")


def plaintext_version() -> str:
    """Plain text is read by our own code, so the recorded version is trustbench's."""
    try:
        return version("trustbench")
    except PackageNotFoundError:
        return "unknown"


def extract_plaintext(
    url: str, body: bytes, charset: str | None, *, sha256: str | None
) -> Document:
    decoded = decode_body(body, charset)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").strip()
    heading = _HEADING.match(text)
    return Document(
        url=url,
        title=heading.group(1).strip() if heading else None,
        text=text,
        extractor="plaintext",
        extractor_version=plaintext_version(),
        source_sha256=sha256,
        warnings=decoded.warnings + ([] if text else ["the page has no text"]),
    )
