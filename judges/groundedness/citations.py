"""Rule-based citation finding for the heuristic (no-LLM) mode: links, DOIs, arXiv ids, court
decisions ("Miranda v. Arizona, 384 U.S. 436 (1966)"), U.S. statutes and rules, author-year
citations ("(Smith et al., 2020)", "Smith and Lee (2021)") and numbered markers ("[1]") mapped to
a reference list. Each citation becomes a claim whose text is the sentence that carries it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from trustbench.judges.groundedness.claims import link_for, make_claim, strip_trailing
from trustbench.judges.groundedness.types import Claim, Domain

Kind = Literal["url", "doi", "arxiv", "case", "statute", "author_year", "numbered"]

_NAME = r"(?:(?:van|von|de|der|den|del|da|di|la|le)\s+)*[A-Z][\w'’-]+"
_AUTHORS = rf"{_NAME}(?:\s+et\s+al\.?|\s+(?:and|&)\s+{_NAME})?"
_YEAR = r"(?:19|20)\d{2}"
_PARTY_WORD = r"(?:[A-Z][\w.'’&-]*|of|the|and|for|de|ex|rel\.|&)"
_PARTY = rf"[A-Z][\w.'’&-]*(?:\s+{_PARTY_WORD}){{0,8}}"

_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("url", re.compile(r"https?://[^\s<>\"'`]+", re.I)),
    ("doi", re.compile(r"(?:\bdoi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+", re.I)),
    ("arxiv", re.compile(r"\barxiv:\s*(?:[a-z\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I)),
    (
        "case",
        re.compile(
            rf"(?P<p1>{_PARTY})\s+v\.?\s+(?P<p2>{_PARTY}),\s+(?P<vol>\d{{1,4}})\s+"
            rf"(?P<rep>[A-Z][A-Za-z0-9.\s]{{0,24}}?)\s+(?P<page>\d{{1,5}})"
            rf"(?:,\s*(?P<pin>\d{{1,5}}(?:[-–]\d{{1,5}})?))?\s*\((?P<court>[^()]{{0,40}}?)\s*"
            rf"(?P<year>{_YEAR})\)"
        ),
    ),
    (
        "case",
        re.compile(rf"(?P<p1>{_PARTY})\s+v\.\s+(?P<p2>{_PARTY})(?:\s*\((?P<year>{_YEAR})\))?"),
    ),
    (
        "statute",
        re.compile(
            r"\b\d+\s+(?:U\.\s?S\.\s?C\.|C\.\s?F\.\s?R\.)\s*(?:§§?\s*)?[\w.\-]+(?:\([\w]+\))*"
            r"|\bFed\.\s*R\.\s*(?:Civ|Crim|Evid|App)\.\s*P?\.?\s*\d+(?:\([\w]+\))*"
        ),
    ),
    ("author_year", re.compile(r"\(([^()\n]{2,200}?)\)")),
    ("author_year", re.compile(rf"(?P<authors>{_AUTHORS})\s+\((?P<year>{_YEAR})[a-z]?\)")),
    ("numbered", re.compile(r"\[\^?(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\](?!\()")),
]
_AUTHOR_YEAR_PART = re.compile(
    rf"(?:e\.g\.,?\s*|[Ss]ee(?: also)?\s+|[Cc]f\.\s*)?(?P<authors>{_AUTHORS}),?\s+"
    rf"(?P<year>{_YEAR})[a-z]?(?:,\s*(?:p|pp)\.\s*[\d\-–]+)?"
)
_LEADING_WORDS = {
    "in", "see", "under", "also", "cf.", "cf", "per", "following", "citing", "and", "but",
    "as", "accord", "compare", "while", "since", "because", "thus", "the", "e.g.,", "id.",
}  # fmt: skip
_NOT_AUTHORS = {"The", "This", "In", "See", "Table", "Figure", "Fig", "Section", "Chapter"}

_REF_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:references|sources|bibliography|works cited|citations|notes)"
    r"\s*:?\s*(?:\*\*)?\s*:?\s*$",
    re.I | re.M,
)
_BRACKET_ENTRY = re.compile(r"^\s*[-*]?\s*\[\^?(\d{1,3})\]:?\s+(.+)$", re.M)
_NUMBER_ENTRY = re.compile(r"^\s*(\d{1,3})[.)]\s+(.+)$", re.M)

_ABBREVIATIONS = {
    "v", "vs", "mr", "mrs", "ms", "dr", "al", "no", "vol", "pp", "p", "fig", "ct", "supp",
    "cir", "inc", "co", "corp", "fed", "civ", "crim", "evid", "app", "cal", "stat", "ed", "eds",
    "cf", "id", "st", "jr", "sr", "ltd", "rev", "ann", "art", "sec", "ch", "n",
}  # fmt: skip


@dataclass
class Citation:
    kind: Kind
    start: int
    end: int
    marker: str
    url: str | None = None
    ident: dict[str, str] = field(default_factory=dict)
    """What names the work: reference, title, authors, year, citation (reference-list entry)."""


def find_citations(text: str) -> list[Citation]:
    """The citations in the body of `text` (not in its reference list), in reading order."""
    body_end, entries = _reference_list(text)
    body = text[:body_end]
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(body):
            span = match.span()
            if _inside_entry(body, span[0]) or any(a < span[1] and span[0] < b for a, b in taken):
                continue
            made = _make(kind, match, entries)
            if made:
                found.extend(made)
                taken.append(span)
    return sorted(found, key=lambda c: (c.start, c.marker))


def heuristic_claims(text: str, domain: Domain) -> list[Claim]:
    """One claim per citation: the sentence carrying it, with per-domain fields."""
    claims: list[Claim] = []
    seen: set[str] = set()
    for citation in find_citations(text):
        sentence = claim_sentence(text, citation.start, citation.end)
        claim = make_claim(sentence, citation.url, _fields(domain, citation, sentence))
        if claim.id not in seen:
            seen.add(claim.id)
            claims.append(claim)
    return claims


def _make(kind: Kind, match: re.Match[str], entries: dict[str, str]) -> list[Citation]:
    start, end = match.span()
    raw = match.group(0)
    if kind in ("url", "doi", "arxiv"):
        raw = strip_trailing(raw)
        return [Citation(kind, start, start + len(raw), raw, link_for(raw))]
    if kind == "case":
        return _case(match)
    if kind == "statute":
        raw = raw.rstrip(".,;")
        return [Citation(kind, start, start + len(raw), raw, None, {"reference": raw})]
    if kind == "numbered":
        return _numbered(match, entries)
    return _author_year(match, entries)


def _case(match: re.Match[str]) -> list[Citation]:
    words = match.group("p1").split()
    while len(words) > 1 and words[0].lower() in _LEADING_WORDS:
        words.pop(0)
    if words[0].lower() in _LEADING_WORDS:
        return []
    first = match.group(0).find(words[0], 0)
    start = match.start() + first
    reference = match.group(0)[first:]
    ident = {"reference": reference, "parties": f"{' '.join(words)} v. {match.group('p2')}"}
    groups = match.groupdict()
    if groups.get("vol"):
        ident["reporter"] = f"{groups['vol']} {' '.join(groups['rep'].split())} {groups['page']}"
    if groups.get("year"):
        ident["year"] = groups["year"]
    return [Citation("case", start, match.end(), reference, None, ident)]


def _author_year(match: re.Match[str], entries: dict[str, str]) -> list[Citation]:
    if "authors" in match.groupdict():
        parts = [(match.group("authors"), match.group("year"))]
    else:
        parts = []
        for part in match.group(1).split(";"):
            hit = _AUTHOR_YEAR_PART.fullmatch(part.strip())
            if hit is None:
                continue
            parts.append((hit.group("authors"), hit.group("year")))
    citations = []
    for authors, year in parts:
        if authors.split()[0] in _NOT_AUTHORS:
            continue
        entry = _entry_for(authors, year, entries)
        ident = {"authors": authors, "year": year, "reference": f"{authors}, {year}"}
        url = None
        if entry:
            ident |= _entry_fields(entry)
            url = ident.pop("url", None)
        citations.append(
            Citation("author_year", match.start(), match.end(), match.group(0), url, ident)
        )
    return citations


def _numbered(match: re.Match[str], entries: dict[str, str]) -> list[Citation]:
    citations = []
    for number in _expand(match.group(1)):
        entry = entries.get(number)
        if entry is None:
            continue  # a marker with no list entry cannot be identified: not guessed
        ident = _entry_fields(entry)
        url = ident.pop("url", None)
        citations.append(
            Citation("numbered", match.start(), match.end(), f"[{number}]", url, ident)
        )
    return citations


def _expand(markers: str) -> list[str]:
    """ "1, 3-5" -> ["1", "3", "4", "5"] (short ascending ranges only)."""
    numbers: list[str] = []
    for part in re.split(r"\s*,\s*", markers.strip()):
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2 and 0 < int(bounds[1]) - int(bounds[0]) < 20:
            numbers += [str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1)]
        else:
            numbers.append(bounds[0])
    return numbers


def _reference_list(text: str) -> tuple[int, dict[str, str]]:
    """Where the body ends (at a References-like heading, else the end) and the numbered
    entries: `[n] …` lines anywhere, `n. …` lines only under the heading."""
    headings = list(_REF_HEADING.finditer(text))
    heading = headings[-1] if headings else None
    body_end = heading.start() if heading else len(text)
    entries = {m.group(1): m.group(2).strip() for m in _BRACKET_ENTRY.finditer(text)}
    if heading:
        tail = text[heading.end() :]
        for m in _NUMBER_ENTRY.finditer(tail):
            entries.setdefault(m.group(1), m.group(2).strip())
    return body_end, entries


def _inside_entry(text: str, position: int) -> bool:
    """True inside a `[n] …` reference-list line (its markers and links are not claims)."""
    line_start = text.rfind("\n", 0, position) + 1
    return _BRACKET_ENTRY.match(text, line_start) is not None


def _entry_for(authors: str, year: str, entries: dict[str, str]) -> str | None:
    surname = authors.split()[0].lower()
    for entry in entries.values():
        if entry.lower().startswith(surname) or surname in entry.lower()[:60]:
            if year in entry:
                return entry
    return None


_QUOTED_TITLE = re.compile(r"[\"“]([^\"”]{8,300})[\"”]")
_YEAR_THEN_TITLE = re.compile(rf"\(({_YEAR})[a-z]?\)\.?\s+([^.?!]{{8,300}}[.?!])")


def _entry_fields(entry: str) -> dict[str, str]:
    """Title, authors, year and link of a reference-list entry, where its layout shows them."""
    fields = {"citation": entry}
    if year := re.search(rf"\b{_YEAR}\b", entry):
        fields["year"] = year.group(0)
    title = _QUOTED_TITLE.search(entry)
    after_year = _YEAR_THEN_TITLE.search(entry)
    if title:
        fields["title"] = title.group(1).strip(" ,.")
        fields["authors"] = entry[: title.start()].strip(" ,.")
    elif after_year:
        fields["title"] = after_year.group(2).strip(" .")
        fields["authors"] = entry[: after_year.start()].strip(" ,.")
    for word in entry.split():
        if url := link_for(word):
            fields["url"] = url
            break
    return {k: v for k, v in fields.items() if v}


def _fields(domain: Domain, citation: Citation, sentence: str) -> dict[str, str]:
    ident = citation.ident
    raw_url = citation.marker if citation.kind in ("url", "doi", "arxiv") else ""
    reference = ident.get("reference") or ident.get("citation") or citation.marker
    if domain == "legal":
        kind = citation.kind if citation.kind in ("case", "statute") else "other"
        holding = " ".join(sentence.replace(citation.marker, " ").split()).strip(" ,;")
        return {"type": kind, "reference": reference, "holding": holding}
    if domain == "medical":
        return {
            "authority": citation.marker,
            "citation": ident.get("citation", ""),
            "url": raw_url or (citation.url or ""),
        }
    source_type = {"doi": "paper", "arxiv": "paper", "url": "website"}.get(citation.kind, "other")
    return {
        "source_type": source_type,
        "title": ident.get("title", ""),
        "authors": ident.get("authors", ""),
        "year": ident.get("year", ""),
        "url": raw_url or (citation.url or ""),
        "citation": ident.get("citation", "")
        or (reference if citation.kind in ("case", "statute") else ""),
    }


# --- sentences ------------------------------------------------------------------------------------


def claim_sentence(text: str, start: int, end: int) -> str:
    """The sentence (or bullet line) around `text[start:end]`; when the citation stands alone
    after the sentence it supports (". (Smith, 2020)"), the sentence before it too."""
    a = _sentence_start(text, start)
    b = _sentence_end(text, end)
    if len(_strip(text[a:b]).replace(text[start:end], "").strip(" .,;:()[]")) < 20:
        previous = a
        while previous > 0 and text[previous - 1].isspace():
            previous -= 1
        if previous > 0:
            a = _sentence_start(text, previous - 1)
    return _strip(text[a:b])


def _strip(sentence: str) -> str:
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)]|#+)\s+", "", ln) for ln in sentence.splitlines()]
    return " ".join(" ".join(lines).split())


def _is_boundary(text: str, i: int) -> bool:
    """True when the character at `i` ends a sentence: a line break, or . ! ? before white
    space and a word that does not start in lower case, and for "." not after an abbreviation,
    an initial or a dotted token ("U.S.", "F.3d")."""
    char = text[i]
    if char == "\n":
        return True
    if char not in ".!?" or (i + 1 < len(text) and not text[i + 1].isspace()):
        return False
    j = i + 1
    while j < len(text) and text[j].isspace():
        j += 1
    if j < len(text) and text[j].islower():
        return False
    if char != ".":
        return True
    k = i
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "_."):
        k -= 1
    word = text[k:i]
    return not word or not ("." in word or len(word) == 1 or word.lower() in _ABBREVIATIONS)


def _sentence_start(text: str, position: int) -> int:
    i = position - 1
    while i >= 0 and not _is_boundary(text, i):
        i -= 1
    return i + 1


def _sentence_end(text: str, position: int) -> int:
    i = position
    while i < len(text) and not _is_boundary(text, i):
        i += 1
    return min(i + 1, len(text))
