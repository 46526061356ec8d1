"""Evidence proves it is intact: single-byte flips and truncation of a store or an export never
come back as different evidence. A read gives the record as stored, nothing (it is missing), or
a typed error (`EvidenceCorrupt` naming the record, `EvidenceStoreError` naming the file);
`verify` names the bad records; an import checks the whole file before writing a row, and a
re-import repairs what was corrupt."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zstandard

from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.integrity import pack
from trustbench.retrieval.snapshot import export_snapshot, import_snapshot
from trustbench.retrieval.store import SCHEMA_VERSION, EvidenceStore
from trustbench.retrieval.types import (
    CorruptRecords,
    Document,
    EvidenceCorrupt,
    EvidenceMissing,
    EvidenceStoreError,
    FetchResult,
    RetrievalError,
    SearchResult,
)

WHEN = datetime(2025, 3, 1, tzinfo=UTC)
TYPED = (EvidenceCorrupt, EvidenceStoreError)


def body(i: int) -> bytes:
    rng = random.Random(i)
    words = " ".join(rng.choice(["reef", "coral", "heat", "week", "ocean"]) for _ in range(400))
    return f"<html><head><title>Page {i}</title></head><body><p>{words}</p></body></html>".encode()


def fill(path: Path, run: str = "run-1") -> dict[str, Any]:
    """A store with pages, their documents, a failure and a search; returns what was stored."""
    expected: dict[str, Any] = {"fetches": {}, "documents": {}, "searches": {}}
    with EvidenceStore(path) as store:
        for i in range(6):
            url = f"https://site{i}.example/page"
            result = store.put_fetch(
                FetchResult(
                    url=url, final_url=url, status=200, kind="html", body=body(i), fetched_at=WHEN
                ),
                run=run,
            )
            expected["fetches"][url] = result
            doc = Document(
                url=url,
                text=body(i).decode()[60:],
                extractor="fake",
                extractor_version="1",
                source_sha256=result.sha256,
            )
            expected["documents"][result.sha256] = store.put_document(doc)
        results = [
            SearchResult(title=f"T{i}", url=f"https://s.example/{i}", rank=i, provider="serper")
            for i in (1, 2)
        ]
        expected["searches"][("serper", "coral heat", 2)] = store.put_search(
            "serper", "coral heat", 2, results, run=run
        )
    return expected


def read_back(path: Path, expected: dict[str, Any]) -> tuple[int, int]:
    """Reads every record; fails if one comes back different. Returns (intact, not intact)."""
    intact = bad = 0
    with EvidenceStore(path) as store:
        for kind, records in expected.items():
            for key, want in records.items():
                try:
                    if kind == "fetches":
                        got = store.get_fetch(key)
                        same = got == want and got.body == want.body
                    elif kind == "documents":
                        got = store.get_document(key, ("fake", "1"))
                        same = got == want
                    else:
                        got = store.get_search(*key)
                        same = got == want
                except TYPED:
                    bad += 1
                    continue
                # Nothing found is allowed (a missing record); different evidence is not.
                assert same or got is None, f"{kind} {key} came back different"
                intact += same
                bad += not same
    return intact, bad


def flipped(original: Path, target: Path, offset: int) -> Path:
    data = bytearray(original.read_bytes())
    data[offset] ^= 0x5A
    target.write_bytes(data)
    return target


def frames_in(path: Path) -> list[int]:
    """Offsets of the zstd frames (bodies and documents) in the file."""
    data = path.read_bytes()
    offsets, start = [], 0
    while (found := data.find(b"\x28\xb5\x2f\xfd", start)) != -1:
        offsets.append(found)
        start = found + 1
    return offsets


@pytest.fixture
def original(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "original.sqlite"
    expected = fill(path)
    with EvidenceStore(path) as store, store.connection() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path, expected


def test_byte_flips_in_the_store_never_read_back_as_different_evidence(original, tmp_path):
    path, expected = original
    size = path.stat().st_size
    rng = random.Random(15)
    offsets = [o + d for o in frames_in(path) for d in (6, 40, 200)]  # inside bodies
    offsets += rng.sample(range(size), 120)  # anywhere
    detected = 0
    for n, offset in enumerate(o for o in offsets if o < size):
        copy = flipped(path, tmp_path / f"flip{n}.sqlite", offset)
        try:
            _, bad = read_back(copy, expected)
            problems = EvidenceStore(copy).verify() if bad else []
        except EvidenceStoreError:
            detected += 1
            continue
        if bad:
            detected += 1
            assert problems, f"a bad read at offset {offset} that verify does not report"
    assert detected >= len(frames_in(path)) * 3  # every flip inside a frame is caught


def test_a_flipped_body_is_corrupt_with_its_record_named(original):
    path, expected = original
    url = next(iter(expected["fetches"]))
    with sqlite3.connect(path) as db:
        sha = expected["fetches"][url].sha256
        frame = bytearray(
            db.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()[0]
        )
        frame[len(frame) // 2] ^= 1
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (bytes(frame), sha))
    with EvidenceStore(path) as store:
        with pytest.raises(EvidenceCorrupt, match="zstd frame is damaged") as info:
            store.get_fetch(url)
        assert (info.value.table, info.value.key) == ("fetches", (url,))
        assert [(p.table, p.key) for p in store.verify()] == [("blobs", (sha,))]


def test_a_valid_frame_with_other_bytes_is_caught_by_the_hash(original):
    path, expected = original
    url = next(iter(expected["fetches"]))
    sha = expected["fetches"][url].sha256
    other = body(0).replace(b"Page 0", b"Page X")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (pack(other), sha))
    with EvidenceStore(path) as store, pytest.raises(EvidenceCorrupt, match="does not hash"):
        store.get_fetch(url)


def test_an_edited_record_fails_its_digest(original):
    path, expected = original
    url = next(iter(expected["fetches"]))
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE fetches SET record = replace(record, '200', '203') WHERE url = ?", (url,)
        )
        db.execute("UPDATE searches SET results = replace(results, 'T1', 'T7')")
    with EvidenceStore(path) as store:
        with pytest.raises(EvidenceCorrupt, match="does not match its digest"):
            store.get_fetch(url)
        with pytest.raises(EvidenceCorrupt, match="searches record"):
            store.get_search("serper", "coral heat", 2)
        assert {p.table for p in store.verify()} == {"fetches", "searches"}


def test_a_truncated_store_is_a_typed_error(original, tmp_path):
    path, expected = original
    for keep in (0.5, 0.9):
        cut = tmp_path / f"cut{keep}.sqlite"
        cut.write_bytes(path.read_bytes()[: int(path.stat().st_size * keep)])
        try:
            intact, bad = read_back(cut, expected)
        except EvidenceStoreError as error:
            assert str(cut) in str(error) and "\n" not in str(error)
            continue
        assert bad and EvidenceStore(cut).verify()


def test_a_file_that_is_not_a_store_is_one_clear_line(tmp_path):
    junk = tmp_path / "evidence.sqlite"
    junk.write_text("these are not the pages you are looking for " * 200)
    with pytest.raises(EvidenceStoreError) as info:
        EvidenceStore(junk)
    message = str(info.value)
    assert message.count("\n") == 0 and str(junk) in message
    assert "not a readable evidence store" in message and "evidence import" in message


# --- exports ---------------------------------------------------------------------------------------


@pytest.fixture
def export(original, tmp_path) -> Path:
    path, _ = original
    out = tmp_path / "run-1.evidence"
    with EvidenceStore(path) as store:
        export_snapshot(store, out)
    return out


def rows(path: Path) -> int:
    with EvidenceStore(path) as store, store.connection() as db:
        return sum(
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("blobs", "fetches", "documents", "searches")
        )


def test_byte_flips_in_an_export_never_import_different_evidence(original, export, tmp_path):
    _, expected = original
    size = export.stat().st_size
    rng = random.Random(150)
    offsets = [o + 40 for o in frames_in(export)] + rng.sample(range(size), 80)
    refused = 0
    for n, offset in enumerate(offsets):
        copy = flipped(export, tmp_path / f"flip{n}.evidence", offset)
        target = tmp_path / f"into{n}.sqlite"
        try:
            with EvidenceStore(target) as store:
                import_snapshot(store, copy)
        except EvidenceStoreError:
            refused += 1
            assert rows(target) == 0  # all or nothing
            continue
        intact, bad = read_back(target, expected)
        assert (intact, bad) == (13, 0), f"offset {offset}: imported evidence is not intact"
    assert refused >= len(frames_in(export))


def test_a_truncated_export_is_refused_and_nothing_is_written(export, tmp_path):
    cut = tmp_path / "cut.evidence"
    cut.write_bytes(export.read_bytes()[: export.stat().st_size // 2])
    with EvidenceStore(tmp_path / "into.sqlite") as store:
        with pytest.raises(EvidenceStoreError):
            import_snapshot(store, cut)
    assert rows(tmp_path / "into.sqlite") == 0


def test_a_tampered_but_well_formed_export_is_refused(original, export, tmp_path):
    _, expected = original
    url = next(iter(expected["fetches"]))
    sha = expected["fetches"][url].sha256
    with sqlite3.connect(export) as db:  # a valid frame, other text, same sha256 key
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (pack(b"<html>lies</html>"), sha))
    with EvidenceStore(tmp_path / "into.sqlite") as store:
        with pytest.raises(
            CorruptRecords, match=r"1 corrupt record\(s\), so nothing was imported"
        ) as info:
            import_snapshot(store, export)
    assert rows(tmp_path / "into.sqlite") == 0
    [problem] = info.value.problems
    assert (problem.table, problem.key) == ("blobs", (sha,))


def test_garbage_then_the_good_export_leaves_an_intact_store(original, export, tmp_path):
    _, expected = original
    garbage = tmp_path / "garbage.evidence"
    garbage.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    target = tmp_path / "into.sqlite"
    with EvidenceStore(target) as store:
        with pytest.raises(EvidenceStoreError, match="not an evidence snapshot"):
            import_snapshot(store, garbage)
        imported = import_snapshot(store, export)
        assert imported.added["fetches"] == 6 and imported.added["documents"] == 6
        assert store.verify() == []
    assert read_back(target, expected) == (13, 0)


def test_a_re_import_repairs_corrupt_records(original, export):
    path, expected = original
    url = next(iter(expected["fetches"]))
    sha = expected["fetches"][url].sha256
    with sqlite3.connect(path) as db:
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (b"\x28\xb5\x2f\xfd junk", sha))
        db.execute("UPDATE documents SET digest = 'x' WHERE sha256 = ?", (sha,))
    with EvidenceStore(path) as store:
        assert len(store.verify()) == 2
        imported = import_snapshot(store, export)
        assert imported.repaired["blobs"] == 1 and imported.repaired["documents"] == 1
        assert sum(imported.added.values()) == 0
        assert store.verify() == []
    assert read_back(path, expected) == (13, 0)


def test_an_export_of_a_corrupt_store_is_refused(original, tmp_path):
    path, expected = original
    url = next(iter(expected["fetches"]))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE fetches SET digest = 'x' WHERE url = ?", (url,))
    out = tmp_path / "out.evidence"
    with EvidenceStore(path) as store:
        with pytest.raises(
            EvidenceStoreError, match=rf"so nothing was exported: fetches \('{url}'\)"
        ):
            export_snapshot(store, out)
        assert not out.exists() and not Path(f"{out}.partial").exists()
        [problem] = store.verify()
        store.drop(problem)
        assert export_snapshot(store, out)["fetches"] == 5


# --- what a judge sees ------------------------------------------------------------------------------


class CountingFetcher:
    def __init__(self) -> None:
        self.calls = 0

    async def fetch(self, url: str) -> FetchResult:
        self.calls += 1
        return FetchResult(url=url, status=200, kind="html", body=body(0), fetched_at=WHEN)


def corrupt_body_of(path: Path, url: str) -> None:
    with sqlite3.connect(path) as db:
        sha = db.execute("SELECT sha256 FROM fetches WHERE url = ?", (url,)).fetchone()[0]
        frame = zstandard.ZstdCompressor().compress(b"not the page")
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (frame, sha))


async def test_live_mode_fetches_a_corrupt_record_again_and_replay_reports_it(tmp_path):
    path = tmp_path / "e.sqlite"
    url = "https://site0.example/page"
    fetcher = CountingFetcher()
    with EvidenceStore(path) as store:
        await Evidence(store, "live", fetcher=fetcher).fetch(url)
    corrupt_body_of(path, url)
    with EvidenceStore(path) as store:
        with pytest.raises(EvidenceMissing, match="Corrupt evidence") as info:
            await Evidence(store, "replay").fetch(url)
        assert isinstance(info.value, EvidenceCorrupt)
        again = await Evidence(store, "live", fetcher=fetcher).fetch(url)
        assert fetcher.calls == 2 and again.body == body(0)
        assert hashlib.sha256(again.body).hexdigest() == again.sha256
        assert store.verify() == []


async def test_a_corrupt_document_is_extracted_again_in_live_mode(tmp_path):
    url = "https://site0.example/page"
    calls = []

    def extractor(result: FetchResult) -> Document:
        calls.append(result.url)
        return Document(url=url, text="the page text", extractor="fake", extractor_version="1")

    with EvidenceStore(tmp_path / "e.sqlite") as store:
        live = Evidence(store, "live", fetcher=CountingFetcher(), extractor=extractor)
        first = await live.document(url)
        with store.transaction() as db:
            db.execute("UPDATE documents SET data = ?", (pack(b'{"url": "x"}'),))
        with pytest.raises(EvidenceCorrupt):
            await Evidence(store, "replay").document(url)
        assert await live.document(url) == first and len(calls) == 2


# --- older stores ------------------------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE fetches (url TEXT PRIMARY KEY, final_url TEXT, status INTEGER, content_type TEXT,
    sha256 TEXT, error_kind TEXT, error_reason TEXT, fetched_at TEXT NOT NULL,
    stored_at REAL NOT NULL, record TEXT NOT NULL);
CREATE TABLE documents (sha256 TEXT NOT NULL, extractor TEXT NOT NULL,
    extractor_version TEXT NOT NULL, stored_at REAL NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (sha256, extractor, extractor_version));
CREATE TABLE extraction_failures (sha256 TEXT NOT NULL, extractor TEXT NOT NULL,
    extractor_version TEXT NOT NULL, stored_at REAL NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (sha256, extractor, extractor_version));
CREATE TABLE searches (provider TEXT NOT NULL, query TEXT NOT NULL, k INTEGER NOT NULL,
    searched_at TEXT NOT NULL, stored_at REAL NOT NULL, results TEXT NOT NULL,
    PRIMARY KEY (provider, query, k));
CREATE TABLE run_fetches (run TEXT NOT NULL, url TEXT NOT NULL, PRIMARY KEY (run, url));
CREATE TABLE run_searches (run TEXT NOT NULL, provider TEXT NOT NULL, query TEXT NOT NULL,
    k INTEGER NOT NULL, PRIMARY KEY (run, provider, query, k));
PRAGMA user_version = 1;
"""


def version_1_store(path: Path) -> FetchResult:
    """A store as version 1 wrote it: no digests, frames without checksums."""
    page = body(3)
    result = FetchResult(
        url="https://old.example/",
        status=200,
        kind="html",
        sha256=hashlib.sha256(page).hexdigest(),
        fetched_at=WHEN,
    )
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
        db.execute(
            "INSERT INTO blobs VALUES (?, ?, ?)",
            (result.sha256, len(page), zstandard.compress(page)),
        )
        db.execute(
            "INSERT INTO fetches VALUES (?, NULL, 200, NULL, ?, NULL, NULL, ?, 0, ?)",
            (result.url, result.sha256, WHEN.isoformat(), result.model_dump_json(exclude={"body"})),
        )
        db.execute("INSERT INTO run_fetches VALUES ('old-run', ?)", (result.url,))
    return result.model_copy(update={"body": page})


def test_a_version_1_store_is_migrated_and_its_exports_import(tmp_path):
    old = tmp_path / "v1.sqlite"
    want = version_1_store(old)
    snapshot = tmp_path / "v1.evidence"
    shutil.copyfile(old, snapshot)
    with EvidenceStore(old) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.get_fetch(want.url) == want and store.verify() == []
    with EvidenceStore(tmp_path / "new.sqlite") as store:
        assert import_snapshot(store, snapshot).added["fetches"] == 1
        assert store.get_fetch(want.url).body == want.body
    with sqlite3.connect(snapshot) as db:  # the file imported is left as it was
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_newer_store_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "future.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RetrievalError, match="upgrade trustbench"):
        EvidenceStore(path)
