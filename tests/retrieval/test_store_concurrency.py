"""Several processes, and several threads, writing the evidence store at once."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import FetchResult

WRITERS = 4
RECORDS = 200

# A fresh interpreter per writer, as parallel eval workers are (no fork of a threaded parent).
WRITER = f"""
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import FetchResult, SearchResult

path, writer, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
Path(f"{{go}}.ready{{writer}}").touch()
while not go.exists():  # start together, so that opening the new file races too
    time.sleep(0.002)
with EvidenceStore(path) as store:
    for i in range({RECORDS}):
        if i % 2:
            hit = SearchResult(title="t", url=f"https://s.example/{{i}}", rank=1, provider="s")
            store.put_search("serper", f"w{{writer}} q{{i}}", 5, [hit])
        else:
            # Every writer stores the same ten bodies: the blob table is contended too.
            store.put_fetch(FetchResult(
                url=f"https://w{{writer}}.example/{{i}}",
                status=200,
                body=f"shared body {{i // 2 % 10}}".encode(),
                fetched_at=datetime.now(UTC),
            ))
"""


def test_concurrent_writer_processes(tmp_path: Path) -> None:
    path, go = tmp_path / "shared.sqlite", tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(n), str(go)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    deadline = time.monotonic() + 30
    while not all(Path(f"{go}.ready{n}").exists() for n in range(WRITERS)):
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.005)
    go.touch()
    errors = [worker.communicate(timeout=60)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * WRITERS, errors
    assert not any("locked" in error for error in errors)

    with EvidenceStore(path) as store, store.connection() as db:
        assert db.execute("SELECT count(*) FROM fetches").fetchone()[0] == WRITERS * RECORDS // 2
        assert db.execute("SELECT count(*) FROM searches").fetchone()[0] == WRITERS * RECORDS // 2
        assert db.execute("SELECT count(*) FROM blobs").fetchone()[0] == 10
        for writer in range(WRITERS):
            last = RECORDS - 2
            page = store.get_fetch(f"https://w{writer}.example/{last}")
            assert page.body == f"shared body {last // 2 % 10}".encode()
            assert store.get_search("serper", f"w{writer} q1", 5) is not None


def test_concurrent_writer_threads(tmp_path: Path) -> None:
    """Evidence writes from worker threads (asyncio.to_thread): every body is packed and stored
    intact, however the threads interleave."""
    words = ["claim", "court", "page", "study", "trial"]
    bodies = [" ".join(random.Random(n).choices(words, k=40_000)).encode() for n in range(64)]
    with EvidenceStore(tmp_path / "threads.sqlite") as store:

        def put(n: int) -> None:
            result = FetchResult(
                url=f"https://t.example/{n}",
                status=200,
                body=bodies[n],
                fetched_at=datetime.now(UTC),
            )
            store.put_fetch(result)

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(put, range(len(bodies))))
        assert store.verify() == []
        assert [store.get_fetch(f"https://t.example/{n}").body for n in range(64)] == bodies
