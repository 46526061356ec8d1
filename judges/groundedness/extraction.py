"""Claim extraction by the grader (HalluHard §3.1): one call per turn returning a JSON array in
the upstream per-domain schema, validated leniently (numbers or nulls where strings belong are
fine), then HalluHard's validity filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter

from trustbench.judges.groundedness.claims import link_for, make_claim
from trustbench.judges.groundedness.fencing import as_data, make_code
from trustbench.judges.groundedness.grader import Graders
from trustbench.judges.groundedness.prompts import JudgePrompts, fill
from trustbench.judges.groundedness.types import Claim, Domain


def _as_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return value


Text = Annotated[str, BeforeValidator(_as_text)]


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ResearchItem(_Item):
    inferred_source_type: Text = ""
    claimed_content: Text = ""
    full_citation: Text = ""
    claimed_title: Text = ""
    claimed_authors: Text = ""
    claimed_year: Text = ""
    claimed_url: Text = ""


class LegalItem(_Item):
    type: Text = ""
    content: Text = ""
    reference_name: Text = ""
    holding_or_description: Text = ""
    claimed_url: Text = ""


class MedicalItem(_Item):
    authority: Text = ""
    full_citation: Text = ""
    claimed_content: Text = ""
    claimed_url: Text = ""


def _unwrap(value: Any) -> Any:
    """Accepts `{"claims": [...]}` (any single list-valued key) for the array asked for."""
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    return value


_SHAPES: dict[Domain, TypeAdapter[Any]] = {
    "research": TypeAdapter(Annotated[list[ResearchItem], BeforeValidator(_unwrap)]),
    "legal": TypeAdapter(Annotated[list[LegalItem], BeforeValidator(_unwrap)]),
    "medical": TypeAdapter(Annotated[list[MedicalItem], BeforeValidator(_unwrap)]),
}


@dataclass(frozen=True)
class Extraction:
    claims: list[Claim]
    raw: str | None
    error: str | None = None


async def extract_claims(
    graders: Graders, prompts: JudgePrompts, response: str, domain: Domain, seed: int
) -> Extraction:
    """The valid claims of one turn, or the reason there are none (raw reply kept)."""
    code = make_code(seed, "extraction", response)
    content = as_data("ANSWER", response, code, fenced=prompts.fence_data)
    user = fill(prompts.extraction_user[domain], {"content": content})
    answer = await graders.ask(
        "extraction", prompts.extraction_system[domain], user, _SHAPES[domain]
    )
    if answer.value is None:
        return Extraction([], answer.raw, answer.error)
    claims = [c for c in (to_claim(item, domain) for item in answer.value) if c is not None]
    return Extraction(claims, answer.raw)


def to_claim(item: _Item, domain: Domain) -> Claim | None:
    """The claim an extracted item stands for, or None when it fails HalluHard's validity filter
    (research: content; legal: content and reference; medical: content and authority)."""
    if isinstance(item, ResearchItem):
        if not item.claimed_content.strip():
            return None
        url = link_for(item.claimed_url) or _link_in(item.full_citation)
        fields = {
            "source_type": item.inferred_source_type,
            "title": item.claimed_title,
            "authors": item.claimed_authors,
            "year": item.claimed_year,
            "url": item.claimed_url,
            "citation": item.full_citation,
        }
        return make_claim(item.claimed_content, url, fields)
    if isinstance(item, LegalItem):
        if not (item.content.strip() and item.reference_name.strip()):
            return None
        fields = {
            "type": item.type,
            "reference": item.reference_name,
            "holding": item.holding_or_description,
        }
        return make_claim(item.content, link_for(item.claimed_url), fields)
    assert isinstance(item, MedicalItem), f"no claim rules for {type(item).__name__} in {domain}"
    if not (item.claimed_content.strip() and item.authority.strip()):
        return None
    url = link_for(item.claimed_url) or link_for(item.authority) or _link_in(item.full_citation)
    fields = {"authority": item.authority, "citation": item.full_citation, "url": item.claimed_url}
    return make_claim(item.claimed_content, url, fields)


def _link_in(text: str) -> str | None:
    """The first word of `text` that is a link, DOI or arXiv id."""
    words = text.split()
    for i, word in enumerate(words):
        if found := link_for(word):
            return found
        if word.lower().rstrip(":") in ("doi", "arxiv", "pmid") and i + 1 < len(words):
            if found := link_for(f"{word} {words[i + 1]}"):
                return found
    return None
