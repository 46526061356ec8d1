"""Is the cited work real? A reference is grounded only when one real record matches every detail
the citation gives: identifier (DOI, arXiv id, PMID, the cited link), title, authors (in order,
and their number unless "et al."), year, and for legal and clinical sources the parties and
reporter, the statute section, the issuing body and the guideline code. Matching is fuzzy on
spelling (case, accents, punctuation, a typo in a long word) and strict on substance (a changed
word, number, name or year fails).

A record is what a page says about the work it shows: its citation metadata where it has some
(`citation_title`, `citation_author`, `citation_doi`, dates), else its title and the text at its
top. The mechanical half of HalluHard's reference grounding, with no model."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from trustbench.judges.groundedness.abbreviations import (
    expanded,
    initialism,
    initials,
    same_or_abbreviated,
    tokens,
    venue_matches,
)
from trustbench.judges.groundedness.courts import court_shown, eu_court_shown
from trustbench.judges.groundedness.legal import parse_reference
from trustbench.judges.groundedness.types import Claim
from trustbench.retrieval.types import Document, SearchResult

FRONT_CHARS = 3000
"""How much of a page's text is its front matter (title block, authors, dates, identifiers)."""
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>,;]+)", re.I)
_ARXIV = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\s+)(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})", re.I)
_PMID = re.compile(r"(?:PMID:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/)(\d{5,9})", re.I)
_PMCID = re.compile(r"\b(PMC\d{5,9})\b", re.I)
_ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*((?:\d[\s-]?){9,12}[\dX])\b")
_INITIALS = re.compile(r"^(?:[A-Z]\.?[\s-]?){1,3}$|^[A-Z]{1,3}$")
_STOP = {
    "a", "an", "the", "of", "in", "on", "for", "and", "to", "with", "by", "from", "at", "as",
    "is", "are", "its", "their", "into", "via", "or",
}  # fmt: skip
_ORG_WORDS = {
    "organization", "organisation", "association", "institute", "society", "college",
    "council", "agency", "department", "committee", "group", "centre", "center", "board",
    "foundation", "federation", "network", "academy", "collaboration", "service",
    "observatory", "laboratory", "university", "ministry", "commission", "authority", "office",
    "bureau", "administration", "secretariat", "directorate", "program", "programme", "unit",
    "consortium", "alliance", "panel", "coalition", "taskforce", "force",
}  # fmt: skip
_COMPANY_WORDS = {
    "inc", "ltd", "llc", "plc", "ab", "ag", "gmbh", "corp", "pharma", "pharmaceutical",
    "pharmaceuticals", "therapeutics", "laboratories", "labs", "biosciences", "biotech",
    "biologics", "healthcare", "biopharma",
}  # fmt: skip
"""A labeller or publisher named as the author of a drug label or a report."""


def fold(text: str) -> str:
    """Lower case, accents and punctuation gone, white space single."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).replace("_", " ").split())


def _same_word(a: str, b: str) -> bool:
    """Equal, or a typo apart: one edit (a transposition of neighbours counts as one) in a word
    of five letters or more (two from twelve), the first letter kept; numbers exactly.
    "Northgate" is not "Southgate"; "retreival" is "retrieval"."""
    if a == b:
        return True
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    allowed = 2 if min(len(a), len(b)) >= 12 else 1
    return OSA.distance(a, b, score_cutoff=allowed) <= allowed


# --- what the citation says ----------------------------------------------------------------------


@dataclass(frozen=True)
class CitedWork:
    title: str = ""
    authors: tuple[str, ...] = ()
    """Surnames, or a body's name, as cited."""
    et_al: bool = False
    year: str = ""
    doi: str = ""
    arxiv: str = ""
    pmid: str = ""
    url: str = ""
    venue: str = ""
    """The journal or conference, as cited ("Int J Tuberc Programmes", "JORST")."""
    parties: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()
    """A case's reporter, public-domain or neutral citations as cited (parallel ones too)."""
    court: str = ""
    """The court a case citation names in its parenthetical ("9th Cir.")."""
    section: str = ""
    """A statute's section number ("6-1-1421"), with `code` and `statute_title`."""
    statute_code: str = ""
    """The code a section belongs to, as cited ("Colo. Rev. Stat.", "C.R.S.", "U.S.C.")."""
    statute_title: str = ""
    body: tuple[str, ...] = ()
    """An issuing body as cited: its name, its acronym, or both."""
    code: str = ""
    """A guideline's number: NG136, GL-17, 388."""
    topic: str = ""
    """What a guideline cited by its body's name is about ("community-acquired pneumonia")."""
    act: str = ""
    """A statute by its short title and year ("Equality Act 2010")."""
    pmcid: str = ""
    isbn: str = ""
    """Digits only."""
    product: str = ""
    """A drug label's product as cited ("Fenlastin 20 mg film-coated tablets")."""
    edition: str = ""
    """The edition number cited ("7" for "7th ed.")."""
    work: str = ""
    """An emphasised title or venue the citation does not say which ("*The Quiet Ledger*")."""
    issuer: str = ""
    """The institution a law or rule is cited as made by ("Commission", "Federal Reserve
    Board")."""
    instrument: str = ""
    """What kind of EU act its number is cited as ("Regulation", "Directive", "Decision"): one
    number may be a regulation and a directive of the same year."""
    unread: tuple[str, ...] = ()
    """Substantive words of the citation no reader took: each must be on the record."""

    @property
    def identifying(self) -> bool:
        return (
            any((self.title, self.authors, self.doi, self.arxiv, self.pmid, self.url, self.parties))
            or any(
                (
                    self.reporters,
                    self.section,
                    self.code,
                    self.body,
                    self.act,
                    self.pmcid,
                    self.isbn,
                )
            )
            or bool(self.product or self.work)
        )


def cited_work(claim: Claim) -> CitedWork:
    """Everything the claim's fields (and the reference-list entry among them) say about the
    cited work. A legal reference the fields do not take apart (the grader's extraction gives
    only `reference`) is read with the same citation parser as the answer."""
    f = dict(claim.fields)
    # a drug label's entry has no title or authors: its reader gave the product and labeller
    listed = f.get("citation") and not f.get("product")
    entry = parse_entry(f["citation"]) if listed else CitedWork()
    reference = f.get("reference", "")
    legal_keys = ("parties", "reporter", "section", "statute_code", "court")
    if reference and not any(f.get(k) for k in legal_keys):
        parsed = parse_reference(reference)
        if "section" in parsed:
            parsed["statute_code"] = parsed.pop("code", "")
            parsed["statute_title"] = parsed.pop("title", "")
        f |= {k: v for k, v in parsed.items() if v and not f.get(k)}
    authority = f.get("authority", "")
    urls = " ".join(filter(None, [claim.cited_url or "", f.get("url", ""), f.get("citation", "")]))
    authors, et_al = split_authors(f.get("authors", "")) if f.get("authors") else ((), False)
    body = tuple(b for b in (f.get("body", ""), f.get("acronym", "")) if b)
    code = f.get("code", "") or _code_in(authority) or entry.code
    if not body and not authors and authority and not _names_no_body(authority):
        name = re.sub(rf"\s+{_CODE}$", "", authority).strip()
        body = (name,) if name and not _DOI.search(name) else ()
    if len(authors) == 1 and _is_body(authors[0]) and (body or f.get("acronym")):
        body, authors = tuple(dict.fromkeys((authors[0], *body))), ()
    parties = tuple(p for p in re.split(r"\s+v\.?\s+", f.get("parties", ""), maxsplit=1) if p)
    reporters = tuple(r.strip() for r in f.get("reporter", "").split(";") if r.strip())
    year = f.get("year", "") if not f.get("statute_code") else ""  # a code's edition
    return CitedWork(
        title=f.get("title", "") or entry.title,
        authors=authors or entry.authors,
        et_al=et_al if authors else entry.et_al,
        year=_first_year(year) or entry.year,
        doi=_first(_DOI, urls) or entry.doi,
        arxiv=_first(_ARXIV, urls) or entry.arxiv,
        pmid=_first(_PMID, urls) or entry.pmid,
        url=claim.cited_url or entry.url,
        venue=f.get("venue", "") or entry.venue,
        parties=parties or entry.parties,
        reporters=reporters or entry.reporters,
        court=f.get("court", ""),
        section=f.get("section", "") or entry.section,
        statute_code=f.get("statute_code", "") or entry.statute_code,
        statute_title=f.get("statute_title", ""),
        body=body or entry.body,
        code=code,
        topic=f.get("topic", ""),
        act=f.get("act", ""),
        pmcid=_first(_PMCID, urls).upper() or entry.pmcid,
        isbn=_isbn(f.get("isbn", "")) or entry.isbn,
        product=f.get("product", ""),
        edition=f.get("edition", ""),
        work=f.get("work", ""),
        issuer=f.get("issuer", ""),
        instrument=f.get("instrument", ""),
        unread=tuple(f.get("unread", "").split()),
    )


def _isbn(text: str) -> str:
    found = _ISBN.search(text) if "isbn" in text.lower() else None
    raw = found.group(1) if found else text
    return re.sub(r"[^\dX]", "", raw)


def _names_no_body(authority: str) -> bool:
    """An authority field that is a marker, a link or an identifier, not an issuing body."""
    return authority.startswith(("[", "(", "http")) or any(
        p.search(authority) for p in (_DOI, _ARXIV, _PMID)
    )


def _first(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return found.group(1).rstrip(".").lower() if found else ""


def _first_year(text: str) -> str:
    found = _YEAR.search(text)
    return found.group(0) if found else ""


_CODE = r"[A-Z]{1,6}[-‐–]?\d{1,5}(?:[-./]\d{1,5})*[a-z]?"
"""A guideline's number: NG136, GL-17, CP-2020-04 (a bare number only where a body or "No."
says it is one)."""


def _guideline_code(entry: str) -> str:
    """A guideline number as an entry gives it: "(CS56)", "[NG28]", "(GL-17)", "guideline NG28",
    "Practice Guideline No. 388"."""
    found = re.search(
        rf"[(\[]({_CODE})[)\]]|\bguid\w*\s+({_CODE})\b|\b(?:No\.|Number)\s*(\d{{1,5}}(?:-\d+)*)\b",
        entry,
    )
    return next((g for g in found.groups() if g), "") if found else ""


def _code_in(text: str) -> str:
    found = re.search(rf"\b({_CODE})\b|\bNo\.\s*(\d{{1,5}})\b", text)
    return (found.group(1) or found.group(2)) if found else ""


def split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Surnames in order (or one body's name) from an author string in any common layout:
    "Smith, J., & Lee, K.", "Smith J, Lee K", "J. Smith and K. Lee", "Smith et al.",
    "World Health Organization", "National Institute for Health and Care Excellence (NICE)"."""
    et_al = bool(re.search(r"\bet\.?\s*al\b|\bothers\b", text))
    text = re.sub(r"\bet\.?\s*al\.?|\band others\b", " ", text).strip(" ,.;")
    text = re.sub(r"^(?:[Bb]y|[Aa]uthors?:)\s+", "", text)
    if acronym := re.search(r"\(([A-Z][A-Za-z/]{1,9})\)", text):
        return (text[: acronym.start()].strip(" ,.") or acronym.group(1),), et_al
    if _is_body(text):
        return (text.strip(" ,."),), et_al
    text = _DEGREES.sub(" ", text)
    names: list[str] = []
    for piece in re.split(r"\s*(?:;|,|&|\band\b)\s*", text):
        piece = piece.strip(" .")
        if not piece or _INITIALS.match(piece):
            continue
        words = [w for w in piece.split() if not _INITIALS.match(w.strip("."))]
        if not words:
            continue
        names.append(words[-1] if len(words) > 1 and not _particle(words) else " ".join(words))
    return tuple(names), et_al


_DEGREES = re.compile(
    r"(?<![\w.])(?:M\.?D|Ph\.?D|M\.?P\.?H|M\.?Sc|B\.?Sc|D\.?Phil|M\.?Phil|MBBS|MBChB|MBBCh|"
    r"Dr\.?P\.?H|Pharm\.?D|D\.?O|D\.?N\.?P|R\.?N|B\.?S\.?N|M\.?S\.?N|M\.?B\.?A|J\.?D|LL\.?M|"
    r"D\.?D\.?S|D\.?M\.?D|M\.?S|M\.?A|B\.?A|FRC\w{0,4}|FAC\w{0,3}|FRACP|FRCPC|MRCP|MRCS|"
    r"Prof|Professor|Dr)\.?(?![\w.])"
)
"""Degrees, fellowships and titles in a byline ("Ferraz L, MD; Engqvist T, PhD"): no names."""
_FULL_NAME = r"[^\W\d_][\w'’.-]+(?:\s+[^\W\d_][\w'’.-]+)+"
_MLA_AUTHORS = re.compile(
    r"(?P<last>[^\W\d_][\w'’-]+(?:\s[^\W\d_][\w'’-]+)?),\s+(?P<first>[^\W\d_][\w'’-]+"
    rf"(?:\s+[A-Z]\.)?)(?:(?:,?\s+(?:and|&)\s+|,\s+)(?P<others>{_FULL_NAME}"
    rf"(?:,\s+(?:(?:and|&)\s+)?{_FULL_NAME})*(?:,?\s+(?:and|&)\s+{_FULL_NAME})?))?"
)
"""An entry's authors in MLA and Chicago bibliography style: "Delacroix, Hélène, and Sipho
Mbeki", "Kamau, Wanjiru", "Aho, Pekka, Tove Brenn, and Ilse Maar" (the first author inverted,
given name spelled out; the others in natural order)."""


def _particle(words: list[str]) -> bool:
    return words[0].lower() in ("van", "von", "de", "der", "den", "del", "da", "di", "la", "le")


def _is_body(text: str) -> bool:
    words = fold(text).split()
    return bool(words) and (
        bool(_ORG_WORDS & {w.removesuffix("s") for w in words} | _ORG_WORDS & set(words))
        or bool(_COMPANY_WORDS & set(words))
        or (len(words) == 1 and text.strip(" ,.").isupper() and len(text.strip(" ,.")) >= 2)
    )


_VANCOUVER = re.compile(
    r"^(?P<authors>(?:[^\W\d_][\w'’-]+(?:\s[^\W\d_][\w'’-]+)*\s[A-Z]{1,3}(?:,\s+|\.\s+))+"
    r"(?:et al\.\s+)?)"
    r"(?P<title>.+?[^A-Z\s])\.(?:\s|$)"
)
"""Vancouver: "Lund A, Chowdhury F, Grey M. Title. Journal. 2019;34:501." """
_SENTENCE_END = re.compile(r"(?<=[\w\)\]])\.\s+(?=[A-Z0-9])")
_QUOTED = re.compile(
    r"[\"“]([^\"”]{4,300}?)[,.]?[\"”]|(?<![\w])['‘]([^'’]{4,300}?)[,.]?['’](?![\w])"
)
_APA = re.compile(r"\(((?:19|20)\d{2})[a-z]?(?:,[^)]*)?\)\.?\s+(.+?[.?!])(?=\s|$)")
_VENUE = re.compile(
    r"\s*(?:[Ii]n:?\s+)?(?:(?:Proc\.|Proceedings)(?:\s+of)?(?:\s+the)?\s+)?"
    r"(?P<venue>[A-Z](?:[^.,;:\d()]|\([A-Za-z]+\))*?)\s*(?:[.,;:]|\d|$)"
)
_DESCRIPTION = re.compile(r"\s*\[(?P<what>[^\[\]]{2,100})\]\s*$")
"""APA's description in square brackets after a title: "[Doctoral dissertation, University of
Tartu]", "[Preprint]", "[Data set]"."""
_THESIS = re.compile(
    r"(?:(?:Doctoral|PhD|Ph\.D\.|Master['’]?s|Bachelor['’]?s|Honours)\s+)?"
    r"(?:dissertation|thesis)\s*,\s*(?P<institution>.+)",
    re.I,
)


def _without_description(title: str) -> tuple[str, str]:
    """A title without its bracketed description, and the institution a thesis description
    names (checked like a venue)."""
    found = _DESCRIPTION.search(title)
    if found is None:
        return title, ""
    thesis = _THESIS.fullmatch(found.group("what").strip())
    return title[: found.start()], thesis.group("institution").strip() if thesis else ""


_JOURNAL_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){0,7}")


def parse_entry(entry: str) -> CitedWork:
    """A reference-list entry in APA, Vancouver, IEEE/MLA (quoted title), legal or guideline
    layout: its authors, year, title, venue, identifiers and link."""
    text = " ".join(entry.split())
    doi, arxiv, pmid = _first(_DOI, text), _first(_ARXIV, text), _first(_PMID, text)
    url = next((w.strip(".,;()<>") for w in text.split() if w.startswith("http")), "")
    year = _first_year(text)
    if legal := parse_reference(text):
        return CitedWork(
            parties=tuple(
                p for p in re.split(r"\s+v\.?\s+", legal.get("parties", ""), maxsplit=1) if p
            ),
            reporters=tuple(r for r in legal.get("reporter", "").split("; ") if r),
            section=legal.get("section", ""),
            statute_code=legal.get("code", "") if legal.get("section") else "",
            year=legal.get("year", "") or year,
            url=url,
        )
    title, authors_text, rest = "", "", ""
    if quoted := _QUOTED.search(text):
        title = quoted.group(1) or quoted.group(2)
        authors_text, rest = text[: quoted.start()], text[quoted.end() :]
        authors_text = re.sub(r"\(\s*(?:19|20)\d{2}[a-z]?\s*\)\.?\s*$", "", authors_text.strip())
    elif apa := _APA.search(text):
        title, authors_text, rest = apa.group(2), text[: apa.start()], text[apa.end() :]
    elif vancouver := _VANCOUVER.match(text):
        authors_text, title = vancouver.group("authors"), vancouver.group("title")
        rest = text[vancouver.end() :]
        if re.match(r"\s*(?:19|20)\d{2}\b", rest) and _JOURNAL_ABBREVIATION.fullmatch(title):
            title, rest = "", f"{title}. {rest}"  # "Authors. Journal. 2020;9(1):44-58": no title
    else:  # a body or a single name, then the title: "World Health Organization. Title. 2021."
        parts = [p for p in _SENTENCE_END.split(text) if p]
        if len(parts) >= 2:
            authors_text, title = parts[0], parts[1]
    authors, et_al = split_authors(authors_text) if authors_text.strip() else ((), False)
    if mla := _MLA_AUTHORS.fullmatch(re.sub(r",?\s+et\s+al\.?$", "", authors_text.strip(" .,"))):
        others = re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", mla["others"] or "")
        authors = (mla["last"], *(o.split()[-1] for o in others if o.strip()))
    title = re.sub(rf"\s*\((?:{_CODE})\)\s*$", "", title.strip(" .,"))
    title, institution = _without_description(title)
    if not title.strip() and (follows := re.match(r"\s*\[[^\]]{2,100}\]", rest)):
        rest = rest[follows.end() :]  # '"Title" [Preprint]. arXiv.'
        institution = institution or _without_description(follows.group(0))[1]
    venue = ""
    rest = rest.lstrip(" ,.;:'’”\"")
    if rest and not _is_body(" ".join(authors)) and (found := _VENUE.match(rest)):
        candidate = found.group("venue").strip()
        if not re.match(
            r"(?:https?|doi|Retrieved|Available|Accessed|Published)\b", candidate, re.I
        ):
            venue = candidate
    venue = venue or institution
    body = authors if len(authors) == 1 and _is_body(authors[0]) else ()
    return CitedWork(
        title=title,
        authors=() if body else authors,
        et_al=et_al,
        year=year,
        url=url,
        venue=venue,
        body=body,
        code=_guideline_code(text),
        pmcid=_first(_PMCID, text).upper(),
        isbn=_isbn(text) if _ISBN.search(text) else "",
        doi=doi,
        arxiv=arxiv,
        pmid=pmid,
    )


# --- what a page says -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    url: str
    titles: tuple[str, ...]
    """The page's title, its citation title, and the parts of a "Title | Site" title."""
    authors: tuple[str, ...]
    """Structured authors (citation metadata, else the page's byline); empty when it has none."""
    years: frozenset[str]
    ids: frozenset[str]
    front: str
    """Folded title, metadata and front matter."""
    lead: str
    """The first lines of the page as written (where an issuing body or a court is named)."""
    structured: bool
    """Whether the record comes with citation metadata (else the front matter stands in)."""
    complete: bool = True
    """False for a search result: only its title and snippet are known."""
    aliases: frozenset[str] = field(default_factory=frozenset)
    """The URLs that lead to this record (asked for, and where a redirect ended)."""
    venues: tuple[str, ...] = ()
    """The journal or conference its metadata names."""


def record_of(document: Document, aliases: set[str] | None = None) -> Record:
    meta = document.metadata
    title = meta.title or document.title or meta.og.get("title", "")
    titles = _title_variants([t for t in (meta.title, document.title) if t] or [title])
    head = document.text[:FRONT_CHARS]
    byline = meta.byline or ""
    authors = tuple(meta.authors) or (split_authors(byline)[0] if byline else ())
    front = fold(" ".join([*titles, " ".join(meta.authors), byline, meta.journal or "", head]))
    years = _dated_years(meta.date or "", title, head)
    raw = f"{document.url} {meta.doi or ''} {head}"
    ids = _ids(raw)
    return Record(
        url=document.url,
        titles=tuple(titles),
        authors=authors,
        years=frozenset(years),
        ids=frozenset(i.rstrip(".") for i in ids),
        front=front,
        lead="\n".join(t for t in (*titles, byline, head[:1500]) if t),
        structured=bool(meta.authors or meta.title),
        aliases=frozenset({document.url, *(aliases or set())}),
        venues=tuple(v for v in (meta.journal,) if v),
    )


_DATED = re.compile(
    r"^.*\b(?:published|issued|decided|updated|dated|date|argued|filed|posted|released)\b.*$",
    re.I | re.M,
)


def _dated_years(date: str, title: str, head: str) -> set[str]:
    """The years a page gives as its own date: its metadata date, else a year in its title,
    else the years on its dated lines ("Published 14 March 2021"), else any year near its top."""
    for source in (date, title, " ".join(_DATED.findall(head[:FRONT_CHARS]))):
        if years := set(_YEAR.findall(source)):
            return years
    return set(_YEAR.findall(head[:1500]))


def _ids(text: str) -> set[str]:
    """The identifiers a text shows: DOIs, arXiv ids, PMIDs, PMCIDs (lower case) and ISBNs
    (digits only)."""
    ids = {f.lower() for p in (_DOI, _ARXIV, _PMID, _PMCID) for f in p.findall(text)}
    return ids | {re.sub(r"[^\dX]", "", f) for f in _ISBN.findall(text)}


def record_of_result(result: SearchResult) -> Record:
    text = f"{result.title} {result.snippet}"
    ids = _ids(f"{result.url} {text}")
    return Record(
        url=result.url,
        titles=tuple(_title_variants([result.title])),
        authors=(),
        years=frozenset(_YEAR.findall(text)),
        ids=frozenset(ids),
        front=fold(text),
        lead=text,
        structured=False,
        complete=False,
        aliases=frozenset({result.url}),
    )


def _title_variants(titles: list[str]) -> list[str]:
    variants: list[str] = []
    for title in titles:
        variants.append(title)
        variants += [p for p in re.split(r"\s+[|–—-]\s+", title) if p and p != title]
    return list(dict.fromkeys(v.strip() for v in variants if v.strip()))


# --- matching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    record: Record
    mismatches: list[str]
    unconfirmed: list[str]
    """Details a search result is too short to show (neither confirmed nor contradicted)."""

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.unconfirmed


def compare(work: CitedWork, record: Record, cited_urls: set[str]) -> Match:
    """Every detail of `work` against `record`: what disagrees, and what cannot be seen."""
    bad: list[str] = []
    unseen: list[str] = []

    def check(name: str, shown: bool | None) -> None:
        """`shown` False: contradicted; None: a search result too short to tell; a complete
        record that does not show a cited detail contradicts it."""
        if shown is False or (shown is None and record.complete):
            bad.append(name)
        elif shown is None:
            unseen.append(name)

    def seen(shown: bool) -> bool | None:
        return True if shown else None

    if work.url and not (work.doi or work.arxiv or work.pmid or work.pmcid):
        check(f"link {work.url}", bool(record.aliases & cited_urls))
    identifiers = (
        ("DOI", work.doi),
        ("arXiv id", work.arxiv),
        ("PMID", work.pmid),
        ("PMCID", work.pmcid.lower()),
        ("ISBN", work.isbn),
    )
    for kind, value in identifiers:
        if value:
            check(f"{kind} {value}", seen(value in record.ids))
    if work.title:
        check(f"title {work.title!r}", _title_ok(work.title, record))
    if work.authors:
        check(f"authors {', '.join(work.authors)}", _authors_ok(work, record))
    if work.year:
        check(f"year {work.year}", seen(work.year in record.years))
    if work.venue:
        check(f"venue {work.venue}", seen(_venue_ok(work.venue, record)))
    if work.parties:
        check(f"parties {' v. '.join(work.parties)}", _parties_ok(work.parties, record))
    if work.reporters:  # parallel citations too: each one is a detail the citation gives
        shown = all(fold(r) in record.front for r in work.reporters)
        check(f"reporter {'; '.join(work.reporters)}", seen(shown))
    if work.court:
        texts = [*record.titles, record.lead]
        eu = eu_court_shown(work.court, work.reporters, texts)
        shown = eu if eu is not None else court_shown(work.court, texts)
        check(f"court {work.court}", seen(shown))
    if work.section:
        check(f"section {work.statute_code} § {work.section}", seen(_statute_ok(work, record)))
    if work.body:
        check(f"issuing body {' / '.join(work.body)}", _body_ok(work.body, record))
    if work.code:
        check(f"code {work.code}", seen(_code_shown(work.code, record)))
    if work.act:
        check(f"act {work.act!r}", seen(_act_ok(work.act, record)))
    if work.topic:
        topic = [w for w in fold(work.topic).split() if w not in _STOP]
        check(f"topic {work.topic!r}", seen(_covers(topic, record.front.split())))
    if work.product:
        check(f"product {work.product!r}", seen(_product_ok(work.product, record)))
    if work.edition:
        check(f"edition {work.edition}", seen(_edition_ok(work.edition, record)))
    if work.work:
        shown = _title_ok(work.work, record) or _venue_ok(work.work, record)
        check(f"title or venue {work.work!r}", seen(shown))
    if work.issuer:
        check(f"issuer {work.issuer}", seen(_issuer_ok(work, record)))
    if work.instrument:
        check(f"{work.instrument} {'; '.join(work.reporters)}", seen(_instrument_ok(work, record)))
    if work.unread:
        words = record.front.split()
        missing = [w for w in work.unread if not any(_unread_shown(w, x) for x in words)]
        check(f"unread words {' '.join(missing)!r}", None if missing else True)
    return Match(record, bad, unseen)


def _unread_shown(word: str, shown: str) -> bool:
    """An unread word of a citation on the record: the same word (the typo rule allowed), or,
    written with a period, the start of a record word ("Proc." for "Proceedings")."""
    if word.endswith("."):
        stem = word[:-1]
        return _same_word(stem, shown) or (len(stem) >= 3 and shown.startswith(stem))
    return _same_word(word, shown)


def _product_ok(product: str, record: Record) -> bool:
    """A drug label's product as cited (name, strength, form): every word in the record's
    title or first lines, numbers exactly."""
    wanted = [w for w in fold(product).split() if w not in _STOP]
    lines = [*record.titles, *record.lead.splitlines()[:5]]
    return any(_covers(wanted, fold(line).split()) for line in lines)


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")  # fmt: skip


def _edition_ok(edition: str, record: Record) -> bool:
    """The cited edition is the one the record names ("7th edition", "Seventh Edition",
    "Edition 7", "7th ed.")."""
    number = int(edition)
    word = _ORDINALS[number - 1] if 0 < number <= len(_ORDINALS) else "-"
    pattern = (
        rf"\b(?:{number}(?:st|nd|rd|th)?|{word})\s+(?:ed|edn|edition)\b|\bedition\s+{number}\b"
    )
    return bool(re.search(pattern, record.front))


def _issuer_ok(work: CitedWork, record: Record) -> bool:
    """The institution a law or rule is cited as made by, named where the record names the
    instrument: in its title, or on the line of its first lines that gives its number."""
    wanted = [w for w in fold(work.issuer).split() if w not in _STOP]
    numbers = [fold(r) for r in work.reporters] + ([fold(work.section)] if work.section else [])
    lines = [fold(t) for t in (*record.titles, *record.lead.splitlines()[:12])]
    naming = [line for line in lines if any(n and n in line for n in numbers)] or lines[:2]
    return any(_covers(wanted, line.split()) for line in naming)


def _instrument_ok(work: CitedWork, record: Record) -> bool:
    """The record names the act by the kind cited, right before its number ("Directive (EU)
    2019/770", "Regulation No 1187/2020"): the number alone may belong to another kind of act."""
    texts = [*record.titles, record.lead]
    for number in work.reporters:
        pattern = (
            rf"\b{re.escape(work.instrument)}\s+(?:\((?:EU|EC|EEC|Euratom)\)\s+)?"
            rf"(?:No\.?\s+)?{re.escape(number)}(?![\d/])"
        )
        if any(re.search(pattern, text, re.I) for text in texts):
            return True
    return False


def _title_ok(title: str, record: Record) -> bool:
    cited = [w for w in fold(title).split() if w not in _STOP]
    if not cited:
        return True
    for shown in record.titles:
        words = [w for w in fold(shown).split() if w not in _STOP]
        if words and _covers(cited, words) and _covers(words, cited, slack=0.15):
            return True
        if _short_title(cited, words):
            return True
        head = fold(shown).split(":")[0] if ":" in shown else ""
        head_words = [w for w in fold(shown.split(":")[0]).split() if w not in _STOP]
        if head and _covers(cited, head_words) and _covers(head_words, cited):
            return True  # the subtitle left out
    if not record.structured:
        return fold(title) in record.front
    return False


SHORT_TITLE_WORDS = 3


def _short_title(cited: list[str], shown: list[str]) -> bool:
    """A short title: the record's title cut after its first words (at least three, and at
    least half of it), each word as shown ("Sparse Mixture Routing" for "Sparse Mixture Routing
    under Memory Budgets"); a changed word is still a different title."""
    return (
        SHORT_TITLE_WORDS <= len(cited) < len(shown)
        and 2 * len(cited) >= len(shown)
        and all(_same_word(a, b) for a, b in zip(cited, shown, strict=False))
    )


def _covers(wanted: list[str], shown: list[str], slack: float = 0.0) -> bool:
    """Every word of `wanted` is in `shown` (allowing `slack` of them, never a number, to be
    missing), each matched to its own word."""
    free = list(shown)
    missing = 0
    for word in wanted:
        hit = next((i for i, w in enumerate(free) if _same_word(word, w)), None)
        if hit is None:
            if word.isdigit():
                return False
            missing += 1
        else:
            free.pop(hit)
    return missing <= int(slack * len(wanted))


def _surname(author: str) -> str:
    """The surname of a structured author ("Okafor, Chidi" or "Chidi Okafor")."""
    if "," in author:
        return author.split(",")[0]
    words = author.split()
    return author if _is_body(author) or len(words) < 2 else words[-1]


def _authors_ok(work: CitedWork, record: Record) -> bool | None:
    if len(work.authors) == 1 and _is_body(work.authors[0]):
        return _body_ok(work.authors, record)
    if record.authors:
        names = [fold(_surname(a)) for a in record.authors]
        cited = [fold(a) for a in work.authors]
        if len(cited) > len(names):
            return False
        if not all(_same_name(c, n) for c, n in zip(cited, names, strict=False)):
            return False
        return work.et_al or len(cited) == len(names)
    words = record.front.split()
    shown = all(any(_same_name(fold(a), w) for w in words) for a in work.authors)
    return True if shown else (None if not record.complete else False)


def _same_name(cited: str, shown: str) -> bool:
    a, b = cited.split(), shown.split()
    return bool(a) and bool(b) and _same_word(a[-1], b[-1])


def _body_ok(body: tuple[str, ...], record: Record) -> bool | None:
    """An issuing body, by any of the names cited (its name, its acronym), among the authors or
    in the front matter; an acronym also where a run of capitalised words spells it."""
    texts = [fold(a) for a in record.authors] + [record.front]
    written = " ".join([*record.authors, *record.titles, record.lead])
    for name in [*body, *_without_country(body, record)]:
        folded = fold(name)
        if initialism(name.strip(" .")) and name.strip(" .").isupper():
            acronym = re.escape(name.strip(" ."))  # "WHO" as written, not the word "who"
            if re.search(rf"(?<![\w/-]){acronym}(?![\w-])", written):
                return True
        elif any(folded and (folded in t.split() or f" {folded} " in f" {t} ") for t in texts):
            return True
        if letters := initialism(name.strip(" .").replace("/", "").replace("&", "")):
            spelled = [*record.authors, *record.titles, record.lead]
            if any(_spells(letters.split("/")[0], text) for text in spelled):
                return True
    return None if not record.complete else False


_COUNTRY = re.compile(r"^(?P<country>U\.?S\.?|U\.?K\.?|E\.?U\.?)\s+(?P<rest>\S.*)$")
_COUNTRY_NAMES = {"us": "united states", "uk": "united kingdom", "eu": "european union"}


def _without_country(body: tuple[str, ...], record: Record) -> list[str]:
    """A body's name without the country written before it ("U.S. Food and Drug
    Administration"), where the record names that country itself: pages often give the agency's
    name with the country elsewhere ("U.S. Department of Health and Human Services, Food and
    Drug Administration")."""
    out = []
    for name in body:
        if found := _COUNTRY.match(name.strip()):
            letters = re.sub(r"\W", "", found["country"]).lower()
            names = (" ".join(letters), _COUNTRY_NAMES[letters], *([letters] * (letters != "us")))
            shown = any(f" {n} " in f" {record.front} " for n in names)  # not the word "us"
            if shown and _is_body(found["rest"]):
                out.append(found["rest"])
    return out


_NAME_RUN = re.compile(
    r"[^\W\d_][\w'’-]+(?:\s+(?:(?:of|for|and|on|the|in|&)\s+)*[^\W\d_][\w'’-]+)+"
)


def _spells(letters: str, text: str) -> bool:
    """Whether a run of capitalised words in `text` has `letters` as its initials."""
    for run in _NAME_RUN.findall(text):
        words = [w for w in run.split() if w[0].isupper()]
        for start in range(len(words)):
            initials = "".join(w[0] for w in words[start : start + len(letters)]).lower()
            if initials == letters and len(words) - start >= len(letters):
                return True
    return False


def _code_shown(code: str, record: Record) -> bool:
    """A guideline code on the page, spaced or hyphenated either way ("GL-17", "GL 17",
    "GL17"); a bare number only as a numbered guideline ("No. 388", "Guideline 162")."""
    parts = [p for p in re.split(r"[\W_]+", code) if p]
    if code.isdigit():
        pattern = rf"(?:\bno|\bnumber|guidelines?|guidance|policy|statement|bulletin|[A-Z]{{2,}})\W{{0,3}}{code}\b"
        return any(re.search(pattern, t, re.I) for t in (*record.titles, record.lead))
    pieces = [piece for part in parts for piece in re.findall(r"[A-Za-z]+|\d+", part)]
    pattern = r"(?<![A-Za-z0-9])" + r"[\s\-‐–/.]?".join(map(re.escape, pieces)) + r"(?![0-9])"
    if spelled := re.fullmatch(r"([A-Za-z]{2,3})[\s\-‐–]?(\d{1,5})", code):
        letters, number = spelled.groups()  # "CG54": "Clinical Guideline No. 54"
        words = r"\w*\s+".join(letters) + r"\w*\s+(?:No\.?\s*|Number\s+|#\s*)?"
        pattern = rf"{pattern}|\b{words}{number}(?![0-9])"
    return any(re.search(pattern, t, re.I) for t in (*record.titles, record.lead))


def _venue_ok(venue: str, record: Record) -> bool:
    """The cited journal or conference among the record's venues or in its front matter: in
    full, abbreviated (ISO 4 / NLM) or by its initials; "Name (ACRONYM)" by either."""
    if named := re.fullmatch(r"(?P<name>.+?)\s*\((?P<acronym>[A-Za-z]{2,12})\)", venue):
        return _venue_ok(named["name"], record) or _venue_ok(named["acronym"], record)
    candidates = [*record.venues, *record.titles, *record.lead.splitlines()[:40]]
    for text in candidates:
        words = [w for w, _ in tokens(text)]
        size = len([w for w, _ in tokens(venue)])
        for start in range(len(words)):
            for length in range(max(1, size), min(len(words) - start, size + 6) + 1):
                if venue_matches(venue, " ".join(words[start : start + length])):
                    return True
    letters = initialism(venue.strip())
    return bool(letters and any(_spells(letters, text) for text in candidates))


def _act_ok(act: str, record: Record) -> bool:
    """A statute's or an instrument's short title (and year) in the page's title or first
    lines; a title cited by its initials ("ECHR") where a run of words there spells them."""
    wanted = [w for w in fold(act).split() if w not in _STOP]
    lines = [*record.titles, *record.lead.splitlines()[:5]]
    if (letters := initialism(act)) and any(_spells(letters, line) for line in lines):
        return True
    return any(_covers(wanted, [w for w in fold(line).split() if w not in _STOP]) for line in lines)


def _statute_ok(work: CitedWork, record: Record) -> bool:
    """The section number on the page, and the code it belongs to named there in any standard
    form ("U.S.C.", "U.S. Code", "United States Code"; "C.R.S.", "Colo. Rev. Stat.", "Colorado
    Revised Statutes"), with the title number where one is cited."""
    section = fold(work.section)
    if f" {section} " not in f" {record.front} ":
        return False
    if work.statute_title and f" {work.statute_title} " not in f" {record.front} ":
        return False
    if not work.statute_code:
        return True
    cited = _code_letters(work.statute_code)
    texts = [*record.titles, record.lead]
    for text in texts:
        for run in re.findall(r"(?:[A-Z][\w'’]*\.?\s*){1,8}", text):
            if _code_letters(run.strip()) == cited:
                return True
    return False


def _code_letters(code: str) -> str:
    """A code's name reduced to the initials of its words written out, without "Annotated" and
    a publisher: "Colo. Rev. Stat. Ann." and "C.R.S." and "Colorado Revised Statutes" -> crs."""
    code = re.sub(r"\b(?:Ann\.|Annotated|West|LexisNexis|Lexis|Supp\.)", " ", code)
    if letters := initialism(code):
        return letters
    words = [w for w in expanded(code) if not w.isdigit()]
    return initials(words)


def _parties_ok(parties: tuple[str, ...], record: Record) -> bool | None:
    """Each party's words (but a corporate suffix) on its own side of the "v." of the record's
    case name (in its title, else its front matter), so reversed parties do not match;
    abbreviations as in The Bluebook's T6 ("Auth." for Authority) are the words they stand for.
    A case named by one party ("In re Marriage of Castellanos") by that name's words."""
    wanted = [
        [w for w in tokens(p) if w[0] not in _STOP and w[0] not in _CORPORATE] for p in parties
    ]
    texts = [*record.titles, record.lead[:2000]]
    if len(wanted) == 1:
        shown = any(_shows_words(wanted[0], tokens(t)) for t in texts)
        return True if shown else (None if not record.complete else False)
    for text in texts:
        sides = re.split(r"\s+v\.?\s+", text, maxsplit=1)
        if len(sides) < 2:
            continue
        if _shows_words(wanted[0], tokens(sides[0])[-12:]) and _shows_words(
            wanted[1], tokens(sides[1])[:12]
        ):
            return True
    return None if not record.complete else False


_CORPORATE = {
    "inc",
    "co",
    "corp",
    "llc",
    "llp",
    "ltd",
    "plc",
    "lp",
    "l.p",
    "n.a",
    "p.c",
    "p.a",
    "s.a",
}


def _shows_words(words: list[tuple[str, bool]], shown: list[tuple[str, bool]]) -> bool:
    """Each word among `shown`, spelled alike or abbreviated, each on a word of its own (exact
    matches first)."""
    free = list(shown)
    for exact in (True, False):
        for word in [w for w in words if any(w[0] == x[0] for x in shown) is exact]:
            hit = next(
                (
                    i
                    for i, x in enumerate(free)
                    if _same_word(word[0], x[0]) or same_or_abbreviated(word, x)
                ),
                None,
            )
            if hit is None:
                return False
            free.pop(hit)
    return True
