"""The evidence store: every search, fetch, raw body and extracted document a judge used, in one
SQLite file, so that a judged number can be replayed offline or on another machine.

Several processes (parallel eval workers) may write at once. The store uses the WAL journal, a
busy timeout, and short `BEGIN IMMEDIATE` transactions. Taking the write lock up front avoids
the read-to-write lock upgrade that a busy timeout cannot resolve. Each key keeps its first
record: a second writer gets the stored record back, so every reader sees the same evidence.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
import zstandard
from pydantic import TypeAdapter

from trustbench.retrieval.types import Document, FetchResult, RetrievalError, SearchResult

SCHEMA_VERSION = 1
STORE_VARIABLE = "TRUSTBENCH_EVIDENCE"
ZSTD_LEVEL = 3
"""Fast, and about 5x smaller on HTML; raising it buys little for much more CPU."""

_SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,     -- raw bytes
    data BLOB NOT NULL         -- zstd frame
);
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY,      -- as asked for
    final_url TEXT,
    status INTEGER,
    content_type TEXT,
    sha256 TEXT,
    error_kind TEXT,
    error_reason TEXT,
    fetched_at TEXT NOT NULL,
    stored_at REAL NOT NULL,   -- unix seconds, for prune
    record TEXT NOT NULL       -- the whole FetchResult as JSON, body left out
);
CREATE INDEX IF NOT EXISTS fetches_sha256 ON fetches (sha256);
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT NOT NULL,
    extractor TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    stored_at REAL NOT NULL,
    data BLOB NOT NULL,        -- zstd-compressed Document JSON
    PRIMARY KEY (sha256, extractor, extractor_version)
);
CREATE TABLE IF NOT EXISTS extraction_failures (
    sha256 TEXT NOT NULL,
    extractor TEXT NOT NULL,   -- '' unless the extractor was pinned
    extractor_version TEXT NOT NULL,
    stored_at REAL NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (sha256, extractor, extractor_version)
);
CREATE TABLE IF NOT EXISTS searches (
    provider TEXT NOT NULL,
    query TEXT NOT NULL,
    k INTEGER NOT NULL,
    searched_at TEXT NOT NULL,
    stored_at REAL NOT NULL,
    results TEXT NOT NULL,     -- list of SearchResult as JSON
    PRIMARY KEY (provider, query, k)
);
CREATE TABLE IF NOT EXISTS run_fetches (
    run TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (run, url)
);
CREATE TABLE IF NOT EXISTS run_searches (
    run TEXT NOT NULL,
    provider TEXT NOT NULL,
    query TEXT NOT NULL,
    k INTEGER NOT NULL,
    PRIMARY KEY (run, provider, query, k)
);
PRAGMA user_version = {SCHEMA_VERSION};
COMMIT;
"""
TABLES = (
    "blobs",
    "fetches",
    "documents",
    "extraction_failures",
    "searches",
    "run_fetches",
    "run_searches",
)
"""In dependency order; snapshots copy them whole."""

_RESULTS = TypeAdapter(list[SearchResult])


def default_store_path() -> Path:
    """$TRUSTBENCH_EVIDENCE, else evidence.sqlite in the user's cache folder."""
    configured = os.environ.get(STORE_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("trustbench")) / "evidence.sqlite"


class EvidenceStore:
    """Synchronous and thread-safe (one connection behind a lock): async callers run it in a
    worker thread, so waiting on another process's write lock never blocks their event loop."""

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        self._enable_wal(busy_timeout_s)
        self._db.execute("PRAGMA synchronous = NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            raise RetrievalError(
                f"{self.path} was written by a newer trustbench (evidence schema {version}); "
                "upgrade trustbench to read it."
            )
        if version < SCHEMA_VERSION:
            self._db.executescript(_SCHEMA)

    def _enable_wal(self, timeout_s: float) -> None:
        """Switching a new file to WAL takes an exclusive lock and ignores the busy timeout, so
        processes opening the same new store at once wait here for each other."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as ex:
                if "locked" not in str(ex) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads (each statement is its own transaction) and maintenance."""
        with self._lock:
            yield self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the write lock from its start; keep it short."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # fetches and raw bodies

    def put_fetch(self, result: FetchResult, *, run: str | None = None) -> FetchResult:
        """Stores a fetch, failed ones too (a replay then reproduces the failure), with its body
        deduplicated by sha256. Returns the stored record: the first one if `url` was stored."""
        body = result.body
        if body or result.ok:
            result = result.model_copy(update={"sha256": hashlib.sha256(body).hexdigest()})
        compressed = zstandard.compress(body, ZSTD_LEVEL) if result.sha256 else b""
        error = result.error
        with self.transaction() as db:
            exists = db.execute("SELECT 1 FROM fetches WHERE url = ?", (result.url,)).fetchone()
            if not exists:
                if result.sha256:
                    db.execute(
                        "INSERT OR IGNORE INTO blobs VALUES (?, ?, ?)",
                        (result.sha256, len(body), compressed),
                    )
                db.execute(
                    "INSERT INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        result.url,
                        result.final_url,
                        result.status,
                        result.content_type,
                        result.sha256,
                        error.kind.value if error else None,
                        error.reason if error else None,
                        result.fetched_at.isoformat(),
                        time.time(),
                        result.model_dump_json(exclude={"body"}),
                    ),
                )
            if run:
                db.execute("INSERT OR IGNORE INTO run_fetches VALUES (?, ?)", (run, result.url))
        if not exists:
            return result
        stored = self.get_fetch(result.url)
        assert stored is not None, "fetch rows are never deleted inside a put"
        return stored

    def get_fetch(self, url: str) -> FetchResult | None:
        """The stored fetch of `url` with its raw body, or None."""
        with self.connection() as db:
            row = db.execute(
                "SELECT f.record, b.data FROM fetches f LEFT JOIN blobs b ON b.sha256 = f.sha256 "
                "WHERE f.url = ?",
                (url,),
            ).fetchone()
        if row is None:
            return None
        record, data = row
        body = zstandard.decompress(data) if data else b""
        return FetchResult.model_validate_json(record).model_copy(update={"body": body})

    # extracted documents

    def put_document(
        self, document: Document, extractor: tuple[str, str] | None = None
    ) -> Document:
        """Stores the text extracted from the body `document.source_sha256` (which must be set),
        keyed by `extractor` (name, version), by default the document's own. Returns the stored
        document: the first one if the key was stored already."""
        if not document.source_sha256:
            raise ValueError("a stored document needs source_sha256, the hash of its raw body")
        extractor = extractor or (document.extractor, document.extractor_version)
        data = zstandard.compress(document.model_dump_json().encode(), ZSTD_LEVEL)
        with self.transaction() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?, ?)",
                (document.source_sha256, *extractor, time.time(), data),
            ).rowcount
        if added:
            return document
        stored = self.get_document(document.source_sha256, extractor)
        assert stored is not None, "document rows are never deleted inside a put"
        return stored

    def get_document(
        self, sha256: str, extractor: tuple[str, str] | None = None
    ) -> Document | None:
        """The document extracted from body `sha256` by `extractor` (name, version); with no
        extractor given, the most recently stored one."""
        sql = "SELECT data FROM documents WHERE sha256 = ?"
        params: tuple[str, ...] = (sha256,)
        if extractor:
            sql += " AND extractor = ? AND extractor_version = ?"
            params += extractor
        with self.connection() as db:
            row = db.execute(sql + " ORDER BY stored_at DESC LIMIT 1", params).fetchone()
        return Document.model_validate_json(zstandard.decompress(row[0])) if row else None

    def put_extraction_failure(
        self, sha256: str, extractor: tuple[str, str] | None, reason: str
    ) -> None:
        """Records that no text could be extracted from body `sha256`, so a replay fails alike
        instead of finding nothing."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO extraction_failures VALUES (?, ?, ?, ?, ?)",
                (sha256, *(extractor or ("", "")), time.time(), reason),
            )

    def get_extraction_failure(self, sha256: str, extractor: tuple[str, str] | None) -> str | None:
        """The reason stored by `put_extraction_failure` for the same body and extractor."""
        with self.connection() as db:
            row = db.execute(
                "SELECT reason FROM extraction_failures WHERE sha256 = ? AND extractor = ? "
                "AND extractor_version = ?",
                (sha256, *(extractor or ("", ""))),
            ).fetchone()
        return row[0] if row else None

    # searches

    def put_search(
        self,
        provider: str,
        query: str,
        k: int,
        results: list[SearchResult],
        *,
        run: str | None = None,
    ) -> list[SearchResult]:
        """Stores a search's results. Returns the stored results: the first ones if the same
        (provider, query, k) was stored already."""
        with self.transaction() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO searches VALUES (?, ?, ?, ?, ?, ?)",
                (
                    provider,
                    query,
                    k,
                    datetime.now(UTC).isoformat(),
                    time.time(),
                    _RESULTS.dump_json(results).decode(),
                ),
            ).rowcount
            if run:
                db.execute(
                    "INSERT OR IGNORE INTO run_searches VALUES (?, ?, ?, ?)",
                    (run, provider, query, k),
                )
        if added:
            return results
        stored = self.get_search(provider, query, k)
        assert stored is not None, "search rows are never deleted inside a put"
        return stored

    def get_search(self, provider: str, query: str, k: int) -> list[SearchResult] | None:
        with self.connection() as db:
            row = db.execute(
                "SELECT results FROM searches WHERE provider = ? AND query = ? AND k = ?",
                (provider, query, k),
            ).fetchone()
        return _RESULTS.validate_json(row[0]) if row else None

    # which run used what (for exporting one run's evidence and for prune)

    def add_run_fetch(self, run: str, url: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO run_fetches VALUES (?, ?)", (run, url))

    def add_run_search(self, run: str, provider: str, query: str, k: int) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO run_searches VALUES (?, ?, ?, ?)", (run, provider, query, k)
            )
