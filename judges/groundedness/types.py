"""The records the groundedness judge returns: they go into score metadata, so they are pydantic
and carry everything needed to audit a verdict (evidence URLs, passage hashes, raw grader text)."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Domain = Literal["legal", "research", "medical", "coding"]
Grounding = Literal["yes", "no", "n/a", "not_assessed"]
"""`not_assessed`: the mode that ran cannot judge it (heuristic mode never judges content)."""
Mode = Literal["llm", "heuristic"]
Route = Literal[
    "pages", "snippets_only", "fallback_web_search", "fallback_search", "not_found", "none"
]
"""What a verdict rests on: extracts of pages, search snippets alone, the grader's own web
search, a broader search after the planned ones found nothing, or nothing at all (the cited work
was found nowhere: reference not grounded)."""
IssueType = Literal["install", "import", "function_call"]

DEFAULT_REGISTRY_URLS: dict[str, str] = {
    "pypi": "https://pypi.org/pypi/{name}/json",
    "cran": "https://crandb.r-pkg.org/{name}",
    "hex": "https://hex.pm/api/packages/{name}",
    "maven": "https://search.maven.org/solrsearch/select?q={query}&rows=1&wt=json",
}
"""Public package metadata per registry. `{name}` is the URL-quoted package name; Maven's
`{query}` is a URL-quoted Solr query on groupId/artifactId."""


class GroundednessConfig(BaseModel):
    """Everything that changes a verdict besides the grader and the evidence; `hash()` is recorded
    with every judgement so results from different settings are never pooled by mistake."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_claims_per_turn: int = Field(default=5, ge=1)
    search_steps: int = Field(default=3, ge=0)
    max_pages: int = Field(default=2, ge=0)
    max_pdfs: int = Field(default=1, ge=0)
    word_budget: int = Field(default=1500, ge=1)
    seed: int = 0
    passage_method: Literal["auto", "bm25", "embedding", "hybrid"] = "bm25"
    fallback_search: bool = True
    """When the planned searches find nothing: a broader search (or the grader's web search)."""
    registry_urls: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_REGISTRY_URLS))
    """Where the coding judge looks packages up (tests point these at loopback)."""

    def hash(self) -> str:
        encoded = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]

    def __hash__(self) -> int:  # pydantic's would hash the registry_urls dict and fail
        return hash(self.hash())


DEFAULT_CONFIG = GroundednessConfig()
"""Frozen, so one shared instance is a safe default argument."""


class Claim(BaseModel):
    id: str
    """16 hex digits of sha256 over the normalised text, the cited URL and the cited source."""
    text: str
    cited_url: str | None = None
    kind: str = "extracted"
    """How the citation is written (url, doi, arxiv, author_year, numbered, case, statute,
    guideline, link) when the rule-based finder found it; `extracted` when the grader did."""
    marker: str = ""
    """The citation as written in the answer (`[2]`, `(Okafor et al., 2019)`, a link)."""
    fields: dict[str, str] = Field(default_factory=dict)
    """Per domain. legal: type, reference, holding; research: source_type, title, authors, year,
    url, citation; medical: authority, citation, url."""


class ClaimVerdict(BaseModel):
    claim: Claim
    mode: Mode = "llm"
    """What judged this claim: the grader, or the rule-based reference check."""
    evidence_urls: list[str] = Field(default_factory=list)
    passage_hashes: list[str] = Field(default_factory=list)
    """sha256 of each passage text shown to the grader, in order."""
    snippets_only: bool = False
    route: Route = "none"
    queries: list[str] = Field(default_factory=list)
    """The searches run for this claim, in order (planned, then any fallback)."""
    fallbacks: list[str] = Field(default_factory=list)
    """Every step that did not go as designed, e.g. `extraction_unreadable` (claims found by the
    rule-based finder instead), `plan_unreadable`, `selection_unreadable`, `fallback_search`."""
    reference_grounding: Grounding = "n/a"
    content_grounding: Grounding = "n/a"
    hallucinated: bool | None = False
    """None when the claim's content was not assessed and its reference is grounded: it may or
    may not be hallucinated, so it counts in no hallucination rate, only in the lower bound's
    denominator."""
    abstention: bool = False
    verification_error: str | None = None
    """Why no verdict could be reached; such claims are left out of hallucination rates."""
    explanation: str = ""
    raw_grader_output: str | None = None


class TurnJudgement(BaseModel):
    mode: Mode
    claims_found: int
    """Valid claims extracted, before sampling."""
    unparsed_citations: list[str] = Field(default_factory=list)
    """Citation-like text the rule-based finder could not read (e.g. a `[7]` with no entry in
    the reference list): counted and shown, never silently dropped."""
    unparsed_spans: list[tuple[int, int]] = Field(default_factory=list)
    """Where each of `unparsed_citations` is in the answer (start, end), in the same order."""
    fallbacks: list[str] = Field(default_factory=list)
    """Turn-level fallbacks (`extraction_unreadable`)."""
    verdicts: list[ClaimVerdict]
    """At most `max_claims_per_turn`, a seeded sample of the claims found."""
    grader_calls: int
    fetches: int
    """Distinct URLs this turn asked the evidence layer for (store hits included)."""
    config_hash: str
    raw_grader_output: str | None = None
    """The extraction reply."""


class PackageCheck(BaseModel):
    name: str
    registry: str
    exists: bool | None
    """None when the registry could not be asked or gave no clear answer."""
    error: str | None = None


class CodingIssue(BaseModel):
    type: IssueType
    detail: str


class CodingJudgement(BaseModel):
    mode: Mode
    language: str
    packages: list[PackageCheck]
    issues: list[CodingIssue]
    hallucinated: bool
    verification_error: str | None
    explanation: str
    grader_calls: int
    raw_grader_output: str | None = None
