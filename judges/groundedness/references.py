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

from rapidfuzz.distance import Levenshtein

from trustbench.judges.groundedness.types import Claim
from trustbench.retrieval.types import Document, SearchResult

FRONT_CHARS = 3000
"""How much of a page's text is its front matter (title block, authors, dates, identifiers)."""
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>,;]+)", re.I)
_ARXIV = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\s+)(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})", re.I)
_PMID = re.compile(r"(?:PMID:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/)(\d{5,9})", re.I)
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
}  # fmt: skip
_REPORTER = re.compile(r"\b(\d{1,4})\s+([A-Z][A-Za-z0-9.\s]{0,24}?)\s+(\d{1,5})\b")
_SECTION = re.compile(r"\b(\d+)\s+(U\.\s?S\.\s?C\.|C\.\s?F\.\s?R\.)\s*(?:§§?\s*)?([\w.\-]+)")


def fold(text: str) -> str:
    """Lower case, accents and punctuation gone, white space single."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).replace("_", " ").split())


def _same_word(a: str, b: str) -> bool:
    """Equal, or a typo apart: one edit in a word of five letters or more (two from twelve),
    the first letter kept; numbers exactly. "Northgate" is not "Southgate"."""
    if a == b:
        return True
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    allowed = 2 if min(len(a), len(b)) >= 12 else 1
    return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


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
    parties: tuple[str, ...] = ()
    reporter: str = ""
    section: str = ""
    """A statute as `<title> <code> <section>` (folded), e.g. `42 u s c 1983`."""
    code: str = ""
    """A guideline's number, e.g. NG136."""

    @property
    def identifying(self) -> bool:
        return any(
            (self.title, self.authors, self.doi, self.arxiv, self.pmid, self.url, self.parties)
        ) or any((self.reporter, self.section, self.code))


def cited_work(claim: Claim) -> CitedWork:
    """Everything the claim's fields (and the reference-list entry among them) say about the
    cited work."""
    f = claim.fields
    entry = parse_entry(f["citation"]) if f.get("citation") else CitedWork()
    reference = f.get("reference", "")
    authority = f.get("authority", "")
    urls = " ".join(filter(None, [claim.cited_url or "", f.get("url", ""), f.get("citation", "")]))
    authors, et_al = split_authors(f.get("authors", "")) if f.get("authors") else ((), False)
    if not authors and f.get("body"):
        authors = (f["body"],)
    elif not authors and authority and not _names_no_body(authority):
        body = re.sub(r"\s+[A-Z]{1,4}\d{1,4}$", "", authority).strip()
        authors = (body,) if body and not _DOI.search(body) else ()
    parties: tuple[str, ...] = ()
    reporter = section = ""
    if re.search(r"\sv\.?\s", reference):
        name = reference.split(",")[0]
        name = re.sub(r"\s*\((?:[^()]*\s)?(?:19|20)\d{2}\)$", "", name)
        parties = tuple(p.strip() for p in re.split(r"\s+v\.?\s+", name, maxsplit=1))
        if cite := _REPORTER.search(reference):
            reporter = fold(f"{cite.group(1)} {cite.group(2)} {cite.group(3)}")
    elif statute := _SECTION.search(reference):
        section = fold(statute.group(0))
    year = f.get("year", "")
    if not year and parties and (found := _YEAR.search(reference)):
        year = found.group(0)
    return CitedWork(
        title=f.get("title", "") or entry.title,
        authors=authors or entry.authors,
        et_al=et_al if authors else entry.et_al,
        year=_first_year(year) or entry.year,
        doi=_first(_DOI, urls) or entry.doi,
        arxiv=_first(_ARXIV, urls) or entry.arxiv,
        pmid=_first(_PMID, urls) or entry.pmid,
        url=claim.cited_url or entry.url,
        parties=parties or entry.parties,
        reporter=reporter or entry.reporter,
        section=section or entry.section,
        code=f.get("code", "") or _code_in(authority) or entry.code,
    )


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


def _guideline_code(entry: str) -> str:
    """A guideline number as an entry gives it: "(CS56)", "[NG28]", "guideline NG28"."""
    found = re.search(r"[(\[]([A-Z]{1,4}\d{1,4})[)\]]|\bguid\w*\s+([A-Z]{1,4}\d{1,4})\b", entry)
    return (found.group(1) or found.group(2)) if found else ""


def _code_in(text: str) -> str:
    found = re.search(r"\b([A-Z]{1,4}\d{1,4})\b", text)
    return found.group(1) if found else ""


def split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Surnames in order (or one body's name) from an author string in any common layout:
    "Smith, J., & Lee, K.", "Smith J, Lee K", "J. Smith and K. Lee", "Smith et al.",
    "World Health Organization", "National Institute for Health and Care Excellence (NICE)"."""
    et_al = bool(re.search(r"\bet\.?\s*al\b|\bothers\b", text))
    text = re.sub(r"\bet\.?\s*al\.?|\band others\b", " ", text).strip(" ,.;")
    if acronym := re.search(r"\(([A-Z][A-Za-z/]{1,9})\)", text):
        return (text[: acronym.start()].strip(" ,.") or acronym.group(1),), et_al
    if _is_body(text):
        return (text.strip(" ,."),), et_al
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


def _particle(words: list[str]) -> bool:
    return words[0].lower() in ("van", "von", "de", "der", "den", "del", "da", "di", "la", "le")


def _is_body(text: str) -> bool:
    words = fold(text).split()
    return bool(words) and (
        bool(_ORG_WORDS & set(words))
        or (len(words) == 1 and text.strip(" ,.").isupper() and len(text.strip(" ,.")) >= 2)
    )


_VANCOUVER = re.compile(
    r"^(?P<authors>(?:[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)*\s[A-Z]{1,3}(?:,\s+|\.\s+))+"
    r"(?:et al\.\s+)?)"
    r"(?P<title>.+?[^A-Z\s])\.(?:\s|$)"
)
"""Vancouver: "Lund A, Chowdhury F, Grey M. Title. Journal. 2019;34:501." """
_SENTENCE_END = re.compile(r"(?<=[\w\)])\.\s+(?=[A-Z0-9])")
_QUOTED = re.compile(r"[\"“]([^\"”]{4,300}?)[,.]?[\"”]")
_APA = re.compile(r"\(((?:19|20)\d{2})[a-z]?(?:,[^)]*)?\)\.?\s+(.+?[.?!])(?=\s|$)")


def parse_entry(entry: str) -> CitedWork:
    """A reference-list entry in APA, Vancouver, IEEE/MLA (quoted title), legal or guideline
    layout: its authors, year, title, identifiers and link."""
    text = " ".join(entry.split())
    ids = {
        "doi": _first(_DOI, text),
        "arxiv": _first(_ARXIV, text),
        "pmid": _first(_PMID, text),
    }
    url = next((w.strip(".,;()<>") for w in text.split() if w.startswith("http")), "")
    year = _first_year(text)
    if re.search(r"\sv\.?\s", text.split(",")[0]):
        name = text.split(",")[0]
        reporter = _REPORTER.search(text)
        return CitedWork(
            parties=tuple(p.strip() for p in re.split(r"\s+v\.?\s+", name, maxsplit=1)),
            reporter=fold(" ".join(reporter.groups())) if reporter else "",
            year=year,
            url=url,
        )
    title, authors_text = "", ""
    if quoted := _QUOTED.search(text):
        title, authors_text = quoted.group(1), text[: quoted.start()]
    elif apa := _APA.search(text):
        title, authors_text = apa.group(2), text[: apa.start()]
    elif vancouver := _VANCOUVER.match(text):
        authors_text, title = vancouver.group("authors"), vancouver.group("title")
    else:  # a body or a single name, then the title: "World Health Organization. Title. 2021."
        parts = [p for p in _SENTENCE_END.split(text) if p]
        if len(parts) >= 2:
            authors_text, title = parts[0], parts[1]
    authors, et_al = split_authors(authors_text) if authors_text.strip() else ((), False)
    title = re.sub(r"\s*\((?:[A-Z]{1,4}\d{1,4})\)\s*$", "", title.strip(" .,"))
    return CitedWork(
        title=title,
        authors=authors,
        et_al=et_al,
        year=year,
        url=url,
        code=_guideline_code(text),
        **ids,
    )


# --- what a page says -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    url: str
    titles: tuple[str, ...]
    """The page's title, its citation title, and the parts of a "Title | Site" title."""
    authors: tuple[str, ...]
    """Structured authors (citation metadata); empty when the page has none."""
    years: frozenset[str]
    ids: frozenset[str]
    front: str
    """Folded title, metadata and front matter."""
    lead: str
    """The first lines of the page as written (where an issuing body is named in full)."""
    structured: bool
    """Whether the record comes with citation metadata (else the front matter stands in)."""
    complete: bool = True
    """False for a search result: only its title and snippet are known."""
    aliases: frozenset[str] = field(default_factory=frozenset)
    """The URLs that lead to this record (asked for, and where a redirect ended)."""


def record_of(document: Document, aliases: set[str] | None = None) -> Record:
    meta = document.metadata
    title = meta.title or document.title or meta.og.get("title", "")
    titles = _title_variants([t for t in (meta.title, document.title) if t] or [title])
    head = document.text[:FRONT_CHARS]
    front = fold(" ".join([*titles, " ".join(meta.authors), meta.journal or "", head]))
    years = _dated_years(meta.date or "", title, head)
    raw = f"{document.url} {meta.doi or ''} {head}"
    ids = {found.lower() for pattern in (_DOI, _ARXIV, _PMID) for found in pattern.findall(raw)}
    return Record(
        url=document.url,
        titles=tuple(titles),
        authors=tuple(meta.authors),
        years=frozenset(years),
        ids=frozenset(i.rstrip(".") for i in ids),
        front=front,
        lead=head[:1500],
        structured=bool(meta.authors or meta.title),
        aliases=frozenset({document.url, *(aliases or set())}),
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


def record_of_result(result: SearchResult) -> Record:
    text = f"{result.title} {result.snippet}"
    ids = {f.lower() for p in (_DOI, _ARXIV, _PMID) for f in p.findall(f"{result.url} {text}")}
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

    def check(name: str, verdict: bool | None) -> None:
        if verdict is False:
            bad.append(name)
        elif verdict is None:
            unseen.append(name)

    if work.url and not (work.doi or work.arxiv or work.pmid):
        check(f"link {work.url}", bool(record.aliases & cited_urls))
    for kind, value in (("DOI", work.doi), ("arXiv id", work.arxiv), ("PMID", work.pmid)):
        if value:
            check(
                f"{kind} {value}", value in record.ids or (None if not record.complete else False)
            )
    if work.title:
        check(f"title {work.title!r}", _title_ok(work.title, record))
    if work.authors:
        check(f"authors {', '.join(work.authors)}", _authors_ok(work, record))
    if work.year:
        shown = work.year in record.years
        check(f"year {work.year}", True if shown else (None if not record.complete else False))
    if work.parties:
        check(f"parties {' v. '.join(work.parties)}", _parties_ok(work.parties, record))
    for name, value in (("reporter", work.reporter), ("section", work.section)):
        if value:
            check(
                f"{name} {value}", value in record.front or (None if not record.complete else False)
            )
    if work.code:
        shown = fold(work.code) in record.front.split()
        check(f"code {work.code}", True if shown else (None if not record.complete else False))
    return Match(record, bad, unseen)


def _title_ok(title: str, record: Record) -> bool:
    cited = [w for w in fold(title).split() if w not in _STOP]
    if not cited:
        return True
    for shown in record.titles:
        words = [w for w in fold(shown).split() if w not in _STOP]
        if words and _covers(cited, words) and _covers(words, cited, slack=0.15):
            return True
        head = fold(shown).split(":")[0] if ":" in shown else ""
        head_words = [w for w in fold(shown.split(":")[0]).split() if w not in _STOP]
        if head and _covers(cited, head_words) and _covers(head_words, cited):
            return True  # the subtitle left out
    if not record.structured:
        return fold(title) in record.front
    return False


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
        return _body_ok(work.authors[0], record)
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


def _body_ok(body: str, record: Record) -> bool | None:
    """An issuing body, by name or acronym, among the authors or in the front matter."""
    folded = fold(body)
    texts = [fold(a) for a in record.authors] + [record.front]
    if any(folded and folded in t.split() or f" {folded} " in f" {t} " for t in texts):
        return True
    if body.strip(" .").replace("/", "").isupper():
        letters = body.strip(" .").split("/")[0].lower()
        if any(_spells(letters, text) for text in [*record.authors, *record.titles, record.lead]):
            return True
    return None if not record.complete else False


_NAME_RUN = re.compile(r"[A-Z][\w'’-]+(?:\s+(?:(?:of|for|and|on|the)\s+)*[A-Z][\w'’-]+)+")


def _spells(letters: str, text: str) -> bool:
    """Whether a run of capitalised words in `text` has `letters` as its initials."""
    for run in _NAME_RUN.findall(text):
        initials = "".join(w[0] for w in run.split() if w[0].isupper()).lower()
        if initials == letters:
            return True
    return False


def _parties_ok(parties: tuple[str, ...], record: Record) -> bool | None:
    """Each party's first words on its own side of the "v." of the record's case name (in its
    title, else its front matter), so reversed parties do not match."""
    wanted = [[w for w in fold(p).split() if w not in _STOP][:3] for p in parties]
    for text in [*record.titles, record.front[:2000]]:
        sides = re.split(r"\s+v\s+", fold(text), maxsplit=1)
        if len(sides) < 2 or len(wanted) < 2:
            continue
        if _shows_words(wanted[0], sides[0].split()[-12:]) and _shows_words(
            wanted[1], sides[1].split()[:12]
        ):
            return True
    return None if not record.complete else False


def _shows_words(words: list[str], shown: list[str]) -> bool:
    return all(any(_same_word(w, x) for x in shown) for w in words)
