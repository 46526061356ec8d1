"""Fetch throughput of trustbench.retrieval.fetcher at concurrency 1 and 16.

Run `python benchmarks/retrieval_fetch.py`. A loopback server (its own threads, so it does not
share the fetcher's event loop) serves ~50 KB HTML pages after ~50 ms, standing in for a remote
site; everything is measured in that run, wall-clock, on the current machine (about 15 s).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from trustbench.retrieval.extract import extract
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.types import FetchResult

PAGES = 200
LATENCY_S = 0.05
PARAGRAPH = (
    "<p>Retrieval-augmented judges fetch the pages a model cites and check each claim against "
    "them; the fetcher must stay fast without hammering any one host.</p>\n"
)
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Benchmark page</title></head>"
    f"<body>{PARAGRAPH * 300}</body></html>"
).encode()


class SlowPages(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    wbufsize = 1 << 17  # headers and body in one send: no Nagle/delayed-ACK stall per page

    def do_GET(self) -> None:
        time.sleep(LATENCY_S)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: one line per request would drown the result."""


class PageServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the default backlog of 5 drops simultaneous connects (1 s SYN retry)


@contextmanager
def loopback_server() -> Iterator[str]:
    """The base URL of a slow page server on 127.0.0.1."""
    server = PageServer(("127.0.0.1", 0), SlowPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def fetch_many(
    urls: list[str], concurrency: int, *, with_extraction: bool
) -> list[FetchResult]:
    """Fetches `urls` with at most `concurrency` requests in flight (to any one host as well);
    with extraction, each page is extracted in a worker thread as soon as it arrives."""
    config = FetchConfig(
        max_concurrency=concurrency,
        per_host_concurrency=concurrency,
        allow_networks=["127.0.0.1/32"],  # the stand-in site is on loopback
    )

    async def one(fetcher: Fetcher, url: str) -> FetchResult:
        result = await fetcher.fetch(url)
        if with_extraction and result.ok:
            document = await asyncio.to_thread(extract, result)
            if not document.text:
                raise SystemExit(f"extraction of {url} gave no text")
        return result

    async with Fetcher(config) as fetcher:
        return await asyncio.gather(*(one(fetcher, url) for url in urls))


def pages_per_second(urls: list[str], concurrency: int, *, with_extraction: bool) -> float:
    start = time.perf_counter()
    results = asyncio.run(fetch_many(urls, concurrency, with_extraction=with_extraction))
    elapsed = time.perf_counter() - start
    failed = [result.error for result in results if not result.ok]
    if failed:
        raise SystemExit(f"{len(failed)} fetches failed, e.g. {failed[0]}")
    return len(results) / elapsed


def main() -> None:
    with loopback_server() as base:
        urls = [f"{base}/page/{index}" for index in range(PAGES)]
        print(f"{PAGES} pages of {len(PAGE) / 1000:.0f} KB, {LATENCY_S * 1000:.0f} ms latency")
        for with_extraction in (False, True):
            label = "fetch + extract" if with_extraction else "fetch only"
            rates = {
                concurrency: pages_per_second(urls, concurrency, with_extraction=with_extraction)
                for concurrency in (1, 16)
            }
            for concurrency, rate in rates.items():
                print(f"{label:16s} concurrency {concurrency:>2}: {rate:7.1f} pages/s")
            print(f"{label:16s} speed-up 16 vs 1: {rates[16] / rates[1]:.1f}x")


if __name__ == "__main__":
    main()
