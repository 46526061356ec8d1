"""HTML extraction is bounded whatever the page: a size cap and a depth cap before the costly
part, a linear fallback, and a worker process that is killed at its time budget (or when it
dies) and replaced for the next page."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from trustbench.retrieval.extract import ExtractionFailed, extract_bytes, webpage_reader
from trustbench.retrieval.extract.webpage import extract_html
from trustbench.retrieval.extract.webpage_reader import MAX_DEPTH, read_html, tree_text
from trustbench.retrieval.extract.workers import WorkerPool

URL = "https://deep.example/page"


def test_a_one_megabyte_page_nested_100k_deep_is_a_typed_extraction_failure():
    depth = 100_000
    body = b"<html><body>" + b"<div>word " * depth + b"</div>" * depth + b"</body></html>"
    assert len(body) > 1_000_000
    with pytest.raises(ExtractionFailed, match=f"at most {MAX_DEPTH} are read") as info:
        extract_bytes(URL, body, "html")
    assert info.value.url == URL


def test_nesting_within_the_cap_is_read():
    depth = MAX_DEPTH - 10
    body = (
        b"<html><body>" + b"<div>" * depth + b"Deep text." + b"</div>" * depth + b"</body></html>"
    )
    doc = extract_bytes(URL, body, "html")
    assert doc.text == "Deep text."


def test_the_fallback_reads_blocks_tails_and_breaks_in_one_pass():
    import lxml.html

    tree = lxml.html.document_fromstring(
        "<html><body><nav>Menu <a>Home</a></nav>Intro<div>First <b>bold</b> block"
        "<p>Inner para</p>tail of div</div><!-- note -->after comment<br>next line"
        "<script>var x = 1;</script><footer>Copyright</footer>end</body></html>"
    )
    assert tree_text(tree) == (
        "Intro\nFirst bold block\nInner para\ntail of div\nafter comment\nnext line\nend"
    )


def test_a_page_over_the_size_cap_is_cut_before_parsing(monkeypatch):
    monkeypatch.setattr(webpage_reader, "MAX_HTML_CHARS", 2000)
    body = b"<html><body><article>" + b"<p>Plenty of words here.</p>" * 500 + b"</article>"
    doc = read_html(URL, body, "utf-8", base_url=URL, sha256=None)
    assert doc.truncated
    assert any("read the first 2,000" in w for w in doc.warnings)
    assert 0 < doc.text.count("Plenty of words here.") < 100


def worker_script(tmp_path: Path, body: str) -> list[str]:
    """A stand-in extraction worker speaking the pool's protocol."""
    script = tmp_path / "worker.py"
    script.write_text(
        textwrap.dedent(
            """
            import json, sys, time
            stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
            stdout.write(b'{"ready": true}\\n'); stdout.flush()
            while header := stdin.readline():
                request = json.loads(header)
                body = stdin.read(request["size"])
            """
        )
        + textwrap.indent(textwrap.dedent(body), "    ")
    )
    return [sys.executable, str(script)]


ANSWER = """
document = {"url": request["url"], "text": body.decode(), "extractor": "stub",
            "extractor_version": "0"}
stdout.write(json.dumps({"document": document}).encode() + b"\\n"); stdout.flush()
"""


def test_a_worker_past_its_budget_is_killed_and_replaced(tmp_path):
    pool = WorkerPool(
        worker_script(tmp_path, "if body == b'spin':\n    time.sleep(600)\n" + ANSWER), 1
    )
    try:
        with pytest.raises(ExtractionFailed, match="ran past its time budget of 0.5 s"):
            extract_html(
                URL, b"spin", None, base_url=URL, sha256=None, time_budget_s=0.5, pool=pool
            )
        doc = extract_html(
            URL, b"fine", None, base_url=URL, sha256=None, time_budget_s=30, pool=pool
        )
        assert doc.text == "fine"
    finally:
        pool.close()


def test_a_worker_that_dies_is_a_typed_failure_with_its_last_words(tmp_path):
    crash = "sys.stderr.write('Segmentation fault'); sys.stderr.flush(); sys.exit(139)\n"
    pool = WorkerPool(worker_script(tmp_path, "if body == b'crash':\n    " + crash + ANSWER), 1)
    try:
        with pytest.raises(ExtractionFailed, match="exited with code 139 .*Segmentation fault"):
            extract_html(
                URL, b"crash", None, base_url=URL, sha256=None, time_budget_s=30, pool=pool
            )
        assert (
            extract_html(
                URL, b"ok", None, base_url=URL, sha256=None, time_budget_s=30, pool=pool
            ).text
            == "ok"
        )
    finally:
        pool.close()


def test_a_worker_that_cannot_start_is_a_typed_failure(tmp_path):
    script = tmp_path / "broken.py"
    script.write_text("import sys\nsys.stderr.write('ImportError: no lxml')\nsys.exit(1)\n")
    pool = WorkerPool([sys.executable, str(script)], 1)
    with pytest.raises(ExtractionFailed, match="exited with code 1 while starting: ImportError"):
        extract_html(URL, b"x", None, base_url=URL, sha256=None, time_budget_s=30, pool=pool)
