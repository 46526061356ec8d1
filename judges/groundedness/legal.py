"""Legal citations in an answer. U.S. case citations (full, parallel, short form, "Id.", "supra",
public-domain ones such as "2019 IL App (2d) 180447") and statutes of the federal and state
codes are found by eyecite, Free Law Project's citation parser over its reporters and laws
databases; UK and Commonwealth neutral citations ("[2017] EWCA Civ 1402"), law-report citations
("[2004] 2 AC 123"), sections of codes eyecite does not know ("C.R.S. § 6-1-101"), constitutions
and court rules by the patterns below.

Around each citation the case name (back to the start of its clause, so a sentence before never
lends it a word), pinpoints and the court-and-date parenthetical are read here; a short form or
"Id." takes the details of the full citation it refers to."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from trustbench.judges.groundedness.sentences import is_boundary

LegalKind = Literal["case", "statute"]

_YEAR = r"(?:1[6-9]|20)\d{2}"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
_PIN = re.compile(
    r"(?:,\s*|\s+)(?:at\s+)?(?:\*+\d+|¶¶?\s*\d+|\[\d{1,4}\](?!\s+(?:\d{1,3}\s+)?[A-Z])|n\.\s*\d+"
    r"|paras?\.?\s*\d+|\d{1,5})"
    r"(?:\s*[-–]\s*(?:\*+|¶+\s*)?\[?\d{1,5}\]?)?(?:\s+n\.\s*\d+)?"
)
"""A pinpoint after a citation: ", 409", ", at *4", ", ¶ 24", " at [37]" (a bracketed year before a
report series, ", [2018] QB 233", is a parallel citation instead)."""
_PARENTHETICAL = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*)\)")
_DATE = re.compile(rf"(?:\s*{_MONTH}\s+\d{{1,2}},)?\s*(?P<year>{_YEAR})\s*$")
_DOCKET = re.compile(r",?\s*(?:No|Nos|Civ|Case No)\.\s*[\w:.\-–]+(?:,\s*[\w:.\-–]+)*,?\s*$")
_SIGNAL = re.compile(
    r"^(?:(?:see|see also|see generally|cf\.|but see|but cf\.|compare|accord|e\.g\.,?|"
    r"contra|citing|quoting|and|with|also|in|under|per|following|as in|as held in|"
    r"like|unlike|after|before|when|where|while|since|because|thus|although|here|there|"
    r"the court in|the court held in|as the court held in)\s+)+",
    re.I,
)
_CONNECTORS = {"of", "the", "and", "for", "de", "ex", "rel.", "&", "on", "re", "du", "la"}
_SUFFIX = re.compile(r"^(?:Inc|Co|Corp|Ltd|LLC|LLP|L\.L\.C|L\.P|N\.A|P\.C|P\.A|PLC|plc|S\.A)\.?$")

NEUTRAL = re.compile(
    rf"[\[(](?P<year>{_YEAR})[\])]\s+(?P<court>[A-Z][A-Za-z]{{1,7}}(?:\s+(?:Civ|Crim|Admin|Fam|Ch|QB|"
    rf"KB|Comm|Pat|TCC|IPEC|Costs|AC|Cr|IAC))?)\s+(?P<number>\d{{1,5}})"
    rf"(?:\s*\((?P<division>[A-Z][A-Za-z]{{1,10}})\))?"
    rf"|\[(?P<ryear>{_YEAR})\]\s+(?:(?P<volume>\d{{1,2}})\s+)?(?P<series>[A-Z][A-Za-z.]{{0,7}}"
    rf"(?:\s+[A-Z][A-Za-z.]{{0,5}})?)\s+(?P<page>\d{{1,5}})"
    rf"|\b(?P<uyear>{_YEAR})\s+(?P<ucourt>[A-Z]{{2,8}})\s+(?P<unumber>\d{{1,5}})\b(?![./-]\d)"
)
"""UK and Commonwealth citations: neutral ("[2017] EWCA Civ 1402", "[2020] UKSC 5"; in round
brackets as some answers write them; without brackets as Canada and Australia write them, "2018
SCC 33") and law reports ("[2004] 2 AC 123", "[1932] AC 562"), whose bracketed year names the
volume, not the judgment's date."""
STATUTE = re.compile(
    r"\b(?:(?P<title>\d{1,3})\s+)?(?P<code>(?:(?:[A-Z][\w'’&]*\.?|[A-Z](?:\.[A-Z])+\.?|ch\.\s*\w+,?"
    r"|tit\.\s*\w+,?|art\.\s*[IVXLC\d]+,?)\s+){1,7})§§?\s*(?P<section>\d[\w.:\-–]*\w|\d)"
    r"(?P<sub>(?:\([\w]{1,4}\))*)"
)
"""A section of a code by its abbreviation: "C.R.S. § 6-1-1421(3)", "Mass. Gen. Laws ch. 93A,
§ 2", "29 U.S. Code § 2634"."""
RULES = re.compile(
    r"\bFed\.\s*R\.\s*(?:Civ|Crim|Evid|App|Bankr)\.\s*P?\.?\s*\d+(?:\([\w]+\))*"
    r"|\b(?:U\.\s?S\.|[A-Z][a-z]{1,4}\.)\s*Const\.\s*(?:amend\.\s*[IVXLC]+|art\.\s*[IVXLC\d]+)"
    r"(?:,\s*§+\s*\d+)?(?:,\s*cl\.\s*\d+)?"
)
"""Court rules and constitutional provisions."""
_EU_ISSUER = (
    r"(?:European\s+)?Commission|Council|European\s+Parliament\s+and\s+(?:of\s+the\s+)?Council"
)
_ECLI = r"(?:ECLI:[A-Z]{2}:[A-Z]+|EU:[CTF])\:\d{4}:\d+"
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
EU = re.compile(
    rf"\b(?:(?P<issuer>{_EU_ISSUER})(?:\s+(?:Implementing|Delegated))?\s+)?"
    r"(?P<instrument>Regulation|Directive|Decision)\s+(?:\((?:EU|EC|EEC|Euratom)\)\s+)?"
    r"(?:No\.?\s+)?(?P<number>\d{2,4}/\d{1,4})(?:/(?:EU|EC|EEC|Euratom))?"
    rf"(?:\s+of\s+the\s+(?P<issuer2>European\s+Parliament\s+and\s+of\s+the\s+Council|Council|"
    r"(?:European\s+)?Commission))?"
    r"(?:,?\s+(?:[Aa]rt(?:icle)?\.?)\s*(?P<article>\d+(?:\(\d+\))*))?"
    r"|(?:\b(?P<court_first>CJEU|ECJ|General\s+Court|Court\s+of\s+Justice),\s+)?"
    r"\b(?:Case\s+)?(?P<case>[CT]-\d{1,4}/\d{2}(?:\s+P)?)\b"
    rf"(?:(?P<name>,?\s+(?!ECLI|EU:)[^,.;()\n]{{2,80}}?\s+v\.?\s+[^,.;()\n]{{2,80}}?)(?=\s*(?:[,.;()]|$|ECLI:|EU:))"
    rf"|,\s+(?P<short>(?!ECLI|EU:|para|at\b)[^\W\d_][^,.;()\n]{{2,80}}?)(?=\s*[,;)]))?"
    rf"(?:,?\s*(?P<ecli>{_ECLI}))?"
    rf"(?:,\s*(?P<court>General\s+Court|Court\s+of\s+Justice|Court\s+of\s+First\s+Instance|"
    r"CJEU|ECJ|Civil\s+Service\s+Tribunal))?"
    rf"(?:,\s*(?P<date>\d{{1,2}}\s+{_MONTHS}\s+(?P<year>{_YEAR})))?"
    rf"|\b(?P<ecli_only>{_ECLI})"
)
"""EU law: regulations and directives by number and the institution that made them
("Commission Regulation (EU) 2020/1187, art. 14", "Directive 2019/770 of the European Parliament
and of the Council"), Court of Justice and General Court cases by case number (with or without
"Case"), name, ECLI, court and date ("Case C-131/12 … , ECLI:EU:C:2014:317", "(C-412/19, Verein
für Datenschutz, para 39)", "CJEU, Case C-131/12, …")."""
ACT = re.compile(
    r"\b(?:(?:[Ss]ections?|ss?\.)\s*(?P<section1>\d+[A-Z]?(?:\(\w+\))*)\s+of\s+)?(?:the\s+)?"
    r"(?P<act>(?:(?:[A-Z][\w'’-]*|\([A-Z][\w'’ -]{1,60}\))\s+(?:(?:of|and|for|on|the|to|in|with)\s+)*)"
    r"{1,8}Act(?:\s+of)?\s+"
    + _YEAR
    + r")(?:,?\s+(?:ss?\.|[Ss]ections?|§)\s*(?P<section2>\d+[A-Z]?(?:\(\w+\))*))?"
)
"""A statute by its short title, parentheses and all: "section 13 of the Equality Act 2010", "the
Clean Harbours Act of 1987", "Data Protection Act 2018, s. 45", "the Consumer Rights (Refurbished
Goods) Act 2019"."""
_INSTRUMENT_WORD = r"(?:Constitution|Convention|Charter|Treaty|Covenant|Declaration|Protocol)"
_CAPITALISED_RUN = r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|on|for|and|the|to|in)\s+)*[A-Z][\w'’.-]*)*"
INSTRUMENT = re.compile(
    r"\b(?P<unit>[Ss]ections?|[Aa]rticles?|[Aa]rts?\.|ss?\.|§§?)\s*(?P<number>\d+[A-Za-z]?)"
    r"(?:\(\w+\))*"
    r"\s+of\s+(?:the\s+)?(?P<name>(?:[A-Z][\w'’.-]*\s+(?:(?:of|on|for|and|the|to|in)\s+)*){0,8}"
    rf"{_INSTRUMENT_WORD}(?:\s+(?:of|on|for)\s+(?:the\s+)?{_CAPITALISED_RUN})?)"
    r"|\b(?P<unit2>[Aa]rt(?:icle)?s?\.?|[Rr]ecitals?)\s*(?P<number2>\d+[A-Za-z]?)(?:\(\w+\))*\s+(?:of\s+the\s+)?"
    r"(?P<acronym>[A-Z]{3,7})\b"
)
"""A provision of a constitution, convention, charter or treaty: "Section 11 of the Wisconsin
Constitution", "Article 8 of the European Convention on Human Rights", "art. 21 of the
Constitution of India", and by its initials, "Article 8 ECHR", "Art. 101 TFEU"."""
CODE_SECTION = re.compile(
    r"\b(?P<title>\d{1,3})\s+(?P<code>U\.?\s?S\.?\s?C\.?(?:A\.?)?|C\.?\s?F\.?\s?R\.?)\s+"
    r"(?:(?:§§?|[Ss]ec(?:tion|\.)?|[Pp]art)\s*)?(?P<section>\d[\w.\-–]*\w|\d)(?P<sub>(?:\(\w{1,4}\))*)"
)
"""A section of the U.S. Code or the Code of Federal Regulations written without the section
sign or periods: "12 CFR 1026.63(c)", "42 USC 1983"."""
LAW_REPORTS = frozenset(
    "AC QB KB Ch Fam P WLR ER BCLC BCC ICR IRLR EMLR FSR RPC CLR SCR NZLR HLR EG Cr PNLR Lloyd's".split()
)
"""Law-report series a bracketed year names a volume of ("[2018] QB 233"), unlike a court's
neutral citation ("[2017] EWCA Civ 902")."""
CASE_NAME = re.compile(
    r"(?P<p1>[^\W\d_][\w.'’&-]*(?:,?\s+[\w.'’&-]+){0,9}?)\s+v\.?\s+"
    r"(?P<p2>[^\W\d_][\w.'’&-]*(?:\s+(?:[^\W\d_a-z][\w.'’&-]*|of|the|and|for|&)){0,9})"
    r"(?:\s*\((?P<year>" + _YEAR + r")\))?"
)
"""A case named without a reporter: "Gideon v. Wainwright (1963)", "Fenwick v Lowther"."""


@dataclass
class LegalCitation:
    kind: LegalKind
    start: int
    end: int
    ident: dict[str, str] = field(default_factory=dict)
    """reference (as written), parties ("A v. B"), reporter (one or parallel, "; "-joined),
    court, year, pin; for a statute: code, section, title."""
    read: list[str] = field(default_factory=list)
    """What was read and is not checked: pinpoints, a docket number, an explanatory
    parenthetical."""

    @property
    def marker(self) -> str:
        return self.ident["reference"]


def legal_citations(text: str) -> tuple[list[LegalCitation], list[tuple[int, str]]]:
    """The legal citations of `text` in reading order, and those that cannot be read (an "Id."
    or "supra" with nothing to refer to), with their positions."""
    found: list[LegalCitation] = []
    unparsed: list[tuple[int, str]] = []
    items = _eyecite(text)
    reporters = {
        item.span()[0]: item.matched_text()
        for item in items
        if type(item).__name__ == "FullCaseCitation"
    }
    for item in items:
        kind = type(item).__name__
        start, end = item.span()
        if any(c.start <= start < c.end for c in found):
            continue  # a parallel citation already read with its case
        if kind in ("FullCaseCitation", "FullJournalCitation"):
            found.append(_full_case(text, item, found, reporters))
        elif kind == "ShortCaseCitation":
            found.append(_short_case(text, item, found))
        elif kind in ("IdCitation", "SupraCitation"):
            earlier = _antecedent(item, found, start)
            read = [_pin_of(item)]
            end = _pins(text, item.span()[1], read)
            if earlier is None:
                what = "Id." if kind == "IdCitation" else "supra"
                unparsed.append((start, f"{text[start:end]} ({what} with no citation before it)"))
                continue
            found.append(_refer(earlier, start, end, text[start:end], read))
        elif kind == "FullLawCitation":
            found.append(_law(text, item))
    readers = (
        (NEUTRAL, _neutral),
        (EU, _eu),
        (STATUTE, _statute),
        (CODE_SECTION, _statute),
        (RULES, _rule),
        (ACT, _act),
        (INSTRUMENT, _instrument),
    )
    for pattern, reader in readers:
        for match in pattern.finditer(text):
            if not _overlaps(found, *match.span()):
                citation = reader(text, match, found)
                if citation is not None:
                    found.append(citation)
    for match in CASE_NAME.finditer(text):
        citation = _bare_case(text, match)
        if citation is not None and not _overlaps(found, citation.start, citation.end):
            found.append(citation)
    return sorted(found, key=lambda c: c.start), unparsed


def parse_reference(reference: str) -> dict[str, str]:
    """What a legal reference on its own says ("Aldana v. Northgate Ferry Co., 77 F.4th 120
    (3d Cir. 2023)"), as `legal_citations` reads it; empty when it is no legal citation."""
    citations, _ = legal_citations(reference)
    text = reference.strip()
    if not citations or (citations[0].end - citations[0].start) < len(text) / 2:
        return {}  # a legal citation inside other text is not what this reference names
    return dict(citations[0].ident)


def _eyecite(text: str) -> list[Any]:  # eyecite's citation objects
    from eyecite import get_citations

    logging.getLogger("eyecite").setLevel(logging.ERROR)
    return list(get_citations(text))


def _overlaps(found: list[LegalCitation], start: int, end: int) -> bool:
    return any(c.start < end and start < c.end for c in found)


# --- cases ----------------------------------------------------------------------------------------


def _full_case(
    text: str,
    item: Any,  # eyecite's FullCaseCitation
    found: list[LegalCitation],
    reporters: dict[int, str],
) -> LegalCitation:
    """A reporter citation with its parallel ones, pinpoints, parenthetical and case name."""
    start, end = item.span()
    read: list[str] = []
    cited = [item.matched_text()]
    report_year = _report_year(text, start)
    if report_year is not None:
        start = report_year[0]
    if neutral := _neutral_before(text, start):
        start, cited = neutral[0], [neutral[1], *cited]
    end = _pins(text, end, read)
    while (gap := re.match(r",\s*", text[end:])) and (end + gap.end()) in reporters:
        parallel = reporters[end + gap.end()]
        cited.append(parallel)
        end = _pins(text, end + gap.end() + len(parallel), read)
    if report_year is not None:
        cited[-1 if neutral else 0] = f"{report_year[1]} {cited[-1 if neutral else 0]}"
    ident = {"reporter": "; ".join(cited)}
    end, court, year = _court_parenthetical(text, end, read)
    name_start, parties = _case_name(text, start, found)
    ident |= {"parties": parties} if parties else {}
    ident |= {"court": court} if court else {}
    ident |= {"year": year} if year else {}
    reference = text[name_start:end]
    return LegalCitation("case", name_start, end, _with_reference(ident, reference), read)


def _neutral_before(text: str, start: int) -> tuple[int, str] | None:
    """A neutral citation written right before a law report as its parallel ("2016 SCC 29,
    [2016] 1 S.C.R. 730"; "[2015] HCA 31; (2015) 256 CLR 200"), and where it starts."""
    for found in NEUTRAL.finditer(text, max(0, start - 40), start):
        after = _pins(text, found.end())
        if re.fullmatch(r"\s*[,;]\s*", text[after:start]):
            return found.start(), found.group(0)
    return None


def _report_year(text: str, start: int) -> tuple[int, str] | None:
    """The year a law report's volume is named by, written before it ("[2018] 2 S.C.R. 501",
    "(2019) 268 CLR 114"), and where it starts: part of the report's citation, not the
    judgment's date."""
    window = max(0, start - 9)
    found = re.search(rf"[\[(]{_YEAR}[\])]\s*$", text[window:start])
    return (window + found.start(), found.group(0).strip()) if found else None


def _pins(text: str, end: int, read: list[str] | None = None) -> int:
    while (pin := _PIN.match(text, end)) and not re.match(r",\s*\d{1,4}\s+[A-Z]", text[end:]):
        if read is not None:
            read.append(pin.group(0))
        end = pin.end()
    return end


def _court_parenthetical(
    text: str, end: int, read: list[str] | None = None
) -> tuple[int, str, str]:
    """The court-and-date parenthetical right after a citation ("(9th Cir. 2022)", "(S.D.N.Y.
    Aug. 2, 2021)"): where the citation ends, the court, the year; an explanatory parenthetical
    after it belongs to the citation too."""
    found = _PARENTHETICAL.match(text, end)
    if not found or not (date := _DATE.search(found.group(1))):
        return end, "", ""
    court = found.group(1)[: date.start()].strip(" ,")
    if read is not None:
        read.append(found.group(1)[date.start() :])
    end = found.end()
    if (explanation := _PARENTHETICAL.match(text, end)) and not _DATE.search(explanation.group(1)):
        end = explanation.end()
        if read is not None:
            read.append(explanation.group(1))
    return end, court, date.group("year")


def _clause_start(text: str, position: int, found: list[LegalCitation]) -> int:
    """Where the clause holding a citation starts: a sentence end, a semicolon, an opening
    parenthesis, or the end of the citation before it."""
    i = position - 1
    depth = 0
    while i >= 0:
        char = text[i]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (char == ";" or is_boundary(text, i)):
            break
        i -= 1
    floor = max((c.end for c in found if c.end <= position), default=0)
    return max(i + 1, floor)


def _case_name(text: str, cite_start: int, found: list[LegalCitation]) -> tuple[int, str]:
    """The case name before a reporter citation, and where it starts (`cite_start` when there
    is none): "Pruitt v. Caldera Logistics, Inc.", "In re Marriage of Castellanos"."""
    begin = _clause_start(text, cite_start, found)
    region = text[begin:cite_start]
    region = _DOCKET.sub("", region.rstrip()).rstrip(" ,")
    named = _name_in(region)
    if named is None and (short := _first_party(region)) and region.endswith(short):
        named = (len(region) - len(short), short)  # a case named by one party: "Castellanos, …"
    if named is None:
        return cite_start, ""
    offset, name = named
    return begin + offset, name


def _name_in(region: str) -> tuple[int, str] | None:
    """The case name that ends `region`, and its offset in it."""
    special = re.search(
        r"\b(?:In re|Ex parte|In the Matter of|Matter of|Estate of)\s+\S.*$", region
    )
    versus = list(re.finditer(r"\s+v\.?\s+(?=[^\W\d_])", region))
    if versus:
        middle = versus[-1]
        first = _first_party(region[: middle.start()])
        if first is None:
            return None
        second = region[middle.end() :].strip(" ,")
        start = middle.start() - len(first)
        return start, f"{first} v. {second}"
    if special:
        return special.start(), special.group(0).strip(" ,")
    return None


def _first_party(before: str) -> str | None:
    """The first party: the capitalised words (with their connectors and a corporate suffix
    after a comma) that end `before`, without a leading signal."""
    words = before.split(" ")
    kept: list[str] = []
    while words:
        word = words[-1]
        bare = word.rstrip(",")
        if not bare:
            words.pop()
            continue
        if word.endswith(",") and not (kept and _SUFFIX.match(kept[0])):
            break
        if bare[0].isupper() or bare.lower() in _CONNECTORS or bare[0].isdigit():
            kept.insert(0, words.pop())
        else:
            break
    while kept and kept[0].lower().rstrip(",") in _CONNECTORS:
        kept.pop(0)
    name = " ".join(kept)
    name = _SIGNAL.sub("", name + " ").strip() if not re.match(r"In re\b", name) else name
    if not name or not name[0].isupper():
        return None
    return name


def _short_case(text: str, item: Any, found: list[LegalCitation]) -> LegalCitation:
    """ "Harrow, 512 F.3d at 851": the full citation with the same volume and reporter, else what
    the short form says."""
    start, end = item.span()
    groups = item.groups
    volume_reporter = f"{groups.get('volume', '')} {groups.get('reporter', '')}".strip()
    name = re.search(r"([^\W\d_][\w.'’&-]*(?:\s+[\w.'’&-]+){0,4}),\s*$", text[:start])
    begin = start
    if name and (words := _first_party(name.group(1))):
        begin = name.start() + name.group(1).rfind(words)
    read = [_pin_of(item)]
    end = _pins(text, end, read)
    reference = text[begin:end]
    for earlier in reversed(found):
        if volume_reporter and any(
            r.startswith(volume_reporter + " ")
            for r in earlier.ident.get("reporter", "").split("; ")
        ):
            return _refer(earlier, begin, end, reference, read)
    ident = {"reporter": volume_reporter}
    if name and words:
        ident["parties"] = words
    return LegalCitation("case", begin, end, _with_reference(ident, reference), read)


def _pin_of(item: Any) -> str:  # an eyecite citation
    """The pinpoint eyecite read with a short form or "Id." ("at 851")."""
    metadata = getattr(item, "metadata", None)
    return getattr(metadata, "pin_cite", None) or ""


def _antecedent(item: Any, found: list[LegalCitation], start: int) -> LegalCitation | None:
    before = [c for c in found if c.end <= start]
    if type(item).__name__ == "IdCitation":
        return before[-1] if before else None
    guess = (item.metadata.antecedent_guess or "").lower()
    return next(
        (c for c in reversed(before) if guess and guess in c.ident.get("parties", "").lower()),
        None,
    )


def _refer(
    earlier: LegalCitation, start: int, end: int, reference: str, read: list[str]
) -> LegalCitation:
    """A short form, "Id." or "supra": the work of the citation it refers to."""
    ident = {k: v for k, v in earlier.ident.items() if k != "reference"}
    ident["refers_to"] = earlier.marker
    return LegalCitation(earlier.kind, start, end, _with_reference(ident, reference), read)


def _neutral(text: str, match: re.Match[str], found: list[LegalCitation]) -> LegalCitation:
    start, end = match.span()
    ident = {"reporter": match.group(0)}
    report = match.group("court") and match.group("court").split()[0] in LAW_REPORTS
    if (year := match.group("year") or match.group("uyear")) and not report:
        ident["year"] = year
    read: list[str] = []
    end = _pins(text, end, read)
    while (gap := re.match(r"\s*[,;]\s*", text[end:])) and (
        parallel := NEUTRAL.match(text, end + gap.end())
    ):  # "[2017] EWCA Civ 1204, [2018] QB 233"
        ident["reporter"] += f"; {parallel.group(0)}"
        end = _pins(text, parallel.end(), read)
    end, court, _ = _court_parenthetical(text, end, read)
    ident |= {"court": court} if court else {}
    name_start, parties = _case_name(text, start, found)
    ident |= {"parties": parties} if parties else {}
    reference = text[name_start:end]
    return LegalCitation("case", name_start, end, _with_reference(ident, reference), read)


def _bare_case(text: str, match: re.Match[str]) -> LegalCitation | None:
    """A case named with no reporter, within its sentence."""
    end = match.end("p2")
    cut = next((i for i in range(match.start("p2"), end) if is_boundary(text, i)), None)
    year = match.group("year") if cut is None else None
    end = cut if cut is not None else match.end()
    clause = _clause_start(text, match.start("p2"), [])
    named = _name_in(text[clause:end].rstrip(" .,"))
    if named is None or not match.group("p2")[0].isupper():
        return None
    begin = clause + named[0]
    ident = {"parties": named[1].removesuffix(f" ({year})") if year else named[1]}
    ident |= {"year": year} if year else {}
    reference = text[begin:end].rstrip(" .,")
    return LegalCitation("case", begin, begin + len(reference), _with_reference(ident, reference))


# --- statutes and rules ---------------------------------------------------------------------------


def _law(text: str, item: Any) -> LegalCitation:
    start, end = item.span()
    groups = item.groups
    read = [text[end : _statute_end(text, end)]]
    end = _statute_end(text, end)
    ident = {
        "code": groups.get("reporter", ""),
        "section": groups.get("section", ""),
    }
    if title := groups.get("title") or groups.get("chapter"):
        ident["title"] = title
    end, year = _statute_year(text, end)
    ident |= {"year": year} if year else {}
    return LegalCitation("statute", start, end, _with_reference(ident, text[start:end]), read)


def _statute(text: str, match: re.Match[str], _: list[LegalCitation]) -> LegalCitation | None:
    code = " ".join(match.group("code").split()).rstrip(",")
    if not re.search(r"[A-Z]", code) or _SIGNAL.fullmatch(code + " "):
        return None
    code = _SIGNAL.sub("", code + " ").strip() or code
    start = match.start("code") + match.group("code").find(code.split()[0])
    if match.group("title"):
        start = match.start("title")
    ident = {"code": code, "section": match.group("section")}
    ident |= {"title": match.group("title")} if match.group("title") else {}
    end, year = _statute_year(text, match.end())
    ident |= {"year": year} if year else {}
    read = [match.group("sub")] if match.group("sub") else []
    return LegalCitation("statute", start, end, _with_reference(ident, text[start:end]), read)


def _rule(text: str, match: re.Match[str], _: list[LegalCitation]) -> LegalCitation:
    raw = match.group(0).rstrip(".,;")
    ident = {"code": raw}
    return LegalCitation(
        "statute", match.start(), match.start() + len(raw), {"reference": raw} | ident
    )


def _eu(text: str, match: re.Match[str], _: list[LegalCitation]) -> LegalCitation:
    groups = match.groupdict()
    read: list[str] = []
    if groups["number"]:
        ident = {"reporter": groups["number"], "instrument": groups["instrument"]}
        if issuer := groups["issuer"] or groups["issuer2"]:
            ident["issuer"] = " ".join(issuer.split())
        ident |= {"article": groups["article"]} if groups["article"] else {}
        kind: LegalKind = "statute"
    else:
        numbers = [n for n in (groups["case"], groups["ecli"], groups["ecli_only"]) if n]
        read.append("Case")  # "Case C-412/19": the word before the number
        ident = {"reporter": "; ".join(numbers)}
        if groups["name"]:
            ident["parties"] = re.sub(r"\s+v\.?\s+", " v. ", groups["name"].strip(" ,"))
        elif groups["short"]:
            ident["parties"] = groups["short"].strip()
        if court := groups["court"] or groups["court_first"]:
            ident["court"] = " ".join(court.split())
        if groups["date"]:
            ident["year"] = groups["year"]
            read.append(groups["date"])
        kind = "case"
    end = _pins(text, match.end(), read)
    return LegalCitation(
        kind, match.start(), end, _with_reference(ident, text[match.start() : end]), read
    )


def _act(text: str, match: re.Match[str], _: list[LegalCitation]) -> LegalCitation | None:
    act = match.group("act")
    while lead := re.match(
        r"(?:(?:[Tt]he|[Ss]ee|[Uu]nder|[Ii]n|[Bb]y|[Pp]er|[Aa]lso|[Cc]f\.)\s+)", act
    ):
        act = act[lead.end() :]
    if not act[:1].isupper() or act.startswith("Act "):
        return None
    start = (
        match.start()
        if match.group("section1")
        else match.start("act") + match.group("act").find(act)
    )
    ident = {"act": " ".join(act.split())}
    if section := match.group("section1") or match.group("section2"):
        ident["section"] = re.sub(r"\(.*$", "", section)
    return LegalCitation(
        "statute", start, match.end(), _with_reference(ident, text[start : match.end()])
    )


def _instrument(text: str, match: re.Match[str], _: list[LegalCitation]) -> LegalCitation:
    name = (match.group("name") or match.group("acronym")).rstrip(".")
    end = match.start("name" if match.group("name") else "acronym") + len(name)
    ident = {
        "act": " ".join(name.split()),
        "section": match.group("number") or match.group("number2"),
    }
    read = [match.group("unit") or match.group("unit2")]
    reference = text[match.start() : end]
    return LegalCitation("statute", match.start(), end, _with_reference(ident, reference), read)


def _statute_end(text: str, end: int) -> int:
    sub = re.match(r"(?:\([\w]{1,4}\))+", text[end:])
    return end + sub.end() if sub else end


def _statute_year(text: str, end: int) -> tuple[int, str]:
    found = re.match(rf"\s*\((?:[A-Z][\w.]*\s+)*(?:Supp\.\s*)?(?P<year>{_YEAR})\)", text[end:])
    return (end + found.end(), found.group("year")) if found else (end, "")


def _with_reference(ident: dict[str, str], reference: str) -> dict[str, str]:
    return {"reference": " ".join(reference.split()).rstrip(",;")} | ident
