"""Verdicts without a grader: reference grounding by metadata matching (the cited work's DOI,
arXiv id, title, authors, year, case parties and reporter, statute or issuing body must all show
on one page or search result), content grounding by how much of the claim's wording the best
passage of a matching page carries. Cruder than a grader, and labelled `mode="heuristic"`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from trustbench.judges.groundedness.claims import normalise
from trustbench.judges.groundedness.evidence_plan import Bundle
from trustbench.judges.groundedness.types import Claim, ClaimVerdict, Grounding
from trustbench.judges.groundedness.verdict import passage_hash
from trustbench.retrieval.passages import tokenize

TITLE_SIMILARITY = 0.8
CONTENT_COVERAGE = 0.6
"""Share of the claim's content words the best matching passage must contain."""
HEAD_CHARS = 20_000
"""How much of a page is searched for the cited work's details (its front matter)."""
_ABSTENTION = re.compile(
    r"\bI (?:cannot|can't|could not|couldn't|am unable to|was unable to|am not able to) "
    r"(?:verify|confirm|access|check|find)|\bI (?:do not|don't) have access\b"
    r"|\b(?:you should|please) (?:verify|double-check|check|consult)\b",
    re.I,
)
_REPORTER = re.compile(r"\b(\d{1,4})\s+([A-Z][A-Za-z0-9.\s]{0,24}?)\s+(\d{1,5})\b")
_URLISH = re.compile(r"https?://\S+|\b10\.\d{4,9}/\S+|\barxiv:\s*\S+", re.I)


@dataclass(frozen=True)
class View:
    """What the checks see of a page or a search result."""

    url: str
    title: str
    head: str
    """Normalised title, metadata and the start of the text."""
    doi: str


Check = Callable[[View], bool]


def _views(bundle: Bundle) -> list[View]:
    views = []
    for doc in bundle.documents:
        meta = doc.metadata
        title = doc.title or meta.title or ""
        extra = " ".join([title, meta.title or "", " ".join(meta.authors), meta.date or ""])
        head = normalise(f"{extra} {meta.journal or ''} {doc.text[:HEAD_CHARS]}")
        views.append(View(doc.url, title, head, (meta.doi or "").lower()))
    for r in bundle.results:
        views.append(View(r.url, r.title, normalise(f"{r.title} {r.snippet} {r.url}"), ""))
    return views


def identity_checks(claim: Claim, page_urls: set[str]) -> list[tuple[str, Check]]:
    """Named tests a page must pass to be the cited work, from what the claim gives;
    `page_urls` are the cited URL and where it led."""
    f = claim.fields
    checks: list[tuple[str, Check]] = []
    url = claim.cited_url or ""
    host = urlsplit(url).hostname or ""
    if host.endswith("doi.org"):
        doi = urlsplit(url).path.lstrip("/").lower()
        checks.append((f"DOI {doi}", _shows(doi, also_in_url=True)))
    elif host.endswith("arxiv.org"):
        arxiv = re.sub(r"v\d+$", "", url.rstrip("/").rsplit("/", 1)[-1])
        checks.append((f"arXiv {arxiv}", _shows(arxiv, also_in_url=True)))
    if title := f.get("title"):
        checks.append((f"title {title!r}", lambda v: _title_matches(title, v)))
    if year := f.get("year"):
        checks.append((f"year {year}", _shows(year)))
    if surname := _first_surname(f.get("authors", "")):
        checks.append((f"author {surname}", _shows(surname)))
    reference = f.get("reference", "")
    if re.search(r"\sv\.?\s", reference):
        checks += _case_checks(reference)
    elif reference:
        checks.append((repr(reference), _shows_all(_words(reference))))
    if words := _words(_URLISH.sub(" ", f.get("authority", ""))):
        checks.append((f"authority {f['authority']!r}", _shows_all(words)))
    if not checks and (words := _words(f.get("citation", ""))[:8]):
        checks.append((f"citation {f['citation']!r}", _shows_all(words)))
    if not checks and url:
        checks.append((f"the cited page {url}", lambda v: v.url in page_urls))
    return checks


def _shows(text: str, *, also_in_url: bool = False) -> Check:
    return lambda v: text in v.head or text in v.doi or (also_in_url and text in v.url.lower())


def _shows_all(words: list[str]) -> Check:
    return lambda v: all(w in v.head for w in words)


def _case_checks(reference: str) -> list[tuple[str, Check]]:
    name = reference.split(",")[0]
    parties = re.split(r"\s+v\.?\s+", name, maxsplit=1)
    first_words = [w[0] for w in (_words(p) for p in parties) if w]
    checks: list[tuple[str, Check]] = [(f"parties {name!r}", _shows_all(first_words))]
    if cite := _REPORTER.search(reference):
        pattern = normalise(f"{cite.group(1)} {cite.group(2)} {cite.group(3)}")
        checks.append((f"reporter {pattern}", _shows(pattern)))
    if year := re.search(r"\((?:[^()]*\s)?((?:19|20)\d{2})\)", reference):
        checks.append((f"year {year.group(1)}", _shows(year.group(1))))
    return checks


def _words(text: str) -> list[str]:
    return [w for w in tokenize(text) if len(w) > 1 or w.isdigit()]


def _first_surname(authors: str) -> str:
    for word in re.findall(r"[A-Za-z][\w'’-]+", authors):
        if word.lower() not in ("et", "al", "and", "van", "von", "der", "de"):
            return word.lower()
    return ""


def _title_matches(title: str, view: View) -> bool:
    wanted = normalise(re.sub(r"[^\w\s]", " ", title))
    shown = normalise(re.sub(r"[^\w\s]", " ", view.title))
    if shown and SequenceMatcher(None, wanted, shown).ratio() >= TITLE_SIMILARITY:
        return True
    return wanted in normalise(re.sub(r"[^\w\s]", " ", view.head))


def content_terms(claim: Claim) -> set[str]:
    """The claim's own words, without its citation (URLs, names, years of the source)."""
    text = claim.fields.get("holding") or claim.text
    for value in claim.fields.values():
        if value and value != text:
            text = text.replace(value, " ")
    cited = set(_words(" ".join(v for k, v in claim.fields.items() if k != "holding")))
    return {w for w in _words(_URLISH.sub(" ", text)) if w not in cited and not w.isdigit()}


def heuristic_verdict(claim: Claim, bundle: Bundle) -> ClaimVerdict:
    base = ClaimVerdict(
        claim=claim,
        evidence_urls=bundle.evidence_urls,
        passage_hashes=[passage_hash(p.text) for p in bundle.passages],
        snippets_only=bundle.snippets_only,
    )
    if _ABSTENTION.search(claim.text):
        return base.model_copy(
            update={
                "abstention": True,
                "explanation": "The claim is an abstention (the answer says it cannot verify or asks the reader to check).",
            }
        )
    page_urls = {u for u in (claim.cited_url, bundle.cited.url if bundle.cited else None) if u}
    checks = identity_checks(claim, page_urls)
    views = _views(bundle)
    matched = [v for v in views if all(check(v) for _, check in checks)]
    names = ", ".join(name for name, _ in checks)
    if not checks:
        explanation = "Reference: the claim does not identify its source well enough to check."
        return _decided(base, "no", "no", explanation)
    if not matched:
        explanation = f"Reference: no page or search result shows {names}."
        return _decided(base, "no", "no", explanation)
    reference_note = f"Reference: {matched[0].url} shows {names}."
    terms = content_terms(claim)
    if not terms:
        return _decided(
            base,
            "yes",
            "n/a",
            f"{reference_note} Content: the claim states nothing beyond its citation.",
        )
    urls = {v.url for v in matched}
    texts = [p.text for p in bundle.passages if p.url in urls] or [v.head for v in matched]
    coverage = max(len(terms & set(tokenize(t))) / len(terms) for t in texts)
    content: Grounding = "yes" if coverage >= CONTENT_COVERAGE else "no"
    explanation = (
        f"{reference_note} Content: the best matching passage holds {coverage:.0%} of the claim's "
        f"words (threshold {CONTENT_COVERAGE:.0%})."
    )
    return _decided(base, "yes", content, explanation)


def _decided(
    base: ClaimVerdict, reference: Grounding, content: Grounding, explanation: str
) -> ClaimVerdict:
    return base.model_copy(
        update={
            "reference_grounding": reference,
            "content_grounding": content,
            "hallucinated": "no" in (reference, content),
            "explanation": explanation,
        }
    )
