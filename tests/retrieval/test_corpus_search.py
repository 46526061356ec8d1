"""CorpusSearch: offline BM25 over a folder of HTML, PDF, Markdown and text files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pdfs
import pytest

from trustbench.retrieval.search.base import SearchProvider
from trustbench.retrieval.search.corpus import CorpusSearch, SkippedFile

FIXTURES = Path(__file__).parent / "fixtures" / "extract"

ARTICLE = "https://reefjournal.example.org/articles/coral-bleaching-2021"
PAPER = "https://papers.example.org/glaciers.pdf"
FACTS = "https://facts.example.org/otters"
CANONICAL = "https://bakery.example.com/sourdough"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(FIXTURES / "article.html", folder / "reef.html")
    (folder / "papers").mkdir()
    (folder / "papers" / "glaciers.pdf").write_bytes(
        pdfs.make_pdf(
            [
                "Alpine glaciers lost about a tenth of their volume between 2022 and 2023.",
                "Meltwater from the Rhone glacier feeds Lake Geneva.",
            ],
            title="Alpine Glacier Retreat",
        )
    )
    (folder / "otters.txt").write_text(
        "Sea otters hold hands while sleeping so that they do not drift apart.\n"
        "They also keep a favourite stone in a pouch of skin under the forearm.",
        encoding="utf-8",
    )
    (folder / "notes.md").write_text(
        "# Kitchen notes\n\nThe quince jelly sets after forty minutes of slow boiling.",
        encoding="utf-8",
    )
    (folder / "bread.html").write_text(
        f'<html><head><title>Sourdough basics</title><link rel="canonical" href="{CANONICAL}">'
        "</head><body><article><p>A sourdough starter needs flour, water and about a week of "
        "daily feeding before it can leaven a loaf.</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    manifest = [
        {"path": "reef.html", "url": ARTICLE},
        {"path": "papers/glaciers.pdf", "url": PAPER, "title": "Glacier retreat (2024)"},
        {"path": "otters.txt", "url": FACTS, "title": "Otter facts"},
        {"path": "missing.html", "url": "https://gone.example/"},
    ]
    lines = [json.dumps(row) for row in manifest] + ["{not json", '{"path": "x.txt"}']
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(corpus_dir) -> CorpusSearch:
    return CorpusSearch(corpus_dir)


def test_is_a_search_provider(corpus):
    assert isinstance(corpus, SearchProvider)
    assert corpus.name == "corpus"


async def test_search_finds_the_right_url_first_with_a_snippet(corpus):
    results = await corpus.search("degree heating weeks coral bleaching threshold", k=3)
    top = results[0]
    assert top.url == ARTICLE
    assert top.rank == 1 and top.provider == "corpus"
    assert top.title == "Coral bleaching thresholds under repeated marine heatwaves"
    assert "degree heating weeks" in top.snippet and len(top.snippet) <= 302
    assert top.extras["path"] == "reef.html" and top.extras["score"] > 0
    assert [r.rank for r in results] == list(range(1, len(results) + 1))


async def test_pdf_text_and_manifest_titles(corpus):
    [top, *_] = await corpus.search("how much volume did alpine glaciers lose")
    assert top.url == PAPER and top.title == "Glacier retreat (2024)"
    assert "tenth of their volume" in top.snippet
    [otters] = await corpus.search("otters sleeping hands", k=1)
    assert (otters.url, otters.title) == (FACTS, "Otter facts")


async def test_url_from_canonical_link_or_file_uri(corpus, corpus_dir):
    [bread] = await corpus.search("sourdough starter feeding", k=1)
    assert bread.url == CANONICAL and bread.title == "Sourdough basics"
    [notes] = await corpus.search("quince jelly boiling", k=1)
    assert notes.url == (corpus_dir / "notes.md").resolve().as_uri()
    assert notes.title == "Kitchen notes"


async def test_unmatched_queries_return_nothing(corpus):
    assert await corpus.search("zeppelin") == []
    assert await corpus.search("the and of") == []
    assert await corpus.search("coral", k=0) == []


def test_bad_files_are_skipped_with_a_reason(corpus):
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert "pypdf cannot read the file" in reasons["broken.pdf"]
    assert "unsupported file type" in reasons["photo.png"]
    assert "not in the folder" in reasons["missing.html"]
    assert reasons["corpus.jsonl:5"].startswith("not JSON")
    assert "need" in reasons["corpus.jsonl:6"]
    assert all(isinstance(s, SkippedFile) for s in corpus.skipped)
    assert len(corpus.skipped) == 5


def test_document_by_url(corpus):
    article = corpus.document(ARTICLE)
    assert article is not None and "4.2 degree heating weeks" in article.text
    assert article.metadata.doi == "10.5555/reef.2021.0042"
    paper = corpus.document(PAPER + "#page=2")
    assert paper is not None and paper.pages and len(paper.pages) == 2
    assert corpus.document("https://unknown.example/") is None


async def test_empty_folder(tmp_path):
    empty = CorpusSearch(tmp_path)
    assert await empty.search("anything") == [] and empty.skipped == []
