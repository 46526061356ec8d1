"""A judge's evidence from its settings: live search and fetching through the store, the store
alone (replay), or a local corpus (offline). Any judged task builds one `EvidenceSource` from its
parameters and opens an `Evidence` per sample.

What can fail for a bad setting (an unknown mode or provider, a missing API key, an unreadable
corpus, a bad fetch option, a store file that is not a store) fails when the source is built,
before any sample runs, as a `RetrievalError` whose message says what to do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trustbench.retrieval.evidence import MODES, RETRY_FAILURES_AFTER_S, Evidence, Mode
from trustbench.retrieval.extract import extract
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.search.base import SearchProvider
from trustbench.retrieval.search.corpus import CorpusSearch
from trustbench.retrieval.search.registry import make_provider
from trustbench.retrieval.store import EvidenceStore, default_store_path
from trustbench.retrieval.types import InvalidSetting

RETRY_OPTION = "retry_failures_after_s"
"""The one `fetch_options` key that is not a `FetchConfig` field: seconds after which live mode
tries a stored transient failure again (it always does in a later run)."""


class EvidenceSource:
    """Evidence for one judge: built from settings, opened once per sample.

    `mode` is `live`, `replay` or `offline`; `search_provider` a provider name (`serper`,
    `brave`, …; in offline mode the corpus is the provider); `corpus_dir` the corpus folder for
    offline mode; `store` the evidence store file (default: `default_store_path()`);
    `fetch_options` `FetchConfig` fields, plus `retry_failures_after_s`. `run_tag`, called when a
    sample opens its evidence, names the run the evidence is tagged with (for `evidence export
    --run`); a transient failure stored by another run is fetched again.
    """

    def __init__(
        self,
        mode: str,
        search_provider: str = "serper",
        search_options: dict[str, Any] | None = None,
        corpus_dir: str | Path | None = None,
        store: str | Path | None = None,
        fetch_options: dict[str, Any] | None = None,
        *,
        run_tag: Callable[[], str | None] | None = None,
    ) -> None:
        if mode not in MODES:
            raise InvalidSetting(f"evidence_mode must be one of {', '.join(MODES)}, not {mode!r}.")
        options = dict(search_options or {})
        if "api_key" in options:
            raise InvalidSetting(
                "Do not pass an API key in search_options (it would be written to the log): set "
                "the provider's variable instead, e.g. SERPER_API_KEY."
            )
        fetching = dict(fetch_options or {})
        self.retry_failures_after_s = float(fetching.pop(RETRY_OPTION, RETRY_FAILURES_AFTER_S))
        try:
            self._fetch_config = FetchConfig(**fetching)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
            )
            raise InvalidSetting(f"fetch_options: {problems}.") from error
        self.mode: Mode = mode
        self._run_tag = run_tag
        self._search: SearchProvider | str = search_provider
        if mode == "live":
            if search_provider == "corpus" and "folder" not in options:
                if corpus_dir is None:
                    raise InvalidSetting(
                        "The corpus search provider searches a local folder: pass corpus_dir."
                    )
                options["folder"] = Path(corpus_dir)
            self._search = make_provider(search_provider, **options)
        elif mode == "offline":
            if corpus_dir is None or not Path(corpus_dir).is_dir():
                raise InvalidSetting(
                    f"Offline evidence needs a corpus folder: corpus_dir={corpus_dir!r} is not one."
                )
            self._search = CorpusSearch(Path(corpus_dir))
        self.store_path = Path(store).expanduser() if store else default_store_path()
        # Opened now, so that a file that is not a store stops the run before it starts.
        self.store = EvidenceStore(self.store_path)

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Evidence]:
        """One sample's Evidence (live: with its own fetcher, closed on exit)."""
        run = self._run_tag() if self._run_tag else None
        evidence = partial(
            Evidence,
            self.store,
            search=self._search,
            run=run,
            retry_failures_after_s=self.retry_failures_after_s,
        )
        if self.mode != "live":
            yield evidence(self.mode)
            return
        async with Fetcher(self._fetch_config) as fetcher:
            yield evidence("live", fetcher=fetcher, extractor=extract)
