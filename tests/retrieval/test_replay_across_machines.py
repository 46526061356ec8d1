"""Done-when of the retrieval layer: evidence exported on one machine and imported into a fresh
checkout's store gives identical passages for the same claim, with no network at all.

The first "machine" fetches live from a loopback server through the real fetcher and extractor;
the second is a separate Python process with its own empty store, run with the CLI's `evidence
import` and replay mode, after the server is gone.
"""

from __future__ import annotations

import json
import subprocess
import sys

from loopback_http import QuietHandler, serve
from pdfs import make_pdf

from helpers import guarded_env, venv_bin
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.extract import extract
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.passages import rank_passages
from trustbench.retrieval.store import EvidenceStore

CLAIM = "The Treaty of Aldmere (1871) fixed the river border at the eastern bank."
ARTICLE = """<html><head><title>Treaty of Aldmere</title>
<meta name="citation_title" content="The Treaty of Aldmere and its borders"></head><body>
<nav>Home | About | Contact</nav><article><h1>Treaty of Aldmere</h1>
<p>The Treaty of Aldmere was signed in 1871 after two years of negotiation between the river
provinces. Its second article fixed the border along the eastern bank of the river, not the
middle of the channel, which later caused disputes over fishing rights.</p>
<p>Historians note that the treaty's maps were drawn by a single surveyor whose notes survive in
the provincial archive. The western bank remained under the older customary arrangement.</p>
<p>In 1903 a commission revisited the border and confirmed the eastern-bank line.</p>
</article><footer>Copyright notice</footer></body></html>"""
PAGES = {
    "/treaty.html": ("text/html; charset=utf-8", ARTICLE.encode()),
    "/commission.pdf": (
        "application/octet-stream",
        make_pdf(
            [
                "Report of the 1903 border commission on the Treaty of Aldmere.",
                "The commission confirmed the eastern bank as the border line fixed in 1871.",
            ]
        ),
    ),
}

REPLAY = """
import json, sys, asyncio
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.passages import rank_passages
from trustbench.retrieval.store import EvidenceStore

store_path, claim, urls = sys.argv[1], sys.argv[2], sys.argv[3:]

async def main():
    evidence = Evidence(EvidenceStore(store_path), "replay")
    documents = [await evidence.document(url) for url in urls]
    passages = rank_passages(claim, documents, method="bm25")
    print(json.dumps([p.model_dump() for p in passages]))

asyncio.run(main())
"""


class Pages(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        content_type, body = PAGES[self.path]
        self.send(200, body, content_type)


async def live_passages(store: EvidenceStore, urls: list[str]) -> list[dict]:
    async with Fetcher(FetchConfig(allow_networks=["127.0.0.1/32"])) as fetcher:
        evidence = Evidence(store, "live", fetcher=fetcher, extractor=extract, run="run-1")
        documents = [await evidence.document(url) for url in urls]
    assert all(d is not None and d.text for d in documents)
    return [p.model_dump() for p in rank_passages(CLAIM, documents, method="bm25")]


async def test_exported_evidence_replays_identical_passages_on_a_fresh_store(tmp_path):
    with serve(Pages) as base:
        urls = [base + path for path in PAGES]
        original = await live_passages(EvidenceStore(tmp_path / "a.sqlite"), urls)
    assert original and "eastern bank" in original[0]["text"]

    env = guarded_env(TRUSTBENCH_EVIDENCE=str(tmp_path / "a.sqlite"))
    snapshot = tmp_path / "run-1.evidence"
    export = [venv_bin("trustbench"), "evidence", "export", str(snapshot), "--run", "run-1"]
    assert subprocess.run(export, env=env, capture_output=True).returncode == 0

    fresh = str(tmp_path / "other-machine.sqlite")
    imported = subprocess.run(
        [venv_bin("trustbench"), "evidence", "import", str(snapshot), "--store", fresh],
        env=env,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
    replayed = subprocess.run(
        [sys.executable, "-c", REPLAY, fresh, CLAIM, *urls],
        env=guarded_env(),
        capture_output=True,
        text=True,
    )
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout) == original
