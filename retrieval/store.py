"""The evidence store: every search, fetch, raw body and extracted document a judge used, in one
SQLite file, so that a judged number can be replayed offline or on another machine.

Several processes (parallel eval workers) may write at once. The store uses the WAL journal, a
busy timeout, and short `BEGIN IMMEDIATE` transactions. Taking the write lock up front avoids
the read-to-write lock upgrade that a busy timeout cannot resolve. Each key keeps its first
record: a second writer gets the stored record back, so every reader sees the same evidence.

Every read is checked (`integrity`): a record that fails raises `EvidenceCorrupt` naming it, and
`drop` removes it so that live mode can fetch it again. A file that is not a usable SQLite store
raises `EvidenceStoreError`, whose message says what to do.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import TypeAdapter, ValidationError

from trustbench.retrieval.integrity import (
    DIGESTED,
    DOCUMENTS,
    EXTRACTION_FAILURES,
    FETCHES,
    SEARCHES,
    Corrupt,
    Table,
    check_body,
    check_digest,
    pack,
    row_digest,
    unpack,
)
from trustbench.retrieval.types import (
    Document,
    EvidenceCorrupt,
    EvidenceStoreError,
    FetchResult,
    SearchResult,
)

SCHEMA_VERSION = 2
"""1: no digests. 2: a digest on every record, zstd checksums, the session that stored a fetch."""
STORE_VARIABLE = "TRUSTBENCH_EVIDENCE"

_TABLES = """
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,   -- of the raw bytes
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
    stored_at REAL NOT NULL,   -- unix seconds, for prune and for retrying transient failures
    record TEXT NOT NULL,      -- the whole FetchResult as JSON, body left out
    digest TEXT NOT NULL DEFAULT '',
    session TEXT               -- who stored it: a failure stored by another run is retried
);
CREATE INDEX IF NOT EXISTS fetches_sha256 ON fetches (sha256);
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT NOT NULL,
    extractor TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    stored_at REAL NOT NULL,
    data BLOB NOT NULL,        -- zstd-compressed Document JSON
    digest TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sha256, extractor, extractor_version)
);
CREATE TABLE IF NOT EXISTS extraction_failures (
    sha256 TEXT NOT NULL,
    extractor TEXT NOT NULL,   -- '' unless the extractor was pinned
    extractor_version TEXT NOT NULL,
    stored_at REAL NOT NULL,
    reason TEXT NOT NULL,
    digest TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sha256, extractor, extractor_version)
);
CREATE TABLE IF NOT EXISTS searches (
    provider TEXT NOT NULL,
    query TEXT NOT NULL,
    k INTEGER NOT NULL,
    searched_at TEXT NOT NULL,
    stored_at REAL NOT NULL,
    results TEXT NOT NULL,     -- list of SearchResult as JSON
    digest TEXT NOT NULL DEFAULT '',
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
"""
_ADDED_IN_2 = """
ALTER TABLE fetches ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE fetches ADD COLUMN session TEXT;
ALTER TABLE documents ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE extraction_failures ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE searches ADD COLUMN digest TEXT NOT NULL DEFAULT '';
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
_DAMAGE_HINT = (
    "Move it aside (a new store is created in its place) and restore what it held with "
    "`trustbench evidence import FILE` from an export."
)

_RESULTS = TypeAdapter(list[SearchResult])


def default_store_path() -> Path:
    """$TRUSTBENCH_EVIDENCE, else evidence.sqlite in the user's cache folder."""
    configured = os.environ.get(STORE_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("trustbench")) / "evidence.sqlite"


@dataclass(frozen=True)
class StoredFetch:
    """A stored fetch with when and by whom it was stored (for retrying transient failures)."""

    result: FetchResult
    stored_at: float
    session: str | None


@dataclass(frozen=True)
class Problem:
    """A record that fails its check, found by `EvidenceStore.verify`."""

    table: str
    key: tuple[Any, ...]
    reason: str

    def __str__(self) -> str:
        shown = ", ".join(repr(part) for part in self.key)
        return f"{self.table} ({shown}): {self.reason}"


class EvidenceStore:
    """Synchronous and thread-safe (one connection behind a lock): async callers run it in a
    worker thread, so waiting on another process's write lock never blocks their event loop.
    `read_only` opens an existing file (a snapshot being imported) without changing it."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout_s: float = 60.0,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.RLock()
        if read_only:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._sqlite_errors():
            self._db = sqlite3.connect(
                uri if read_only else self.path,
                timeout=busy_timeout_s,
                isolation_level=None,
                check_same_thread=False,
                uri=read_only,
            )
        try:
            self._open(read_only)
        except BaseException:
            self._db.close()
            raise

    def _open(self, read_only: bool) -> None:
        with self._sqlite_errors():
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise EvidenceStoreError(
                    f"{self.path} was written by a newer trustbench (evidence schema {version}); "
                    "upgrade trustbench to read it."
                )
            if read_only:
                self.schema_version = version
                if version == SCHEMA_VERSION:
                    self._check_tables()
                return
            self._enable_wal()
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate(version)
            self.schema_version = SCHEMA_VERSION
            self._check_tables()

    def _check_tables(self) -> None:
        """The tables and columns the code reads are there (a damaged schema is refused here,
        not met halfway through a read)."""
        for table, columns in _table_columns().items():
            found = [row[1] for row in self._db.execute(f"PRAGMA table_info({table})")]
            if found != columns:
                raise EvidenceStoreError(
                    f"{self.path} is not a readable evidence store (table {table} has columns "
                    f"{', '.join(found) or 'none'}). {_DAMAGE_HINT}"
                )

    def _enable_wal(self) -> None:
        """Switching a new file to WAL takes an exclusive lock and ignores the busy timeout, so
        processes opening the same new store at once wait here for each other."""
        deadline = time.monotonic() + self.busy_timeout_s
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as ex:
                if "locked" not in str(ex) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self, version: int) -> None:
        """Creates the tables of a new file, or adds what version 2 added to a version-1 store.
        Each runs in one write transaction that re-reads the version, so that processes opening
        the same store at once migrate it once."""
        if version == SCHEMA_VERSION:
            return
        if version == 0:
            self._db.executescript(
                f"BEGIN IMMEDIATE; {_TABLES} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
            return
        with self.transaction() as db:
            if db.execute("PRAGMA user_version").fetchone()[0] != 1:
                return
            for statement in _ADDED_IN_2.strip().splitlines():
                db.execute(statement)
            for table in DIGESTED:
                _fill_digests(db, table)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """SQLite's errors as `EvidenceStoreError`, with what to do about them."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            message = str(error)
            if "locked" in message or "busy" in message:
                raise EvidenceStoreError(
                    f"{self.path} is locked by another process ({message}, waited "
                    f"{self.busy_timeout_s:g} s); try again when it has finished."
                ) from error
            raise EvidenceStoreError(
                f"{self.path} is not a readable evidence store ({message}). {_DAMAGE_HINT}"
            ) from error

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
        with self._lock, self._sqlite_errors():
            yield self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the write lock from its start; keep it short."""
        with self._lock, self._sqlite_errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _corrupt(self, table: str, key: Sequence[Any], reason: str) -> EvidenceCorrupt:
        return EvidenceCorrupt(str(self.path), table, tuple(key), reason)

    # fetches and raw bodies

    def put_fetch(
        self,
        result: FetchResult,
        *,
        run: str | None = None,
        session: str | None = None,
        replace: bool = False,
    ) -> FetchResult:
        """Stores a fetch, failed ones too (a replay then reproduces the failure), with its body
        deduplicated by sha256. Returns the stored record: the first one if `url` was stored,
        unless `replace` is set and the stored one is a failure (a retry of it)."""
        body = result.body
        if body or result.ok:
            result = result.model_copy(update={"sha256": hashlib.sha256(body).hexdigest()})
        frame = pack(body) if result.sha256 else b""
        error = result.error
        values = (
            result.url,
            result.final_url,
            result.status,
            result.content_type,
            result.sha256,
            error.kind.value if error else None,
            error.reason if error else None,
            result.fetched_at.isoformat(),
            result.model_dump_json(exclude={"body"}),
        )
        with self.transaction() as db:
            stored = db.execute(
                "SELECT error_kind FROM fetches WHERE url = ?", (result.url,)
            ).fetchone()
            keep = stored is not None and not (replace and stored["error_kind"] is not None)
            if not keep:
                if result.sha256:
                    db.execute(
                        "INSERT OR IGNORE INTO blobs VALUES (?, ?, ?)",
                        (result.sha256, len(body), frame),
                    )
                db.execute(
                    "INSERT OR REPLACE INTO fetches (url, final_url, status, content_type, "
                    "sha256, error_kind, error_reason, fetched_at, record, stored_at, digest, "
                    "session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, time.time(), row_digest(values), session),
                )
            if run:
                db.execute("INSERT OR IGNORE INTO run_fetches VALUES (?, ?)", (run, result.url))
        if not keep:
            return result
        found = self.get_fetch(result.url)
        assert found is not None, "fetch rows are never deleted inside a put"
        return found

    def lookup_fetch(self, url: str) -> StoredFetch | None:
        """The stored fetch of `url` with its raw body, when and by whom it was stored; None if
        there is none; `EvidenceCorrupt` if it or its body fails its check."""
        with self.connection() as db:
            row = db.execute("SELECT * FROM fetches WHERE url = ?", (url,)).fetchone()
            blob = None
            if row is not None and row["sha256"]:
                blob = db.execute(
                    "SELECT size, data FROM blobs WHERE sha256 = ?", (row["sha256"],)
                ).fetchone()
        if row is None:
            return None
        try:
            _check_key(row, FETCHES, (url,))
            check_digest(row, FETCHES)
            body = b""
            if row["sha256"]:
                if blob is None:
                    raise Corrupt(f"its body (sha256 {row['sha256']}) is missing")
                body = check_body(row["sha256"], blob["size"], blob["data"])
            result = FetchResult.model_validate_json(row["record"])
        except (Corrupt, ValidationError) as error:
            raise self._corrupt("fetches", (url,), _reason(error)) from error
        return StoredFetch(
            result.model_copy(update={"body": body}), row["stored_at"], row["session"]
        )

    def get_fetch(self, url: str) -> FetchResult | None:
        """The stored fetch of `url` with its raw body, or None; `EvidenceCorrupt` if it fails
        its check."""
        stored = self.lookup_fetch(url)
        return None if stored is None else stored.result

    def drop_fetch(self, url: str) -> None:
        """Removes the fetch of `url`, and its body if that fails its check (a corrupt record,
        about to be fetched again)."""
        with self.transaction() as db:
            row = db.execute("SELECT sha256 FROM fetches WHERE url = ?", (url,)).fetchone()
            db.execute("DELETE FROM fetches WHERE url = ?", (url,))
            if row is None or not row["sha256"]:
                return
            blob = db.execute(
                "SELECT size, data FROM blobs WHERE sha256 = ?", (row["sha256"],)
            ).fetchone()
            try:
                if blob is not None:
                    check_body(row["sha256"], blob["size"], blob["data"])
            except Corrupt:
                db.execute("DELETE FROM blobs WHERE sha256 = ?", (row["sha256"],))

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
        values = (document.source_sha256, *extractor, pack(document.model_dump_json().encode()))
        with self.transaction() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO documents (sha256, extractor, extractor_version, data, "
                "stored_at, digest) VALUES (?, ?, ?, ?, ?, ?)",
                (*values, time.time(), row_digest(values)),
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
        extractor given, the most recently stored one. `EvidenceCorrupt` if it fails its check."""
        sql = "SELECT * FROM documents WHERE sha256 = ?"
        params: tuple[str, ...] = (sha256,)
        if extractor:
            sql += " AND extractor = ? AND extractor_version = ?"
            params += extractor
        with self.connection() as db:
            row = db.execute(sql + " ORDER BY stored_at DESC LIMIT 1", params).fetchone()
        if row is None:
            return None
        try:
            _check_key(
                row,
                DOCUMENTS,
                (sha256, *(extractor or (row["extractor"], row["extractor_version"]))),
            )
            check_digest(row, DOCUMENTS)
            return Document.model_validate_json(unpack(row["data"]))
        except (Corrupt, ValidationError) as error:
            key = (sha256, row["extractor"], row["extractor_version"])
            raise self._corrupt("documents", key, _reason(error)) from error

    def drop_document(self, sha256: str, extractor: tuple[str, str]) -> None:
        with self.transaction() as db:
            db.execute(
                "DELETE FROM documents WHERE sha256 = ? AND extractor = ? "
                "AND extractor_version = ?",
                (sha256, *extractor),
            )

    def put_extraction_failure(
        self, sha256: str, extractor: tuple[str, str] | None, reason: str
    ) -> None:
        """Records that no text could be extracted from body `sha256`, so a replay fails alike
        instead of finding nothing."""
        values = (sha256, *(extractor or ("", "")), reason)
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO extraction_failures (sha256, extractor, "
                "extractor_version, reason, stored_at, digest) VALUES (?, ?, ?, ?, ?, ?)",
                (*values, time.time(), row_digest(values)),
            )

    def get_extraction_failure(self, sha256: str, extractor: tuple[str, str] | None) -> str | None:
        """The reason stored by `put_extraction_failure` for the same body and extractor."""
        key = (sha256, *(extractor or ("", "")))
        with self.connection() as db:
            row = db.execute(
                "SELECT * FROM extraction_failures WHERE sha256 = ? AND extractor = ? "
                "AND extractor_version = ?",
                key,
            ).fetchone()
        if row is None:
            return None
        try:
            _check_key(row, EXTRACTION_FAILURES, key)
            check_digest(row, EXTRACTION_FAILURES)
        except Corrupt as error:
            raise self._corrupt("extraction_failures", key, str(error)) from error
        return row["reason"]

    def drop_extraction_failure(self, sha256: str, extractor: tuple[str, str] | None) -> None:
        with self.transaction() as db:
            db.execute(
                "DELETE FROM extraction_failures WHERE sha256 = ? AND extractor = ? "
                "AND extractor_version = ?",
                (sha256, *(extractor or ("", ""))),
            )

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
        values = (
            provider,
            query,
            k,
            datetime.now(UTC).isoformat(),
            _RESULTS.dump_json(results).decode(),
        )
        with self.transaction() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO searches (provider, query, k, searched_at, results, "
                "stored_at, digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*values, time.time(), row_digest(values)),
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
        """The stored results, or None; `EvidenceCorrupt` if they fail their check."""
        with self.connection() as db:
            row = db.execute(
                "SELECT * FROM searches WHERE provider = ? AND query = ? AND k = ?",
                (provider, query, k),
            ).fetchone()
        if row is None:
            return None
        try:
            _check_key(row, SEARCHES, (provider, query, k))
            check_digest(row, SEARCHES)
            return _RESULTS.validate_json(row["results"])
        except (Corrupt, ValidationError) as error:
            raise self._corrupt("searches", (provider, query, k), _reason(error)) from error

    def drop_search(self, provider: str, query: str, k: int) -> None:
        with self.transaction() as db:
            db.execute(
                "DELETE FROM searches WHERE provider = ? AND query = ? AND k = ?",
                (provider, query, k),
            )

    # which run used what (for exporting one run's evidence and for prune)

    def add_run_fetch(self, run: str, url: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO run_fetches VALUES (?, ?)", (run, url))

    def add_run_search(self, run: str, provider: str, query: str, k: int) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO run_searches VALUES (?, ?, ?, ?)", (run, provider, query, k)
            )

    # checking everything

    def drop(self, problem: Problem) -> None:
        """Removes a record `verify` found bad (a body with the fetches that point at it), so
        that live mode fetches it again and an import can put a good copy in its place."""
        if problem.table not in TABLES or not problem.key:
            raise EvidenceStoreError(
                f"{self.path}: {problem} cannot be removed record by record. {_DAMAGE_HINT}"
            )
        where = " AND ".join(f"{column} = ?" for column in KEYS[problem.table])
        with self.transaction() as db:
            if problem.table == "blobs":
                db.execute("DELETE FROM fetches WHERE sha256 = ?", problem.key)
            db.execute(f"DELETE FROM {problem.table} WHERE {where}", problem.key)

    def verify(self) -> list[Problem]:
        """Every record that fails its check (and what SQLite's own check finds), in table
        order; empty when the store is intact. Reads every record and every body."""
        problems: list[Problem] = []
        with self.connection() as db:
            checked = [row[0] for row in db.execute("PRAGMA quick_check")]
        if checked != ["ok"]:
            problems += [Problem("sqlite", (), message) for message in checked]
        for table, sql, check in _CHECKS:
            problems += self._scan(table, KEYS[table], sql, check)
        return problems

    def _scan(
        self, table: str, key: Sequence[str], sql: str, check: Callable[[sqlite3.Row], None]
    ) -> list[Problem]:
        problems = []
        try:
            with self._lock:
                for row in self._db.execute(sql):
                    try:
                        check(row)
                    except (Corrupt, ValidationError) as error:
                        found = Problem(table, tuple(row[c] for c in key), _reason(error))
                        problems.append(found)
        except sqlite3.DatabaseError as error:
            problems.append(Problem(table, (), f"unreadable: {error}"))
        return problems


def _check_key(row: sqlite3.Row, table: Table, key: tuple[Any, ...]) -> None:
    """A damaged index can lead a lookup to another row: the row must be the one asked for."""
    if tuple(row[column] for column in table.key) != key:
        raise Corrupt("the index led to another record")


def _check_blob(row: sqlite3.Row) -> None:
    check_body(row["sha256"], row["size"], row["data"])


def _check_fetch(row: sqlite3.Row) -> None:
    check_digest(row, FETCHES)
    FetchResult.model_validate_json(row["record"])


def _check_document(row: sqlite3.Row) -> None:
    check_digest(row, DOCUMENTS)
    Document.model_validate_json(unpack(row["data"]))


def _check_extraction_failure(row: sqlite3.Row) -> None:
    check_digest(row, EXTRACTION_FAILURES)


def _check_search(row: sqlite3.Row) -> None:
    check_digest(row, SEARCHES)
    _RESULTS.validate_json(row["results"])


def _check_fetch_and_body(row: sqlite3.Row) -> None:
    _check_fetch(row)
    if row["sha256"] and not row["has_body"]:
        raise Corrupt(f"its body (sha256 {row['sha256']}) is missing")


ROW_CHECKS: dict[str, Callable[[sqlite3.Row], None]] = {
    "blobs": _check_blob,
    "fetches": _check_fetch,
    "documents": _check_document,
    "extraction_failures": _check_extraction_failure,
    "searches": _check_search,
}
"""How one row of each checked table proves it is intact: raises `Corrupt` or ValidationError."""
KEYS: dict[str, tuple[str, ...]] = {
    "blobs": ("sha256",),
    **{table.name: table.key for table in DIGESTED},
    "run_fetches": ("run", "url"),
    "run_searches": ("run", "provider", "query", "k"),
}
_CHECKS: tuple[tuple[str, str, Callable[[sqlite3.Row], None]], ...] = (
    ("blobs", "SELECT * FROM blobs", _check_blob),
    (
        "fetches",
        "SELECT f.*, b.sha256 IS NOT NULL AS has_body FROM fetches f "
        "LEFT JOIN blobs b ON b.sha256 = f.sha256",
        _check_fetch_and_body,
    ),
    ("documents", "SELECT * FROM documents", _check_document),
    ("extraction_failures", "SELECT * FROM extraction_failures", _check_extraction_failure),
    ("searches", "SELECT * FROM searches", _check_search),
)
"""What `verify` reads from each table and how it checks a row."""


@functools.cache
def _table_columns() -> dict[str, list[str]]:
    """Each table's columns, in order, as this version creates them."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(_TABLES)
        return {t: [row[1] for row in db.execute(f"PRAGMA table_info({t})")] for t in TABLES}
    finally:
        db.close()


def _fill_digests(db: sqlite3.Connection, table: Table) -> None:
    """Digests for the records of a version-1 store, taken to be intact as they are (bodies
    are still checked against their sha256). One record in memory at a time."""
    columns = ", ".join(table.content)
    rowids = [row[0] for row in db.execute(f"SELECT rowid FROM {table.name}")]
    for rowid in rowids:
        row = db.execute(f"SELECT {columns} FROM {table.name} WHERE rowid = ?", (rowid,))
        digest = row_digest(tuple(row.fetchone()))
        db.execute(f"UPDATE {table.name} SET digest = ? WHERE rowid = ?", (digest, rowid))


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return f"its content does not parse ({error.error_count()} error(s))"
    return str(error)
