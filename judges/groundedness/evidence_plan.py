"""Evidence for each claim (HalluHard §3.3-3.4) on a smaller grader budget.

HalluHard asks its planner up to four times per claim. Here one grader call plans the searches
for all claims of a turn, up to `search_steps` queries each, best first; the queries then run in
order and stop as soon as the results hold enough matching pages, and the pages are chosen from
the results by how well their title and snippet name the cited work. Per claim: the cited URL
first, then up to `max_pages` HTML pages and `max_pdfs` PDFs (a dead page is replaced by the next
candidate, within twice the budget of attempts), ranked into a `word_budget`-word bundle with
`rank_passages`. A URL or query is asked for once per turn however many claims need it, and
Evidence's store makes it once per run.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, TypeAdapter

from trustbench.judges.groundedness.claims import identity
from trustbench.judges.groundedness.fencing import fence, make_code
from trustbench.judges.groundedness.grader import Grader
from trustbench.judges.groundedness.prompts import planning_system
from trustbench.judges.groundedness.types import Claim, GroundednessConfig
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.passages import rank_passages, tokenize
from trustbench.retrieval.types import (
    Document,
    EvidenceMissing,
    Passage,
    RetrievalError,
    SearchResult,
)

T = TypeVar("T")

SEARCH_RESULTS = 5
"""Results per query, as HalluHard asks Serper for."""
MIN_PAGE_CHARS = 100
"""HalluHard treats pages that yield less text than this as failed fetches."""
RELEVANT = 0.5
"""Share of the cited work's identifying words a result must show to count as a match."""
_OPERATOR = re.compile(r"(?<!\S)-?(?:site|filetype|inurl|intitle|intext|allintitle):\S*", re.I)
_QUOTES = re.compile(r"[\"“”„«»]|(?<!\w)'|'(?!\w)")


# --- planning ------------------------------------------------------------------------------------


def clean_query(query: str) -> str:
    """The query without quotation marks and search operators (`site:` and the like)."""
    return " ".join(_QUOTES.sub(" ", _OPERATOR.sub(" ", query)).split())


def default_queries(claim: Claim, steps: int) -> list[str]:
    """Queries built from the claim itself: the heuristic mode's plan, and the fallback when the
    grader's plan is unreadable."""
    queries = []
    if claim.cited_url:
        try:
            parts = urlsplit(claim.cited_url)
        except ValueError:  # a cited string that is no URL (e.g. `https://[::1/x`)
            parts = urlsplit("")
        site = parts.hostname.removeprefix("www.").split(".")[0] if parts.hostname else ""
        ident = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if parts.hostname in ("doi.org", "dx.doi.org"):
            ident = parts.path.lstrip("/")
        queries.append(f"{site} {ident}")
    name = identity(claim)
    if name:
        queries.append(name)
    topic = [w for w in tokenize(claim.text) if not w.isdigit()][:8]
    queries.append(" ".join([*tokenize(name)[:4], *topic]))
    cleaned = dict.fromkeys(q for q in map(clean_query, queries) if q)
    return list(cleaned)[:steps]


class _PlanItem(BaseModel):
    statement: int
    queries: Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]


def _as_plans(value: Any) -> Any:
    return {"plans": value} if isinstance(value, list) else value


class _Plans(BaseModel):
    plans: list[_PlanItem]


_PLAN_SHAPE: TypeAdapter[_Plans] = TypeAdapter(Annotated[_Plans, BeforeValidator(_as_plans)])


async def plan_queries(
    grader: Grader,
    claims: list[Claim],
    statements: list[str],
    question: str,
    config: GroundednessConfig,
) -> dict[str, list[str]]:
    """Queries per claim id from one grader call; claims it leaves out (or an unreadable reply)
    get `default_queries`."""
    listing = "\n\n".join(f"Statement {i}:\n{s}" for i, s in enumerate(statements, start=1))
    body = f"Question the answer responded to:\n{question}\n\n{listing}"
    code = make_code(config.seed, "planning", body)
    user = f"{fence('STATEMENTS', body, code)}\n\nPlan the searches as JSON."
    answer = await grader.ask(planning_system(config.search_steps), user, _PLAN_SHAPE)
    planned: dict[int, list[str]] = {}
    for item in answer.value.plans if answer.value else []:
        queries = [q for q in dict.fromkeys(map(clean_query, item.queries)) if q]
        if queries and 1 <= item.statement <= len(claims):
            planned.setdefault(item.statement, queries[: config.search_steps])
    return {
        claim.id: planned.get(i) or default_queries(claim, config.search_steps)
        for i, claim in enumerate(claims, start=1)
    }


# --- fetching and searching, once per turn --------------------------------------------------------


@dataclass(frozen=True)
class Page:
    document: Document | None
    problem: str | None = None
    missing: bool = False
    """The evidence store had no record (replay)."""


@dataclass(frozen=True)
class Searched:
    results: list[SearchResult]
    problem: str | None = None
    missing: bool = False


class TurnEvidence:
    """Evidence for one turn: each URL and each query is asked for once, however many claims
    need it (concurrent askers share the one request)."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self._pages: dict[str, asyncio.Task[Page]] = {}
        self._searches: dict[str, asyncio.Task[Searched]] = {}

    @property
    def fetches(self) -> int:
        return len(self._pages)

    async def page(self, url: str) -> Page:
        return await _once(self._pages, url, lambda: self._page(url))

    async def search(self, query: str) -> Searched:
        return await _once(self._searches, query, lambda: self._search(query))

    def cancel(self) -> None:
        """Stops requests nobody waits for any more (the turn was cancelled or failed)."""
        for task in [*self._pages.values(), *self._searches.values()]:
            task.cancel()

    async def _page(self, url: str) -> Page:
        try:
            document = await self.evidence.document(url)
        except EvidenceMissing as ex:
            return Page(None, str(ex), missing=True)
        except RetrievalError as ex:  # ExtractionFailed, or Evidence without a fetcher
            return Page(None, f"{url}: {ex}")
        if document is None:
            failed = await self.evidence.fetch(url)  # a store hit now: says why
            reason = failed.error.reason if failed.error else "no content"
            return Page(None, f"{url}: {reason}")
        if len(document.text.strip()) < MIN_PAGE_CHARS:
            return Page(None, f"{url}: the page has almost no text")
        return Page(document)

    async def _search(self, query: str) -> Searched:
        try:
            return Searched(await self.evidence.search(query, SEARCH_RESULTS))
        except EvidenceMissing as ex:
            return Searched([], str(ex), missing=True)
        except RetrievalError as ex:  # SearchFailed, or Evidence without a provider
            return Searched([], f"search {query!r} failed: {ex}")


async def _once(
    tasks: dict[str, asyncio.Task[T]], key: str, make: Callable[[], Coroutine[Any, Any, T]]
) -> T:
    if key not in tasks:
        tasks[key] = asyncio.create_task(make())
    return await tasks[key]


# --- one claim's bundle ---------------------------------------------------------------------------


@dataclass
class Bundle:
    cited: Document | None = None
    """The page at the cited URL, when it could be read."""
    documents: list[Document] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    results: list[SearchResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def snippets_only(self) -> bool:
        return not self.passages and bool(self.results)

    @property
    def empty(self) -> bool:
        return not self.passages and not self.results

    @property
    def evidence_urls(self) -> list[str]:
        if self.passages:
            return list(dict.fromkeys(p.url for p in self.passages))
        return list(dict.fromkeys(r.url for r in self.results))

    def note(self, problem: str | None, missing: bool) -> None:
        target = self.missing if missing else self.problems
        if problem and problem not in target:
            target.append(problem)


def is_pdf_url(url: str) -> bool:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:  # a search result's URL that is no URL
        return False
    return path.endswith(".pdf") or "/pdf/" in path


def relevance(result: SearchResult, terms: set[str]) -> float:
    """Share of `terms` (the cited work's identifying words) in the result's title, snippet
    and URL."""
    if not terms:
        return 0.0
    words = set(tokenize(f"{result.title} {result.snippet} {result.url}"))
    return len(terms & words) / len(terms)


async def gather(
    turn: TurnEvidence,
    claim: Claim,
    statement: str,
    queries: list[str],
    config: GroundednessConfig,
) -> Bundle:
    bundle = Bundle()
    pages: list[Document] = []
    pdfs: list[Document] = []
    if claim.cited_url and claim.cited_url.startswith(("http://", "https://")):
        page = await turn.page(claim.cited_url)
        bundle.note(page.problem, page.missing)
        if page.document is not None:
            bundle.cited = page.document
            (pdfs if page.document.pages is not None else pages).append(page.document)

    terms = set(tokenize(identity(claim))) or set(tokenize(claim.text)[:20])
    wanted = max(1, config.max_pages - len(pages))
    for query in queries[: config.search_steps]:
        searched = await turn.search(query)
        bundle.note(searched.problem, searched.missing)
        bundle.results += [
            r for r in searched.results if r.url not in {x.url for x in bundle.results}
        ]
        matching = [
            r for r in bundle.results if not is_pdf_url(r.url) and relevance(r, terms) >= RELEVANT
        ]
        if len(matching) >= wanted:
            break

    order = {r.url: i for i, r in enumerate(bundle.results)}
    ranked = sorted(bundle.results, key=lambda r: (-round(relevance(r, terms), 6), order[r.url]))
    skip = {claim.cited_url}
    html = [r.url for r in ranked if not is_pdf_url(r.url) and r.url not in skip]
    pages += await _fill(turn, bundle, html, config.max_pages - len(pages), 2 * config.max_pages)
    pdf_urls = [r.url for r in ranked if is_pdf_url(r.url) and r.url not in skip]
    pdf_urls += [d.metadata.pdf_url for d in pages if d.metadata.pdf_url]
    pdf_urls = [u for u in dict.fromkeys(pdf_urls) if u not in skip]
    pdfs += await _fill(turn, bundle, pdf_urls, config.max_pdfs - len(pdfs), 2 * config.max_pdfs)

    bundle.documents = pages + pdfs
    if bundle.documents:
        bundle.passages = await asyncio.to_thread(
            rank_passages,
            statement,
            bundle.documents,
            word_budget=config.word_budget,
            method=config.passage_method,
        )
    return bundle


async def _fill(
    turn: TurnEvidence, bundle: Bundle, candidates: list[str], slots: int, attempts: int
) -> list[Document]:
    """Up to `slots` readable documents from `candidates`, in order, fetching a batch at a time
    and at most `attempts` URLs in all."""
    found: list[Document] = []
    queue = list(candidates[:attempts])
    while queue and len(found) < slots:
        batch, queue = queue[: slots - len(found)], queue[slots - len(found) :]
        for page in await asyncio.gather(*(turn.page(url) for url in batch)):
            bundle.note(page.problem, page.missing)
            if page.document is not None:
                found.append(page.document)
    return found
