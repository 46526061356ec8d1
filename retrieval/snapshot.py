"""Moving and trimming evidence: a snapshot is one self-contained SQLite file with the store's
schema, made with SQLite's online backup (safe while other processes write). Importing it into
another store lets that machine re-judge the run in replay mode with identical evidence.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from trustbench.retrieval.store import SCHEMA_VERSION, TABLES, EvidenceStore
from trustbench.retrieval.types import RetrievalError

_DROP_ORPHANS = (
    (
        "documents",
        "DELETE FROM documents WHERE sha256 NOT IN "
        "(SELECT sha256 FROM fetches WHERE sha256 IS NOT NULL)",
    ),
    (
        "extraction_failures",
        "DELETE FROM extraction_failures WHERE sha256 NOT IN "
        "(SELECT sha256 FROM fetches WHERE sha256 IS NOT NULL)",
    ),
    (
        "blobs",
        "DELETE FROM blobs WHERE sha256 NOT IN "
        "(SELECT sha256 FROM fetches WHERE sha256 IS NOT NULL)",
    ),
    ("run_fetches", "DELETE FROM run_fetches WHERE url NOT IN (SELECT url FROM fetches)"),
    (
        "run_searches",
        "DELETE FROM run_searches WHERE NOT EXISTS (SELECT 1 FROM searches s WHERE s.provider = "
        "run_searches.provider AND s.query = run_searches.query AND s.k = run_searches.k)",
    ),
)
"""Extractions and bodies live as long as a fetch points at them; run tags as their records."""


def export_snapshot(
    store: EvidenceStore, path: str | Path, *, run_filter: str | None = None
) -> dict[str, int]:
    """Writes the store, or only what run `run_filter` used, to the file `path`. Returns the
    row count of each table written."""
    path = Path(path)
    if run_filter is not None and run_filter not in _runs(store):
        raise RetrievalError(f"No evidence in {store.path} is tagged with run {run_filter!r}.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    snapshot = sqlite3.connect(partial, isolation_level=None)
    try:
        with store.connection() as db:
            db.backup(snapshot)
        # One file that needs no -wal beside it.
        snapshot.execute("PRAGMA journal_mode = DELETE")
        if run_filter is not None:
            _keep_only_run(snapshot, run_filter)
        snapshot.execute("VACUUM")
        counts = _counts(snapshot)
    finally:
        snapshot.close()
    partial.replace(path)
    return counts


def _keep_only_run(db: sqlite3.Connection, run: str) -> None:
    db.execute("BEGIN")
    db.execute(
        "DELETE FROM searches WHERE NOT EXISTS (SELECT 1 FROM run_searches r WHERE r.run = ? "
        "AND r.provider = searches.provider AND r.query = searches.query AND r.k = searches.k)",
        (run,),
    )
    db.execute(
        "DELETE FROM fetches WHERE url NOT IN (SELECT url FROM run_fetches WHERE run = ?)", (run,)
    )
    db.execute("DELETE FROM run_searches WHERE run != ?", (run,))
    db.execute("DELETE FROM run_fetches WHERE run != ?", (run,))
    for _, statement in _DROP_ORPHANS:
        db.execute(statement)
    db.execute("COMMIT")


def import_snapshot(store: EvidenceStore, path: str | Path) -> dict[str, int]:
    """Adds a snapshot's records to the store; records the store already has for the same key
    are kept. Returns the number of rows added to each table."""
    path = Path(path)
    if not path.is_file():
        raise RetrievalError(f"No snapshot at {path}.")
    with store.connection() as db:
        _attach(db, path)
        try:
            added = {}
            with store.transaction():
                for table in TABLES:
                    added[table] = db.execute(
                        f"INSERT OR IGNORE INTO main.{table} SELECT * FROM snapshot.{table}"
                    ).rowcount
        finally:
            db.execute("DETACH DATABASE snapshot")
    return added


def _attach(db: sqlite3.Connection, path: Path) -> None:
    """Attaches `path` as schema `snapshot` once it proves to be one of ours."""
    try:
        db.execute("ATTACH DATABASE ? AS snapshot", (str(path),))
    except sqlite3.DatabaseError as ex:
        raise RetrievalError(f"{path} is not an evidence snapshot: {ex}.") from ex
    try:
        version = db.execute("PRAGMA snapshot.user_version").fetchone()[0]
        tables = {
            row[0]
            for row in db.execute("SELECT name FROM snapshot.sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError as ex:
        version, tables = f"unreadable: {ex}", set()
    if version != SCHEMA_VERSION or not set(TABLES) <= tables:
        db.execute("DETACH DATABASE snapshot")
        raise RetrievalError(
            f"{path} is not an evidence snapshot of schema {SCHEMA_VERSION} (schema {version}); "
            "export it again with this trustbench version."
        )


def stats(store: EvidenceStore) -> dict[str, Any]:
    """Counts and sizes, for `trustbench evidence stats`."""
    with store.connection() as db:

        def grouped(sql: str) -> dict[str, int]:
            return {str(key): count for key, count in db.execute(sql)}

        def one(sql: str) -> Any:
            return db.execute(sql).fetchone()[0]

        oldest, newest = db.execute(
            "SELECT min(stored_at), max(stored_at) FROM (SELECT stored_at FROM searches "
            "UNION ALL SELECT stored_at FROM fetches UNION ALL SELECT stored_at FROM documents)"
        ).fetchone()
        return {
            "path": str(store.path),
            "file_bytes": sum(
                p.stat().st_size for p in (store.path, Path(f"{store.path}-wal")) if p.exists()
            ),
            "searches": one("SELECT count(*) FROM searches"),
            "searches_by_provider": grouped(
                "SELECT provider, count(*) FROM searches GROUP BY provider"
            ),
            "fetches": one("SELECT count(*) FROM fetches"),
            "fetches_by_status": grouped(
                "SELECT coalesce(status, 'none'), count(*) FROM fetches GROUP BY status"
            ),
            "fetch_errors": grouped(
                "SELECT error_kind, count(*) FROM fetches WHERE error_kind IS NOT NULL "
                "GROUP BY error_kind"
            ),
            "blobs": one("SELECT count(*) FROM blobs"),
            "raw_bytes": one("SELECT coalesce(sum(size), 0) FROM blobs"),
            "compressed_bytes": one("SELECT coalesce(sum(length(data)), 0) FROM blobs"),
            "documents": one("SELECT count(*) FROM documents"),
            "documents_by_extractor": grouped(
                "SELECT extractor || ' ' || extractor_version, count(*) FROM documents "
                "GROUP BY extractor, extractor_version"
            ),
            "extraction_failures": one("SELECT count(*) FROM extraction_failures"),
            "runs": _runs(store),
            "oldest": _iso(oldest),
            "newest": _iso(newest),
        }


def _runs(store: EvidenceStore) -> dict[str, int]:
    """Each run tag with the number of searches and fetches it used."""
    with store.connection() as db:
        return dict(
            db.execute(
                "SELECT run, count(*) FROM (SELECT run FROM run_fetches UNION ALL "
                "SELECT run FROM run_searches) GROUP BY run ORDER BY run"
            ).fetchall()
        )


def _iso(unix_s: float | None) -> str | None:
    return datetime.fromtimestamp(unix_s, UTC).isoformat(timespec="seconds") if unix_s else None


def prune(
    store: EvidenceStore,
    older_than: timedelta | None = None,
    *,
    keep_runs: Collection[str] = (),
) -> dict[str, int]:
    """Deletes searches and fetches stored more than `older_than` ago (all ages when None is
    given: then only orphans go) except those used by a run in `keep_runs`, then the bodies and
    extractions no fetch points at, then VACUUMs. Returns the rows deleted per table."""
    deleted = dict.fromkeys(TABLES, 0)
    with store.transaction() as db:
        if older_than is not None:
            cutoff = time.time() - older_than.total_seconds()
            kept = json.dumps(sorted(keep_runs))
            deleted["searches"] = db.execute(
                "DELETE FROM searches WHERE stored_at < ? AND NOT EXISTS (SELECT 1 FROM "
                "run_searches r WHERE r.run IN (SELECT value FROM json_each(?)) AND "
                "r.provider = searches.provider AND r.query = searches.query AND r.k = searches.k)",
                (cutoff, kept),
            ).rowcount
            deleted["fetches"] = db.execute(
                "DELETE FROM fetches WHERE stored_at < ? AND url NOT IN (SELECT url FROM "
                "run_fetches WHERE run IN (SELECT value FROM json_each(?)))",
                (cutoff, kept),
            ).rowcount
        for table, statement in _DROP_ORPHANS:
            deleted[table] = db.execute(statement).rowcount
    with store.connection() as db:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
