"""A SearXNG metasearch instance, often self-hosted (`GET /search?format=json`). Set SEARXNG_URL;
the instance must list `json` under `search.formats` in its settings.yml."""

from __future__ import annotations

import os

from pydantic import BaseModel

from trustbench.retrieval.search.http import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    JsonApi,
    to_results,
)
from trustbench.retrieval.types import MissingAPIKey, SearchResult

URL_VARIABLE = "SEARXNG_URL"


class MissingInstanceURL(MissingAPIKey):
    """SearXNG needs no key but an address; same type, so callers handle both alike."""

    def __init__(self) -> None:
        super().__init__("searxng", URL_VARIABLE)
        self.args = (
            "The searxng search provider needs the address of a SearXNG instance with JSON "
            f"output enabled: set {URL_VARIABLE} (e.g. http://localhost:8080).",
        )


class _Hit(BaseModel):
    title: str = ""
    url: str | None = None
    content: str = ""
    engine: str | None = None
    engines: list[str] | None = None
    score: float | None = None
    publishedDate: str | None = None  # noqa: N815 (SearXNG's spelling)


class _Answer(BaseModel):
    results: list[_Hit]


class SearxngSearch:
    name = "searxng"

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        base_url = (base_url or os.environ.get(URL_VARIABLE, "")).strip()
        if not base_url:
            raise MissingInstanceURL()
        self._api = JsonApi(
            self.name,
            base_url,
            timeout_s=timeout_s,
            retries=retries,
            auth_hint="the instance refuses JSON output or this client; enable `json` under "
            "search.formats in its settings.yml",
        )

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        """SearXNG has no result-count parameter: its first page (about 20 hits) is cut to k."""
        answer = await self._api.call(
            "GET", "/search", _Answer, params={"q": query, "format": "json"}
        )
        hits = (
            (
                hit.title,
                hit.url,
                hit.content,
                {
                    "engine": hit.engine,
                    "engines": hit.engines,
                    "score": hit.score,
                    "published_date": hit.publishedDate,
                },
            )
            for hit in answer.results
        )
        return to_results(self.name, hits, k)
