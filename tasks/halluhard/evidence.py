"""HalluHard's evidence: `retrieval`'s `EvidenceSource` with the bundled corpus for offline mode,
each sample's evidence tagged with the run it belongs to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trustbench.retrieval import evidence_source
from trustbench.tasks.evidence import eval_run_tag

PACKAGED_CORPUS = Path(__file__).parent / "data" / "corpus"


class EvidenceSource(evidence_source.EvidenceSource):
    def __init__(
        self,
        mode: str,
        search_provider: str,
        search_options: dict[str, Any] | None,
        corpus_dir: str | None,
        store: str | None,
        fetch_options: dict[str, Any] | None,
    ) -> None:
        super().__init__(
            mode,
            search_provider,
            search_options,
            corpus_dir or PACKAGED_CORPUS,
            store,
            fetch_options,
            run_tag=eval_run_tag,
        )
