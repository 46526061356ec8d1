"""The evidence store's records: exact round trips, deduplicated bodies, first writer wins."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from trustbench.retrieval.snapshot import prune, stats
from trustbench.retrieval.store import EvidenceStore, default_store_path
from trustbench.retrieval.types import (
    Document,
    FetchError,
    FetchErrorKind,
    FetchResult,
    RetrievalError,
    SearchResult,
)

WHEN = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)


def page(url: str, body: bytes = b"<html>same body</html>", **fields: object) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url + "?final",
        status=200,
        content_type="text/html; charset=utf-8",
        kind="html",
        charset="utf-8",
        body=body,
        fetched_at=WHEN,
        elapsed_s=0.25,
        redirects=[url + "?hop"],
        **fields,
    )


def failure(url: str) -> FetchResult:
    return FetchResult(
        url=url,
        fetched_at=WHEN,
        error=FetchError(kind=FetchErrorKind.timeout, reason="no answer in 20 s"),
    )


def document(sha256: str, version: str = "1") -> Document:
    return Document(
        url="https://a.example/page",
        title="A page",
        text="Extracted text " * 50,
        links=["https://b.example"],
        extractor="fake",
        extractor_version=version,
        source_sha256=sha256,
    )


def hits(provider: str = "serper") -> list[SearchResult]:
    return [
        SearchResult(
            title=f"T{i}",
            url=f"https://s.example/{i}",
            snippet="s",
            rank=i,
            provider=provider,
            extras={"position": i, "date": "2024"},
        )
        for i in (1, 2)
    ]


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    with EvidenceStore(tmp_path / "evidence.sqlite") as opened:
        yield opened


def test_fetch_round_trip_is_exact(store: EvidenceStore) -> None:
    stored = store.put_fetch(page("https://a.example/page"))
    again = store.get_fetch("https://a.example/page")
    assert again == stored
    assert again.body == b"<html>same body</html>"
    assert again.sha256 is not None and len(again.sha256) == 64
    assert again.redirects == ["https://a.example/page?hop"]
    assert again.fetched_at == WHEN
    assert store.get_fetch("https://a.example/other") is None


def test_failed_fetch_is_stored(store: EvidenceStore) -> None:
    store.put_fetch(failure("https://down.example"))
    again = store.get_fetch("https://down.example")
    assert again is not None and not again.ok
    assert again.error == FetchError(kind=FetchErrorKind.timeout, reason="no answer in 20 s")
    assert again.sha256 is None and again.body == b""


def test_bodies_are_deduplicated_by_hash(store: EvidenceStore) -> None:
    for i in range(3):
        store.put_fetch(page(f"https://mirror{i}.example/"))
    store.put_fetch(page("https://other.example/", body=b"different"))
    with store.connection() as db:
        assert db.execute("SELECT count(*) FROM blobs").fetchone()[0] == 2
        assert db.execute("SELECT count(*) FROM fetches").fetchone()[0] == 4


def test_first_fetch_of_a_url_wins(store: EvidenceStore) -> None:
    store.put_fetch(page("https://a.example/", body=b"first"))
    second = store.put_fetch(page("https://a.example/", body=b"second"))
    assert second.body == b"first"
    assert store.get_fetch("https://a.example/").body == b"first"


def test_document_round_trip_by_extractor_version(store: EvidenceStore) -> None:
    sha = store.put_fetch(page("https://a.example/page")).sha256
    v1, v2 = document(sha, "1"), document(sha, "2").model_copy(update={"text": "newer"})
    store.put_document(v1)
    store.put_document(v2)
    assert store.get_document(sha, ("fake", "1")) == v1
    assert store.get_document(sha, ("fake", "2")) == v2
    assert store.get_document(sha, ("fake", "3")) is None
    assert store.get_document(sha) == v2  # the newest when no version is asked for
    assert store.put_document(v1.model_copy(update={"text": "changed"})) == v1


def test_document_needs_its_source_hash(store: EvidenceStore) -> None:
    with pytest.raises(ValueError, match="source_sha256"):
        store.put_document(document("").model_copy(update={"source_sha256": None}))


def test_search_round_trip(store: EvidenceStore) -> None:
    store.put_search("serper", "okapi bm25", 5, hits())
    assert store.get_search("serper", "okapi bm25", 5) == hits()
    assert store.get_search("serper", "okapi bm25", 3) is None
    assert store.get_search("brave", "okapi bm25", 5) is None
    assert store.put_search("serper", "okapi bm25", 5, []) == hits()


def test_wal_mode_and_busy_timeout(store: EvidenceStore) -> None:
    with store.connection() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_records(tmp_path: Path) -> None:
    with EvidenceStore(tmp_path / "e.sqlite") as first:
        first.put_search("serper", "q", 2, hits())
    with EvidenceStore(tmp_path / "e.sqlite") as second:
        assert second.get_search("serper", "q", 2) == hits()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RetrievalError, match="newer trustbench"):
        EvidenceStore(path)


def test_default_path_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRUSTBENCH_EVIDENCE", str(tmp_path / "mine.sqlite"))
    assert default_store_path() == tmp_path / "mine.sqlite"
    monkeypatch.delenv("TRUSTBENCH_EVIDENCE")
    assert default_store_path().name == "evidence.sqlite"


def test_stats_counts(store: EvidenceStore) -> None:
    sha = store.put_fetch(page("https://a.example/page")).sha256
    store.put_fetch(page("https://b.example/page"))
    store.put_fetch(failure("https://down.example"))
    store.put_document(document(sha))
    store.put_search("serper", "q", 2, hits(), run="run-1")
    numbers = stats(store)
    assert numbers["searches"] == 1 and numbers["searches_by_provider"] == {"serper": 1}
    assert numbers["fetches"] == 3
    assert numbers["fetches_by_status"] == {"200": 2, "none": 1}
    assert numbers["fetch_errors"] == {"timeout": 1}
    assert numbers["blobs"] == 1 and numbers["raw_bytes"] == len(b"<html>same body</html>")
    assert numbers["documents"] == 1 and numbers["documents_by_extractor"] == {"fake 1": 1}
    assert numbers["runs"] == {"run-1": 1}
    assert numbers["oldest"] is not None and numbers["oldest"] <= numbers["newest"]


def _age(store: EvidenceStore, table: str, where: str, days: float) -> None:
    with store.transaction() as db:
        db.execute(f"UPDATE {table} SET stored_at = stored_at - ? WHERE {where}", (days * 86400,))


def test_prune_deletes_old_rows_and_orphans(store: EvidenceStore) -> None:
    old_sha = store.put_fetch(page("https://old.example/", body=b"old body")).sha256
    store.put_document(document(old_sha))
    store.put_fetch(page("https://kept.example/", body=b"kept body"), run="published")
    store.put_fetch(page("https://new.example/"))
    store.put_search("serper", "old query", 2, hits())
    store.put_search("serper", "new query", 2, hits())
    _age(store, "fetches", "url != 'https://new.example/'", 40)
    _age(store, "searches", "query = 'old query'", 40)

    deleted = prune(store, timedelta(days=30), keep_runs=["published"])

    assert deleted["fetches"] == 1 and deleted["searches"] == 1
    assert deleted["blobs"] == 1 and deleted["documents"] == 1
    assert store.get_fetch("https://old.example/") is None
    assert store.get_fetch("https://kept.example/").body == b"kept body"
    assert store.get_fetch("https://new.example/") is not None
    assert store.get_search("serper", "old query", 2) is None
    assert store.get_document(old_sha) is None


def test_prune_without_age_only_drops_orphans(store: EvidenceStore) -> None:
    store.put_fetch(page("https://a.example/"))
    with store.transaction() as db:
        db.execute("INSERT INTO blobs VALUES ('0' , 1, x'00')")
    assert prune(store)["blobs"] == 1
    assert store.get_fetch("https://a.example/") is not None
