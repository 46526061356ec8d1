"""Search providers by name, as suites and the CLI spell them. Modules load on demand, so a
missing optional package (ddgs) or a provider still being written breaks only its own name."""

from __future__ import annotations

import importlib
from typing import Any

from trustbench.retrieval.search.base import SearchProvider
from trustbench.retrieval.types import RetrievalError

PROVIDERS: dict[str, tuple[str, str]] = {
    "serper": ("serper", "SerperSearch"),
    "brave": ("brave", "BraveSearch"),
    "tavily": ("tavily", "TavilySearch"),
    "searxng": ("searxng", "SearxngSearch"),
    "ddgs": ("duckduckgo", "DuckDuckGoSearch"),
    "corpus": ("corpus", "CorpusSearch"),
}
"""name -> (module in trustbench.retrieval.search, class)."""


class UnknownProvider(RetrievalError, LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"Unknown search provider '{name}'. Available: {', '.join(provider_names())}"
        )


def provider_names() -> list[str]:
    return sorted(PROVIDERS)


def make_provider(name: str, **options: Any) -> SearchProvider:
    """The provider called `name`, built with `options` (api_key, base_url, timeout_s, retries;
    `folder` for corpus). Raises MissingAPIKey now if its key is not set."""
    if name not in PROVIDERS:
        raise UnknownProvider(name)
    module, cls = PROVIDERS[name]
    provider_cls = getattr(importlib.import_module(f"trustbench.retrieval.search.{module}"), cls)
    return provider_cls(**options)
