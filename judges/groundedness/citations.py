"""Rule-based citation finding for the heuristic (no-LLM) mode, and for LLM mode when the
grader's extraction is unreadable: links (bare or `[Title](URL)`), DOIs, arXiv ids, court
decisions ("Miranda v. Arizona, 384 U.S. 436 (1966)"), U.S. statutes, rules and constitutional
provisions, guidelines by issuing body and code or year ("NICE NG136 (2019)", "the 2019 ESC
guidelines"), author-year citations with or without a title and a link ("(Smith et al., 2020)",
`(Watts et al., 2020, "Title", https://…)`, "Smith and Lee (2021)") and numbered markers ("[1]")
read through the answer's reference list (the entry's title, authors, year and link are what
gets checked). Each citation becomes a claim whose text is the sentence that carries it.

Text that looks like a citation but cannot be read (a marker with no list entry, a parenthesis
with a year and a name in no known layout) is returned as unparsed, to be counted and shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from trustbench.judges.groundedness.claims import link_for, make_claim, strip_trailing
from trustbench.judges.groundedness.types import Claim, Domain

Kind = Literal[
    "url",
    "link",
    "doi",
    "arxiv",
    "pmid",
    "case",
    "statute",
    "guideline",
    "author_year",
    "numbered",
]

_NAME = (
    r"(?:(?:van|von|de|der|den|del|da|di|la|le)\s+)*[A-Z][\w'’-]+(?:/[A-Z][\w'’-]+)?"
    r"(?:\s+(?:(?:of|for|on|and)\s+)?[A-Z][\w'’-]+){0,5}"
)
"""A surname ("van der Berg", "O'Neil") or a body's name ("World Health Organization",
"ESC/ESH")."""
_AUTHORS = rf"{_NAME}(?:,\s+{_NAME})*(?:\s+et\s+al\.?|,?\s+(?:and|&)\s+{_NAME})?"
_YEAR = r"(?:19|20)\d{2}"
_PARTY_WORD = r"(?:[A-Z][\w.'’&-]*|of|the|and|for|de|ex|rel\.|&)"
_PARTY = (
    rf"[A-Z][\w.'’&-]*(?:\s+{_PARTY_WORD}){{0,8}}"
    r"(?:,\s+(?:Inc|Co|Corp|Ltd|LLC|LLP|L\.P|N\.A|P\.C|P\.A)\.?)?"
)

_BODY = r"[A-Z]{2,8}(?:/[A-Z]{2,8})?"
"""An issuing body's acronym: NICE, WHO, ESC/ESH."""
_CODE = r"[A-Z]{1,4}\d{1,4}"
"""A guideline's number: NG136, CG181, TA123."""
_TITLE = r"[\"“](?P<title>[^\"”]{4,300})[\"”]"

_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("author_year", re.compile(r"\(([^()\n]{2,400}?)\)")),
    (
        "link",
        re.compile(
            r"\[(?P<text>[^\[\]\n]{2,300})\]\((?P<url>https?://[^\s()]+(?:\([^\s()]*\))?)\)"
        ),
    ),
    ("url", re.compile(r"https?://[^\s<>\"'`]+", re.I)),
    ("doi", re.compile(r"(?:\bdoi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+", re.I)),
    ("arxiv", re.compile(r"\barxiv:\s*(?:[a-z\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I)),
    ("pmid", re.compile(r"\bPMID:?\s*\d{5,9}\b")),
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
            r"|\bU\.\s?S\.\s?Const\.\s*(?:amend\.\s*[IVXLC]+|art\.\s*[IVXLC]+(?:,\s*§\s*\d+)?)"
        ),
    ),
    (
        "guideline",
        re.compile(
            rf"\b(?P<body>{_BODY})\s+(?:guideline|guidance)?\s*\[?(?P<code>{_CODE})\]?"
            rf"(?:\s*\((?P<year>{_YEAR})\))?"
            rf"|\b(?:the\s+)?(?P<year2>{_YEAR})\s+(?P<body2>{_BODY})\s+[Gg]uidelines?\b"
            rf"|\b(?P<body3>{_BODY})\s+(?P<year3>{_YEAR})\s+[Gg]uidelines?\b"
        ),
    ),
    (
        "author_year",
        re.compile(
            rf"(?P<authors>{_AUTHORS})\s+\((?P<year>{_YEAR})[a-z]?(?:,\s*{_TITLE})?"
            rf"(?:,\s*(?P<url>https?://[^\s()]+))?\)"
        ),
    ),
    ("numbered", re.compile(r"\[\^?(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\](?!\()")),
]
_AUTHOR_YEAR_PART = re.compile(
    rf"(?:e\.g\.,?\s*|[Ss]ee(?: also)?\s+|[Cc]f\.\s*)?(?P<authors>{_AUTHORS}),?\s+"
    rf"(?P<year>{_YEAR})[a-z]?(?:,\s*(?:p|pp)\.\s*[\d\-–]+)?"
    rf"(?:,\s*{_TITLE})?(?:,?\s*(?P<url>(?:https?://|doi:\s*|10\.\d{{4,9}}/)\S+))?"
)
_NAME_LIKE = re.compile(r"\b[A-Z][a-z]{2,}")
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


def scan_citations(text: str) -> tuple[list[Citation], list[str]]:
    """The citations in the body of `text` (not in its reference list), in reading order, and
    the citation-like text that could not be read."""
    body_end, entries = _reference_list(text)
    body = text[:body_end]
    found: list[Citation] = []
    unparsed: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(body):
            span = match.span()
            if _inside_entry(body, span[0]) or any(a < span[1] and span[0] < b for a, b in taken):
                continue
            made, not_read = _make(kind, match, entries)
            unparsed += [(span[0], item) for item in not_read]
            if made:
                found.extend(made)
                taken.append(span)
    unparsed = [(at, item) for at, item in unparsed if not any(a <= at < b for a, b in taken)]
    return sorted(found, key=lambda c: (c.start, c.marker)), [item for _, item in sorted(unparsed)]


def find_citations(text: str) -> list[Citation]:
    return scan_citations(text)[0]


def heuristic_claims(text: str, domain: Domain) -> list[Claim]:
    """One claim per citation: the sentence carrying it, with per-domain fields."""
    return claims_and_unparsed(text, domain)[0]


def claims_and_unparsed(text: str, domain: Domain) -> tuple[list[Claim], list[str]]:
    citations, unparsed = scan_citations(text)
    claims: list[Claim] = []
    seen: set[str] = set()
    for citation in citations:
        sentence = claim_sentence(text, citation.start, citation.end)
        fields = _fields(domain, citation, sentence)
        claim = make_claim(sentence, citation.url, fields).model_copy(
            update={"kind": citation.kind, "marker": citation.marker}
        )
        if claim.id not in seen:
            seen.add(claim.id)
            claims.append(claim)
    return claims, unparsed


def _make(
    kind: Kind, match: re.Match[str], entries: dict[str, str]
) -> tuple[list[Citation], list[str]]:
    start, end = match.span()
    raw = match.group(0)
    if kind in ("url", "doi", "arxiv", "pmid"):
        raw = strip_trailing(raw)
        return [Citation(kind, start, start + len(raw), raw, link_for(raw))], []
    if kind == "link":
        url = match.group("url")
        text = match.group("text").strip()
        ident = {} if link_for(text) else {"title": text}
        return [Citation("link", start, end, raw, link_for(url), ident)], []
    if kind == "case":
        return _case(match), []
    if kind == "statute":
        raw = raw.rstrip(".,;")
        return [Citation(kind, start, start + len(raw), raw, None, {"reference": raw})], []
    if kind == "guideline":
        return [_guideline(match)], []
    if kind == "numbered":
        return _numbered(match, entries)
    return _author_year(match, entries)


def _guideline(match: re.Match[str]) -> Citation:
    groups = match.groupdict()
    body = groups["body"] or groups["body2"] or groups["body3"]
    year = groups["year"] or groups["year2"] or groups["year3"] or ""
    code = groups["code"] or ""
    ident = {"authority": " ".join(p for p in (body, code) if p), "body": body}
    ident |= {"code": code} if code else {}
    ident |= {"year": year} if year else {}
    ident["reference"] = match.group(0).strip()
    return Citation("guideline", match.start(), match.end(), match.group(0).strip(), None, ident)


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


def _author_year(match: re.Match[str], entries: dict[str, str]) -> tuple[list[Citation], list[str]]:
    unparsed: list[str] = []
    if "authors" in match.groupdict():
        hits = [match]
    else:
        hits = []
        for part in match.group(1).split(";"):
            part = part.strip()
            hit = _AUTHOR_YEAR_PART.fullmatch(part)
            if hit is not None:
                hits.append(hit)
            elif _looks_cited(part):
                unparsed.append(f"({part})")
    citations = []
    for hit in hits:
        words = hit.group("authors").split()
        while len(words) > 1 and words[0].lower() in _LEADING_WORDS:
            words.pop(0)
        authors, year = " ".join(words), hit.group("year")
        if words[0] in _NOT_AUTHORS or words[0].lower() in _LEADING_WORDS:
            continue
        ident = {"authors": authors, "year": year, "reference": f"{authors}, {year}"}
        if guideline := re.fullmatch(rf"(?P<body>{_BODY})\s+(?P<code>{_CODE})", authors):
            ident |= {"body": guideline["body"], "code": guideline["code"], "authority": authors}
            del ident["authors"]
        if hit.group("title"):
            ident["title"] = hit.group("title").strip(" ,.")
        url = link_for(hit.group("url")) if hit.group("url") else None
        entry = _entry_for(authors, year, entries)
        if entry:
            ident |= {k: v for k, v in _entry_fields(entry).items() if k not in ident}
            url = url or ident.pop("url", None)
        ident.pop("url", None)
        citations.append(
            Citation("author_year", match.start(), match.end(), match.group(0), url, ident)
        )
    return citations, unparsed


def _looks_cited(part: str) -> bool:
    """A parenthesis that names someone and a year but in no layout we can read."""
    return bool(re.search(rf"\b{_YEAR}\b", part) and _NAME_LIKE.search(part) and " v. " not in part)


def _numbered(match: re.Match[str], entries: dict[str, str]) -> tuple[list[Citation], list[str]]:
    citations, unparsed = [], []
    for number in _expand(match.group(1)):
        entry = entries.get(number)
        if entry is None:  # a marker with no list entry cannot be identified: counted, not guessed
            unparsed.append(f"[{number}] (no entry in the reference list)")
            continue
        ident = _entry_fields(entry)
        url = ident.pop("url", None)
        citations.append(
            Citation("numbered", match.start(), match.end(), f"[{number}]", url, ident)
        )
    return citations, unparsed


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
    """The domain's fields (as the grader's extraction gives them), plus everything the citation
    says about the work (title, authors, year, body, code), which the reference check reads."""
    ident = citation.ident
    raw_url = citation.marker if citation.kind in ("url", "doi", "arxiv", "pmid") else ""
    url = raw_url or (citation.url or "")
    reference = ident.get("reference") or ident.get("citation") or citation.marker
    described = {k: ident[k] for k in ("title", "authors", "year", "body", "code") if k in ident}
    if domain == "legal":
        kind = citation.kind if citation.kind in ("case", "statute") else "other"
        holding = " ".join(sentence.replace(citation.marker, " ").split()).strip(" ,;")
        fields = {"type": kind, "reference": reference, "holding": holding}
        fields |= {"citation": ident["citation"]} if "citation" in ident else {}
        return fields | described | ({"url": url} if url else {})
    if domain == "medical":
        authority = ident.get("authority") or citation.marker
        return {
            "authority": authority,
            "citation": ident.get("citation", ""),
            "url": url,
        } | described
    source_type = {"doi": "paper", "arxiv": "paper", "pmid": "paper", "url": "website"}.get(
        citation.kind, "other"
    )
    return {
        "source_type": source_type,
        "title": ident.get("title", ""),
        "authors": ident.get("authors", ""),
        "year": ident.get("year", ""),
        "url": url,
        "citation": ident.get("citation", "")
        or (reference if citation.kind in ("case", "statute", "guideline") else ""),
    } | {k: v for k, v in described.items() if k in ("body", "code")}


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
