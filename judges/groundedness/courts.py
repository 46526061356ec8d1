"""Which court decided a case: as a citation's parenthetical names it ("9th Cir.", "S.D.N.Y.")
and as a page names it ("United States Court of Appeals for the Ninth Circuit"), both read into
court ids of Free Law Project's courts database (courts-db), which must meet. A court the
database does not know is compared by its words, abbreviations written out."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from trustbench.judges.groundedness.abbreviations import same_or_abbreviated, tokens

_COURT_WORDS = re.compile(r"\b(?:Court|Circuit|Tribunal|Bench|Division|Chancery)\b", re.I)
_PARENTHETICAL = re.compile(r"\(([^()]{2,60}?)\s*(?:[A-Z][a-z]{2,4}\.?\s+\d{1,2},\s*)?\d{4}\)")
_LINES_READ = 12
"""Lines of a page's top that may name its court."""


def _key(court: str) -> str:
    return re.sub(r"[\s.]", "", court).lower()


@cache
def _by_citation_string() -> dict[str, frozenset[str]]:
    from courts_db import courts

    table: dict[str, set[str]] = {}
    for court in courts:
        if court.get("citation_string"):
            table.setdefault(_key(court["citation_string"]), set()).add(court["id"])
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=8192)
def _named(text: str) -> frozenset[str]:
    from courts_db import find_court

    return frozenset(find_court(text))


def court_ids(court: str) -> frozenset[str]:
    """The ids of a court as a citation writes it, by its citation form ("9th Cir.") or its
    name ("Court of Appeals for the Ninth Circuit"); empty when the database does not know it."""
    court = " ".join(court.split()).strip(" ,")
    if not court:
        return frozenset()
    return _by_citation_string().get(_key(court)) or _named(court)


def page_court_ids(texts: list[str]) -> frozenset[str]:
    """The courts a page names at its top: citation forms in its case citations' parentheticals
    and full names on lines that speak of a court."""
    ids: set[str] = set()
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    for line in lines[: _LINES_READ + len(texts)]:
        for found in _PARENTHETICAL.finditer(line):
            ids |= _by_citation_string().get(_key(found.group(1)), frozenset())
        if _COURT_WORDS.search(line) and len(line) < 300:
            ids |= _named(line.strip())
    return frozenset(ids)


_EU_COURTS = {
    "C": re.compile(
        r"^(?:(?:the\s+)?(?:European\s+)?Court\s+of\s+Justice(?:\s+of\s+the\s+European\s+Union)?|CJEU|ECJ)$",
        re.I,
    ),
    "T": re.compile(r"^(?:(?:the\s+)?General\s+Court|Court\s+of\s+First\s+Instance|CFI)$", re.I),
    "F": re.compile(r"^(?:(?:the\s+)?Civil\s+Service\s+Tribunal)$", re.I),
}
"""The EU courts by the letter of their case numbers and ECLIs (C-…, T-…, EU:C:…, EU:T:…)."""


def eu_court_shown(court: str, reporters: tuple[str, ...], texts: list[str]) -> bool | None:
    """Whether an EU court named by a citation decided the case: the court its case number or
    ECLI belongs to, and the one the page's ECLI names. None when `court` is no EU court."""
    cited = next((letter for letter, name in _EU_COURTS.items() if name.match(court.strip())), None)
    if cited is None:
        return None
    numbered = {m for r in reporters for m in re.findall(r"^([CTF])-\d|EU:([CTF]):", r)}
    letters = {x for pair in numbered for x in pair if x}
    page = set(re.findall(r"ECLI:EU:([CTF]):\d{4}", " ".join(texts)))
    return (not letters or letters == {cited}) and (not page or cited in page)


def court_shown(court: str, texts: list[str]) -> bool:
    """Whether the page (its title and top, `texts`) names the cited court."""
    cited = court_ids(court)
    shown = page_court_ids(texts)
    if cited and shown:
        return bool(cited & shown)
    words = tokens(court)
    page = tokens(" ".join(texts))
    return bool(words) and all(any(same_or_abbreviated(w, p) for p in page) for w in words)
