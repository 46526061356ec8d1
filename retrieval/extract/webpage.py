"""HTML to a Document under a time budget: `webpage_reader.read_html` runs in a worker process
(`webpage_worker.py`) that is killed if it overruns, and under a memory cap.

The reader is linear in the page's size and refuses pages nested deeper than it reads, so the
budget is a backstop: it bounds what the libraries' own worst cases could cost, whatever the page.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.extract.workers import WorkerFailed, WorkerPool
from trustbench.retrieval.types import Document

WORKER_COMMAND = [sys.executable, "-P", "-m", "trustbench.retrieval.extract.webpage_worker"]
"""-P: nothing in the working directory can shadow a module the worker imports."""
POOL_SIZE = min(4, os.cpu_count() or 1)

_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def worker_pool() -> WorkerPool:
    """The process-wide pool of HTML workers, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = WorkerPool(WORKER_COMMAND, POOL_SIZE)
        return _pool


def extract_html(
    url: str,
    body: bytes,
    charset: str | None,
    *,
    base_url: str,
    sha256: str | None,
    time_budget_s: float,
    pool: WorkerPool | None = None,
) -> Document:
    """The page's Document, or `ExtractionFailed` when it cannot be read within the budget (or
    at all)."""
    header: dict[str, Any] = {
        "url": url,
        "charset": charset,
        "base_url": base_url,
        "sha256": sha256,
    }
    try:
        answer = (pool or worker_pool()).ask(header, body, time_budget_s)
    except WorkerFailed as failed:
        reason = f"the HTML extraction worker {failed.reason}"
        raise ExtractionFailed(reason, url=url) from failed
    if "failed" in answer:
        raise ExtractionFailed(answer["failed"], url=url)
    return Document.model_validate(answer["document"])
