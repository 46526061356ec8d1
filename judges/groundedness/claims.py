"""What both extraction modes share: building a `Claim` (stable id, cited URL as a fetchable
link), the per-domain statement used for search, ranking and judging (after HalluHard §3.2), and
the seeded sample of at most N claims per turn."""

from __future__ import annotations

import hashlib
import random
import re

from trustbench.judges.groundedness.types import Claim, Domain

SOURCE_FIELDS = ("reference", "title", "authority", "citation", "authors", "year")
"""The fields that tell two sources of one sentence apart (in the id)."""

_TRAILING = ".,;:!?)]}>*_\"'»”’"
_DOI = re.compile(r"(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_ARXIV = re.compile(
    r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\s+)([a-z\-]+/\d{7}|\d{4}\.\d{4,5})(v\d+)?", re.I
)
_PMID = re.compile(r"PMID:?\s*(\d{5,9})", re.I)
_PMCID = re.compile(r"\b(PMC\d{5,9})\b", re.I)


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def strip_trailing(raw: str) -> str:
    """`raw` without the punctuation that follows a link in prose; a closing parenthesis that
    balances one inside the link stays."""
    while raw and raw[-1] in _TRAILING:
        if raw[-1] == ")" and raw.count("(") >= raw.count(")"):
            break
        raw = raw[:-1]
    return raw


def link_for(raw: str) -> str | None:
    """A fetchable http(s) URL for a URL, DOI, arXiv id or PMID as written; None otherwise."""
    raw = strip_trailing(raw.strip())
    if not raw:
        return None
    if doi := _DOI.search(raw):
        if not raw.lower().startswith("http") or "doi.org/" in raw.lower():
            return "https://doi.org/" + strip_trailing(doi.group(1))
    if re.match(r"https?://\S+$", raw, re.I):
        return raw
    if arxiv := _ARXIV.search(raw):
        return f"https://arxiv.org/abs/{arxiv.group(1)}{arxiv.group(2) or ''}"
    if pmcid := _PMCID.search(raw):
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid.group(1).upper()}/"
    if pmid := _PMID.search(raw):
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid.group(1)}/"
    if re.match(r"www\.[\w-]+\.\w+\S*$", raw, re.I):
        return "https://" + raw
    return None


def make_claim(text: str, cited_url: str | None, fields: dict[str, str]) -> Claim:
    source = "\x1f".join(normalise(fields.get(key, "")) for key in SOURCE_FIELDS)
    key = f"{normalise(text)}\x1e{cited_url or ''}\x1e{source}"
    return Claim(
        id=hashlib.sha256(key.encode()).hexdigest()[:16],
        text=text.strip(),
        cited_url=cited_url,
        fields={k: v.strip() for k, v in fields.items()},
    )


def sample_claims(claims: list[Claim], k: int, seed: int) -> list[Claim]:
    """At most `k` claims in their original order. The draw is seeded by `seed` and the claim
    ids (not their order), so the same turn always yields the same sample."""
    if len(claims) <= k:
        return list(claims)
    ordered = sorted(claims, key=lambda c: c.id)
    key = f"{seed}:" + ",".join(c.id for c in ordered)
    rng = random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))
    chosen = {id(c) for c in rng.sample(ordered, k)}
    return [c for c in claims if id(c) in chosen]


def statement(claim: Claim, domain: Domain) -> str:
    """The claim as the searcher, the passage ranker and the grader see it."""
    f = claim.fields
    url = claim.cited_url or f.get("url", "")
    if domain == "legal":
        lines = [
            f"Type: {f.get('type', '') or 'unknown'}",
            f"Reference: {f.get('reference', '')}",
            *([f"URL: {url}"] if url else []),
            f"Holding/Description: {f.get('holding', '') or '(mentioned without description)'}",
            "",
            f"Full statement:\n{claim.text}",
        ]
    elif domain == "medical":
        lines = [
            f"Authority: {f.get('authority', '')}",
            *([f"Full citation: {f['citation']}"] if f.get("citation") else []),
            *([f"URL/DOI: {url}"] if url else []),
            f"Claimed content: {claim.text}",
        ]
    else:
        lines = [f"Content: {claim.text}"]
        if f.get("citation"):
            lines.append(f"Citation: {f['citation']}")
        for label, key in (("Title", "title"), ("Authors", "authors"), ("Year", "year")):
            if f.get(key):
                lines.append(f"{label}: {f[key]}")
        if url:
            lines.append(f"URL/DOI: {url}")
    return "\n".join(lines)


def identity(claim: Claim) -> str:
    """The words that name the cited work (not what it says), for queries and matching."""
    f = claim.fields
    parts = [f.get(k, "") for k in ("title", "reference", "authority", "authors", "year")]
    return " ".join(p for p in parts if p) or f.get("citation", "")
