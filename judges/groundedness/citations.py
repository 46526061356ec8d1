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

import regex as re

from trustbench.judges.groundedness.citation_like import citation_like_spans, parentheses
from trustbench.judges.groundedness.claims import link_for, make_claim, strip_trailing
from trustbench.judges.groundedness.coverage import HARMLESS, citation_run, unread_words
from trustbench.judges.groundedness.legal import legal_citations
from trustbench.judges.groundedness.markup import Plain, plain_text
from trustbench.judges.groundedness.parenthetical import (
    LABEL,
    Kind,
    Reading,
    is_authors,
    listed_work,
    looks_cited,
    read_part,
)
from trustbench.judges.groundedness.patterns import (
    AUTHORS,
    BODY,
    CODE,
    GUIDE,
    IDENT,
    NOT_AUTHORS,
    ORG_NAME,
    ORG_WORDS,
    SIGNAL,
    TITLE,
    WORD,
    YEAR,
)
from trustbench.judges.groundedness.reference_list import (
    ReferenceList,
    inside_entry,
    reference_list,
)
from trustbench.judges.groundedness.references import split_authors
from trustbench.judges.groundedness.sentences import (
    sentence_bounds,
    sentence_start,
    strip_sentence,
)
from trustbench.judges.groundedness.types import Claim, Domain

GUIDELINE = re.compile(
    rf"\b(?P<body>{BODY})(?:['’]s)?\s+(?:(?P<year1>{YEAR})\s+)?(?:{GUIDE}\s+)?"
    rf"(?:\[|[Nn]o\.\s*|[Nn]umber\s+)?(?P<code>(?!{YEAR}\b){CODE})\]?"
    rf"(?:\s*\((?P<year>{YEAR})\))?"
    rf"|\b(?:the\s+)?(?P<year2>{YEAR})\s+(?P<body2>{BODY})\s+{GUIDE}"
    rf"|\b(?P<body3>{BODY})\s+(?P<year3>{YEAR})\s+{GUIDE}"
    rf"|\b(?:the\s+)?(?P<name>{ORG_NAME})(?:\s+\((?P<acronym>{BODY})\))?(?:['’]s?)?\s+"
    rf"(?:(?P<year4>{YEAR})\s+)?(?P<kind>{GUIDE})"
    rf"(?:\s+(?:[Nn]o\.\s*)?(?P<code4>(?!{YEAR}\b){CODE})\b"
    rf"|(?P<topic>\s+(?:on|for|about|in|of)\s+[^()\n;]{{3,120}}?)?\s*\((?P<year5>{YEAR})\))?",
)
"""Guidelines named in prose: body and code ("NICE NG136 (2019)", "SPGN guideline 162"), year
and body ("the 2019 ESC guidelines"), or a body's full name with a topic or code and a year."""
ORG_PHRASE = re.compile(
    rf"(?:{WORD}\s+){{0,5}}(?:{'|'.join(ORG_WORDS)})s?\b"
    rf"(?:\s+(?:of|for|on|and|the|in)(?:\s+(?:the\s+)?{WORD})+)*"
)
"""An organisation's name: "Federal Reserve Board", "Centers for Regional Disease Prevention"."""
NARRATIVE = re.compile(
    rf"(?P<authors>{AUTHORS})(?P<colleagues>\s+(?:and|&)\s+(?:colleagues|co-?workers|others))?"
    rf"(?:['’]s)?\s+\((?P<inner>{YEAR}[a-z]?(?:[,:][^()]*)?)\)"
    rf"(?P<after>,?\s*{TITLE})?(?P<ident>,?\s*\(?(?i:{IDENT})\)?)?"
)
"""A narrative author-year citation, with a quoted title and an identifier after it."""
LINK = re.compile(r"\[(?P<text>[^\[\]\n]{2,300})\]\((?P<url>https?://[^\s()]+(?:\([^\s()]*\))?)\)")
IDENTIFIERS: list[tuple[Kind, re.Pattern[str]]] = [
    ("url", re.compile(r"https?://[^\s<>\"'`]+", re.I)),
    ("doi", re.compile(r"(?:\bdoi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+", re.I)),
    ("arxiv", re.compile(r"\barxiv:\s*(?:[a-z\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I)),
    ("pmid", re.compile(r"\bPMID:?\s*\d{5,9}\b")),
    ("pmid", re.compile(r"\b(?:PMCID:?\s*)?PMC\d{5,9}\b")),
]
BRACKETED = re.compile(r"\[(?P<inner>(?!\^?\d)[^\[\]\n]{3,200}?)\](?!\()")
"""An author-year in brackets: "[Vaswani et al., 2017]", "[Vaswani2017]"."""
NUMBERED = re.compile(r"\[\^?(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\](?!\()")


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
    read: list[str] = field(default_factory=list)
    """Text the reader understood and deliberately does not check (pinpoints, pages, an
    explanatory parenthetical, a signal): accounted for, so never `unread`."""
    extent: tuple[int, int] | None = None
    """The text the citation occupies when it is one part of a larger parenthesis; else its
    extent is its span grown over the citation-like words around it (`coverage`)."""


@dataclass(frozen=True)
class Unparsed:
    """Citation-like text no reader could read: where it is in the answer, and what to show."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Scan:
    plain: Plain
    """The answer without its marks; citation spans are in its coordinates."""
    citations: list[Citation]
    unparsed: list[Unparsed]
    """In the answer's own coordinates, merged where they overlap."""


_NOT_READ_KEYS = ("reference", "citation", "refers_to", "unread")
"""Details that restate the citation rather than read a part of it."""


def scan(text: str) -> Scan:
    """The citations in the body of `text` (not in its reference list), in reading order, each
    with the substantive words no reader accounted for (`unread`), and the citation-like text
    that could not be read. Marks (emphasis, superscripts, entities) are taken out first
    (`markup`); spans are in the plain text's coordinates."""
    plain = plain_text(text)
    references = reference_list(plain.text)
    body = plain.text[: references.body_end]
    found: list[Citation] = []
    unparsed: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return not inside_entry(body, start) and not any(
            c.start < end and start < c.end for c in found
        )

    legal, not_read = legal_citations(body)
    unparsed += [
        (at, at + len(item.split(" (")[0]), item)
        for at, item in not_read
        if not inside_entry(body, at)  # an entry's "Ibid." is that entry's own text
    ]
    for item in legal:
        if free(item.start, item.end):
            found.append(
                Citation(item.kind, item.start, item.end, item.marker, None, item.ident, item.read)
            )
    for match in LINK.finditer(body):
        if free(*match.span()):
            found.append(_link(match))
    for start, end in parentheses(body):
        if free(start, end):
            made, bad = _parenthetical(body, start, end, references, plain)
            found += made
            unparsed += bad
    for match in BRACKETED.finditer(body):
        if free(*match.span()) and (bracketed := _bracketed(match, references)):
            found.append(bracketed)
    for match in NARRATIVE.finditer(body):
        if free(match.start("authors"), match.end()) and (
            narrative := _narrative(match, references)
        ):
            found.append(narrative)
    for match in GUIDELINE.finditer(body, overlapped=True):
        if (guideline := _guideline(match)) is not None and free(guideline.start, guideline.end):
            found.append(guideline)
    for kind, pattern in IDENTIFIERS:
        for match in pattern.finditer(body):
            raw = strip_trailing(match.group(0))
            if free(match.start(), match.start() + len(raw)):
                found.append(
                    Citation(kind, match.start(), match.start() + len(raw), raw, link_for(raw))
                )
    for match in NUMBERED.finditer(body):
        if free(*match.span()):
            members, unread = _numbered(match, references)
            found += members
            unparsed += [(match.start(), match.end(), item) for item in unread]
    found = _attach_identifiers(body, sorted(found, key=lambda c: c.start))
    back, unresolved = _back_references(body, found)
    taken = [(c.start, c.end) for c in back] + [(a, b) for a, b, _ in unresolved]
    unparsed = [u for u in unparsed if not any(u[0] < b and a < u[1] for a, b in taken)]
    found = sorted(found + back, key=lambda c: c.start)
    unparsed += unresolved
    parens = parentheses(body)
    for citation in found:
        _account(body, citation, plain, parens)
    covered = [_extent(body, c, parens) for c in found] + [(a, b) for a, b, _ in unparsed]
    for start, end, _shown in citation_like_spans(body, has_list=bool(references)):
        if inside_entry(body, start):
            continue  # a reference-list line is read through its markers
        if not any(a < end and start < b for a, b in covered):
            unparsed.append((start, end, ""))
            covered.append((start, end))
    return Scan(plain, found, _shown_unparsed(body, plain, unparsed))


def _extent(body: str, citation: Citation, parens: list[tuple[int, int]]) -> tuple[int, int]:
    """The text the citation occupies (see `coverage`): its part of a parenthesis when it is
    one, its marker when it is numbered, else its span grown over the citation-like words
    around it; a citation inside a parenthesis occupies at least its `;`-part of it."""
    if citation.extent is not None:
        return citation.extent
    if citation.kind == "numbered":
        return citation.start, citation.end
    start, end = citation_run(body, citation.start, citation.end)
    for a, b in parens:
        if a < citation.start and citation.end <= b:
            for offset, part in _split_parts(body[a + 1 : b - 1]):
                lo = a + 1 + offset
                if lo <= citation.start < lo + len(part) + 1:
                    return min(start, lo), max(end, min(lo + len(part), b - 1))
    return start, end


def _account(body: str, citation: Citation, plain: Plain, parens: list[tuple[int, int]]) -> None:
    """Records in `ident["unread"]` the substantive words of the citation's extent that no
    reader took (see `coverage`)."""
    read = [v for k, v in citation.ident.items() if k not in _NOT_READ_KEYS + ("authors",)]
    if authors := citation.ident.get("authors"):  # only surnames are checked
        read += [*split_authors(authors)[0], "et al"]
    read += [*citation.read, citation.url or ""]
    if citation.kind in ("url", "doi", "arxiv", "pmid", "numbered"):
        read.append(citation.marker)
    extent = _extent(body, citation, parens)
    citation.extent = extent
    left = unread_words(body, extent, read, plain.emphasis)
    named = not any(k in citation.ident for k in ("body", "authors", "issuer"))
    for found in ORG_PHRASE.finditer(body, *extent):
        words = [w.lower() for w in re.findall(r"[\p{L}\p{N}]+", found.group(0))]
        if named and all(w in left or w in HARMLESS for w in words):
            citation.ident["body"] = found.group(0)  # an issuing agency named beside the cite
            left = [w for w in left if w not in words]
            named = False
    if left:
        citation.ident["unread"] = " ".join(left)


def _shown_unparsed(body: str, plain: Plain, items: list[tuple[int, int, str]]) -> list[Unparsed]:
    """Unparsed spans in the answer's coordinates. A span found by the detector is grown to the
    whole citation-like text around it and merged with those it overlaps (one entry per
    citation, never a fragment of one); a reader's own item ("[3] (no entry in the reference
    list)") is shown as the reader wrote it."""
    labelled = [(a, b, label) for a, b, label in items if label]
    grown = sorted(
        (min(a, run[0]), max(b, run[1]))
        for a, b, label in items
        if not label
        for run in [citation_run(body, a, b)]
    )
    merged: list[list[int]] = []
    for a, b in grown:
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out = [(a, b, " ".join(plain.quote(a, b).split())) for a, b in merged]
    out += [(a, b, label) for a, b, label in labelled]
    shown: list[Unparsed] = []
    for a, b, text in sorted(set(out)):
        start, end = plain.span(a, b)
        shown.append(Unparsed(start, end, text))
    return shown


def scan_citations(text: str) -> tuple[list[Citation], list[str]]:
    """`scan`'s citations and what its unparsed entries show."""
    result = scan(text)
    return result.citations, [u.text for u in result.unparsed]


def find_citations(text: str) -> list[Citation]:
    return scan(text).citations


def heuristic_claims(text: str, domain: Domain) -> list[Claim]:
    """One claim per citation: the sentence carrying it, with per-domain fields."""
    return claims_and_unparsed(text, domain)[0]


def claims_and_unparsed(text: str, domain: Domain) -> tuple[list[Claim], list[Unparsed]]:
    """One claim per citation, its text and marker quoted from the answer as written."""
    result = scan(text)
    claims: list[Claim] = []
    seen: set[str] = set()
    for citation in result.citations:
        claim = claim_of(result, citation, domain)
        if claim.id not in seen:
            seen.add(claim.id)
            claims.append(claim)
    return claims, result.unparsed


def claim_of(result: Scan, citation: Citation, domain: Domain) -> Claim:
    """The claim a citation of `result` makes: the sentence that carries it, as written."""
    plain = result.plain
    a, b = sentence_bounds(plain.text, citation.start, citation.end)
    sentence = strip_sentence(plain.quote(a, b))
    fields = _fields(domain, citation, strip_sentence(plain.text[a:b]))
    marker = citation.marker
    if citation.kind != "numbered":
        marker = " ".join(plain.quote(citation.start, citation.end).split())
    return make_claim(sentence, citation.url, fields).model_copy(
        update={"kind": citation.kind, "marker": marker}
    )


# --- parentheses ----------------------------------------------------------------------------------


def _parenthetical(
    text: str, start: int, end: int, references: ReferenceList, plain: Plain
) -> tuple[list[Citation], list[tuple[int, int, str]]]:
    """The citations of one parenthesis, each `;`-separated part read on its own; the parts that
    look cited but fit no layout are returned as unparsed spans."""
    inner = text[start + 1 : end - 1]
    raw = text[start:end]
    if re.fullmatch(r"\s*\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\s*", inner):
        if not references:
            return [], []  # "(1)" with no reference list is an enumeration, not a citation
        return _numbered_parts(inner, start, end, raw, references)
    before = _title_before(text, start)
    found: list[Citation] = []
    unparsed: list[tuple[int, int, str]] = []
    final = bool(re.match(r"\s*(?:[.;!?]|$|\n)", text[end:]))
    for offset, part in _split_parts(inner):
        at = start + 1 + offset
        italic = _emphasised_chunks(plain, at, at + len(part))
        reading = read_part(part, references, italic, final)
        if reading is None and found and (link := _only_identifier(part)):
            found[-1].url = found[-1].url or link  # "(Smith, 2020; doi:…)": the same work's
            found[-1].read.append(part)
            begin = found[-1].extent[0] if found[-1].extent else found[-1].start
            found[-1].extent = (begin, at + len(part))
            continue
        if reading is None:
            if looks_cited(part):
                whole = part.strip() == inner.strip()
                unparsed.append((start, end, raw) if whole else (at, at + len(part), ""))
            continue
        if before and "title" not in reading.ident:
            reading.ident["title"] = before[1]
        extent = (before[0] if before else at, at + len(part))
        found.append(
            Citation(
                reading.kind,
                before[0] if before else start,
                end,
                raw,
                reading.url,
                reading.ident,
                reading.read,
                extent,
            )
        )
    return found, unparsed


def _only_identifier(part: str) -> str | None:
    """The link of a parenthesis part that is nothing but an identifier."""
    bare = part.strip(" ,;.")
    link = link_for(bare)
    return link if link and " " not in bare.replace(": ", ":") else None


def _emphasised_chunks(plain: Plain, start: int, end: int) -> set[str]:
    """The emphasised texts inside `[start, end)`, as the answer emphasised them."""
    return {
        " ".join(plain.text[a:b].split()).strip(" ,.;:")
        for a, b in plain.emphasis
        if start <= a and b <= end
    }


def _split_parts(inner: str) -> list[tuple[int, str]]:
    """`inner` split at top-level semicolons (not inside quotes or nested parentheses, and not
    the one of a journal's "2023;72(4)"), each with its offset."""
    parts: list[tuple[int, str]] = []
    depth, quoted, begin = 0, False, 0
    for i, char in enumerate(inner):
        if char in '"“”':
            quoted = not quoted if char == '"' else char == "“"
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == ";" and depth == 0 and not quoted:
            if re.search(rf"\b{YEAR}\s*$", inner[:i]) and re.match(r"\s*\d", inner[i + 1 :]):
                continue  # "2023;72(4)": volume and issue
            if re.match(rf"\s*{YEAR}[a-z]?\s*(?:[;:(]|$)", inner[i + 1 :]):
                continue  # "Publisher; 2020": the year of this part
            parts.append((begin, inner[begin:i]))
            begin = i + 1
    parts.append((begin, inner[begin:]))
    out = []
    for offset, part in parts:
        stripped = part.strip()
        if stripped:
            out.append((offset + part.find(stripped), stripped))
    return out


def _title_before(text: str, start: int) -> tuple[int, str] | None:
    """A quoted title right before a parenthesis (`"Title" (Smith, 2020)`): where it starts."""
    found = re.search(rf"{TITLE},?\s*$", text[max(0, start - 320) : start])
    if not found:
        return None
    return max(0, start - 320) + found.start(), found.group("title").strip(" ,.")


def _numbered_parts(
    inner: str, start: int, end: int, raw: str, references: ReferenceList
) -> tuple[list[Citation], list[tuple[int, int, str]]]:
    found, unparsed = [], []
    for number in _expand(inner):
        if number not in references.numbered:
            why = references.unresolved.get(number, "no entry in the reference list")
            unparsed.append((start, end, f"({number}) ({why})"))
            continue
        ident = listed_work(references.numbered[number])
        url = ident.pop("url", None)
        # the group's other numbers are markers too, read with this member
        found.append(Citation("numbered", start, end, f"({number})", url, ident, [raw]))
    return found, unparsed


# --- narrative, links, guidelines -----------------------------------------------------------------


def _narrative(match: re.Match[str], references: ReferenceList) -> Citation | None:
    words = match.group("authors").split()
    while len(words) > 1 and (words[0] in NOT_AUTHORS or SIGNAL.match(words[0] + " ")):
        words.pop(0)
    authors = re.sub(r"['’]s$", "", " ".join(words))
    if words[0] in NOT_AUTHORS or not is_authors(authors):
        return None
    if match.group("colleagues"):
        authors += " et al."
    inner = f"{authors}, {match.group('inner')}"
    if match.group("after"):
        inner += ", " + match.group("after").strip(" ,")
    if match.group("ident"):
        inner += ", " + match.group("ident").strip(" ,()")
    reading = read_part(inner, references)
    if reading is None:
        return None
    start = match.start("authors") + match.group("authors").find(words[0])
    marker = match.group(0)[start - match.start() :]
    return Citation(
        reading.kind, start, match.end(), marker, reading.url, reading.ident, reading.read
    )


def _bracketed(match: re.Match[str], references: ReferenceList) -> Citation | None:
    inner = match.group("inner")
    if key := re.fullmatch(rf"(?P<name>{WORD})(?P<year>{YEAR})[a-z]?", inner):
        inner = f"{key['name']}, {key['year']}"
    reading = read_part(inner, references) if re.search(YEAR, inner) else None
    if reading is None:
        reading = _bracketed_code(inner)
    if reading is None or reading.kind not in ("author_year", "guideline"):
        return None
    return Citation(
        reading.kind,
        match.start(),
        match.end(),
        match.group(0),
        reading.url,
        reading.ident,
        reading.read,
    )


def _bracketed_code(inner: str) -> Reading | None:
    """A guideline by body and code in brackets: "[RCPP CG54]"."""
    reading = read_part(inner, ReferenceList(0))
    return reading if reading is not None and reading.kind == "guideline" else None


def _link(match: re.Match[str]) -> Citation:
    url = match.group("url")
    text = match.group("text").strip()
    ident: dict[str, str] = {}
    reading = read_part(text, ReferenceList(0)) if re.search(rf"\b{YEAR}\b", text) else None
    if reading is not None and reading.kind == "author_year":
        ident = reading.ident
    elif LABEL.search(text):
        product = " ".join(LABEL.sub(" ", text).split())
        ident = {"product": product} if product else {}
    elif not link_for(text):
        ident = {"title": text}
    return Citation(
        "link", match.start(), match.end(), match.group(0), link_for(url), ident, [text]
    )


def _guideline(match: re.Match[str]) -> Citation | None:
    groups = match.groupdict()
    if groups["name"] is not None:
        name = re.sub(r"^(?:[Tt]he|[Ii]n|[Uu]nder|[Pp]er|[Ss]ee)\s+", "", groups["name"])
        if not any(word in name.split() for word in ORG_WORDS):
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
        if code.isdigit() and not re.search(rf"{GUIDE}|[Nn]o\.|[Nn]umber|\[", match.group(0)):
            return None  # a bare number after an acronym ("HIV 12") names no guideline in prose
        ident = {"body": body, "authority": " ".join(p for p in (body, code) if p)}
    ident |= {"code": code} if code else {}
    ident |= {"year": year} if year else {}
    reference = match.string[start : match.end()].strip()
    ident["reference"] = reference
    return Citation("guideline", start, start + len(reference), reference, None, ident)


# --- numbered markers and the reference list ------------------------------------------------------


def _numbered(match: re.Match[str], references: ReferenceList) -> tuple[list[Citation], list[str]]:
    markers = match.group(1)
    citations, unparsed = [], []
    for number in _expand(markers):
        entry = references.numbered.get(number)
        if entry is None:  # a marker with no list entry cannot be identified: counted, not guessed
            why = references.unresolved.get(number, "no entry in the reference list")
            unparsed.append(f"[{number}] ({why})")
            continue
        ident = listed_work(entry)
        url = ident.pop("url", None)
        group = [match.group(0)]  # the group's other numbers are markers too, read with this one
        citations.append(
            Citation("numbered", match.start(), match.end(), f"[{number}]", url, ident, group)
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


# --- back-references ------------------------------------------------------------------------------

BACK_REFERENCE = re.compile(
    r"(?P<name>\p{Lu}[\p{L}'’-]+(?:\s+(?:and|&)\s+\p{Lu}[\p{L}'’-]+)?(?:\s+et\s+al\.?)?,?\s+)?"
    r"(?P<what>(?i:ibid|ib)\.|(?i:ibid)\b|op\.\s*cit\.?|loc\.\s*cit\.?|supra(?:\s+note\s+\d+)?)"
    r"(?P<pin>,?\s*(?:(?:p|pp|para)\.?\s*|at\s+)?\d[\d–-]*)?"
)
"""A citation that points back: "ibid.", "Ibid., 152", "Kamau, op. cit., p. 160", "(loc. cit.)",
"Okafor, supra, at 12" (the legal "Id." is eyecite's)."""
SAME_WORK = re.compile(
    r"\b[Tt]he\s+same\s+(?:guidelines?|guidance|study|trial|paper|report|review|article|SmPC|"
    r"label|judgment|decision|ruling|regulation|directive|source|document|authors?|survey|"
    r"analysis|meta-analysis|book|chapter|statute|provision)\b"
)
"""A sentence that attributes to the work just cited without citing it again."""


def _back_references(
    body: str, found: list[Citation]
) -> tuple[list[Citation], list[tuple[int, int, str]]]:
    """The citations that point back to an earlier one, each taking that one's work (as
    eyecite does for legal short forms); one that points at nothing is unparsed, with why."""
    made: list[Citation] = []
    unresolved: list[tuple[int, int, str]] = []
    for match in BACK_REFERENCE.finditer(body):
        start, end = match.span()
        if inside_entry(body, start) or any(c.start <= start < c.end for c in found):
            continue
        earlier = [c for c in found if c.end <= start]
        name = (match.group("name") or "").strip(" ,")
        if name:
            surname = name.split()[0].lower()
            earlier = [c for c in earlier if surname in _names_of(c)]
        what = match.group("what")
        if not earlier:
            why = f"{what} with no citation before it" + (f" by {name}" if name else "")
            unresolved.append((start, end, f"{match.group(0).strip()} ({why})"))
            continue
        made.append(
            _pointing_back(earlier[-1], start, end, match.group(0), [what, match["pin"] or ""])
        )
    for match in SAME_WORK.finditer(body):
        start, end = match.span()
        if inside_entry(body, start):
            continue
        sentence = sentence_bounds(body, start, end)
        if any(sentence[0] <= c.start < sentence[1] for c in [*found, *made]):
            continue  # the sentence cites its source itself
        earlier = [c for c in found if c.end <= start]
        if earlier:
            made.append(_pointing_back(earlier[-1], start, end, match.group(0), [match.group(0)]))
    return made, unresolved


def _names_of(citation: Citation) -> str:
    ident = citation.ident
    return " ".join(ident.get(k, "") for k in ("authors", "parties", "body", "citation")).lower()


def _pointing_back(
    earlier: Citation, start: int, end: int, written: str, read: list[str]
) -> Citation:
    ident = {k: v for k, v in earlier.ident.items() if k not in ("unread", "reference")}
    ident |= {"refers_to": earlier.marker, "reference": written.strip()}
    return Citation(
        earlier.kind, start, end, written.strip(), earlier.url, ident, read, (start, end)
    )


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
    "reporter", "court", "section", "refers_to", "act", "instrument", "article", "product",
    "edition", "work", "issuer", "isbn", "unread",
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
