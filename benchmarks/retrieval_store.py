"""Evidence store read-through: what a second judging pass over the same pages costs.

A loopback server serves 100 distinct ~100 KB HTML pages with 20 ms of latency each. The pages
are fetched through `Evidence` in live mode (the real SSRF-guarded `Fetcher`) into a fresh store,
then read again. Prints both passes' times, their ratio (target: the second pass at least 20x
faster) and the requests the server saw during the second pass (target: 0). It runs once with
the pages asked for one after another and once with all 100 asked for at once.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.snapshot import stats
from trustbench.retrieval.store import EvidenceStore

PAGES = 100
PAGE_BYTES = 100_000
LATENCY_S = 0.020
WORDS = "claim evidence source retrieval judge citation page court study trial result".split()


def make_page(number: int) -> bytes:
    words = random.Random(number).choices(WORDS, k=PAGE_BYTES // 7)
    paragraphs = "".join(
        f"<p>{' '.join(words[i : i + 40])}</p>\n" for i in range(0, len(words), 40)
    )
    return (
        f"<html><head><title>Page {number}</title></head><body>{paragraphs}</body></html>".encode()
    )


class Server:
    """Counts requests; each answer waits LATENCY_S, like a distant web server."""

    def __init__(self) -> None:
        self.pages = {f"/page/{n}": make_page(n) for n in range(PAGES)}
        self.requests = 0
        pages, server = self.pages, self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                time.sleep(LATENCY_S)
                body = pages[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()


async def sequential(evidence: Evidence, urls: list[str]) -> None:
    for url in urls:
        await evidence.fetch(url)


async def concurrent(evidence: Evidence, urls: list[str]) -> None:
    await asyncio.gather(*(evidence.fetch(url) for url in urls))


async def measure(
    server: Server, label: str, ask: Callable[[Evidence, list[str]], Awaitable[None]]
) -> None:
    urls = [server.base + path for path in server.pages]
    config = FetchConfig(allow_networks=["127.0.0.1/32"])
    with tempfile.TemporaryDirectory() as folder:
        with EvidenceStore(Path(folder) / "evidence.sqlite") as store:
            async with Fetcher(config) as fetcher:
                evidence = Evidence(store, "live", fetcher=fetcher)
                timings = []
                for _ in range(2):
                    before, start = server.requests, time.perf_counter()
                    await ask(evidence, urls)
                    timings.append((time.perf_counter() - start, server.requests - before))
            numbers = stats(store)
    (first, first_requests), (second, second_requests) = timings
    print(
        f"{label:<12} first pass {first:7.3f} s ({first_requests} requests)   "
        f"second pass {second:7.4f} s ({second_requests} requests)   "
        f"{first / second:6.1f}x faster"
    )
    print(
        f"{'':<12} store: {numbers['fetches']} fetches, {numbers['raw_bytes'] / 1e6:.1f} MB of "
        f"bodies kept in {numbers['compressed_bytes'] / 1e6:.2f} MB"
    )


async def main() -> None:
    server = Server()
    print(
        f"{PAGES} pages of {PAGE_BYTES // 1000} KB, {LATENCY_S * 1000:.0f} ms server latency, "
        "trustbench Fetcher, Evidence(live)"
    )
    await measure(server, "one by one", sequential)
    await measure(server, "all at once", concurrent)
    server.httpd.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
