"""The judge's evidence, from the task's settings: live search and fetching through the store,
the store alone (replay), or a local corpus (offline; by default the packaged one).

What can fail for a bad setting (an unknown provider, a missing API key, an unreadable corpus,
a bad fetch option) fails when the task is built, before any sample runs. The store is opened on
first use, and each sample gets its own Evidence (and, live, its own fetcher)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal, get_args

from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.extract import extract
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.search.corpus import CorpusSearch
from trustbench.retrieval.search.registry import make_provider
from trustbench.retrieval.store import EvidenceStore, default_store_path

EvidenceMode = Literal["live", "replay", "offline"]
PACKAGED_CORPUS = Path(__file__).parent / "data" / "corpus"


class EvidenceSource:
    """Evidence for one scorer: built from the task settings, opened per sample."""

    def __init__(
        self,
        mode: str,
        search_provider: str,
        search_options: dict[str, Any] | None,
        corpus_dir: str | None,
        store: str | None,
        fetch_options: dict[str, Any] | None,
    ) -> None:
        if mode not in get_args(EvidenceMode):
            raise ValueError(
                f"evidence_mode must be one of {', '.join(get_args(EvidenceMode))}, not {mode!r}."
            )
        options = dict(search_options or {})
        if "api_key" in options:
            raise ValueError(
                "Do not pass an API key in search_options (it would be written to the log): set "
                "the provider's variable instead, e.g. SERPER_API_KEY."
            )
        self.mode = mode
        self.store_path = Path(store).expanduser() if store else default_store_path()
        self._store: EvidenceStore | None = None
        self._fetch_config = FetchConfig(**(fetch_options or {}))
        self._search: Any = search_provider
        if mode == "live":
            self._search = make_provider(search_provider, **options)
        elif mode == "offline":
            folder = Path(corpus_dir) if corpus_dir else PACKAGED_CORPUS
            if not folder.is_dir():
                raise ValueError(f"corpus_dir {folder} is not a folder.")
            self._search = CorpusSearch(folder)

    def store(self) -> EvidenceStore:
        if self._store is None:
            self._store = EvidenceStore(self.store_path)
        return self._store

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Evidence]:
        if self.mode != "live":
            yield Evidence(self.store(), self.mode, search=self._search)  # type: ignore[arg-type]
            return
        async with Fetcher(self._fetch_config) as fetcher:
            yield Evidence(
                self.store(), "live", search=self._search, fetcher=fetcher, extractor=extract
            )
