"""Tavily, a search API made for LLM agents (`POST /search`). Set TAVILY_API_KEY."""

from __future__ import annotations

from pydantic import BaseModel

from trustbench.retrieval.search.http import KeyedSearch, to_results
from trustbench.retrieval.types import SearchResult

ENDPOINT = "https://api.tavily.com"
KEY_VARIABLE = "TAVILY_API_KEY"
MAX_RESULTS = 20
"""Tavily answers at most 20 results a request."""


class _Hit(BaseModel):
    title: str = ""
    url: str | None = None
    content: str = ""
    score: float | None = None
    published_date: str | None = None


class _Answer(BaseModel):
    results: list[_Hit]


class TavilySearch(KeyedSearch):
    name = "tavily"
    endpoint = ENDPOINT
    key_variable = KEY_VARIABLE
    account = "your Tavily credits"

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        answer = await self._api.call(
            "POST",
            "/search",
            _Answer,
            headers={"Authorization": f"Bearer {self._key}"},
            json={"query": query, "max_results": min(k, MAX_RESULTS)},
        )
        hits = (
            (
                hit.title,
                hit.url,
                hit.content,
                {"score": hit.score, "published_date": hit.published_date},
            )
            for hit in answer.results
        )
        return to_results(self.name, hits, k)
