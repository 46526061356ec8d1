"""Evidence for each claim (HalluHard §3.3-3.4): the paper's iterative search loop, then pages.

With a grader, a planner reads the statement, the queries so far and their results (numbered
`[step.item]`) and either asks for one more query or stops and picks the results to read, by
number, up to `search_steps` searches per claim; a final selection call picks when the budget
runs out. When the claim names its source (a link, a title, authors and year) the first query is
built from that, as the paper's planner is told to, which saves the planner one call. Then the
cited URL first, the picked pages, and further results by how well they name the cited work, up
to `max_pages` HTML pages and `max_pdfs` PDFs (a dead page is replaced by the next candidate),
ranked into a `word_budget`-word bundle with `rank_passages`.

When the planned searches find nothing at all, the not-found fallback decides: the grader with
its provider's web search where it has one (`Graders.web_search`), else broader searches through
the configured provider. A URL or query is asked for once per turn however many claims need
it, and Evidence's store makes it once per run.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, TypeAdapter

from trustbench.judges.groundedness.claims import identity
from trustbench.judges.groundedness.fencing import as_data, make_code
from trustbench.judges.groundedness.grader import Graders
from trustbench.judges.groundedness.prompts import JudgePrompts, fill, planner_prompt
from trustbench.judges.groundedness.types import Claim, GroundednessConfig, Route
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
BROAD_RESULTS = 10
"""Results per query of the not-found fallback."""
MIN_PAGE_CHARS = 100
"""HalluHard treats pages that yield less text than this as failed fetches."""
GONE = (404, 410)
"""HTTP statuses that say a page does not exist (a made-up link), not that it failed to load."""
_OPERATOR = re.compile(r"(?<!\S)-?(?:site|filetype|inurl|intitle|intext|allintitle):\S*", re.I)
_QUOTES = re.compile(r"[\"“”„«»]|(?<!\w)'|'(?!\w)")
_INDEX = re.compile(r"\[?\s*(\d+)\s*\.\s*(\d+)\s*\]?")


def clean_query(query: str) -> str:
    """The query without quotation marks and search operators (`site:` and the like)."""
    return " ".join(_QUOTES.sub(" ", _OPERATOR.sub(" ", query)).split())


def default_queries(claim: Claim, steps: int) -> list[str]:
    """Queries built from the claim itself: the heuristic mode's plan, the first query of the
    planner loop, and what an unreadable plan falls back to."""
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


def broader_queries(claim: Claim) -> list[str]:
    """The not-found fallback's searches: the cited title alone, the names and year alone, and
    the claim's own topic words (the cited work may exist under other details)."""
    f = claim.fields
    queries = [
        f.get("title", ""),
        " ".join(p for p in (f.get("authors", ""), f.get("year", "")) if p),
        " ".join([w for w in tokenize(claim.text) if not w.isdigit()][:12]),
    ]
    return list(dict.fromkeys(q for q in map(clean_query, queries) if q))


# --- fetching and searching, once per turn --------------------------------------------------------


@dataclass(frozen=True)
class Page:
    document: Document | None
    problem: str | None = None
    missing: bool = False
    """The evidence store had no record (replay), or the corpus has no such page (offline)."""
    gone: bool = False
    """The server said the page does not exist (404, 410)."""


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
        self._searches: dict[tuple[str, int], asyncio.Task[Searched]] = {}

    @property
    def mode(self) -> str:
        return self.evidence.mode

    @property
    def fetches(self) -> int:
        return len(self._pages)

    async def page(self, url: str) -> Page:
        return await _once(self._pages, url, lambda: self._page(url))

    async def search(self, query: str, k: int = SEARCH_RESULTS) -> Searched:
        return await _once(self._searches, (query, k), lambda: self._search(query, k))

    def cancel(self) -> None:
        """Stops requests nobody waits for any more (the turn was cancelled or failed)."""
        for task in [*self._pages.values(), *self._searches.values()]:
            task.cancel()

    async def _page(self, url: str) -> Page:
        try:
            document = await self.evidence.document(url)
        except EvidenceMissing as ex:
            if self.mode == "offline":
                return Page(None, f"{url}: not in the corpus", missing=True, gone=True)
            return Page(None, str(ex), missing=True)
        except RetrievalError as ex:  # ExtractionFailed, or Evidence without a fetcher
            return Page(None, f"{url}: {ex}")
        if document is None:
            failed = await self.evidence.fetch(url)  # a store hit now: says why
            reason = failed.error.reason if failed.error else "no content"
            return Page(None, f"{url}: {reason}", gone=failed.status in GONE)
        if len(document.text.strip()) < MIN_PAGE_CHARS:
            return Page(None, f"{url}: the page has almost no text")
        return Page(document)

    async def _search(self, query: str, k: int) -> Searched:
        try:
            return Searched(await self.evidence.search(query, k))
        except EvidenceMissing as ex:
            return Searched([], str(ex), missing=True)
        except RetrievalError as ex:  # SearchFailed, or Evidence without a provider
            return Searched([], f"search {query!r} failed: {ex}")


async def _once(
    tasks: dict[Any, asyncio.Task[T]], key: Any, make: Callable[[], Coroutine[Any, Any, T]]
) -> T:
    if key not in tasks:
        tasks[key] = asyncio.create_task(make())
    return await tasks[key]


# --- one claim's bundle ---------------------------------------------------------------------------


@dataclass
class Bundle:
    cited: Document | None = None
    """The page at the cited URL, when it could be read."""
    cited_gone: bool = False
    """The cited URL does not exist (HTTP 404/410, or not in the offline corpus)."""
    documents: list[Document] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    results: list[SearchResult] = field(default_factory=list)
    steps: list[list[SearchResult]] = field(default_factory=list)
    """Results per search step, as the planner numbered them."""
    queries: list[str] = field(default_factory=list)
    searches_ok: int = 0
    """Searches that ran (with or without results)."""
    problems: list[str] = field(default_factory=list)
    """Technical failures: fetches, extractions, searches."""
    missing: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    broadened: bool = False
    """The planned searches found nothing and the broader fallback searches ran."""

    @property
    def snippets_only(self) -> bool:
        return not self.passages and not self.documents and bool(self.results)

    @property
    def empty(self) -> bool:
        return not self.documents and not self.results

    @property
    def route(self) -> Route:
        if self.documents:
            return "fallback_search" if self.broadened else "pages"
        if self.results:
            return "fallback_search" if self.broadened else "snippets_only"
        return "not_found"

    @property
    def evidence_urls(self) -> list[str]:
        if self.passages:
            return list(dict.fromkeys(p.url for p in self.passages))
        if self.documents:
            return list(dict.fromkeys(d.url for d in self.documents))
        return list(dict.fromkeys(r.url for r in self.results))

    def note(self, problem: str | None, missing: bool) -> None:
        target = self.missing if missing else self.problems
        if problem and problem not in target:
            target.append(problem)

    def add_results(self, results: list[SearchResult]) -> None:
        seen = {r.url for r in self.results}
        self.steps.append(results)
        self.results += [r for r in results if r.url not in seen]

    def found_nothing(self) -> bool:
        """Every search ran and none found anything, and the cited page (if any) is not there:
        the cited work is nowhere to be found, which is a verdict, not a failure."""
        return self.empty and self.searches_ok > 0 and not self.missing_in_replay()

    def missing_in_replay(self) -> bool:
        return bool(self.missing) and not self.cited_gone


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


def identity_terms(claim: Claim) -> set[str]:
    return set(tokenize(identity(claim))) or set(tokenize(claim.text)[:20])


async def read_cited(turn: TurnEvidence, claim: Claim, bundle: Bundle) -> None:
    if claim.cited_url and claim.cited_url.startswith(("http://", "https://")):
        page = await turn.page(claim.cited_url)
        bundle.note(page.problem, page.missing and not page.gone)
        bundle.cited_gone = page.gone
        if page.document is not None:
            bundle.cited = page.document


async def run_search(turn: TurnEvidence, bundle: Bundle, query: str, k: int) -> list[SearchResult]:
    searched = await turn.search(query, k)
    bundle.queries.append(query)
    bundle.note(searched.problem, searched.missing)
    if searched.problem is None:
        bundle.searches_ok += 1
    bundle.add_results(searched.results)
    return searched.results


# --- the planner loop -----------------------------------------------------------------------------


class _Step(BaseModel):
    model_config = ConfigDict(extra="ignore")

    continue_searching: bool = True
    search_query: str | None = None
    relevant_urls: list[str] | None = None


class _Selection(BaseModel):
    model_config = ConfigDict(extra="ignore")

    relevant_urls: list[str]


_STEP: TypeAdapter[_Step] = TypeAdapter(_Step)
_SELECTION: TypeAdapter[_Selection] = TypeAdapter(_Selection)


def knowledge_text(steps: list[list[SearchResult]]) -> str:
    """Search results numbered `[step.item]`, as the planner reads them."""
    if not steps:
        return "N/A"
    sections = []
    for i, results in enumerate(steps, start=1):
        lines = [f"## Search Step {i}"]
        lines += [
            f"[{i}.{j}] Title: {r.title}\nLink: {r.url}\nSnippet: {r.snippet}"
            for j, r in enumerate(results, start=1)
        ]
        sections.append("\n\n".join(lines))
    return "\n\n".join(sections)


def resolve_picks(picks: list[str], steps: list[list[SearchResult]]) -> list[str]:
    """`[step.item]` numbers (or URLs that were among the results) to URLs."""
    known = {r.url for results in steps for r in results}
    urls = []
    for pick in picks:
        if (found := _INDEX.fullmatch(str(pick).strip())) is not None:
            step, item = int(found.group(1)) - 1, int(found.group(2)) - 1
            if 0 <= step < len(steps) and 0 <= item < len(steps[step]):
                urls.append(steps[step][item].url)
        elif str(pick).strip() in known:
            urls.append(str(pick).strip())
    return list(dict.fromkeys(urls))


async def planned_search(
    graders: Graders,
    prompts: JudgePrompts,
    turn: TurnEvidence,
    claim: Claim,
    statement: str,
    bundle: Bundle,
    config: GroundednessConfig,
) -> list[str]:
    """The paper's loop; returns the URLs the planner picked. Every unreadable planner reply is
    a recorded fallback (`plan_unreadable`: the claim's own next query is used instead)."""
    fallback = default_queries(claim, config.search_steps)
    code = make_code(config.seed, "planning", statement)
    quoted_statement = as_data("STATEMENT", statement, code, fenced=prompts.fence_data)
    if fallback and (claim.cited_url or identity(claim)):
        await run_search(turn, bundle, fallback[0], SEARCH_RESULTS)
    picks: list[str] | None = None
    while len(bundle.queries) < config.search_steps:
        knowledge = knowledge_text(bundle.steps)
        quoted = as_data("RESULTS", knowledge, code, fenced=prompts.fence_data)
        user = planner_prompt(prompts, quoted_statement, quoted, bundle.queries, claim.cited_url)
        answer = await graders.ask("planning", None, user, _STEP)
        if answer.value is None:
            bundle.fallbacks.append("plan_unreadable")
            query = next((q for q in fallback if q not in bundle.queries), None)
        elif not answer.value.continue_searching:
            picks = answer.value.relevant_urls or []
            break
        else:
            query = clean_query(answer.value.search_query or "")
            if not query or query in bundle.queries:
                break
        if query is None:
            break
        await run_search(turn, bundle, query, SEARCH_RESULTS)
    if picks is None and bundle.results:
        knowledge = as_data(
            "RESULTS", knowledge_text(bundle.steps), code, fenced=prompts.fence_data
        )
        user = fill(
            prompts.final_selection, {"statement": quoted_statement, "knowledge": knowledge}
        )
        selection = await graders.ask("planning", None, user, _SELECTION)
        if selection.value is None:
            bundle.fallbacks.append("selection_unreadable")
        picks = selection.value.relevant_urls if selection.value else []
    return resolve_picks(picks or [], bundle.steps)


async def broaden(turn: TurnEvidence, claim: Claim, bundle: Bundle) -> None:
    """The not-found fallback without a grader web search: broader searches, more results."""
    bundle.fallbacks.append("fallback_search")
    bundle.broadened = True
    for query in broader_queries(claim):
        if query not in bundle.queries:
            await run_search(turn, bundle, query, BROAD_RESULTS)


async def read_pages(
    turn: TurnEvidence,
    claim: Claim,
    statement: str,
    bundle: Bundle,
    picks: list[str],
    config: GroundednessConfig,
    *,
    rank: bool = True,
) -> None:
    """The cited page, the picked pages, then the results that best name the cited work, within
    the page and PDF budgets; their passages ranked into the word budget (`rank`)."""
    pages: list[Document] = []
    pdfs: list[Document] = []
    if bundle.cited is not None:
        (pdfs if bundle.cited.pages is not None else pages).append(bundle.cited)
    terms = identity_terms(claim)
    order = {r.url: i for i, r in enumerate(bundle.results)}
    ranked = sorted(bundle.results, key=lambda r: (-round(relevance(r, terms), 6), order[r.url]))
    skip = {claim.cited_url}
    candidates = list(dict.fromkeys([*picks, *(r.url for r in ranked)]))
    html = [u for u in candidates if not is_pdf_url(u) and u not in skip]
    pages += await _fill(turn, bundle, html, config.max_pages - len(pages), 2 * config.max_pages)
    pdf_urls = [u for u in candidates if is_pdf_url(u) and u not in skip]
    pdf_urls += [d.metadata.pdf_url for d in pages if d.metadata.pdf_url]
    pdf_urls = [u for u in dict.fromkeys(pdf_urls) if u not in skip]
    pdfs += await _fill(turn, bundle, pdf_urls, config.max_pdfs - len(pdfs), 2 * config.max_pdfs)
    bundle.documents = pages + pdfs
    if bundle.documents and rank:
        bundle.passages = await asyncio.to_thread(
            rank_passages,
            statement,
            bundle.documents,
            word_budget=config.word_budget,
            method=config.passage_method,
        )


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
            bundle.note(page.problem, page.missing and not page.gone)
            if page.document is not None:
                found.append(page.document)
    return found
