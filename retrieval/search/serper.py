"""Google results through Serper, the engine HalluHard judged with (`POST /search`, 5 results a
query). Set SERPER_API_KEY."""

from __future__ import annotations

from pydantic import BaseModel

from trustbench.retrieval.search.http import KeyedSearch, to_results
from trustbench.retrieval.types import SearchResult

ENDPOINT = "https://google.serper.dev"
KEY_VARIABLE = "SERPER_API_KEY"


class _Organic(BaseModel):
    title: str = ""
    link: str | None = None
    snippet: str = ""
    position: int | None = None
    date: str | None = None


class _Answer(BaseModel):
    organic: list[_Organic] = []


class SerperSearch(KeyedSearch):
    name = "serper"
    endpoint = ENDPOINT
    key_variable = KEY_VARIABLE
    account = "your Serper credits"

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        answer = await self._api.call(
            "POST",
            "/search",
            _Answer,
            headers={"X-API-KEY": self._key},
            json={"q": query, "num": k},
        )
        hits = (
            (hit.title, hit.link, hit.snippet, {"position": hit.position, "date": hit.date})
            for hit in answer.organic
        )
        return to_results(self.name, hits, k)
