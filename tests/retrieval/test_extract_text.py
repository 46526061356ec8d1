"""Plain text and Markdown, and dispatch on the content kind."""

from __future__ import annotations

import pytest

from trustbench.retrieval.extract import ExtractionFailed, extract_bytes
from trustbench.retrieval.extract.plaintext import plaintext_version
from trustbench.retrieval.sniff import refine_kind


def test_markdown_title_and_text():
    body = b"# Field notes\r\n\r\nThe heron returned on 3 May.\r\nIt nested by the weir.\r\n"
    doc = extract_bytes("https://notes.example/heron.md", body, "text")
    assert doc.title == "Field notes"
    assert doc.text == "# Field notes\n\nThe heron returned on 3 May.\nIt nested by the weir."
    assert (doc.extractor, doc.extractor_version) == ("plaintext", plaintext_version())
    assert doc.pages is None and doc.warnings == []


def test_declared_charset_is_used():
    doc = extract_bytes("https://x.example/a.txt", "Grüße aus Köln".encode("utf-16"), "text")
    assert doc.text == "Grüße aus Köln"
    doc = extract_bytes(
        "https://x.example/b.txt", "naïve café".encode("latin-1"), "text", "latin-1"
    )
    assert doc.text == "naïve café"


def test_empty_text_is_a_document_with_a_warning():
    doc = extract_bytes("https://x.example/empty.txt", b"", "text")
    assert doc.text == "" and doc.warnings


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        (b"%PDF-1.7\n...", "html", "pdf"),
        (b"<!DOCTYPE html><html><body>error page</body></html>", "pdf", "html"),
        (b"<html><body>x</body></html>", None, "html"),
        (b"just some words", "other", "text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "other", "other"),
        (b"<html><body>Save as PDF: files start with %PDF-1.7</body></html>", "html", "html"),
    ],
)
def test_the_declared_kind_is_corrected_by_the_first_bytes(body, declared, expected):
    assert refine_kind(declared, body) == expected


def test_binary_content_is_refused():
    with pytest.raises(ExtractionFailed, match="unsupported content"):
        extract_bytes("https://x.example/img.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "other")
