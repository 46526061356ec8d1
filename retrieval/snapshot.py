"""Moving and trimming evidence: a snapshot is one self-contained SQLite file with the store's
schema, made with SQLite's online backup (safe while other processes write). Importing it into
another store lets that machine re-judge the run in replay mode with identical evidence.

Both directions check every record (`EvidenceStore.verify`): an export that would ship a corrupt
record is not written, and an import with one is refused whole before anything is written. The
same pair merges stores: export each worker's store, import each file into one.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from pydantic import ValidationError

from trustbench.retrieval.integrity import Corrupt
from trustbench.retrieval.store import (
    KEYS,
    ROW_CHECKS,
    SCHEMA_VERSION,
    TABLES,
    EvidenceStore,
)
from trustbench.retrieval.types import CorruptRecords, EvidenceStoreError, RetrievalError

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
    """Writes the store, or only what run `run_filter` used, to the file `path`, then checks
    every record of the file; nothing is written if one is corrupt. Returns the row count of
    each table written."""
    path = Path(path)
    if run_filter is not None and run_filter not in _runs(store):
        raise RetrievalError(
            f"No evidence in {store.path} is tagged with run {run_filter!r}; "
            "`trustbench evidence stats` lists the runs it holds."
        )
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
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
        with EvidenceStore(partial, read_only=True) as written:
            _refuse_if_corrupt(written, f"{store.path} has", "nothing was exported")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
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


def _refuse_if_corrupt(store: EvidenceStore, holder: str, consequence: str) -> None:
    problems = store.verify()
    if problems:
        listed = "; ".join(map(str, problems[:3])) + ("; …" if len(problems) > 3 else "")
        raise CorruptRecords(
            f"{holder} {len(problems)} corrupt record(s), so {consequence}: {listed}. "
            f"`trustbench evidence verify --store {store.path}` lists them all.",
            problems,
        )


@dataclass(frozen=True)
class Imported:
    """What `import_snapshot` did, per table: rows added, and corrupt rows of the store
    replaced by the snapshot's good copy."""

    added: dict[str, int]
    repaired: dict[str, int]


def import_snapshot(store: EvidenceStore, path: str | Path) -> Imported:
    """Adds a snapshot's records to the store, all or nothing: every record of the snapshot is
    checked first, and one corrupt record refuses the whole file. A record the store already has
    is kept, unless it fails its check: then the snapshot's copy replaces it."""
    path = Path(path)
    if not path.is_file():
        raise RetrievalError(f"No snapshot at {path}.")
    with TemporaryDirectory(prefix="trustbench-import-") as scratch:
        source = _readable_snapshot(path, Path(scratch))
        with EvidenceStore(source, read_only=True) as snapshot:
            _refuse_if_corrupt(snapshot, f"{path} has", "nothing was imported")
        with store.connection() as db:
            db.execute("ATTACH DATABASE ? AS snapshot", (str(source),))
            try:
                with store.transaction():
                    repaired = {table: _repair(db, table) for table in TABLES}
                    added = {table: _add(db, table) for table in TABLES}
            finally:
                db.execute("DETACH DATABASE snapshot")
    return Imported(added, repaired)


def _readable_snapshot(path: Path, scratch: Path) -> Path:
    """`path` if it is a snapshot of this schema; a migrated copy if of an older one."""
    try:
        with EvidenceStore(path, read_only=True) as snapshot:
            version = snapshot.schema_version
            with snapshot.connection() as db:
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    except EvidenceStoreError as error:
        raise EvidenceStoreError(f"{path} is not an evidence snapshot: {error}") from error
    if version not in (1, SCHEMA_VERSION) or not set(TABLES) <= tables:
        raise EvidenceStoreError(
            f"{path} is not an evidence snapshot (schema {version}, tables "
            f"{', '.join(sorted(tables)) or 'none'}); export it with `trustbench evidence export`."
        )
    if version == SCHEMA_VERSION:
        return path
    copy = scratch / path.name
    shutil.copyfile(path, copy)
    EvidenceStore(copy).close()  # adds the digests of schema 2
    return copy


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA main.table_info({table})")]


def _add(db: sqlite3.Connection, table: str) -> int:
    columns = ", ".join(_columns(db, table))
    return db.execute(
        f"INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM snapshot.{table}"
    ).rowcount


def _repair(db: sqlite3.Connection, table: str) -> int:
    """Replaces the store's corrupt copies of records the snapshot also holds."""
    check = ROW_CHECKS.get(table)
    if check is None:
        return 0
    key = KEYS[table]
    joined = " AND ".join(f"m.{c} = s.{c}" for c in key)
    bad = []
    for row in db.execute(f"SELECT m.* FROM main.{table} m JOIN snapshot.{table} s ON {joined}"):
        try:
            check(row)
        except (Corrupt, ValidationError):
            bad.append(tuple(row[c] for c in key))
    columns = ", ".join(_columns(db, table))
    where = " AND ".join(f"{c} = ?" for c in key)
    for values in bad:
        db.execute(
            f"INSERT OR REPLACE INTO main.{table} ({columns}) "
            f"SELECT {columns} FROM snapshot.{table} WHERE {where}",
            values,
        )
    return len(bad)


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
    failures: bool = False,
) -> dict[str, int]:
    """Deletes searches and fetches stored more than `older_than` ago and, with `failures`, every
    stored failed fetch (transient or not), except what a run in `keep_runs` used; then the
    bodies and extractions no fetch points at, then VACUUMs. Returns the rows deleted per
    table."""
    deleted = dict.fromkeys(TABLES, 0)
    kept = json.dumps(sorted(keep_runs))
    unkept = (
        "url NOT IN (SELECT url FROM run_fetches WHERE run IN (SELECT value FROM json_each(?)))"
    )
    with store.transaction() as db:
        if failures:
            deleted["fetches"] = db.execute(
                f"DELETE FROM fetches WHERE error_kind IS NOT NULL AND {unkept}", (kept,)
            ).rowcount
        if older_than is not None:
            cutoff = time.time() - older_than.total_seconds()
            deleted["searches"] = db.execute(
                "DELETE FROM searches WHERE stored_at < ? AND NOT EXISTS (SELECT 1 FROM "
                "run_searches r WHERE r.run IN (SELECT value FROM json_each(?)) AND "
                "r.provider = searches.provider AND r.query = searches.query AND r.k = searches.k)",
                (cutoff, kept),
            ).rowcount
            deleted["fetches"] += db.execute(
                f"DELETE FROM fetches WHERE stored_at < ? AND {unkept}", (cutoff, kept)
            ).rowcount
        for table, statement in _DROP_ORPHANS:
            deleted[table] = db.execute(statement).rowcount
    with store.connection() as db:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
