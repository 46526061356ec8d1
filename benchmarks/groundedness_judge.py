"""Cost of the HalluHard groundedness judge per claim (grader calls, fetches and wall time with
the paper's iterative search loop), and of `judge-audit` per 100 citations.

Run `python benchmarks/groundedness_judge.py` (about 30 s). 20 authored research answers cite
2-4 works each (inline links or author-year; a few works are made up). A loopback server (its
own threads) serves the works' pages and a Serper-compatible search API, each answer after
50 ms; the grader is a scripted oracle that answers plausible JSON from the prompts it gets
(its planner searches until a result names the cited title, then picks it by number). Pass 1
judges live into a fresh evidence store; pass 2 re-judges in replay mode from the store (grader
replies from Inspect's model cache). Target: at most 3 grader calls per claim on average (the
paper's pipeline uses up to 5). The made-up works should come out hallucinated, the others
grounded. Then the judge audit over the authored set (188 citations, offline corpus), in
heuristic mode and with a replayed grader (the scripted gold grader: no model latency, so the
time is the judge's own), reported per 100 citations.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from inspect_ai import eval as inspect_eval
from inspect_ai.model import ChatMessage, get_model

import trustbench._registry  # noqa: F401  (registers the scripted/ provider)
from trustbench.judges.groundedness import TurnJudgement, judge_turn
from trustbench.judges.groundedness.citations import heuristic_claims
from trustbench.providers.scripted import register_reference_model
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.extract import extract
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.passages import tokenize
from trustbench.retrieval.search.serper import SerperSearch
from trustbench.retrieval.store import EvidenceStore

LATENCY_S = 0.05

# key: (title, first author, year, finding); made-up works have no page and no search hit.
WORKS: dict[str, tuple[str, str, str, str]] = {
    "dropout": (
        "Dropout as a Simple Regulariser for Deep Networks",
        "Hinton",
        "2012",
        "randomly omitting hidden units during training reduces co-adaptation and overfitting",
    ),
    "adam": (
        "Adaptive Moment Estimation for Stochastic Optimisation",
        "Kingma",
        "2014",
        "per-parameter step sizes from running moment estimates speed up training of deep networks",
    ),
    "resnet": (
        "Residual Learning for Very Deep Image Recognition",
        "He",
        "2016",
        "identity shortcut connections let networks with over a hundred layers train without degradation",
    ),
    "bm25": (
        "The Probabilistic Relevance Framework Behind BM25",
        "Robertson",
        "2009",
        "term frequency saturation and document length normalisation make BM25 a robust ranking baseline",
    ),
    "dpr": (
        "Dense Passage Retrieval for Open-Domain Questions",
        "Karpukhin",
        "2020",
        "a dual encoder trained on question-passage pairs outperforms sparse retrieval for open-domain questions",
    ),
    "rag": (
        "Retrieval-Augmented Generation for Knowledge-Intensive Tasks",
        "Lewis",
        "2020",
        "conditioning a generator on retrieved passages improves factual accuracy on knowledge-intensive tasks",
    ),
    "crispr": (
        "Programmable RNA-Guided DNA Cleavage by Cas9",
        "Jinek",
        "2012",
        "a dual RNA structure directs the Cas9 endonuclease to cleave target DNA at specific sites",
    ),
    "statins": (
        "Statin Therapy and Major Vascular Events",
        "Baigent",
        "2010",
        "each reduction in LDL cholesterol lowers the rate of major vascular events by about a fifth",
    ),
    "aspirin": (
        "Low-Dose Aspirin in Primary Prevention of Cardiovascular Disease",
        "Gaziano",
        "2018",
        "low-dose aspirin did not reduce cardiovascular events in moderate-risk adults and increased bleeding",
    ),
    "sleep": (
        "Sleep Restriction and Working Memory in Adolescents",
        "Lowe",
        "2017",
        "restricting sleep to five hours a night impaired working memory in adolescents within a week",
    ),
    "coral": (
        "Marine Heatwaves and Mass Coral Bleaching",
        "Hughes",
        "2018",
        "the 2016 marine heatwave bleached and killed corals across the northern Great Barrier Reef",
    ),
    "bees": (
        "Neonicotinoid Exposure and Wild Bee Colony Growth",
        "Rundlof",
        "2015",
        "seed coating with a neonicotinoid reduced wild bee density and bumblebee colony growth",
    ),
    "minwage": (
        "Minimum Wages and Employment in Fast-Food Restaurants",
        "Card",
        "1994",
        "a state minimum wage rise did not reduce employment in fast-food restaurants",
    ),
    "nudge": (
        "Default Options and Retirement Savings Participation",
        "Madrian",
        "2001",
        "automatic enrolment raised participation in retirement savings plans sharply",
    ),
    "gdpr": (
        "Consent Banners After the General Data Protection Regulation",
        "Utz",
        "2019",
        "most consent banners after the regulation nudged users towards accepting tracking",
    ),
    "graphene": (
        "Electric Field Effect in Atomically Thin Carbon Films",
        "Novoselov",
        "2004",
        "single-layer carbon films show a strong ambipolar electric field effect at room temperature",
    ),
    "exoplanet": (
        "A Jupiter-Mass Companion to a Solar-Type Star",
        "Mayor",
        "1995",
        "radial velocity measurements revealed a giant planet orbiting a sun-like star every four days",
    ),
    "ozone": (
        "Large Losses of Total Ozone in Antarctica",
        "Farman",
        "1985",
        "springtime total ozone over Antarctica fell markedly, linked to rising chlorofluorocarbons",
    ),
    "wordvec": (
        "Distributed Representations of Words and Phrases",
        "Mikolov",
        "2013",
        "negative sampling and subsampling of frequent words yield fast, high-quality word vectors",
    ),
    "alphafold": (
        "Highly Accurate Protein Structure Prediction",
        "Jumper",
        "2021",
        "an attention-based network predicts protein structures with near-experimental accuracy",
    ),
    "fake1": (
        "Quantum Lattice Proof of the Riemann Hypothesis",
        "Fabricato",
        "2021",
        "a quantum lattice argument settles the Riemann hypothesis",
    ),
    "fake2": (
        "Telepathic Gradient Descent",
        "Imaginary",
        "2019",
        "gradient descent converges faster when operators meditate",
    ),
}
# 20 answers: (work key, style) per cited claim; style "url" cites the page, "ay" author-year.
ANSWERS: list[list[tuple[str, str]]] = [
    [("dropout", "ay"), ("adam", "url")],
    [("resnet", "url"), ("dropout", "url"), ("adam", "ay")],
    [("bm25", "ay"), ("dpr", "url"), ("rag", "ay"), ("fake1", "ay")],
    [("crispr", "url"), ("alphafold", "ay")],
    [("statins", "ay"), ("aspirin", "url"), ("sleep", "ay")],
    [("coral", "url"), ("bees", "ay")],
    [("minwage", "ay"), ("nudge", "url"), ("gdpr", "ay")],
    [("graphene", "url"), ("exoplanet", "ay"), ("ozone", "url"), ("fake2", "ay")],
    [("wordvec", "ay"), ("dpr", "ay")],
    [("rag", "url"), ("bm25", "url"), ("wordvec", "url")],
    [("alphafold", "url"), ("crispr", "ay")],
    [("aspirin", "ay"), ("statins", "url")],
    [("sleep", "url"), ("nudge", "ay"), ("minwage", "url")],
    [("bees", "url"), ("coral", "ay"), ("ozone", "ay"), ("fake1", "url")],
    [("exoplanet", "url"), ("graphene", "ay")],
    [("gdpr", "url"), ("nudge", "ay"), ("fake2", "url")],
    [("resnet", "ay"), ("adam", "url"), ("dropout", "ay"), ("wordvec", "ay")],
    [("dpr", "url"), ("rag", "url")],
    [("statins", "ay"), ("sleep", "ay"), ("aspirin", "ay")],
    [("ozone", "url"), ("coral", "url"), ("exoplanet", "ay")],
]
FILLER = (
    "The authors describe their data, methods and limitations in detail, compare against prior "
    "work and discuss implications for practice and future research. "
)


def page(key: str) -> bytes:
    title, author, year, finding = WORKS[key]
    meta = (
        f'<meta name="citation_title" content="{title}">'
        f'<meta name="citation_author" content="{author}, A.">'
        f'<meta name="citation_publication_date" content="{year}">'
    )
    body = f"<p>{title}. {author} et al., {year}.</p><p>We find that {finding}.</p>"
    body += f"<p>{FILLER * 12}</p>"
    return f"<html><head><title>{title}</title>{meta}</head><body><article>{body}</article></body></html>".encode()


def answer_text(base: str, cited: list[tuple[str, str]]) -> str:
    sentences = []
    for key, style in cited:
        title, author, year, finding = WORKS[key]
        marker = f"({base}/works/{key})" if style == "url" else f"({author} et al., {year})"
        sentences.append(f"Research shows that {finding} {marker}.")
    return " ".join(sentences)


# --- the loopback site and search API ------------------------------------------------------------


@contextmanager
def site() -> Iterator[tuple[str, Counter[str]]]:
    hits: Counter[str] = Counter()
    pages = {f"/works/{key}": page(key) for key in WORKS if not key.startswith("fake")}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            time.sleep(LATENCY_S)
            hits["page"] += 1
            body = pages.get(self.path)
            self._send(200 if body else 404, "text/html", body or b"<html>gone</html>")

        def do_POST(self) -> None:
            time.sleep(LATENCY_S)
            hits["search"] += 1
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["q"]
            self._send(200, "application/json", json.dumps({"organic": search(query)}).encode())

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 64

    server = Server(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def search(query: str) -> list[dict[str, Any]]:
        """Five hits, like a web engine: works sharing words with the query first, then others."""
        words = set(tokenize(query))
        real = [(key, work) for key, work in WORKS.items() if not key.startswith("fake")]
        ranked = sorted(real, key=lambda kw: -len(words & set(tokenize(" ".join(kw[1][:3])))))
        return [
            {"title": title, "link": f"{base}/works/{key}", "snippet": finding, "position": i}
            for i, (key, (title, _, _, finding)) in enumerate(ranked[:5], start=1)
        ]

    try:
        yield base, hits
    finally:
        server.shutdown()
        server.server_close()


# --- the oracle grader ---------------------------------------------------------------------------


def fenced(text: str, label: str) -> str:
    found = re.search(rf"<<<BEGIN {label} (\w+)>>>\n(.*)\n<<<END {label} \1>>>", text, re.S)
    return found.group(2) if found else ""


def oracle(messages: list[ChatMessage], metadata: dict[str, Any], rng: Any) -> str:
    system = messages[0].text if messages[0].role == "system" else ""
    user = next(m.text for m in messages if m.role == "user")
    if "list the claims" in system:
        items = []
        for claim in heuristic_claims(fenced(user, "ANSWER"), "research"):
            key = next(
                (k for k, w in WORKS.items() if w[1] in claim.text or f"/works/{k})" in claim.text),
                None,
            )
            title, author, year, _ = WORKS[key] if key else ("", "", "", "")
            items.append(
                {
                    "inferred_source_type": "paper",
                    "claimed_content": claim.text,
                    "full_citation": "",
                    "claimed_title": title,
                    "claimed_authors": f"{author} et al.",
                    "claimed_year": year,
                    "claimed_url": claim.cited_url or "",
                }
            )
        return json.dumps(items)
    if "continue_searching" in user or "relevant_urls" in user:
        statement = fenced(user, "STATEMENT")
        title = re.search(r"^Title: (.*)$", statement, re.M)
        results = fenced(user, "RESULTS")
        hit = (
            re.search(rf"^\[(\d+\.\d+)\] Title: {re.escape(title.group(1))}$", results, re.M)
            if title
            else None
        )
        if "continue_searching" not in user:
            return json.dumps({"relevant_urls": [f"[{hit.group(1)}]" if hit else "[1.1]"]})
        if hit:
            return json.dumps({"continue_searching": False, "relevant_urls": [f"[{hit.group(1)}]"]})
        authors = re.search(r"^Authors: (.*)$", statement, re.M)
        query = f"{authors.group(1) if authors else ''} study"
        if f"- {query}" in user:
            return json.dumps({"continue_searching": False, "relevant_urls": []})
        return json.dumps({"continue_searching": True, "search_query": query})
    title = re.search(r"^Title: (.*)$", fenced(user, "STATEMENT"), re.M)
    evidence = fenced(user, "PAGE EXTRACTS") + fenced(user, "SEARCH RESULTS")
    found = bool(title) and title.group(1) in evidence
    grounding = (
        "Yes. The evidence shows the work and the finding."
        if found
        else "No. The cited work is not in the evidence."
    )
    return json.dumps(
        {
            "reference_name": title.group(1) if title else "",
            "reference_grounding": grounding,
            "content_grounding": grounding,
            "hallucination": "No" if found else "Yes",
            "abstention": "No",
            "verification_error": "No",
        }
    )


# --- the passes ----------------------------------------------------------------------------------


async def judge_all(
    answers: list[str], evidence: Evidence
) -> tuple[list[TurnJudgement], list[float]]:
    grader = get_model("scripted/groundedness_benchmark")
    results, times = [], []
    for text in answers:
        start = time.perf_counter()
        results.append(
            await judge_turn(
                response=text,
                domain="research",
                evidence=evidence,
                grader=grader,
            )
        )
        times.append(time.perf_counter() - start)
    return results, times


def report(
    label: str, results: list[TurnJudgement], times: list[float], hits: Counter[str]
) -> None:
    claims = sum(len(r.verdicts) for r in results)
    calls = sum(r.grader_calls for r in results)
    fetches = sum(r.fetches for r in results)
    hallucinated = sum(v.hallucinated for r in results for v in r.verdicts)
    errors = sum(v.verification_error is not None for r in results for v in r.verdicts)
    print(
        f"{label:7s} {calls / claims:13.2f} {fetches / claims:15.2f} {hits['page'] / claims:16.2f} "
        f"{hits['search'] / claims:16.2f} {sum(times) / len(times):14.3f} {max(times):10.3f}"
        f"   ({claims} claims: {hallucinated} hallucinated, {errors} verification errors)"
    )


async def main() -> None:
    register_reference_model("groundedness_benchmark", oracle)
    with tempfile.TemporaryDirectory() as folder, site() as (base, hits):
        os.environ["INSPECT_CACHE_DIR"] = str(Path(folder) / "inspect-cache")
        answers = [answer_text(base, cited) for cited in ANSWERS]
        print(
            f"{len(answers)} answers, {sum(map(len, ANSWERS))} citations, {LATENCY_S * 1000:.0f} ms per page and per search"
        )
        print(
            "pass    grader/claim  fetches/claim  page hits/claim  searches/claim  s/response    max s"
        )
        with EvidenceStore(Path(folder) / "evidence.sqlite") as store:
            async with Fetcher(FetchConfig(allow_networks=["127.0.0.1/32"])) as fetcher:
                live = Evidence(
                    store,
                    "live",
                    search=SerperSearch(api_key="x", base_url=base),
                    fetcher=fetcher,
                    extractor=extract,
                )
                live_results, live_times = await judge_all(answers, live)
            report("live", live_results, live_times, hits)
            before = hits.copy()
            replay_results, replay_times = await judge_all(
                answers, Evidence(store, "replay", search="serper")
            )
            report("replay", replay_results, replay_times, hits - before)
            print("replay identical to live:", replay_results == live_results)


def audit_times() -> None:
    """The judge audit over the authored set: seconds per 100 citations, heuristic and with a
    replayed (scripted) grader, measured one after the other in this run."""
    from trustbench.tasks.halluhard import halluhard_audit
    from trustbench.tasks.halluhard.audit_set import read_audit_set

    citations = sum(len(item.citations) for item in read_audit_set())
    print(f"\njudge audit over the authored set ({citations} citations)")
    print(
        "mode                 s/100 citations  reference accuracy  content accuracy  grader/claim"
    )
    for label, mode, roles in (
        ("heuristic", "heuristic", {}),
        ("replayed grader", "llm", {"grader": get_model("scripted/audit-gold")}),
    ):
        with tempfile.TemporaryDirectory() as folder:
            os.environ["INSPECT_CACHE_DIR"] = folder
            start = time.perf_counter()
            [log] = inspect_eval(
                halluhard_audit(judge_mode=mode),
                model="none",
                model_roles=roles,
                display="none",
                log_dir=folder,
            )
            seconds = time.perf_counter() - start
            metrics = {k: v.value for k, v in log.results.scores[0].metrics.items()}
            calls = sum(s.scores["audit_judge"].metadata["grader_calls"] for s in log.samples)
        content = metrics.get("content_accuracy")
        print(
            f"{label:20s} {seconds * 100 / citations:15.2f} {metrics['reference_accuracy']:19.3f} "
            f"{'not assessed' if content is None else f'{content:.3f}':>17s} {calls / citations:13.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
    audit_times()
