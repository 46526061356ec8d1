"""Keyless search through the `ddgs` metasearch package (DuckDuckGo, Bing, … scraped). Good for
trying things out; its results vary more than a paid API's. Needs the `search` extra."""

from __future__ import annotations

import asyncio

from trustbench.retrieval.search.http import to_results
from trustbench.retrieval.types import RetrievalError, SearchFailed, SearchResult

try:
    from ddgs import DDGS
    from ddgs.exceptions import DDGSException
except ImportError as ex:
    raise RetrievalError(
        "The ddgs search provider needs the 'search' extra: pip install 'trustbench[search]'"
    ) from ex


class DuckDuckGoSearch:
    name = "ddgs"

    def __init__(self, *, backend: str = "auto", timeout_s: int = 10) -> None:
        self._backend = backend
        self._timeout_s = timeout_s

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        """`ddgs` is synchronous: it runs in a worker thread so the event loop keeps going."""
        try:
            hits = await asyncio.to_thread(self._text, query, k)
        except DDGSException as ex:
            raise SearchFailed(f"ddgs search failed: {ex}") from ex
        return to_results(
            self.name,
            ((hit.get("title", ""), hit.get("href"), hit.get("body", ""), {}) for hit in hits),
            k,
        )

    def _text(self, query: str, k: int) -> list[dict[str, str]]:
        return DDGS(timeout=self._timeout_s).text(query, max_results=k, backend=self._backend)
