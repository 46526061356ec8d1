"""Rule-based citation finding for the heuristic (no-LLM) mode, and for LLM mode when the
grader's extraction is unreadable. Each citation becomes a claim whose text is the sentence that
carries it, and whose fields hold everything the citation says about the cited work.

Styles read: links (bare or `[Title](URL)`, or `[Author, Year](URL)`), DOIs, arXiv ids, PMIDs;
legal citations (`legal`: cases in full, short and "Id." form, public-domain and neutral
citations, statutes, rules); guidelines by issuing body (an acronym or a full name) and code or
year ("NICE NG136 (2019)", "CPPB Practice Guideline No. 388", "the Northern Standards Council
guideline on … (2020)"); parenthetical citations whose parts come in any order (authors, year,
quoted title, venue, identifier, pages: `(Okafor et al., 2019)`, `("Title", Osei & Cho, 2020)`,
`(Lind & Aho, 2021, JORST)`, an inline Vancouver reference); narrative ones ("Calado and Öberg
(2015), "Title" (doi:…)"); numbered markers, `[1]` or `(1)`, read through the answer's reference
list (the entry's title, authors, year, venue and link are what gets checked). An identifier
next to a title or an author-year is one citation with them, never judged alone.

Nothing is dropped silently: after extraction a broad detector (`citation_like`) finds every
span that looks like a citation, and each one no citation covers is returned as unparsed, to be
counted and shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import regex as re

from trustbench.judges.groundedness.citation_like import citation_like_spans, parentheses
from trustbench.judges.groundedness.claims import link_for, make_claim, strip_trailing
from trustbench.judges.groundedness.legal import legal_citations
from trustbench.judges.groundedness.sentences import claim_sentence, sentence_start
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

_WORD = r"\p{Lu}[\p{L}\p{M}'’\-]*\p{L}"
"""A capitalised word in any script: "Öberg", "O'Neil", "Mensah-Bonsu"."""
_PARTICLE = r"(?:van|von|de|der|den|del|da|di|la|le|du|dos|das|ten|ter|bin|al|el|St\.)"
_NAME = (
    rf"(?:{_PARTICLE}\s+)*{_WORD}(?:/{_WORD})?"
    rf"(?:\s+(?:(?:of|for|on|and|the|in)\s+)?{_WORD}){{0,6}}"
)
"""A surname ("van der Berg", "Öberg") or a body's name ("World Health Organization")."""
_AUTHORS = (
    rf"{_NAME}(?:,\s+{_NAME})*(?:,?\s+et\s+al\.?|,?\s+(?:and|&)\s+{_NAME}(?:,?\s+et\s+al\.?)?)?"
)
_YEAR = r"(?:1[89]|20)\d{2}"
_BODY = r"\p{Lu}[\p{Lu}&]{1,9}(?:/\p{Lu}[\p{Lu}&]{1,9})?"
"""An issuing body's acronym: NICE, WHO, ESC/ESH, ACAEM."""
_CODE = r"(?:\p{Lu}{1,6}[-‐–]?\d{1,5}(?:[-./]\d{1,5})*[a-z]?|\d{2,5}(?:[-./]\d{1,5})*)"
"""A guideline's number: NG136, GL-17, CP-2020-04, 388."""
_GUIDE = (
    r"(?:(?:[Pp]ractice|[Cc]linical|[Tt]echnical|[Cc]onsensus|[Pp]osition|[Ee]vidence)\s+)?"
    r"(?:[Gg]uidelines?|[Gg]uidance|[Pp]olicy|[Ss]tatement|[Rr]ecommendations?|[Bb]ulletin|"
    r"[Ss]tandards?|[Pp]rotocol|[Aa]dvisory|[Oo]pinion|[Nn]ote|[Rr]eport)"
)
_TITLE = r"[\"“](?P<title>[^\"”]{4,300})[\"”]"
_IDENT = (
    r"(?:https?://[^\s<>\"']+|(?:doi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+|arxiv:\s*\d{4}\.\d{4,5}"
    r"(?:v\d+)?|PMID:?\s*\d{5,9})"
)
_ORG_WORDS = (
    "Organization", "Organisation", "Association", "Institute", "Society", "College", "Council",
    "Agency", "Department", "Committee", "Group", "Centre", "Center", "Board", "Foundation",
    "Federation", "Network", "Academy", "Collaboration", "Service", "Commission", "Authority",
    "Office", "Ministry", "Alliance", "Panel", "Consortium", "Taskforce", "Force", "Coalition",
)  # fmt: skip
_ORG_NAME = rf"(?:{_WORD}|of|for|and|on|the|in|&)(?:\s+(?:{_WORD}|of|for|and|on|the|in|&)){{1,9}}"
_SIGNAL = re.compile(
    r"^(?:(?:see|see also|see e\.g\.,?|cf\.|e\.g\.,?|i\.e\.,?|for example,?|as reviewed in|"
    r"reviewed in|adapted from|cited in|data from|from|according to|per|also|and|but see)\s+)+",
    re.I,
)
_PAGES = re.compile(r",?\s*(?:p|pp|para|paras|ch|fig)\.\s*[\d\-–, ]+\b|,?\s*at\s+\d+(?:[-–]\d+)?$")
_NOT_AUTHORS = {"The", "This", "In", "See", "Table", "Figure", "Fig", "Section", "Chapter"}

GUIDELINE = re.compile(
    rf"\b(?P<body>{_BODY})(?:['’]s)?\s+(?:(?P<year1>{_YEAR})\s+)?(?:{_GUIDE}\s+)?"
    rf"(?:\[|[Nn]o\.\s*|[Nn]umber\s+)?(?P<code>(?!{_YEAR}\b){_CODE})\]?"
    rf"(?:\s*\((?P<year>{_YEAR})\))?"
    rf"|\b(?:the\s+)?(?P<year2>{_YEAR})\s+(?P<body2>{_BODY})\s+{_GUIDE}"
    rf"|\b(?P<body3>{_BODY})\s+(?P<year3>{_YEAR})\s+{_GUIDE}"
    rf"|\b(?:the\s+)?(?P<name>{_ORG_NAME})(?:\s+\((?P<acronym>{_BODY})\))?(?:['’]s?)?\s+"
    rf"(?:(?P<year4>{_YEAR})\s+)?(?P<kind>{_GUIDE})"
    rf"(?:\s+(?:[Nn]o\.\s*)?(?P<code4>(?!{_YEAR}\b){_CODE})\b"
    rf"|(?P<topic>\s+(?:on|for|about|in|of)\s+[^()\n;]{{3,120}}?)?\s*\((?P<year5>{_YEAR})\))?",
)
"""Guidelines named in prose: body and code ("NICE NG136 (2019)", "SPGN guideline 162"), year
and body ("the 2019 ESC guidelines"), or a body's full name with a topic or code and a year."""
NARRATIVE = re.compile(
    rf"(?P<authors>{_AUTHORS})(?P<colleagues>\s+(?:and|&)\s+(?:colleagues|co-?workers|others))?"
    rf"(?:['’]s)?\s+\((?P<inner>{_YEAR}[a-z]?(?:[,:][^()]*)?)\)"
    rf"(?P<after>,?\s*{_TITLE})?(?P<ident>,?\s*\(?(?i:{_IDENT})\)?)?"
)
"""A narrative author-year citation, with a quoted title and an identifier after it."""
LINK = re.compile(r"\[(?P<text>[^\[\]\n]{2,300})\]\((?P<url>https?://[^\s()]+(?:\([^\s()]*\))?)\)")
IDENTIFIERS: list[tuple[Kind, re.Pattern[str]]] = [
    ("url", re.compile(r"https?://[^\s<>\"'`]+", re.I)),
    ("doi", re.compile(r"(?:\bdoi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+", re.I)),
    ("arxiv", re.compile(r"\barxiv:\s*(?:[a-z\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I)),
    ("pmid", re.compile(r"\bPMID:?\s*\d{5,9}\b")),
]
BRACKETED = re.compile(r"\[(?P<inner>(?!\^?\d)[^\[\]\n]{3,200}?)\](?!\()")
"""An author-year in brackets: "[Vaswani et al., 2017]", "[Vaswani2017]"."""
NUMBERED = re.compile(r"\[\^?(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\](?!\()")
SUPERSCRIPT = re.compile(r"(?<=\w[.,;:)]?)([¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:[,–-][¹²³⁴⁵⁶⁷⁸⁹⁰]+)*)")
_SUPERSCRIPT_DIGITS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")

_REF_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:references|sources|bibliography|works cited|citations|notes|"
    r"literature cited)\s*:?\s*(?:\*\*)?\s*:?\s*$",
    re.I | re.M,
)
_BRACKET_ENTRY = re.compile(r"^\s*[-*]?\s*\[\^?(\d{1,3})\]:?\s+(.+)$", re.M)
_NUMBER_ENTRY = re.compile(r"^\s*(?:(\d{1,3})[.)]|\((\d{1,3})\))\s+(.+)$", re.M)
_VANCOUVER_AUTHORS = re.compile(
    rf"^(?:{_PARTICLE}\s+)*{_WORD}(?:\s+{_WORD})?\s+\p{{Lu}}{{1,3}}"
    rf"(?:,\s+(?:{_PARTICLE}\s+)*{_WORD}(?:\s+{_WORD})?\s+\p{{Lu}}{{1,3}})*(?:,?\s+et\s+al)?\.\s"
)


@dataclass
class Citation:
    kind: Kind
    start: int
    end: int
    marker: str
    url: str | None = None
    ident: dict[str, str] = field(default_factory=dict)
    """What names the work: reference, title, authors, year, venue, body, code, parties,
    reporter, court, section, citation (a reference-list entry)."""


def scan_citations(text: str) -> tuple[list[Citation], list[str]]:
    """The citations in the body of `text` (not in its reference list), in reading order, and
    the citation-like text that could not be read."""
    body_end, entries = _reference_list(text)
    body = text[:body_end]
    found: list[Citation] = []
    unparsed: list[tuple[int, str]] = []

    def free(start: int, end: int) -> bool:
        return not _inside_entry(body, start) and not any(
            c.start < end and start < c.end for c in found
        )

    legal, not_read = legal_citations(body)
    unparsed += not_read
    for item in legal:
        if free(item.start, item.end):
            found.append(Citation(item.kind, item.start, item.end, item.marker, None, item.ident))
    for match in LINK.finditer(body):
        if free(*match.span()):
            found.append(_link(match))
    for start, end in parentheses(body):
        if free(start, end):
            made, bad = _parenthetical(body, start, end, entries)
            found += made
            unparsed += [(start, item) for item in bad]
    for match in BRACKETED.finditer(body):
        if free(*match.span()) and (made := _bracketed(match, entries)):
            found.append(made)
    for match in NARRATIVE.finditer(body):
        if free(match.start("authors"), match.end()) and (made := _narrative(match, entries)):
            found.append(made)
    for match in GUIDELINE.finditer(body, overlapped=True):
        if (made := _guideline(match)) is not None and free(made.start, made.end):
            found.append(made)
    for kind, pattern in IDENTIFIERS:
        for match in pattern.finditer(body):
            raw = strip_trailing(match.group(0))
            if free(match.start(), match.start() + len(raw)):
                found.append(
                    Citation(kind, match.start(), match.start() + len(raw), raw, link_for(raw))
                )
    for pattern in (NUMBERED, SUPERSCRIPT):
        for match in pattern.finditer(body):
            if free(*match.span()):
                made, bad = _numbered(match, entries)
                found += made
                unparsed += [(match.start(), item) for item in bad]
    found = _attach_identifiers(body, sorted(found, key=lambda c: (c.start, c.marker)))
    covered = [(c.start, c.end) for c in found] + [(at, at + 1) for at, _ in unparsed]
    for start, end, shown in citation_like_spans(body, has_list=bool(entries)):
        if _inside_entry(body, start):
            continue  # a reference-list line is read through its markers
        if not any(a < end and start < b for a, b in covered):
            unparsed.append((start, shown))
            covered.append((start, end))
    return found, [item for _, item in sorted(unparsed)]


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


# --- parentheses ----------------------------------------------------------------------------------


def _parenthetical(
    text: str, start: int, end: int, entries: dict[str, str]
) -> tuple[list[Citation], list[str]]:
    """The citations of one parenthesis, each `;`-separated part read on its own; the parts that
    look cited but fit no layout are returned as unparsed."""
    inner = text[start + 1 : end - 1]
    raw = text[start:end]
    if re.fullmatch(r"\s*\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\s*", inner):
        if not entries:
            return [], []  # "(1)" with no reference list is an enumeration, not a citation
        return _numbered_parts(inner, start, end, raw, entries)
    before = _title_before(text, start)
    found: list[Citation] = []
    unparsed: list[str] = []
    for part in _split_parts(inner):
        read = read_part(part, entries)
        if read is None:
            if _looks_cited(part):
                unparsed.append(f"({part.strip()})" if part.strip() != inner.strip() else raw)
            continue
        kind, url, ident = read
        if before and "title" not in ident:
            ident["title"] = before[1]
        found.append(Citation(kind, before[0] if before else start, end, raw, url, ident))
    return found, unparsed


def _split_parts(inner: str) -> list[str]:
    """`inner` split at top-level semicolons (not inside quotes or nested parentheses)."""
    parts, depth, quoted, current = [], 0, False, []
    for char in inner:
        if char in '"“”':
            quoted = not quoted if char == '"' else char == "“"
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == ";" and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _title_before(text: str, start: int) -> tuple[int, str] | None:
    """A quoted title right before a parenthesis (`"Title" (Smith, 2020)`): where it starts."""
    found = re.search(rf"{_TITLE},?\s*$", text[max(0, start - 320) : start])
    if not found:
        return None
    return max(0, start - 320) + found.start(), found.group("title").strip(" ,.")


def read_part(part: str, entries: dict[str, str]) -> tuple[Kind, str | None, dict[str, str]] | None:
    """One citation's worth of a parenthesis, its pieces in any order: authors or an issuing
    body, year, quoted title, venue, guideline code, identifier, pages. None when the part is
    no citation in a layout we can read."""
    text = " ".join(part.split())
    text = _SIGNAL.sub("", text).strip(" ,")
    text = re.sub(rf"\s*\(({_YEAR}[a-z]?)\)", r", \1", text)  # "NCSC NG58 (2022)"
    ident: dict[str, str] = {}
    if title := re.search(_TITLE, text):
        ident["title"] = title.group("title").strip(" ,.")
        text = (text[: title.start()] + text[title.end() :]).strip(" ,")
    url = None
    if identifier := re.search(_IDENT, text, re.I):
        url = link_for(identifier.group(0))
        text = (text[: identifier.start()] + text[identifier.end() :]).strip(" ,")
    text = _PAGES.sub("", text).strip(" ,")
    text = re.sub(rf"\b({_YEAR}[a-z]?)\s*:\s*\d+(?:\s*[-–]\s*\d+)?", r"\1", text)  # "2016: 45"
    if acronym := re.search(
        r"\s*\[(\p{Lu}[\p{Lu}&]{1,9})\]", text
    ):  # "World Health Organization [WHO]"
        ident["acronym"] = acronym.group(1)
        text = text[: acronym.start()] + text[acronym.end() :]
    if _VANCOUVER_AUTHORS.match(text + " "):
        return _inline_entry(text, ident, url)
    authors, year, venue, body, code = "", "", "", "", ""
    undated = False
    for chunk in [c.strip() for c in re.split(r",\s*", text) if c.strip()]:
        if re.fullmatch(rf"{_YEAR}[a-z]?|n\.d\.|in press|forthcoming|under review", chunk):
            year = year or (chunk[:4] if chunk[0].isdigit() else "")
            undated = not chunk[0].isdigit()
        elif guideline := re.fullmatch(
            rf"(?P<body>{_BODY})\s+(?:{_GUIDE}\s+)?(?:[Nn]o\.\s*)?"
            rf"(?P<code>(?!{_YEAR}\b){_CODE}|\p{{Lu}}{{1,6}}\s\d{{1,5}})",
            chunk,
        ):
            body, code = guideline["body"], guideline["code"]
        elif authors and re.fullmatch(rf"(?:and|&)\s+{_NAME}(?:\s+et\s+al\.?)?", chunk):
            authors = f"{authors}, {chunk}"
        elif (
            dated := re.fullmatch(rf"(?P<rest>.+?)\s+(?P<year>{_YEAR})[a-z]?", chunk)
        ) and not year:
            year = dated["year"]
            if _is_authors(dated["rest"]) and not authors and not venue:
                authors = dated["rest"]
            else:
                venue = venue or dated["rest"]
        elif _is_authors(chunk) and not authors and not year and not venue:
            authors = chunk
        elif authors and not year and _is_authors(chunk) and re.fullmatch(_NAME, chunk):
            authors = f"{authors}, {chunk}"
        elif (
            re.fullmatch(
                rf"(?:{_WORD}|\p{{Lu}}{{2,}})(?:\s+(?:{_WORD}|of|in|and|&|\p{{Lu}}+))*", chunk
            )
            and not venue
        ):
            venue = chunk
        else:
            return None
    if body and code:
        ident |= {"body": body, "code": code, "authority": f"{body} {code}"}
        ident |= {"year": year} if year else {}
        ident["reference"] = text
        return "guideline", url, ident
    if authors and (year or undated or "title" in ident):
        words = authors.split()
        if words[0] in _NOT_AUTHORS:
            return None
        ident |= {"authors": authors}
        ident |= {"year": year} if year else {}
        ident |= {"venue": venue} if venue else {}
        ident["reference"] = ", ".join(p for p in (authors, year) if p)
        if entry := _entry_for(authors, year, entries):
            fields = _entry_fields(entry)
            url = url or fields.pop("url", None)
            ident |= {k: v for k, v in fields.items() if k not in ident and k != "url"}
        return "author_year", url, ident
    if url and ("title" in ident or venue):
        ident |= {"venue": venue} if venue else {}
        ident |= {"year": year} if year else {}
        return _identifier_kind(url), url, ident
    return None


def _is_authors(text: str) -> bool:
    return (
        bool(re.fullmatch(_AUTHORS, text))
        and text.split()[0] not in _NOT_AUTHORS
        and (
            len(text.split()) == 1
            or bool(re.search(r"\b(?:and|et al)\b|&|,", text))
            or bool(re.fullmatch(rf"(?:{_PARTICLE}\s+)+{_WORD}", text))
            or any(w in text for w in _ORG_WORDS)
        )
    )


def _inline_entry(
    text: str, ident: dict[str, str], url: str | None
) -> tuple[Kind, str | None, dict[str, str]]:
    """An inline Vancouver reference: "Diaz A, Holm K. Title. Journal. 2020;9(1):44-58"."""
    from trustbench.judges.groundedness.references import parse_entry

    parsed = parse_entry(text)
    fields = {"citation": text, "authors": ", ".join(parsed.authors), "year": parsed.year}
    fields |= {"title": parsed.title} if parsed.title else {}
    fields |= {"venue": parsed.venue} if parsed.venue else {}
    fields |= {"reference": text}
    ident = {k: v for k, v in fields.items() if v} | ident
    return "author_year", url or (parsed.url or None), ident


def _identifier_kind(url: str) -> Kind:
    return "doi" if "doi.org/" in url else "arxiv" if "arxiv.org" in url else "url"


def _looks_cited(part: str) -> bool:
    """A parenthesis part that names someone and a year but in no layout we can read."""
    return bool(
        re.search(rf"\b{_YEAR}\b", part)
        and re.search(r"\p{Lu}\p{L}{2,}", part)
        and " v. " not in part
    )


def _numbered_parts(
    inner: str, start: int, end: int, raw: str, entries: dict[str, str]
) -> tuple[list[Citation], list[str]]:
    found, unparsed = [], []
    for number in _expand(inner):
        if number not in entries:
            unparsed.append(f"({number}) (no entry in the reference list)")
            continue
        ident = _entry_fields(entries[number])
        url = ident.pop("url", None)
        found.append(Citation("numbered", start, end, f"({number})", url, ident))
    return found, unparsed


# --- narrative, links, guidelines -----------------------------------------------------------------


def _narrative(match: re.Match[str], entries: dict[str, str]) -> Citation | None:
    words = match.group("authors").split()
    while len(words) > 1 and (words[0] in _NOT_AUTHORS or _SIGNAL.match(words[0] + " ")):
        words.pop(0)
    authors = re.sub(r"['’]s$", "", " ".join(words))
    if words[0] in _NOT_AUTHORS or not _is_authors(authors):
        return None
    if match.group("colleagues"):
        authors += " et al."
    inner = f"{authors}, {match.group('inner')}"
    if match.group("after"):
        inner += ", " + match.group("after").strip(" ,")
    if match.group("ident"):
        inner += ", " + match.group("ident").strip(" ,()")
    read = read_part(inner, entries)
    if read is None:
        return None
    kind, url, ident = read
    start = match.start("authors") + match.group("authors").find(words[0])
    return Citation(kind, start, match.end(), match.group(0)[start - match.start() :], url, ident)


def _bracketed(match: re.Match[str], entries: dict[str, str]) -> Citation | None:
    inner = match.group("inner")
    if key := re.fullmatch(rf"(?P<name>{_WORD})(?P<year>{_YEAR})[a-z]?", inner):
        inner = f"{key['name']}, {key['year']}"
    read = read_part(inner, entries) if re.search(_YEAR, inner) else None
    if read is None or read[0] != "author_year":
        return None
    kind, url, ident = read
    return Citation(kind, match.start(), match.end(), match.group(0), url, ident)


def _link(match: re.Match[str]) -> Citation:
    url = match.group("url")
    text = match.group("text").strip()
    ident: dict[str, str] = {}
    read = read_part(text, {}) if re.search(rf"\b{_YEAR}\b", text) else None
    if read is not None and read[0] == "author_year":
        ident = read[2]
    elif not link_for(text):
        ident = {"title": text}
    return Citation("link", match.start(), match.end(), match.group(0), link_for(url), ident)


def _guideline(match: re.Match[str]) -> Citation | None:
    groups = match.groupdict()
    if groups["name"] is not None:
        name = re.sub(r"^(?:[Tt]he|[Ii]n|[Uu]nder|[Pp]er|[Ss]ee)\s+", "", groups["name"])
        if not any(word in name.split() for word in _ORG_WORDS):
            return None
        year = groups["year4"] or groups["year5"] or ""
        code = groups["code4"] or ""
        if not (year or code):
            return None
        body = name
        start = match.start("name") + groups["name"].find(name)
        ident = {"body": name, "authority": " ".join(p for p in (name, code) if p)}
        if groups["acronym"]:
            ident["acronym"] = groups["acronym"]
        if groups["topic"]:
            ident["topic"] = re.sub(r"^\s*(?:on|for|about|in|of)\s+", "", groups["topic"]).strip()
    else:
        body = groups["body"] or groups["body2"] or groups["body3"]
        code = groups["code"] or ""
        year = groups["year"] or groups["year1"] or groups["year2"] or groups["year3"] or ""
        start = match.start()
        if match.group(0).lower().startswith("the "):
            start += 4
        if code.isdigit() and not re.search(rf"{_GUIDE}|[Nn]o\.|[Nn]umber|\[", match.group(0)):
            return None  # a bare number after an acronym ("HIV 12") names no guideline in prose
        ident = {"body": body, "authority": " ".join(p for p in (body, code) if p)}
    ident |= {"code": code} if code else {}
    ident |= {"year": year} if year else {}
    reference = match.string[start : match.end()].strip()
    ident["reference"] = reference
    return Citation("guideline", start, start + len(reference), reference, None, ident)


# --- numbered markers and the reference list ------------------------------------------------------


def _numbered(match: re.Match[str], entries: dict[str, str]) -> tuple[list[Citation], list[str]]:
    superscript = match.re is SUPERSCRIPT
    markers = match.group(1).translate(_SUPERSCRIPT_DIGITS)
    if superscript and not entries:
        return [], []
    citations, unparsed = [], []
    for number in _expand(markers):
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
    entries: `[n] …` lines anywhere, `n. …`, `n) …` and `(n) …` lines only under the heading."""
    headings = list(_REF_HEADING.finditer(text))
    heading = headings[-1] if headings else None
    body_end = heading.start() if heading else len(text)
    entries = {m.group(1): m.group(2).strip() for m in _BRACKET_ENTRY.finditer(text)}
    if heading:
        for m in _NUMBER_ENTRY.finditer(text[heading.end() :]):
            entries.setdefault(m.group(1) or m.group(2), m.group(3).strip())
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


def _entry_fields(entry: str) -> dict[str, str]:
    """Title, authors, year, venue and link of a reference-list entry, where its layout shows
    them."""
    from trustbench.judges.groundedness.references import parse_entry

    parsed = parse_entry(entry)
    fields = {
        "citation": entry,
        "year": parsed.year,
        "title": parsed.title,
        "authors": ", ".join(parsed.authors) + (" et al." if parsed.et_al else ""),
        "venue": parsed.venue,
        "url": parsed.url,
    }
    if not fields["url"]:
        fields["url"] = next((u for w in entry.split() if (u := link_for(w))), "")
    return {k: v for k, v in fields.items() if v}


# --- identifiers travel with the citation beside them ---------------------------------------------


def _attach_identifiers(text: str, found: list[Citation]) -> list[Citation]:
    """A link, DOI or arXiv id written right after another citation in the same sentence
    ("(Smith, 2020), doi:…", "Calado and Öberg (2015) https://…") is that citation's identifier
    (over one its reference-list entry gives): one citation, judged with its title, authors and
    year, never the identifier alone."""
    merged: list[Citation] = []
    for citation in found:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and citation.kind in ("url", "doi", "arxiv", "pmid")
            and previous.kind not in ("url", "doi", "arxiv", "pmid", "numbered")
            and re.fullmatch(r"[\s,:;(\[]*", text[previous.end : citation.start])
            and sentence_start(text, citation.start) <= previous.start
        ):
            end = citation.end + (1 if text[citation.end : citation.end + 1] == ")" else 0)
            merged[-1] = Citation(
                previous.kind,
                previous.start,
                end,
                text[previous.start : end],
                citation.url,
                previous.ident,
            )
            continue
        merged.append(citation)
    return merged


# --- claim fields ---------------------------------------------------------------------------------

_DESCRIBED = (
    "title", "authors", "year", "venue", "body", "acronym", "code", "topic", "parties",
    "reporter", "court", "section", "refers_to", "act", "instrument", "article",
)  # fmt: skip


def _fields(domain: Domain, citation: Citation, sentence: str) -> dict[str, str]:
    """The domain's fields (as the grader's extraction gives them), plus everything the citation
    says about the work, which the reference check reads."""
    ident = citation.ident
    raw_url = citation.marker if citation.kind in ("url", "doi", "arxiv", "pmid") else ""
    url = raw_url or (citation.url or "")
    reference = ident.get("reference") or ident.get("citation") or citation.marker
    described = {k: ident[k] for k in _DESCRIBED if k in ident}
    if citation.kind == "statute":
        described |= {f"statute_{k}": ident[k] for k in ("code", "title") if k in ident}
        described.pop("code", None)
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
    legal = citation.kind in ("case", "statute", "guideline")
    return (
        {
            "source_type": source_type,
            "title": ident.get("title", ""),
            "authors": ident.get("authors", ""),
            "year": ident.get("year", ""),
            "url": url,
            "citation": ident.get("citation", "") or (reference if legal else ""),
        }
        | ({"reference": reference} if citation.kind in ("case", "statute") else {})
        | {k: v for k, v in described.items() if k not in ("title", "authors", "year")}
    )
