"""One citation's worth of a parenthesis, its pieces in any order: authors or an issuing body,
year or date, quoted or emphasised title, venue, edition, a guideline's code, a drug label's
product and labeller, identifiers, and locators (pages, paragraphs, sections, articles), or a
whole reference written inline (Vancouver, APA, a body's guideline).

Every piece read is reported: the details (checked against the record) in `ident`, and what is
read but not checked (pages, a volume and issue, a publisher) in the reading's `read` list, so
the coverage check (`coverage`) sees what was left."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import regex as re

from trustbench.judges.groundedness.claims import link_for
from trustbench.judges.groundedness.coverage import unread_in_entry
from trustbench.judges.groundedness.patterns import (
    AUTHORS,
    BODY,
    CODE,
    GUIDE,
    NAME,
    NOT_AUTHORS,
    ORG_WORDS,
    PARTICLE,
    SIGNAL,
    WORD,
    YEAR,
)
from trustbench.judges.groundedness.reference_list import ReferenceList, entry_fields, entry_for
from trustbench.judges.groundedness.references import parse_entry

Kind = Literal[
    "url",
    "link",
    "doi",
    "arxiv",
    "pmid",
    "case",
    "statute",
    "guideline",
    "label",
    "author_year",
    "numbered",
]

_QUOTED_TITLE = re.compile(
    r"[\"“](?P<title>[^\"”]{4,300})[\"”]|(?<![\p{L}\p{N}])['‘](?P<single>[^'’]{4,300}?)[,.]?['’](?![\p{L}])"
)
IDENTIFIER = re.compile(
    r"https?://[^\s<>\"']+|(?:doi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+|arxiv:\s*(?:[a-z\-]+/\d{7}|"
    r"\d{4}\.\d{4,5})(?:v\d+)?|PMID:?\s*\d{5,9}|PMCID:?\s*PMC\d{5,9}|\bPMC\d{5,9}\b",
    re.I,
)
ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*(?P<isbn>(?:\d[\s-]?){9,12}[\dX])\b")
_LOCATOR = re.compile(
    r"(?:,\s*|^|\s)(?:(?:p|pp|para|paras|ch|chap|fig|figs|sec|secs|s|ss|art|arts|vol|no|n|fn|cl)\."
    r"|[Pp]aras?|[Ss]ections?|[Aa]rticles?|[Aa]rt|[Cc]hapter|[Pp]age|[Pp]ages|¶¶?|§§?|at)"
    r"\s*\[?\d[\w.]*\]?(?:\s*[-–,]\s*\[?\d[\w.]*\]?)*(?=,|$|\s)"
)
"""Pages, paragraphs, sections and articles within the cited work: read, never checked."""
_VOLUME = re.compile(
    rf"(?<=\b{YEAR}[a-z]?)\s*[;:]\s*\d[\w()\-–:]*|,?\s*\b\d{{1,4}}\s*\(\s*[\w-]{{1,8}}\s*\)(?::\s*[\d–-]+)?"
)
"""A journal's "2023;72(RR-4):1–18" or "9(1)": volume, issue and pages."""
_EDITION = re.compile(
    r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\s+(?:ed\.?|edn\.?|edition)(?=,|$|\s)|"
    r"\b(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+"
    r"(?:ed\.?|edition)(?=,|$|\s)",
    re.I,
)
EDITION_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
)  # fmt: skip
_DATE = re.compile(
    rf"(?:\d{{1,2}}\s+)?(?:January|February|March|April|May|June|July|August|September|October|"
    rf"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
    rf"(?:\s+\d{{1,2}},?)?\s+(?P<year>{YEAR})|(?P<iso>{YEAR})-\d{{2}}-\d{{2}}"
)
_UNDATED = re.compile(r"n\.d\.|in press|forthcoming|under review", re.I)
LABEL = re.compile(
    r"\[?\b(?:SmPC|SPC|PIL|USPI|PI|[Pp]rescribing [Ii]nformation|[Pp]ackage [Ii]nsert|"
    r"[Pp]roduct [Mm]onograph|[Ss]ummary of [Pp]roduct [Cc]haracteristics|[Pp]atient "
    r"[Ii]nformation [Ll]eaflet|[Pp]roduct [Ii]nformation|[Dd]rug [Ll]abel|[Pp]ackage [Ll]eaflet)"
    r"\b\]?"
)
"""The kinds of drug label a product is cited by."""
COMPANY = (
    r"(?:Inc|Ltd|LLC|plc|PLC|AB|AG|GmbH|S\.A|SA|NV|BV|Corp|Pharma|Pharmaceuticals?|"
    r"Therapeutics|Laboratories|Labs|Biosciences|Biotech|Biologics|Healthcare|Biopharma)\.?"
)
_COMPANY_END = re.compile(rf"\b{COMPANY}$")
_SUFFIX_CHUNK = re.compile(r"(?:Inc|Ltd|LLC|plc|PLC|AB|AG|GmbH|S\.A|SA|NV|BV|Corp|Co)\.?")
_SERIES = re.compile(
    r"(?P<series>.+?\b(?:Working|Discussion|Technical|Research|Occasional|Policy|Staff)\s+"
    r"(?:Papers?|Reports?|Notes?|Briefs?))\s+(?:No\.?\s*)?(?P<number>[\w.-]*\d[\w.-]*)"
)
_HEAD_AUTHORS = re.compile(
    rf"(?P<authors>(?:{PARTICLE}\s+)*{WORD}(?:,\s+(?:{PARTICLE}\s+)*{WORD})*"
    rf"(?:,?\s+(?:and|&)\s+(?:{PARTICLE}\s+)*{WORD})?(?:,?\s+et\s+al\.?)?)(?=,|\s+{YEAR}|$)"
)
"""A list of surnames with "and", "&" or "et al." (Chicago's "A, B, and C 2019")."""
_VANCOUVER_AUTHORS = re.compile(
    rf"^(?:{PARTICLE}\s+)*{WORD}(?:\s+{WORD})?\s+\p{{Lu}}{{1,3}}"
    rf"(?:,\s+(?:{PARTICLE}\s+)*{WORD}(?:\s+{WORD})?\s+\p{{Lu}}{{1,3}})*(?:,?\s+et\s+al)?\.\s"
)
_APA_HEAD = re.compile(rf"^[^()]{{2,160}}?\(\s*{YEAR}[a-z]?\s*\)\.?\s+\S")
_DOTTED = re.compile(rf"^[^.]{{3,120}}\.\s+\p{{Lu}}[^.]{{3,300}}\.\s+\S.*\b{YEAR}\b")
_PUBLISHER = re.compile(
    r"(?:^|(?<=\.\s))(?:[\p{Lu}][\p{L} ]+:\s*[^.;,]+|[^.;,]*\b(?:Press|Publishing|Publishers|"
    r"Books|Verlag|Editions)\b)(?=[.;,]|$)"
)
_GUIDELINE_CODE = re.compile(
    rf"(?P<body>{BODY})\s+(?:{GUIDE}\s+)?(?:[Nn]o\.\s*)?(?P<code>(?!{YEAR}\b){CODE}|\p{{Lu}}{{1,6}}\s\d{{1,5}})"
)
_JOINED_CODE = re.compile(
    r"(?P<body>\p{Lu}{3,9})(?P<code>(?:/[\p{Lu}\d][\p{Lu}\p{N}]*)+/\d+(?:\.\d+)*|-\p{Lu}{1,3}\d{2,4})"
)
"""A document code joined to its body: "WFRH/RH/19.3", "ACTM-G12"."""
_BODY_TITLE = re.compile(rf"(?P<body>{BODY})\s+(?P<title>\p{{Lu}}[^,]{{3,200}})")


@dataclass
class Reading:
    kind: Kind
    url: str | None
    ident: dict[str, str]
    read: list[str] = field(default_factory=list)


def read_part(
    part: str,
    references: ReferenceList,
    italic: frozenset[str] | set[str] = frozenset(),
    final: bool = True,
) -> Reading | None:
    """One citation's worth of a parenthesis (`part`), or None when it is no citation in a
    layout read here. `italic`: the texts the answer emphasised inside it; `final`: whether the
    parenthesis ends its sentence (where a bare document code is a citation, not a gene name)."""
    read: list[str] = []
    text = " ".join(part.split()).strip(" ,;")
    if signal := SIGNAL.match(text):
        read.append(signal.group(0))
        text = text[signal.end() :].strip(" ,")
    if not text:
        return None
    if (label := _label(text, read)) is not None:
        return label
    if _full_reference(text):
        return _inline_entry(text, read)
    ident: dict[str, str] = {}
    text = _take_title(text, ident)
    url, text = _take_identifiers(text, ident, read)
    text = _take(text, _LOCATOR, read)
    text = _take(text, _VOLUME, read)
    text = re.sub(rf"\s*\(({YEAR}[a-z]?)\)", r", \1", text)  # "NCSC NG58 (2022)"
    if edition := _EDITION.search(text):
        ident["edition"] = edition["n"] or str(EDITION_WORDS.index(edition["word"].lower()) + 1)
        read.append(edition.group(0))
        text = (text[: edition.start()] + text[edition.end() :]).strip(" ,")
    if acronym := re.search(r"\s*\[(\p{Lu}[\p{Lu}&]{1,9})\]", text):  # "… Organization [WHO]"
        ident["acronym"] = acronym.group(1)
        text = text[: acronym.start()] + text[acronym.end() :]
    if _VANCOUVER_AUTHORS.match(text + " "):
        return _inline_entry(text, read, ident, url)
    pieces = _Pieces()
    if (head := _HEAD_AUTHORS.match(text)) and re.search(r"\band\b|&|\bet al\b", head["authors"]):
        pieces.authors = head["authors"]
        text = text[head.end() :].strip(" ,")
    for chunk in _chunks(text):
        pieces.take(chunk, chunk in italic, final, ident, read)
    return pieces.reading(ident, url, read, references, text)


class _Pieces:
    """The parts of a parenthesis read so far."""

    def __init__(self) -> None:
        self.authors = self.year = self.venue = self.body = self.code = self.work = ""
        self.undated = False

    def take(
        self, chunk: str, italic: bool, final: bool, ident: dict[str, str], read: list[str]
    ) -> None:
        if re.fullmatch(rf"{YEAR}[a-z]?", chunk):
            self.year = self.year or chunk[:4]
        elif date := _DATE.fullmatch(chunk):
            self.year = self.year or date["year"] or date["iso"]
            read.append(chunk)
        elif re.fullmatch(r"(?:at\s+)?\d{1,4}(?:\s*[-–]\s*\d{1,4})?", chunk) and (
            self.year or self.authors
        ):
            read.append(chunk)  # a page: "(Kamau 2018, 145)"
        elif _UNDATED.fullmatch(chunk):
            self.undated = True
            read.append(chunk)
        elif found := _GUIDELINE_CODE.fullmatch(chunk) or (
            _JOINED_CODE.fullmatch(chunk) if final or self.year else None
        ):
            self.body, self.code = found["body"], found["code"].lstrip("/-")
        elif self.authors and re.fullmatch(rf"(?:and|&)\s+{NAME}(?:\s+et\s+al\.?)?", chunk):
            self.authors = f"{self.authors}, {chunk}"
        elif self.authors and re.fullmatch(r"et\s+al\.?", chunk):
            self.authors = f"{self.authors}, et al."
        elif italic and not self.work:
            self.work = chunk
        elif (dated := re.fullmatch(rf"(?P<rest>.+?)\s+(?P<year>{YEAR})[a-z]?", chunk)) and not (
            self.year
        ):
            self.year = dated["year"]
            rest = dated["rest"]
            if self.authors and re.fullmatch(rf"(?:and|&)\s+{NAME}|et\s+al\.?", rest):
                self.authors = f"{self.authors}, {rest}"
            elif is_authors(rest) and not self.authors and not self.venue:
                self.authors = rest
            else:
                self.venue = self.venue or rest
        elif is_authors(chunk) and not self.authors and not self.year and not self.venue:
            self.authors = chunk
        elif self.authors and not self.year and is_authors(chunk) and re.fullmatch(NAME, chunk):
            self.authors = f"{self.authors}, {chunk}"
        elif series := _SERIES.fullmatch(chunk):
            self.venue, self.code = series["series"], series["number"]
        elif (titled := _BODY_TITLE.fullmatch(chunk)) and (":" in chunk or re.search(GUIDE, chunk)):
            self.body, ident["title"] = titled["body"], titled["title"].strip(" .")
        elif (
            re.fullmatch(
                rf"(?:{WORD}|\p{{Lu}}{{2,}})(?:\s+(?:{WORD}|of|in|and|&|\p{{Lu}}+))*", chunk
            )
            and not self.venue
        ):
            self.venue = chunk
        # anything else stays unread: the coverage check sees it

    def reading(
        self,
        ident: dict[str, str],
        url: str | None,
        read: list[str],
        references: ReferenceList,
        text: str,
    ) -> Reading | None:
        if self.body and (self.code or "title" in ident):
            ident |= {"body": self.body, "authority": f"{self.body} {self.code}".strip()}
            ident |= {"code": self.code} if self.code else {}
            ident |= {"year": self.year} if self.year else {}
            ident |= {"work": self.work} if self.work else {}
            ident["reference"] = text
            return Reading("guideline", url, ident, read)
        if self.authors and self.authors.split()[0] not in NOT_AUTHORS:
            entry = entry_for(self.authors, self.year, references)
            dated = self.year or self.undated or "title" in ident or self.work
            if not dated and entry is None:
                return None  # an author named without a year or a listed work
            ident |= {"authors": self.authors}
            ident |= {"year": self.year} if self.year else {}
            ident |= {"venue": self.venue} if self.venue else {}
            ident |= {"work": self.work} if self.work else {}
            ident |= {"code": self.code} if self.code else {}
            ident["reference"] = ", ".join(p for p in (self.authors, self.year) if p)
            if entry is not None:
                fields = listed_work(entry)
                url = url or fields.pop("url", None)
                ident |= {k: v for k, v in fields.items() if k not in ident and k != "url"}
            return Reading("author_year", url, ident, read)
        if url and ("title" in ident or self.venue or self.work):
            ident |= {"venue": self.venue} if self.venue else {}
            ident |= {"work": self.work} if self.work else {}
            ident |= {"year": self.year} if self.year else {}
            return Reading(identifier_kind(url), url, ident, read)
        return None


def _chunks(text: str) -> list[str]:
    """`text` split at commas, a company suffix ("…, Inc.") kept with the name before it."""
    chunks: list[str] = []
    for chunk in (c.strip() for c in re.split(r",\s*", text)):
        if not chunk:
            continue
        if chunks and _SUFFIX_CHUNK.fullmatch(chunk):
            chunks[-1] = f"{chunks[-1]}, {chunk}"
        else:
            chunks.append(chunk)
    return chunks


def _take(text: str, pattern: re.Pattern[str], read: list[str]) -> str:
    read += [m.group(0).strip(" ,;:") for m in pattern.finditer(text)]
    return pattern.sub("", text).strip(" ,")


def _take_title(text: str, ident: dict[str, str]) -> str:
    if title := _QUOTED_TITLE.search(text):
        ident["title"] = (title["title"] or title["single"]).strip(" ,.")
        return (text[: title.start()] + text[title.end() :]).strip(" ,")
    return text


def _take_identifiers(text: str, ident: dict[str, str], read: list[str]) -> tuple[str | None, str]:
    """The first identifier as the cited link; an ISBN as a detail."""
    url = None
    if isbn := ISBN.search(text):
        ident["isbn"] = re.sub(r"[\s-]", "", isbn["isbn"])
        read.append(isbn.group(0))
        text = (text[: isbn.start()] + text[isbn.end() :]).strip(" ,")
    for found in list(IDENTIFIER.finditer(text))[::-1]:
        url = link_for(found.group(0)) or url
        read.append(found.group(0))
        text = (text[: found.start()] + text[found.end() :]).strip(" ,")
    return url, text


def is_authors(text: str) -> bool:
    """Whether `text` is a list of authors or one body's name (not a venue or a title)."""
    return (
        bool(re.fullmatch(AUTHORS, text))
        and text.split()[0] not in NOT_AUTHORS
        and (
            len(text.split()) == 1
            or bool(re.search(r"\b(?:and|et al)\b|&|,", text))
            or bool(re.fullmatch(rf"(?:{PARTICLE}\s+)+{WORD}", text))
            or any(w in text.split() for w in ORG_WORDS)
            or bool(_COMPANY_END.search(text))
        )
    )


def identifier_kind(url: str) -> Kind:
    return "doi" if "doi.org/" in url else "arxiv" if "arxiv.org" in url else "url"


def looks_cited(part: str) -> bool:
    """A parenthesis part that names someone and a year but in no layout we can read."""
    return bool(
        re.search(rf"\b{YEAR}\b", part)
        and re.search(r"\p{Lu}\p{L}{2,}", part)
        and " v. " not in part
    )


# --- whole references written inline ------------------------------------------------------------


def _full_reference(text: str) -> bool:
    """A whole reference inside the parenthesis: Vancouver authors, APA's "Name, A. (2016)
    Title", or dotted segments ("Body. Title. Series. Place: Publisher; 2020")."""
    return bool(
        _VANCOUVER_AUTHORS.match(text + " ")
        or (_APA_HEAD.match(text) and re.search(r",|\b\p{Lu}\.", text.split("(")[0]))
        or _DOTTED.match(text)
    )


def _inline_entry(
    text: str,
    read: list[str],
    ident: dict[str, str] | None = None,
    url: str | None = None,
) -> Reading:
    """A whole reference written in the parenthesis, read as a reference-list entry is."""
    parsed = parse_entry(text)
    fields = {"citation": text, "authors": ", ".join(parsed.authors), "year": parsed.year}
    fields |= {"title": parsed.title} if parsed.title else {}
    fields |= {"venue": parsed.venue} if parsed.venue else {}
    fields |= {"body": " / ".join(parsed.body)} if parsed.body else {}
    fields |= {"code": parsed.code} if parsed.code else {}
    fields |= {"isbn": parsed.isbn} if parsed.isbn else {}
    fields |= {"reference": text}
    read += [m.group(0) for m in _PUBLISHER.finditer(text)]
    read += [m.group(0) for m in _VOLUME.finditer(text)]
    read += [m.group(0) for m in _LOCATOR.finditer(text)]
    read += [m.group(0) for m in IDENTIFIER.finditer(text)]
    merged = {k: v for k, v in fields.items() if v} | (ident or {})
    kind: Kind = "guideline" if parsed.body and parsed.code else "author_year"
    return Reading(kind, url or (parsed.url or None), merged, read)


# --- reference-list entries ----------------------------------------------------------------------


def listed_work(entry: str) -> dict[str, str]:
    """What a reference-list entry says about its work: a drug label by product, labeller and
    year, else the details its layout shows (`entry_fields`); with the substantive words neither
    read (`unread`), which must be on the record like those of an inline citation."""
    label = _label(entry, []) if LABEL.search(entry) else None
    if label is not None:
        fields = {"citation": entry} | {k: v for k, v in label.ident.items() if k != "reference"}
        fields |= {"url": url} if (url := entry_fields(entry).get("url")) else {}
        read = [*label.read, *(v for k, v in fields.items() if k != "citation")]
    else:
        fields = entry_fields(entry)
        read = [v for k, v in fields.items() if k not in ("citation", "authors")]
        if (title := fields.get("title")) and (at := entry.find(title)) > 0:
            read.append(entry[:at])  # the authors, of whom only surnames are checked
    if unread := unread_in_entry(entry, read):
        fields["unread"] = " ".join(unread)
    return fields


# --- drug labels ----------------------------------------------------------------------------------


def _label(text: str, read: list[str]) -> Reading | None:
    """A drug label cited by product, kind of label, labeller and year: "Fenlastin SmPC, section
    4.2", "VELOXANE [package insert]. Corvana Therapeutics, Inc.; 2023", "Fenlastin 20 mg
    tablets, Summary of Product Characteristics, Norrland Pharma AB, 2022"."""
    kinds = list(LABEL.finditer(text))
    if not kinds:
        return None
    read += [k.group(0) for k in kinds]
    rest = _take(text, _LOCATOR, read)
    ident: dict[str, str] = {}
    product = ""
    for segment in _chunks(re.sub(r"(?<!\b\p{Lu})[.;]\s+", ", ", rest)):
        bare = " ".join(LABEL.sub(" ", segment).split()).strip(" ,.")
        if not bare:
            continue
        date = _DATE.fullmatch(bare)
        if year := bare if re.fullmatch(YEAR, bare) else date["year"] if date else None:
            ident["year"] = year
        elif _COMPANY_END.search(bare) or re.search(rf",\s*{_SUFFIX_CHUNK.pattern}$", bare):
            ident["body"] = bare
        elif not product:
            product = bare
    if not product:
        return None
    ident |= {"product": product, "reference": text}
    return Reading("label", None, ident, read)
