"""What a judge asks for evidence: search results, fetched pages and their extracted text, all
through the evidence store so that a judged number can be replayed exactly.

Modes:
- `live`: read-through. A stored answer is used as is; a miss goes to the provider or the fetcher
  and is stored (failed fetches too, so a replay reproduces the failure). A stored transient
  failure (connection, timeout, 429, 5xx) is tried again once `retry_failures_after_s` have passed
  or when another session (run) meets it; a corrupt record is fetched again.
- `replay`: the store alone, exactly as stored; a miss raises `EvidenceMissing` (a corrupt record,
  `EvidenceCorrupt`, counts as one).
- `offline`: searches go to the local corpus (`CorpusSearch`); documents come from the corpus or
  the store; nothing touches the network.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, get_args
from weakref import WeakValueDictionary

from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.search.base import SearchProvider
from trustbench.retrieval.search.registry import make_provider
from trustbench.retrieval.ssrf import MAX_URL_LENGTH
from trustbench.retrieval.store import EvidenceStore, StoredFetch
from trustbench.retrieval.types import (
    Document,
    EvidenceCorrupt,
    EvidenceMissing,
    FetchError,
    FetchErrorKind,
    FetchResult,
    RetrievalError,
    SearchResult,
)

Mode = Literal["live", "replay", "offline"]
MODES: tuple[Mode, ...] = get_args(Mode)
RETRY_FAILURES_AFTER_S = 3600.0
Extractor = Callable[[FetchResult], Document]
"""Turns a successful fetch into a Document (e.g. `trustbench.retrieval.extract.extract`)."""


class PageFetcher(Protocol):
    """What Evidence needs of the fetcher: an entered `Fetcher`, whose `fetch` never raises for
    network faults but returns them in `FetchResult.error`."""

    async def fetch(self, url: str) -> FetchResult: ...


class Evidence:
    """One judge's access to evidence.

    `search` is a provider; in live mode a name is built with `make_provider`, and in replay mode
    a name is all that is needed (no API key). `extractor_id` (name, version) names the
    extractor configuration: extractions are stored and looked up under it, so changing it
    (e.g. after upgrading trafilatura) re-extracts. Without it, extractions are stored under the
    document's own extractor fields and any stored extraction of the same body is used. `run`
    tags everything this Evidence uses, so `export_snapshot(run_filter=run)` ships exactly that
    run's evidence. `session` (by default `run`, else one of its own) names who stored a failed
    fetch: a transient failure stored by another session is tried again, as is one older than
    `retry_failures_after_s`.
    """

    def __init__(
        self,
        store: EvidenceStore,
        mode: Mode = "live",
        *,
        search: SearchProvider | str | None = None,
        fetcher: PageFetcher | None = None,
        extractor: Extractor | None = None,
        extractor_id: tuple[str, str] | None = None,
        run: str | None = None,
        session: str | None = None,
        retry_failures_after_s: float = RETRY_FAILURES_AFTER_S,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if isinstance(search, str) and mode == "live":
            search = make_provider(search)
        if isinstance(search, str) and mode == "offline":
            raise ValueError("offline mode needs the corpus provider itself, not its name")
        self.store = store
        self.mode = mode
        self._provider: Any = None if isinstance(search, str) else search
        """The provider object (a CorpusSearch in offline mode); None when only named."""
        self._provider_name = search if isinstance(search, str) else getattr(search, "name", None)
        self._fetcher = fetcher
        self._extractor = extractor
        self._extractor_id = extractor_id
        self._run = run if mode != "replay" else None
        self._session = session or run or uuid.uuid4().hex
        self._retry_after_s = retry_failures_after_s
        self._locks: WeakValueDictionary[Hashable, asyncio.Lock] = WeakValueDictionary()
        self._noted: set[Hashable] = set()
        """Keys already tagged with `run` by this object, so a repeated hit costs no write."""

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        provider = self._provider_name
        if provider is None:
            raise RetrievalError(f"Evidence in {self.mode} mode was given no search provider.")
        if self.mode == "offline":
            return await self._provider.search(query, k)
        if not _storable(query):
            raise RetrievalError(f"The search query {query!r} is not valid Unicode text.")
        key = ("search", provider, query, k)
        async with self._lock(key):
            try:
                stored = await asyncio.to_thread(self.store.get_search, provider, query, k)
            except EvidenceCorrupt:
                if self.mode != "live" or self._provider is None:
                    raise
                await asyncio.to_thread(self.store.drop_search, provider, query, k)
                stored = None
            if stored is not None:
                await self._note(key)
                return stored
            if self.mode == "replay" or self._provider is None:
                raise EvidenceMissing(
                    f"No stored {provider} search for {query!r} (k={k}) in {self.store.path}."
                )
            results = await self._provider.search(query, k)
            self._noted.add(key)
            return await asyncio.to_thread(
                self.store.put_search, provider, query, k, results, run=self._run
            )

    async def fetch(self, url: str) -> FetchResult:
        """The page at `url` with its raw body; failures are in `.error`, never raised (replay
        and offline mode raise `EvidenceMissing` for what the store lacks)."""
        if not _storable(url) or len(url) > MAX_URL_LENGTH:
            return _invalid(url)
        key = ("fetch", url)
        async with self._lock(key):
            try:
                stored = await asyncio.to_thread(self.store.lookup_fetch, url)
            except EvidenceCorrupt:
                if self.mode != "live":
                    raise
                await asyncio.to_thread(self.store.drop_fetch, url)
                stored = None
            if stored is not None and not self._retry(stored):
                await self._note(key)
                return stored.result
            if self.mode != "live":
                raise EvidenceMissing(f"No stored fetch of {url} in {self.store.path}.")
            if self._fetcher is None:
                raise RetrievalError("Evidence in live mode needs a fetcher to fetch pages.")
            result = await self._fetcher.fetch(url)
            self._noted.add(key)
            # Stored under the URL asked for, which is what the next lookup uses.
            result = result.model_copy(update={"url": url})
            return await asyncio.to_thread(
                self.store.put_fetch,
                result,
                run=self._run,
                session=self._session,
                replace=stored is not None,
            )

    def _retry(self, stored: StoredFetch) -> bool:
        """Whether live mode fetches a stored fetch again: a transient failure that another
        session stored, or that is older than the retry interval."""
        if self.mode != "live" or not stored.result.transient_failure:
            return False
        age = time.time() - stored.stored_at
        return stored.session != self._session or age >= self._retry_after_s

    async def document(self, url: str) -> Document | None:
        """The text of the page at `url`, or None when its fetch failed (`fetch(url)`, now a
        store hit, says why). Raises `ExtractionFailed` when the body has no readable text,
        in replay as in live."""
        if self.mode == "offline" and self._provider is not None:
            found = self._provider.document(url)
            if found is not None:
                return found
        result = await self.fetch(url)
        if not result.ok or result.sha256 is None:
            return None
        async with self._lock(("document", result.sha256)):
            try:
                stored = await asyncio.to_thread(
                    self.store.get_document, result.sha256, self._extractor_id
                )
            except EvidenceCorrupt as corrupt:
                if self.mode != "live":
                    raise
                extractor = (str(corrupt.key[1]), str(corrupt.key[2]))
                await asyncio.to_thread(self.store.drop_document, result.sha256, extractor)
                stored = None
            if stored is None:
                stored = await self._extract(result, result.sha256)
        return _addressed(stored, result)

    async def _extract(self, result: FetchResult, sha256: str) -> Document:
        try:
            failure = await asyncio.to_thread(
                self.store.get_extraction_failure, sha256, self._extractor_id
            )
        except EvidenceCorrupt:
            if self.mode != "live":
                raise
            await asyncio.to_thread(self.store.drop_extraction_failure, sha256, self._extractor_id)
            failure = None
        if failure is not None:
            raise ExtractionFailed(failure, url=result.url)
        if self.mode != "live":
            raise EvidenceMissing(
                f"No stored extraction of {result.url} (sha256 {sha256}) in {self.store.path}."
            )
        if self._extractor is None:
            raise RetrievalError("Evidence in live mode needs an extractor to read pages.")
        # Extraction is CPU-bound (HTML cleaning, PDF parsing): keep the event loop free.
        try:
            document = await asyncio.to_thread(self._extractor, result)
        except ExtractionFailed as failed:
            await asyncio.to_thread(
                self.store.put_extraction_failure, sha256, self._extractor_id, failed.reason
            )
            raise
        document = document.model_copy(update={"source_sha256": sha256})
        return await asyncio.to_thread(self.store.put_document, document, self._extractor_id)

    def _lock(self, key: Hashable) -> asyncio.Lock:
        """One lock per key, so concurrent asks for the same thing share one network call.
        Weakly held: a lock disappears once nobody holds or awaits it."""
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def _note(self, key: tuple[Any, ...]) -> None:
        """Tags a stored record that this run used (a hit) with the run."""
        if self._run is None or key in self._noted:
            return
        self._noted.add(key)
        if key[0] == "fetch":
            await asyncio.to_thread(self.store.add_run_fetch, self._run, *key[1:])
        else:
            await asyncio.to_thread(self.store.add_run_search, self._run, *key[1:])


def _storable(text: str) -> bool:
    """Whether the store can key on `text` (a model may cite a string with lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _invalid(url: str) -> FetchResult:
    """The failure of a string that no store or network could take as a URL."""
    reason = (
        f"URL of {len(url)} characters, over the {MAX_URL_LENGTH}-character cap"
        if len(url) > MAX_URL_LENGTH
        else "the URL is not valid Unicode text"
    )
    return FetchResult(
        url=url,
        fetched_at=datetime.now(UTC),
        error=FetchError(kind=FetchErrorKind.invalid_url, reason=reason),
    )


def _addressed(document: Document, result: FetchResult) -> Document:
    """Extractions are shared by identical bodies; one stored for another URL gets this one's."""
    if document.url in (result.url, result.final_url):
        return document
    return document.model_copy(update={"url": result.final_url or result.url})
