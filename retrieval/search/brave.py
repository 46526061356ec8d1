"""Brave's independent web index (`GET /res/v1/web/search`). Set BRAVE_API_KEY."""

from __future__ import annotations

import html
import re

from pydantic import BaseModel

from trustbench.retrieval.search.http import KeyedSearch, to_results
from trustbench.retrieval.types import SearchResult

ENDPOINT = "https://api.search.brave.com"
KEY_VARIABLE = "BRAVE_API_KEY"
MAX_COUNT = 20
"""Brave answers at most 20 results a request."""

_TAG = re.compile(r"<[^>]+>")


class _Hit(BaseModel):
    title: str = ""
    url: str | None = None
    description: str = ""
    age: str | None = None
    page_age: str | None = None


class _Web(BaseModel):
    results: list[_Hit] = []


class _Answer(BaseModel):
    web: _Web | None = None
    """Absent when Brave found nothing."""


def _plain(text: str) -> str:
    """Brave marks the query words with <strong> and escapes entities; judges want plain text."""
    return html.unescape(_TAG.sub("", text))


class BraveSearch(KeyedSearch):
    name = "brave"
    endpoint = ENDPOINT
    key_variable = KEY_VARIABLE
    account = "your Brave Search plan"

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        answer = await self._api.call(
            "GET",
            "/res/v1/web/search",
            _Answer,
            headers={"X-Subscription-Token": self._key, "Accept": "application/json"},
            params={"q": query, "count": min(k, MAX_COUNT)},
        )
        hits = (
            (
                _plain(hit.title),
                hit.url,
                _plain(hit.description),
                {"age": hit.age, "page_age": hit.page_age},
            )
            for hit in (answer.web.results if answer.web else [])
        )
        return to_results(self.name, hits, k)
