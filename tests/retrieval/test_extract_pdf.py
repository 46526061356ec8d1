"""PDF extraction in a killable child process: text per page, info metadata, page cap, damaged,
encrypted and hostile files."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path

import pdfs
import pypdf
import pytest

from trustbench.retrieval.extract import ExtractionFailed, extract, extract_bytes, pdf
from trustbench.retrieval.types import FetchResult

FIXTURES = Path(__file__).parent / "fixtures" / "extract"

URL = "https://papers.example.org/volcano.pdf"
PAGES = [
    "Stratovolcanoes are built from alternating layers of lava and ash.",
    "Mount Fuji last erupted in 1707, during the Hoei eruption.",
    "Shield volcanoes such as Mauna Loa have gentle slopes.",
]


def three_pages() -> bytes:
    return pdfs.make_pdf(PAGES, title="Volcano Types", author="Ann Smith; Bob Jones")


def test_text_per_page_and_info():
    result = FetchResult(
        url=URL, kind="pdf", body=three_pages(), fetched_at=datetime.now(UTC), sha256="ab" * 32
    )
    doc = extract(result)
    assert doc.pages == PAGES
    assert doc.text == "\n\n".join(PAGES)
    assert doc.title == "Volcano Types"
    assert doc.metadata.title == "Volcano Types"
    assert doc.metadata.authors == ["Ann Smith", "Bob Jones"]
    assert (doc.extractor, doc.extractor_version) == ("pypdf", pypdf.__version__)
    assert doc.source_sha256 == "ab" * 32
    assert not doc.truncated and doc.warnings == []


def test_pdf_served_as_html_is_still_a_pdf():
    doc = extract_bytes(URL, three_pages(), "html")
    assert doc.extractor == "pypdf" and doc.pages == PAGES


def test_page_cap_truncates():
    doc = extract_bytes(URL, three_pages(), "pdf", pdf_max_pages=2)
    assert doc.pages == PAGES[:2]
    assert doc.truncated
    assert any("first 2 of 3 pages" in w for w in doc.warnings)


def test_cut_off_file_fails_with_a_reason():
    body = three_pages()
    with pytest.raises(ExtractionFailed) as info:
        extract_bytes(URL, body[: len(body) // 2], "pdf")
    assert "pypdf cannot read the file" in info.value.reason


def test_damaged_cross_reference_is_recovered_with_warnings():
    body = three_pages()
    pointer = body.rindex(b"startxref\n") + len(b"startxref\n")
    damaged = body[:pointer] + b"999" + body[body.index(b"\n", pointer) :]
    doc = extract_bytes(URL, damaged, "pdf")
    assert doc.pages == PAGES
    assert any(w.startswith("pypdf: incorrect startxref") for w in doc.warnings)


def test_garbage_after_header_fails():
    with pytest.raises(ExtractionFailed, match="pypdf cannot read"):
        extract_bytes(URL, b"%PDF-1.4\n" + bytes(range(256)) * 4, "pdf")


def test_info_entries_that_are_not_text_cost_the_title_not_the_document():
    body = three_pages().replace(b"/Title (Volcano Types)", b"/Title [(Volcano) (T)]   ")
    doc = extract_bytes(URL, body, "pdf")
    assert doc.pages == PAGES
    assert doc.title is None and doc.metadata.authors == ["Ann Smith", "Bob Jones"]


def test_an_info_entry_behind_an_indirect_reference_is_followed():
    body = three_pages().replace(b"/Title (Volcano Types)", b"/Title 99 0 R")
    body = body.replace(b"xref\n", b"99 0 obj\n(Volcano Types)\nendobj\nxref\n", 1)
    doc = extract_bytes(URL, body, "pdf")  # pypdf repairs the shifted cross-reference table
    assert doc.pages == PAGES and doc.title == "Volcano Types"


def test_encrypted_pdf_fails_with_a_reason():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(three_pages())))
    writer.encrypt(user_password="hunter2", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ExtractionFailed, match="encrypted and needs a password"):
        extract_bytes(URL, out.getvalue(), "pdf")


def test_spinning_parser_is_killed_at_the_budget():
    began = time.monotonic()
    with pytest.raises(ExtractionFailed, match="time budget of 1 s"):
        extract_bytes(URL, pdfs.spinning_pdf(), "pdf", pdf_time_budget_s=1.0)
    assert time.monotonic() - began < 1.0 + 2.0


def test_pages_read_before_the_budget_ran_out_are_kept():
    body = pdfs.spinning_pdf(lead_pages=("Lead page about lava tubes.",), spinning_pages=2)
    began = time.monotonic()
    doc = extract_bytes(URL, body, "pdf", pdf_time_budget_s=2.0)
    assert time.monotonic() - began < 2.0 + 2.0
    assert doc.pages == ["Lead page about lava tubes."]
    assert doc.truncated
    assert any("time budget of 2 s; kept the first 1 of 3 pages" in w for w in doc.warnings)


def test_sleeping_worker_is_killed(tmp_path, monkeypatch):
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("import time\ntime.sleep(600)\n")
    monkeypatch.setattr(pdf, "WORKER", sleeper)
    began = time.monotonic()
    with pytest.raises(ExtractionFailed, match="time budget"):
        extract_bytes(URL, three_pages(), "pdf", pdf_time_budget_s=0.5)
    assert time.monotonic() - began < 0.5 + 2.0


def test_crashing_worker_keeps_pages_and_reports_the_exit(tmp_path, monkeypatch):
    crasher = tmp_path / "crasher.py"
    crasher.write_text(
        "import os, sys\n"
        'sys.stdout.write(\'{"head": {"pages": 3}}\\n{"page": "first"}\\n{"pa\')\n'
        "sys.stdout.flush()\n"
        "sys.stderr.write('Segmentation fault')\n"
        "os._exit(139)\n"
    )
    monkeypatch.setattr(pdf, "WORKER", crasher)
    doc = extract_bytes(URL, three_pages(), "pdf")
    assert doc.pages == ["first"] and doc.truncated
    assert any("exited with code 139: Segmentation fault" in w for w in doc.warnings)


BROKEN_PAGE = b"BT /F1 12 Tf [ ( ] TJ ET"
"""A content stream pypdf cannot parse (it raises on the page)."""


def test_a_pdf_whose_pages_all_fail_is_a_typed_failure():
    with pytest.raises(ExtractionFailed, match=r"no page of the PDF could be read \(page 1: "):
        extract_bytes(URL, pdfs.make_pdf([BROKEN_PAGE, BROKEN_PAGE]), "pdf")


def test_a_pdf_without_text_is_a_typed_failure_not_an_empty_document():
    with pytest.raises(ExtractionFailed, match="no text layer"):
        extract_bytes(URL, pdfs.make_pdf([b"", b"0 0 m 10 10 l S"]), "pdf")


def test_one_unreadable_page_is_a_warning():
    doc = extract_bytes(URL, pdfs.make_pdf([BROKEN_PAGE, "Readable lava text."]), "pdf")
    assert doc.pages == ["", "Readable lava text."]
    assert any(w.startswith("unreadable page 1: ") for w in doc.warnings)
