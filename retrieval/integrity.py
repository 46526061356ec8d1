"""How stored evidence proves it is intact: each record carries a digest of its content, each
raw body is stored under its own sha256, and every zstd frame has a checksum and declares its
size. A record that fails a check is corrupt, whichever byte changed; the checks run when a
record is read, exported, imported or verified.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import zstandard

ZSTD_LEVEL = 3
"""Fast, and about 5x smaller on HTML; raising it buys little for much more CPU."""
MAX_UNPACKED_BYTES = 512 * 1024**2
"""No stored frame may claim to unpack to more: a hostile snapshot cannot make a reader allocate
without bound."""

_local = threading.local()


@dataclass(frozen=True)
class Table:
    """A table whose rows carry a `digest` of their `content` columns (all but the digest, the
    time of storing and the session that stored it)."""

    name: str
    key: tuple[str, ...]
    content: tuple[str, ...]


FETCHES = Table(
    "fetches",
    ("url",),
    (
        "url",
        "final_url",
        "status",
        "content_type",
        "sha256",
        "error_kind",
        "error_reason",
        "fetched_at",
        "record",
    ),
)
DOCUMENTS = Table(
    "documents",
    ("sha256", "extractor", "extractor_version"),
    ("sha256", "extractor", "extractor_version", "data"),
)
EXTRACTION_FAILURES = Table(
    "extraction_failures",
    ("sha256", "extractor", "extractor_version"),
    ("sha256", "extractor", "extractor_version", "reason"),
)
SEARCHES = Table(
    "searches", ("provider", "query", "k"), ("provider", "query", "k", "searched_at", "results")
)
DIGESTED = (FETCHES, DOCUMENTS, EXTRACTION_FAILURES, SEARCHES)


class Corrupt(Exception):
    """A check failed; the message says which (the store turns it into `EvidenceCorrupt`)."""


def row_digest(values: Iterable[str | int | float | bytes | None]) -> str:
    """sha256 over the values, each tagged with its type and length so that no two different
    rows encode alike."""
    digest = hashlib.sha256()
    for value in values:
        if value is None:
            digest.update(b"n;")
            continue
        if isinstance(value, bytes):
            tag, data = b"b", value
        elif isinstance(value, int | float):
            tag, data = b"i" if isinstance(value, int) else b"f", repr(value).encode()
        else:
            tag, data = b"s", value.encode("utf-8", "surrogatepass")
        digest.update(b"%s%d:" % (tag, len(data)))
        digest.update(data)
    return digest.hexdigest()


def check_digest(row: sqlite3.Row, table: Table) -> None:
    """Raises `Corrupt` unless the row's digest matches its content."""
    if row["digest"] != row_digest(row[column] for column in table.content):
        raise Corrupt("its content does not match its digest")


def pack(data: bytes) -> bytes:
    """A zstd frame with a checksum and the content size."""
    # A compressor must not be shared between threads; the store is written from several.
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        compressor = _local.compressor = zstandard.ZstdCompressor(
            level=ZSTD_LEVEL, write_checksum=True
        )
    return compressor.compress(data)


def unpack(frame: bytes, size: int | None = None) -> bytes:
    """The frame's content; `Corrupt` if the frame is damaged, claims too much, or (when `size`
    is given) does not unpack to `size` bytes."""
    try:
        claimed = zstandard.get_frame_parameters(frame).content_size
        if claimed > MAX_UNPACKED_BYTES or (size is not None and claimed != size):
            raise Corrupt(f"its zstd frame claims {claimed} bytes")
        data = zstandard.ZstdDecompressor().decompress(frame, max_output_size=claimed)
    except zstandard.ZstdError as error:
        raise Corrupt(f"its zstd frame is damaged ({error})") from error
    if size is not None and len(data) != size:
        raise Corrupt(f"it unpacks to {len(data)} bytes, not {size}")
    return data


def check_body(sha256: str, size: int, frame: bytes) -> bytes:
    """The raw body stored under `sha256`, or `Corrupt` if it does not hash to it."""
    body = unpack(frame, size)
    if hashlib.sha256(body).hexdigest() != sha256:
        raise Corrupt("its body does not hash to its sha256")
    return body
