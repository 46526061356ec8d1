"""What the web search providers share: API keys from the environment, JSON over HTTP with
timeouts and a bounded wait on rate limits, typed errors, and ranking of the hits.

The endpoints are fixed API addresses chosen by configuration, never by a model, so a plain
`httpx` client is enough here; the SSRF-guarded fetcher is for the model-chosen URLs.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from trustbench.retrieval.types import MissingAPIKey, SearchFailed, SearchResult

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_RETRIES = 2
"""How many times a rate-limited (HTTP 429) request is tried again."""
MAX_RETRY_WAIT_S = 30.0
"""A provider that asks for a longer pause than this fails now rather than stall a run."""

Shape = TypeVar("Shape", bound=BaseModel)
Hit = tuple[str, str | None, str, dict[str, Any]]
"""(title, url, snippet, extras) as a provider returned them, best first."""


def require_key(provider: str, variable: str, given: str | None) -> str:
    """The key passed in, else the environment's; checked when the provider is built so a run
    fails before it starts rather than at its first claim."""
    key = (given or os.environ.get(variable, "")).strip()
    if not key:
        raise MissingAPIKey(provider, variable)
    return key


def to_results(provider: str, hits: Iterable[Hit], k: int) -> list[SearchResult]:
    """The first `k` hits that have a URL, ranked from 1; empty extras are dropped."""
    results: list[SearchResult] = []
    for title, url, snippet, extras in hits:
        if len(results) == k:
            break
        if url:
            results.append(
                SearchResult(
                    title=title,
                    url=url,
                    snippet=snippet,
                    rank=len(results) + 1,
                    provider=provider,
                    extras={key: value for key, value in extras.items() if value is not None},
                )
            )
    return results


class JsonApi:
    """One provider's HTTP endpoint. A fresh client per call keeps the provider free of any
    event loop, so it can be shared by tasks that Inspect runs on different loops."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retries: int = DEFAULT_RETRIES,
        auth_hint: str,
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.retries = retries
        self.auth_hint = auth_hint
        """What to check when the provider answers 401 or 403."""

    async def call(
        self,
        method: str,
        path: str,
        shape: type[Shape],
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> Shape:
        """The answer parsed as `shape`; every failure is a `SearchFailed` that says why."""
        url = self.base_url + path
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            for attempt in range(self.retries + 1):
                try:
                    response = await client.request(
                        method, url, headers=headers, params=params, json=json
                    )
                except httpx.TimeoutException as ex:
                    raise SearchFailed(
                        f"{self.provider}: no answer from {url} within {self.timeout_s:g} s."
                    ) from ex
                except httpx.TransportError as ex:
                    raise SearchFailed(f"{self.provider}: could not reach {url}: {ex}") from ex
                if response.status_code != 429 or attempt == self.retries:
                    break
                await asyncio.sleep(self._retry_wait(response, attempt))
        return self._parse(response, shape)

    def _retry_wait(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("Retry-After")
        wait = _seconds_until(header) if header else 2.0**attempt
        if wait is None or wait > MAX_RETRY_WAIT_S:
            raise SearchFailed(
                f"{self.provider} is rate limiting (HTTP 429, Retry-After: {header}); "
                "try again later or raise your plan's quota."
            )
        return wait

    def _parse(self, response: httpx.Response, shape: type[Shape]) -> Shape:
        status = response.status_code
        detail = response.text[:200].strip()
        if status in (401, 403):
            raise SearchFailed(
                f"{self.provider} refused the request (HTTP {status}): {self.auth_hint}. {detail}"
            )
        if status == 429:
            raise SearchFailed(
                f"{self.provider} is still rate limiting (HTTP 429) after "
                f"{self.retries + 1} tries; try again later or raise your plan's quota."
            )
        if not 200 <= status < 300:
            raise SearchFailed(f"{self.provider} answered HTTP {status}: {detail}")
        try:
            data = response.json()
        except ValueError as ex:
            raise SearchFailed(f"{self.provider} answered with invalid JSON: {detail!r}") from ex
        try:
            return shape.model_validate(data)
        except ValidationError as ex:
            first = ex.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "(top level)"
            raise SearchFailed(
                f"{self.provider} answered in an unexpected shape ({where}: {first['msg']})."
            ) from ex


def _seconds_until(retry_after: str) -> float | None:
    """Retry-After is either delay seconds or an HTTP date; None when it is neither."""
    try:
        return max(0.0, float(retry_after))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(retry_after)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class KeyedSearch:
    """A provider behind an API key: the key is checked when the provider is built, and every
    request goes through one `JsonApi`. Subclasses name the provider, its endpoint, its key's
    variable and the account a 401 should send the user to, and implement `search`."""

    name: ClassVar[str]
    endpoint: ClassVar[str]
    key_variable: ClassVar[str]
    account: ClassVar[str]
    """What besides the key to check on an authorisation error, e.g. "your Serper credits"."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        self._key = require_key(self.name, self.key_variable, api_key)
        self._api = JsonApi(
            self.name,
            base_url or self.endpoint,
            timeout_s=timeout_s,
            retries=retries,
            auth_hint=f"check {self.key_variable} and {self.account}",
        )
