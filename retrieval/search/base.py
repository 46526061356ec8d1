"""The interface every search provider implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from trustbench.retrieval.types import SearchResult


@runtime_checkable
class SearchProvider(Protocol):
    name: str
    """Stable provider name, recorded with every stored search (e.g. "serper", "corpus")."""

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        """The top `k` results, best first, ranks starting at 1. Raises `MissingAPIKey` or
        `SearchFailed` (from `trustbench.retrieval.types`) with a message that says what to do."""
        ...
