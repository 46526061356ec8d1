"""HTML extraction: main text without boilerplate, title, absolute links, citation metadata,
charsets, the linear lxml fallback, empty pages, and the bounds: size and depth caps before
parsing, and a worker process killed at its time budget."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import lxml
import pytest
import trafilatura
from lxml import etree

from trustbench.retrieval.extract import ExtractionFailed, extract, extract_bytes, webpage_reader
from trustbench.retrieval.extract.webpage_reader import canonical_url, read_html
from trustbench.retrieval.types import FetchError, FetchErrorKind, FetchResult

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ARTICLE_URL = "https://reefjournal.example.org/articles/coral-bleaching-2021"
COMMENTS_ONLY = (
    b'<html><body><div id="comments" class="comments"><p>The museum opens at nine in the '
    b"morning and closes at five in the evening every day except Monday.</p></div></body></html>"
)


def fetched(body: bytes, kind: str | None = "html", charset: str | None = None) -> FetchResult:
    return FetchResult(
        url=ARTICLE_URL,
        final_url=ARTICLE_URL,
        status=200,
        kind=kind,
        charset=charset,
        body=body,
        fetched_at=datetime.now(UTC),
    )


@pytest.fixture(scope="module")
def article():
    return extract(fetched((FIXTURES / "article.html").read_bytes()))


def test_main_text_without_boilerplate(article):
    assert "4.2 degree heating weeks" in article.text
    assert "massive Porites colonies" in article.text
    for chrome in (
        "NAVIGATION-MENU",
        "BANNER-AD-TEXT",
        "SIDEBAR-WIDGET",
        "FOOTER-COPYRIGHT",
        "AD-TRACKER-SCRIPT",
    ):
        assert chrome not in article.text
    assert article.extractor == "trafilatura"
    assert article.extractor_version == trafilatura.__version__
    assert article.pages is None and not article.truncated and article.warnings == []
    assert article.source_sha256 and len(article.source_sha256) == 64


def test_title(article):
    assert article.title == "Coral bleaching thresholds under repeated marine heatwaves"


def test_links_are_absolute(article):
    assert all(link.startswith(("https://", "http://")) for link in article.links)
    for expected in (
        "https://reefjournal.example.org/data/reef-survey.csv",  # ../ against <base href>
        "https://reefjournal.example.org/articles/supplement.pdf",
        "https://other.example.net/paper.pdf",  # fragment dropped
        "https://reefjournal.example.org/privacy",
    ):
        assert expected in article.links
    assert not any("mailto" in link for link in article.links)
    assert len(article.links) == len(set(article.links))


def test_citation_metadata(article):
    meta = article.metadata
    assert meta.title == "Coral bleaching thresholds under repeated marine heatwaves"
    assert meta.authors == ["Okafor, Adaeze", "Lindqvist, Mats", "Tanaka, Hiroshi"]
    assert meta.doi == "10.5555/reef.2021.0042"
    assert meta.date == "2021/06/14"
    assert meta.journal == "Journal of Reef Science"
    assert meta.pdf_url == "https://reefjournal.example.org/pdfs/coral-bleaching-2021.pdf"
    assert meta.og == {
        "title": "Coral bleaching thresholds under repeated marine heatwaves",
        "type": "article",
        "url": ARTICLE_URL,
        "site_name": "Journal of Reef Science",
    }


def test_dublin_core_and_semicolon_authors_when_no_citation_tags():
    html = (
        b'<html><head><meta name="DC.title" content="A Dublin Core title">'
        b'<meta name="citation_authors" content="Ng, Ann; Roe, Bo">'
        b'<meta name="DC.identifier" content="https://doi.org/10.1234/abc.5">'
        b'<meta name="DC.date" content="2019-03-02"></head>'
        b"<body><p>Body text long enough to be kept as the main text of this page.</p></body></html>"
    )
    meta = extract_bytes("https://x.example/", html, "html").metadata
    assert (meta.title, meta.authors, meta.doi, meta.date) == (
        "A Dublin Core title",
        ["Ng, Ann", "Roe, Bo"],
        "10.1234/abc.5",
        "2019-03-02",
    )


@pytest.mark.parametrize(
    ("head", "body", "byline"),
    [
        (
            b"",
            b'<p class="authors">Mirela Dancu and Tobias Fenn</p>',
            "Mirela Dancu and Tobias Fenn",
        ),
        (b"", b'<div class="article-byline">By Rui Matos</div>', "Rui Matos"),
        (b'<meta name="author" content="Tove Hallin">', b"", "Tove Hallin"),
        (
            b'<meta name="citation_author" content="Ng, Ann">',
            b'<p class="authors">Ann Ng</p>',
            None,
        ),
    ],
)
def test_the_byline_when_the_page_has_no_citation_authors(head, body, byline):
    html = (
        b"<html><head><title>Text reminders and adherence</title>" + head + b"</head><body>"
        b"<article><h1>Text reminders and adherence</h1>" + body + b"<p>Reminders raised "
        b"completion of preventive therapy from 61 to 74 percent over one year.</p></article>"
        b"</body></html>"
    )
    assert extract_bytes("https://x.example/", html, "html").metadata.byline == byline


@pytest.mark.parametrize("declared", [None, "iso-8859-1"])
def test_latin1_page(declared):
    body = (FIXTURES / "latin1.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    doc = extract(fetched(body, charset=declared))
    assert doc.title == "Crème brûlée à la française"
    assert "dessert français composé" in doc.text
    assert "\ufffd" not in doc.text


def test_wrong_declared_charset_is_reported_and_recovered():
    body = "Привет, мир! Это простой текст на русском языке, достаточно длинный.".encode("cp1251")
    doc = extract_bytes("https://x.example/a.txt", body, "text", charset="utf-8")
    assert "русском языке" in doc.text
    assert any("'utf-8' does not decode" in w for w in doc.warnings)
    assert any("charset-normalizer" in w for w in doc.warnings)


def test_trafilatura_empty_page_uses_the_lxml_fallback():
    assert trafilatura.extract(COMMENTS_ONLY.decode(), **webpage_reader.TRAFILATURA_OPTIONS) is None
    doc = extract_bytes("https://museum.example/", COMMENTS_ONLY, "html")
    assert doc.extractor == "lxml"
    assert doc.extractor_version == lxml.__version__
    assert "opens at nine in the morning" in doc.text
    assert any("fallback" in w for w in doc.warnings)


def test_trafilatura_failure_uses_the_lxml_fallback(monkeypatch):
    def broken(*args, **kwargs):
        raise etree.ParserError("document is malformed")

    # In this process: the reader is what the worker runs.
    monkeypatch.setattr(webpage_reader.trafilatura, "extract", broken)
    body = (FIXTURES / "article.html").read_bytes()
    doc = read_html(ARTICLE_URL, body, None, base_url=ARTICLE_URL, sha256=None)
    assert doc.extractor == "lxml"
    assert "4.2 degree heating weeks" in doc.text
    assert "FOOTER-COPYRIGHT" not in doc.text and "NAVIGATION-MENU" not in doc.text
    assert any("trafilatura failed: ParserError" in w for w in doc.warnings)
    assert doc.metadata.doi == "10.5555/reef.2021.0042"  # metadata does not depend on trafilatura


@pytest.mark.parametrize("body", [b"", b"  \n\t ", b"<html><body></body></html>"])
def test_empty_page_is_a_document_with_a_warning(body):
    doc = extract(fetched(body))
    assert doc.text == ""
    assert doc.warnings


def test_failed_fetch_raises():
    result = fetched(b"").model_copy(
        update={"error": FetchError(kind=FetchErrorKind.timeout, reason="no answer in 20 s")}
    )
    with pytest.raises(ExtractionFailed, match="no answer in 20 s") as info:
        extract(result)
    assert "timeout" in info.value.reason


def test_canonical_url():
    body = (FIXTURES / "article.html").read_bytes()
    assert canonical_url(body, None) == ARTICLE_URL
    assert canonical_url(b"<html><head><title>x</title></head><body>y</body></html>", None) is None
