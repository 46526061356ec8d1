"""The records the groundedness judge returns: they go into score metadata, so they are pydantic
and carry everything needed to audit a verdict (evidence URLs, passage hashes, raw grader text)."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Domain = Literal["legal", "research", "medical", "coding"]
Grounding = Literal["yes", "no", "n/a"]
Mode = Literal["llm", "heuristic"]
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

    max_claims_per_turn: int = Field(5, ge=1)
    search_steps: int = Field(3, ge=0)
    max_pages: int = Field(2, ge=0)
    max_pdfs: int = Field(1, ge=0)
    word_budget: int = Field(1500, ge=1)
    seed: int = 0
    passage_method: Literal["auto", "bm25", "embedding", "hybrid"] = "bm25"
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
    fields: dict[str, str] = Field(default_factory=dict)
    """Per domain. legal: type, reference, holding; research: source_type, title, authors, year,
    url, citation; medical: authority, citation, url."""


class ClaimVerdict(BaseModel):
    claim: Claim
    evidence_urls: list[str] = Field(default_factory=list)
    passage_hashes: list[str] = Field(default_factory=list)
    """sha256 of each passage text shown to the grader, in order."""
    snippets_only: bool = False
    reference_grounding: Grounding = "n/a"
    content_grounding: Grounding = "n/a"
    hallucinated: bool = False
    abstention: bool = False
    verification_error: str | None = None
    """Why no verdict could be reached; such claims are left out of hallucination rates."""
    explanation: str = ""
    raw_grader_output: str | None = None


class TurnJudgement(BaseModel):
    mode: Mode
    claims_found: int
    """Valid claims extracted, before sampling."""
    verdicts: list[ClaimVerdict]
    """At most `max_claims_per_turn`, a seeded sample of the claims found."""
    grader_calls: int
    fetches: int
    """Distinct URLs this turn asked the evidence layer for (store hits included)."""
    config_hash: str
    verification_error: str | None = None
    """Set when the turn's claims could not be extracted (unreadable grader output)."""
    raw_grader_output: str | None = None


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
