"""Each search provider against a fake of its API on loopback, speaking the documented JSON."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from loopback_http import QuietHandler, serve

from trustbench.retrieval.search import duckduckgo
from trustbench.retrieval.search.brave import BraveSearch
from trustbench.retrieval.search.registry import UnknownProvider, make_provider, provider_names
from trustbench.retrieval.search.searxng import SearxngSearch
from trustbench.retrieval.search.serper import SerperSearch
from trustbench.retrieval.search.tavily import TavilySearch
from trustbench.retrieval.types import MissingAPIKey, SearchFailed


@dataclass
class Seen:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeApi:
    """Answers each request with the next scripted (status, headers, body); the last repeats."""

    url: str = ""
    replies: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    delay_s: float = 0.0

    def reply(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.replies.append((status, headers or {}, raw))


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi()

    class Handler(QuietHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            fake.seen.append(
                Seen(
                    self.command,
                    parts.path,
                    {key: values[0] for key, values in parse_qs(parts.query).items()},
                    {key.lower(): value for key, value in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
            )
            time.sleep(fake.delay_s)
            status, headers, body = (
                fake.replies[0] if len(fake.replies) == 1 else fake.replies.pop(0)
            )
            self.send(status, body, headers=headers)

        do_GET = do_POST = _answer

    with serve(Handler) as fake.url:
        yield fake


SERPER_ANSWER = {
    "searchParameters": {"q": "bm25", "type": "search"},
    "organic": [
        {"title": "Okapi BM25", "link": "https://en.wikipedia.org/wiki/Okapi_BM25",
         "snippet": "BM25 is a ranking function", "position": 1, "date": "Jan 2, 2024"},
        {"title": "No link here", "snippet": "skipped", "position": 2},
        {"title": "Robertson 2009", "link": "https://example.org/bm25.pdf",
         "snippet": "The probabilistic relevance framework", "position": 3},
        {"title": "Third", "link": "https://example.org/3", "snippet": "c", "position": 4},
    ],
}  # fmt: skip


async def test_serper_request_and_mapping(api: FakeApi) -> None:
    api.reply(SERPER_ANSWER)
    results = await SerperSearch("serper-key", base_url=api.url).search("bm25", k=2)

    [seen] = api.seen
    assert (seen.method, seen.path) == ("POST", "/search")
    assert seen.headers["x-api-key"] == "serper-key"
    assert seen.body == {"q": "bm25", "num": 2}
    assert [(r.rank, r.url, r.provider) for r in results] == [
        (1, "https://en.wikipedia.org/wiki/Okapi_BM25", "serper"),
        (2, "https://example.org/bm25.pdf", "serper"),
    ]
    assert results[0].title == "Okapi BM25"
    assert results[0].snippet == "BM25 is a ranking function"
    assert results[0].extras == {"position": 1, "date": "Jan 2, 2024"}
    assert results[1].extras == {"position": 3}


async def test_brave_request_and_mapping(api: FakeApi) -> None:
    api.reply(
        {
            "type": "search",
            "query": {"original": "bm25"},
            "web": {
                "type": "search",
                "results": [
                    {"title": "Okapi <strong>BM25</strong>", "url": "https://a.example/1",
                     "description": "<strong>BM25</strong> &amp; friends", "age": "2 days ago"},
                    {"title": "Two", "url": "https://a.example/2", "description": "second"},
                    {"title": "Three", "url": "https://a.example/3", "description": "third"},
                ],
            },
        }
    )  # fmt: skip
    results = await BraveSearch("brave-key", base_url=api.url).search("bm25", k=2)

    [seen] = api.seen
    assert (seen.method, seen.path) == ("GET", "/res/v1/web/search")
    assert seen.params == {"q": "bm25", "count": "2"}
    assert seen.headers["x-subscription-token"] == "brave-key"
    assert [(r.rank, r.url) for r in results] == [
        (1, "https://a.example/1"),
        (2, "https://a.example/2"),
    ]
    assert (results[0].title, results[0].snippet) == ("Okapi BM25", "BM25 & friends")
    assert results[0].extras == {"age": "2 days ago"}


async def test_brave_without_web_section_is_no_results(api: FakeApi) -> None:
    api.reply({"type": "search", "query": {"original": "zzz"}})
    assert await BraveSearch("k", base_url=api.url).search("zzz") == []


async def test_brave_caps_count_at_twenty(api: FakeApi) -> None:
    api.reply({"web": {"results": []}})
    await BraveSearch("k", base_url=api.url).search("q", k=50)
    assert api.seen[0].params["count"] == "20"


async def test_tavily_request_and_mapping(api: FakeApi) -> None:
    api.reply(
        {
            "query": "bm25",
            "answer": None,
            "results": [
                {
                    "title": "BM25",
                    "url": "https://t.example/1",
                    "content": "ranking",
                    "score": 0.91,
                },
                {"title": "Two", "url": "https://t.example/2", "content": "x", "score": 0.5},
            ],
            "response_time": 0.4,
        }
    )
    results = await TavilySearch("tvly-key", base_url=api.url).search("bm25", k=1)

    [seen] = api.seen
    assert (seen.method, seen.path) == ("POST", "/search")
    assert seen.headers["authorization"] == "Bearer tvly-key"
    assert seen.body == {"query": "bm25", "max_results": 1}
    assert [(r.rank, r.url, r.snippet, r.extras) for r in results] == [
        (1, "https://t.example/1", "ranking", {"score": 0.91})
    ]


async def test_searxng_request_and_mapping(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARXNG_URL", api.url + "/")
    api.reply(
        {
            "query": "bm25",
            "number_of_results": 0,
            "results": [
                {"title": f"R{i}", "url": f"https://s.example/{i}", "content": f"c{i}",
                 "engine": "bing", "engines": ["bing", "brave"], "score": 2.0 - i / 10}
                for i in range(5)
            ],
            "answers": [],
        }
    )  # fmt: skip
    results = await SearxngSearch().search("bm25", k=3)

    [seen] = api.seen
    assert (seen.method, seen.path) == ("GET", "/search")
    assert seen.params == {"q": "bm25", "format": "json"}
    assert [r.rank for r in results] == [1, 2, 3]
    assert results[0].extras == {"engine": "bing", "engines": ["bing", "brave"], "score": 2.0}
    assert results[2].snippet == "c2"


@pytest.mark.parametrize(
    ("name", "variable"),
    [
        ("serper", "SERPER_API_KEY"),
        ("brave", "BRAVE_API_KEY"),
        ("tavily", "TAVILY_API_KEY"),
        ("searxng", "SEARXNG_URL"),
    ],
)
def test_missing_key_names_the_variable(
    name: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(MissingAPIKey, match=variable) as caught:
        make_provider(name)
    assert caught.value.variable == variable


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERPER_API_KEY", "from-env")
    assert isinstance(make_provider("serper"), SerperSearch)


async def test_bad_key_is_search_failed(api: FakeApi) -> None:
    api.reply({"message": "Unauthorized."}, status=401)
    with pytest.raises(SearchFailed, match=r"HTTP 401.*SERPER_API_KEY"):
        await SerperSearch("wrong", base_url=api.url).search("q")


async def test_rate_limit_then_success(api: FakeApi) -> None:
    api.reply({"message": "slow down"}, status=429, headers={"Retry-After": "0"})
    api.reply(SERPER_ANSWER)
    results = await SerperSearch("k", base_url=api.url).search("q", k=5)
    assert len(api.seen) == 2
    assert len(results) == 3


async def test_rate_limit_retries_are_bounded(api: FakeApi) -> None:
    api.reply({"message": "slow down"}, status=429, headers={"Retry-After": "0"})
    with pytest.raises(SearchFailed, match="429"):
        await TavilySearch("k", base_url=api.url, retries=2).search("q")
    assert len(api.seen) == 3


async def test_long_retry_after_fails_at_once(api: FakeApi) -> None:
    api.reply({}, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(SearchFailed, match="Retry-After: 3600"):
        await BraveSearch("k", base_url=api.url).search("q")
    assert len(api.seen) == 1


@pytest.mark.parametrize(
    ("reply", "status", "message"),
    [
        (b'{"error": "boom"}', 500, "HTTP 500"),
        (b"<html>not json</html>", 200, "invalid JSON"),
        (b'{"organic": "not a list"}', 200, "unexpected shape"),
        (b"[1, 2, 3]", 200, "unexpected shape"),
    ],
)
async def test_server_faults_are_search_failed(
    api: FakeApi, reply: bytes, status: int, message: str
) -> None:
    api.reply(reply, status=status)
    with pytest.raises(SearchFailed, match=message):
        await SerperSearch("k", base_url=api.url).search("q")


async def test_searxng_without_json_format_explains(api: FakeApi) -> None:
    api.reply(b"Forbidden", status=403)
    with pytest.raises(SearchFailed, match="search.formats"):
        await SearxngSearch(api.url).search("q")


async def test_wrong_shape_for_tavily(api: FakeApi) -> None:
    api.reply({"detail": {"error": "Invalid request"}})
    with pytest.raises(SearchFailed, match="results"):
        await TavilySearch("k", base_url=api.url).search("q")


async def test_timeout_is_search_failed(api: FakeApi) -> None:
    api.delay_s = 0.5
    api.reply(SERPER_ANSWER)
    with pytest.raises(SearchFailed, match="no answer"):
        await SerperSearch("k", base_url=api.url, timeout_s=0.1).search("q")


async def test_unreachable_is_search_failed(api: FakeApi) -> None:
    closed = api.url.rsplit(":", 1)[0] + ":9"  # discard port: nothing listens on loopback
    with pytest.raises(SearchFailed, match="could not reach"):
        await SerperSearch("k", base_url=closed).search("q")


class FakeDDGS:
    calls: list[tuple[str, dict[str, Any]]] = []
    hits: list[dict[str, str]] = []

    def __init__(self, **options: Any) -> None:
        self.options = options

    def text(self, query: str, **kwargs: Any) -> list[dict[str, str]]:
        FakeDDGS.calls.append((query, kwargs))
        return FakeDDGS.hits


async def test_ddgs_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duckduckgo, "DDGS", FakeDDGS)
    FakeDDGS.calls = []
    FakeDDGS.hits = [
        {"title": "One", "href": "https://d.example/1", "body": "first"},
        {"title": "No href", "body": "skipped"},
        {"title": "Two", "href": "https://d.example/2", "body": "second"},
    ]
    results = await make_provider("ddgs").search("bm25", k=2)
    assert FakeDDGS.calls == [("bm25", {"max_results": 2, "backend": "auto"})]
    assert [(r.rank, r.title, r.url, r.snippet, r.provider) for r in results] == [
        (1, "One", "https://d.example/1", "first", "ddgs"),
        (2, "Two", "https://d.example/2", "second", "ddgs"),
    ]


async def test_ddgs_failure_is_search_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    class RateLimited(FakeDDGS):
        def text(self, query: str, **kwargs: Any) -> list[dict[str, str]]:
            raise duckduckgo.DDGSException("202 Ratelimit")

    monkeypatch.setattr(duckduckgo, "DDGS", RateLimited)
    with pytest.raises(SearchFailed, match="Ratelimit"):
        await duckduckgo.DuckDuckGoSearch().search("q")


def test_registry_lists_names() -> None:
    assert provider_names() == ["brave", "corpus", "ddgs", "searxng", "serper", "tavily"]


def test_unknown_provider_lists_names() -> None:
    with pytest.raises(UnknownProvider, match="Available: brave, corpus, ddgs, searxng, serper"):
        make_provider("google")


def test_registry_passes_options() -> None:
    provider = make_provider("tavily", api_key="k", base_url="http://127.0.0.1:1", retries=0)
    assert isinstance(provider, TavilySearch)
    assert provider.name == "tavily"
