"""The records that cross the retrieval layer's boundaries. Everything is pydantic so a record
can be stored, exported and compared exactly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field


class SearchResult(BaseModel):
    title: str
    url: str
    snippet: str = ""
    rank: int
    """1-based position in the provider's answer."""
    provider: str
    extras: dict[str, Any] = Field(default_factory=dict)
    """Whatever else the provider returned for this hit (date, source, score, …)."""


class FetchErrorKind(StrEnum):
    invalid_url = "invalid_url"
    blocked = "blocked"
    """The SSRF guard refused the address (private, loopback, link-local, …) or the scheme."""
    timeout = "timeout"
    too_large = "too_large"
    decompression_bomb = "decompression_bomb"
    too_many_redirects = "too_many_redirects"
    http_status = "http_status"
    connection = "connection"
    tls = "tls"
    unsupported_content = "unsupported_content"


class FetchError(BaseModel):
    kind: FetchErrorKind
    reason: str


ContentKind = Literal["html", "pdf", "text", "other"]


class FetchResult(BaseModel):
    """One fetch, successful or not. Failures are values, not exceptions, so a judge can record
    them and go on."""

    url: str
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    kind: ContentKind | None = None
    charset: str | None = None
    body: bytes = b""
    sha256: str | None = None
    fetched_at: datetime
    elapsed_s: float = 0.0
    redirects: list[str] = Field(default_factory=list)
    error: FetchError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def transient_failure(self) -> bool:
        """A failure that may well not happen again (the server was down, slow or overloaded),
        as opposed to one the URL itself causes (404, blocked, invalid URL, too large)."""
        if self.error is None:
            return False
        if self.error.kind in (FetchErrorKind.connection, FetchErrorKind.timeout):
            return True
        status = self.status or 0
        return self.error.kind == FetchErrorKind.http_status and (status == 429 or status >= 500)


class CitationMetadata(BaseModel):
    """What a page says about the work it shows: used to check that a cited work exists."""

    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    doi: str | None = None
    date: str | None = None
    journal: str | None = None
    byline: str | None = None
    """The authors as the page prints them (`<meta name="author">`, an element marked as the
    byline), where it has no citation metadata for them."""
    pdf_url: str | None = None
    og: dict[str, str] = Field(default_factory=dict)


class Document(BaseModel):
    url: str
    title: str | None = None
    text: str
    pages: list[str] | None = None
    """PDF text per page; None for HTML and plain text."""
    links: list[str] = Field(default_factory=list)
    metadata: CitationMetadata = Field(default_factory=CitationMetadata)
    extractor: str
    extractor_version: str
    source_sha256: str | None = None
    truncated: bool = False
    """True when a page cap or time budget stopped extraction early."""
    warnings: list[str] = Field(default_factory=list)


class Passage(BaseModel):
    url: str
    text: str
    start: int
    """Character offset of the chunk in the document text."""
    end: int
    score: float
    method: Literal["bm25", "embedding", "hybrid"]


class RetrievalError(Exception):
    """Base class of the retrieval layer's errors; messages say what to do."""


class InvalidSetting(RetrievalError, ValueError):
    """A retrieval setting a user passed (a mode, an option) that cannot be used as given."""


class MissingAPIKey(RetrievalError):
    def __init__(self, provider: str, variable: str) -> None:
        self.variable = variable
        super().__init__(f"The {provider} search provider needs an API key: set {variable}.")


class SearchFailed(RetrievalError):
    """The provider answered with an error or an unreadable response."""


class EvidenceMissing(RetrievalError):
    """Replay mode found no stored evidence for a request: the judge records a verification
    error for that claim instead of fetching."""


class EvidenceCorrupt(EvidenceMissing):
    """A stored record failed its check (its digest, its body's sha256, a zstd checksum) and
    is treated as missing: live mode fetches it again, replay mode reports it. `table` and
    `key` name the record."""

    def __init__(self, where: str, table: str, key: tuple[object, ...], reason: str) -> None:
        self.table, self.key, self.reason = table, key, reason
        shown = ", ".join(repr(part) for part in key)
        super().__init__(f"Corrupt evidence in {where}: {table} record ({shown}): {reason}.")


class EvidenceStoreError(RetrievalError):
    """The evidence store or snapshot file cannot be used at all (not SQLite, damaged, locked
    past the timeout, from a newer version); the message says what to do."""


class CorruptRecords(EvidenceStoreError):
    """An export or import refused because records fail their checks; `problems` lists them
    (`store.Problem`: table, key, reason)."""

    def __init__(self, message: str, problems: Sequence[object]) -> None:
        super().__init__(message)
        self.problems = list(problems)
