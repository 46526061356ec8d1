"""Evidence in live, replay and offline mode, with fakes counting every network call."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.snapshot import export_snapshot, import_snapshot
from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import (
    Document,
    EvidenceMissing,
    FetchError,
    FetchErrorKind,
    FetchResult,
    MissingAPIKey,
    RetrievalError,
    SearchResult,
)

PAGES = {
    "https://a.example/": b"<html>Page A: BM25 was introduced at TREC-3.</html>",
    "https://b.example/": b"<html>Page B</html>",
    "https://mirror.example/a": b"<html>Page A: BM25 was introduced at TREC-3.</html>",
}


class FakeFetcher:
    def __init__(self, delay_s: float = 0.0) -> None:
        self.calls: Counter[str] = Counter()
        self.delay_s = delay_s

    async def fetch(self, url: str) -> FetchResult:
        self.calls[url] += 1
        await asyncio.sleep(self.delay_s)
        now = datetime.now(UTC)
        if url not in PAGES:
            return FetchResult(
                url=url,
                fetched_at=now,
                error=FetchError(kind=FetchErrorKind.connection, reason="connection refused"),
            )
        return FetchResult(
            url=url, final_url=url, status=200, kind="html", body=PAGES[url], fetched_at=now
        )


class FakeExtractor:
    def __init__(self, version: str = "1") -> None:
        self.calls = 0
        self.version = version

    def __call__(self, result: FetchResult) -> Document:
        self.calls += 1
        return Document(
            url=result.final_url or result.url,
            text=result.body.decode().removeprefix("<html>").removesuffix("</html>"),
            extractor="fake",
            extractor_version=self.version,
        )


class FakeProvider:
    name = "serper"

    def __init__(self, delay_s: float = 0.0) -> None:
        self.calls = 0
        self.delay_s = delay_s

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        return [
            SearchResult(title=f"{query} {i}", url=url, rank=i, provider=self.name)
            for i, url in enumerate(list(PAGES)[:k], start=1)
        ]


class FakeCorpus:
    name = "corpus"

    def __init__(self) -> None:
        self.searches = 0

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        self.searches += 1
        return [SearchResult(title="local", url="corpus://doc/1", rank=1, provider=self.name)]

    def document(self, url: str) -> Document | None:
        if url != "corpus://doc/1":
            return None
        return Document(url=url, text="local text", extractor="corpus", extractor_version="1")


class NoNetwork:
    """A fetcher that must never be used."""

    async def fetch(self, url: str) -> FetchResult:
        raise AssertionError(f"network fetch of {url}")


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    with EvidenceStore(tmp_path / "evidence.sqlite") as opened:
        yield opened


def live(store: EvidenceStore, **overrides: object) -> Evidence:
    parts: dict[str, object] = {
        "search": FakeProvider(),
        "fetcher": FakeFetcher(),
        "extractor": FakeExtractor(),
    }
    parts.update(overrides)
    return Evidence(store, "live", **parts)


async def test_live_search_reads_through(store: EvidenceStore) -> None:
    provider = FakeProvider()
    evidence = live(store, search=provider)
    first = await evidence.search("okapi bm25", 2)
    second = await evidence.search("okapi bm25", 2)
    assert provider.calls == 1
    assert first == second and [r.rank for r in first] == [1, 2]
    await evidence.search("okapi bm25", 3)  # another k is another search
    assert provider.calls == 2


async def test_live_fetch_and_document_read_through(store: EvidenceStore) -> None:
    fetcher, extractor = FakeFetcher(), FakeExtractor()
    evidence = live(store, fetcher=fetcher, extractor=extractor)
    page = await evidence.fetch("https://a.example/")
    doc = await evidence.document("https://a.example/")
    assert (await evidence.fetch("https://a.example/")).body == page.body == PAGES[page.url]
    assert await evidence.document("https://a.example/") == doc
    assert doc.text == "Page A: BM25 was introduced at TREC-3."
    assert doc.source_sha256 == page.sha256
    assert fetcher.calls == {"https://a.example/": 1} and extractor.calls == 1

    # A fresh Evidence on the same store (another process, a later run) makes no calls either.
    again = live(store, fetcher=NoNetwork(), extractor=FakeExtractor())
    assert await again.document("https://a.example/") == doc


async def test_same_body_is_extracted_once(store: EvidenceStore) -> None:
    extractor = FakeExtractor()
    evidence = live(store, extractor=extractor)
    a = await evidence.document("https://a.example/")
    mirror = await evidence.document("https://mirror.example/a")
    assert extractor.calls == 1
    assert mirror.text == a.text and mirror.url == "https://mirror.example/a"


async def test_failed_fetch_is_stored_and_replayed(store: EvidenceStore) -> None:
    fetcher = FakeFetcher()
    evidence = live(store, fetcher=fetcher)
    failed = await evidence.fetch("https://down.example/")
    assert failed.error.kind == FetchErrorKind.connection
    assert await evidence.document("https://down.example/") is None
    assert fetcher.calls["https://down.example/"] == 1

    replayed = await Evidence(store, "replay").fetch("https://down.example/")
    assert replayed == failed


async def test_replay_miss_raises_evidence_missing(store: EvidenceStore) -> None:
    evidence = Evidence(store, "replay", search="serper")
    with pytest.raises(EvidenceMissing, match="serper search for 'bm25'"):
        await evidence.search("bm25", 5)
    with pytest.raises(EvidenceMissing, match="https://a.example/"):
        await evidence.fetch("https://a.example/")
    with pytest.raises(EvidenceMissing):
        await evidence.document("https://a.example/")


async def test_replay_hit_returns_what_live_stored(store: EvidenceStore) -> None:
    recorder = live(store)
    results = await recorder.search("bm25", 2)
    page = await recorder.fetch("https://a.example/")
    doc = await recorder.document("https://a.example/")

    # Replay knows the provider by name only: no key, no network.
    replay = Evidence(store, "replay", search="serper", fetcher=NoNetwork())
    assert await replay.search("bm25", 2) == results
    assert await replay.fetch("https://a.example/") == page
    assert await replay.document("https://a.example/") == doc


async def test_replay_without_stored_extraction_is_missing(store: EvidenceStore) -> None:
    await live(store).fetch("https://b.example/")  # fetched, never extracted
    with pytest.raises(EvidenceMissing, match="extraction"):
        await Evidence(store, "replay").document("https://b.example/")


async def test_offline_uses_corpus_and_store_never_network(store: EvidenceStore) -> None:
    await live(store).document("https://a.example/")
    corpus = FakeCorpus()
    offline = Evidence(store, "offline", search=corpus, fetcher=NoNetwork())

    assert [r.url for r in await offline.search("anything", 3)] == ["corpus://doc/1"]
    assert corpus.searches == 1
    assert (await offline.document("corpus://doc/1")).text == "local text"
    stored = await offline.document("https://a.example/")
    assert stored.text.startswith("Page A")
    with pytest.raises(EvidenceMissing):
        await offline.document("https://b.example/")


async def test_concurrent_asks_share_one_network_call(store: EvidenceStore) -> None:
    fetcher, provider, extractor = FakeFetcher(delay_s=0.05), FakeProvider(0.05), FakeExtractor()
    evidence = live(store, fetcher=fetcher, search=provider, extractor=extractor)
    pages = await asyncio.gather(*(evidence.fetch("https://a.example/") for _ in range(8)))
    docs = await asyncio.gather(*(evidence.document("https://a.example/") for _ in range(8)))
    searches = await asyncio.gather(*(evidence.search("bm25", 2) for _ in range(8)))
    assert fetcher.calls == {"https://a.example/": 1}
    assert provider.calls == 1 and extractor.calls == 1
    assert len({p.sha256 for p in pages}) == 1
    assert all(d == docs[0] for d in docs) and all(s == searches[0] for s in searches)


async def test_pinned_extractor_version(store: EvidenceStore) -> None:
    await live(store).document("https://a.example/")
    newer = FakeExtractor(version="2")
    pinned = live(store, fetcher=NoNetwork(), extractor=newer, extractor_id=("extract", "v2"))
    doc = await pinned.document("https://a.example/")
    assert await pinned.document("https://a.example/") == doc
    assert newer.calls == 1 and doc.extractor_version == "2"
    replay = Evidence(store, "replay", extractor_id=("extract", "v2"))
    assert await replay.document("https://a.example/") == doc


class FailingExtractor:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, result: FetchResult) -> Document:
        self.calls += 1
        raise ExtractionFailed("encrypted PDF", url=result.url)


async def test_extraction_failure_is_stored_and_replayed(store: EvidenceStore) -> None:
    extractor = FailingExtractor()
    evidence = live(store, extractor=extractor)
    for _ in range(2):
        with pytest.raises(ExtractionFailed, match="encrypted PDF"):
            await evidence.document("https://b.example/")
    assert extractor.calls == 1
    with pytest.raises(ExtractionFailed, match="encrypted PDF"):
        await Evidence(store, "replay").document("https://b.example/")


async def test_live_provider_by_name_needs_its_key(
    store: EvidenceStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SERPER_API_KEY", raising=False)
    with pytest.raises(MissingAPIKey, match="SERPER_API_KEY"):
        Evidence(store, "live", search="serper")


def test_unknown_mode(store: EvidenceStore) -> None:
    with pytest.raises(ValueError, match="live, replay, offline"):
        Evidence(store, "cached")  # type: ignore[arg-type]  # the invalid mode is the point


async def test_snapshot_reproduces_evidence_on_a_fresh_store(
    store: EvidenceStore, tmp_path: Path
) -> None:
    recorder = live(store)
    results = await recorder.search("bm25", 3)
    pages = {url: await recorder.fetch(url) for url in [*PAGES, "https://down.example/"]}
    docs = {url: await recorder.document(url) for url in pages}

    snapshot = tmp_path / "run.evidence"
    export_snapshot(store, snapshot)
    assert not Path(f"{snapshot}-wal").exists()
    with EvidenceStore(tmp_path / "elsewhere.sqlite") as fresh:
        added = import_snapshot(fresh, snapshot).added
        assert added["fetches"] == 4 and added["searches"] == 1 and added["blobs"] == 2
        replay = Evidence(fresh, "replay", search="serper")
        assert await replay.search("bm25", 3) == results
        for url, page in pages.items():
            again = await replay.fetch(url)
            assert again == page and again.body == page.body
            assert await replay.document(url) == docs[url]
        again = import_snapshot(fresh, snapshot)  # importing twice adds nothing
        assert again.added["fetches"] == 0 and not any(again.repaired.values())


async def test_snapshot_of_one_run(store: EvidenceStore, tmp_path: Path) -> None:
    await live(store, run="other").fetch("https://b.example/")
    await live(store, run="other").document("https://a.example/")
    mine = live(store, run="mine", fetcher=NoNetwork())
    doc = await mine.document("https://a.example/")  # a hit, stored by the other run
    await live(store, run="mine").search("bm25", 1)

    snapshot = tmp_path / "mine.evidence"
    counts = export_snapshot(store, snapshot, run_filter="mine")
    assert counts["fetches"] == 1 and counts["searches"] == 1 and counts["documents"] == 1
    with EvidenceStore(tmp_path / "fresh.sqlite") as fresh:
        import_snapshot(fresh, snapshot)
        replay = Evidence(fresh, "replay", search="serper")
        assert await replay.document("https://a.example/") == doc
        with pytest.raises(EvidenceMissing):
            await replay.fetch("https://b.example/")
    with pytest.raises(RetrievalError, match="tagged with run 'typo'"):
        export_snapshot(store, tmp_path / "typo.evidence", run_filter="typo")


def test_import_refuses_other_files(store: EvidenceStore, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(RetrievalError, match="not an evidence snapshot"):
        import_snapshot(store, junk)
    with pytest.raises(RetrievalError, match="No snapshot"):
        import_snapshot(store, tmp_path / "absent.sqlite")


def test_import_refuses_other_databases(store: EvidenceStore, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    for _ in range(2):  # a refused file leaves nothing attached behind
        with pytest.raises(RetrievalError, match="schema 0"):
            import_snapshot(store, other)


def test_live_search_over_a_corpus_uses_the_corpus_folder(tmp_path):
    from trustbench.retrieval.evidence_source import EvidenceSource, InvalidSetting
    from trustbench.retrieval.search.corpus import CorpusSearch

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.md").write_text("# A page\n\nSome text.\n")
    (corpus / "corpus.jsonl").write_text('{"path": "page.md", "url": "https://example.org/a"}\n')
    source = EvidenceSource("live", "corpus", corpus_dir=corpus, store=tmp_path / "e.sqlite")
    assert isinstance(source._search, CorpusSearch)
    with pytest.raises(InvalidSetting, match="pass corpus_dir"):
        EvidenceSource("live", "corpus", store=tmp_path / "f.sqlite")
