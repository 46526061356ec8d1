"""What a judge asks for evidence: search results, fetched pages and their extracted text, all
through the evidence store so that a judged number can be replayed exactly.

Modes:
- `live`: read-through. A stored answer is used as is; a miss goes to the provider or the fetcher
  and is stored (failed fetches too, so a replay reproduces the failure).
- `replay`: the store alone; a miss raises `EvidenceMissing`.
- `offline`: searches go to the local corpus (`CorpusSearch`); documents come from the corpus or
  the store; nothing touches the network.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any, Literal, Protocol, get_args
from weakref import WeakValueDictionary

from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.search.base import SearchProvider
from trustbench.retrieval.search.registry import make_provider
from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import (
    Document,
    EvidenceMissing,
    FetchResult,
    RetrievalError,
    SearchResult,
)

Mode = Literal["live", "replay", "offline"]
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
    run's evidence.
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
    ) -> None:
        if mode not in get_args(Mode):
            raise ValueError(f"mode must be one of {', '.join(get_args(Mode))}, not {mode!r}")
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
        self._locks: WeakValueDictionary[Hashable, asyncio.Lock] = WeakValueDictionary()
        self._noted: set[Hashable] = set()
        """Keys already tagged with `run` by this object, so a repeated hit costs no write."""

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        provider = self._provider_name
        if provider is None:
            raise RetrievalError(f"Evidence in {self.mode} mode was given no search provider.")
        if self.mode == "offline":
            return await self._provider.search(query, k)
        key = ("search", provider, query, k)
        async with self._lock(key):
            stored = await asyncio.to_thread(self.store.get_search, provider, query, k)
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
        """The page at `url` with its raw body; failures are in `.error`, never raised."""
        key = ("fetch", url)
        async with self._lock(key):
            stored = await asyncio.to_thread(self.store.get_fetch, url)
            if stored is not None:
                await self._note(key)
                return stored
            if self.mode != "live":
                raise EvidenceMissing(f"No stored fetch of {url} in {self.store.path}.")
            if self._fetcher is None:
                raise RetrievalError("Evidence in live mode needs a fetcher to fetch pages.")
            result = await self._fetcher.fetch(url)
            self._noted.add(key)
            # Stored under the URL asked for, which is what the next lookup uses.
            result = result.model_copy(update={"url": url})
            return await asyncio.to_thread(self.store.put_fetch, result, run=self._run)

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
            stored = await asyncio.to_thread(
                self.store.get_document, result.sha256, self._extractor_id
            )
            if stored is None:
                stored = await self._extract(result, result.sha256)
        return _addressed(stored, result)

    async def _extract(self, result: FetchResult, sha256: str) -> Document:
        failure = await asyncio.to_thread(
            self.store.get_extraction_failure, sha256, self._extractor_id
        )
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


def _addressed(document: Document, result: FetchResult) -> Document:
    """Extractions are shared by identical bodies; one stored for another URL gets this one's."""
    if document.url in (result.url, result.final_url):
        return document
    return document.model_copy(update={"url": result.final_url or result.url})
