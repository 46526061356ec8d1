"""An answer's reference list: where its body ends, its numbered entries and notes (`[n] …`,
`[^n]: …`, `n. …`) and its unnumbered ones (a Works Cited list), with the notes that only point
back ("Ibid., 152.", "Kamau, op. cit., 160.", "Kamau, supra note 1") resolved to the entry they
point at. An entry's details (title, authors, year, venue, link) are read by
`references.parse_entry`."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from trustbench.judges.groundedness.claims import link_for
from trustbench.judges.groundedness.patterns import YEAR
from trustbench.judges.groundedness.references import parse_entry

_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:references|sources|bibliography|works cited|citations|notes|"
    r"endnotes|footnotes|literature cited|reference list)\s*:?\s*(?:\*\*)?\s*:?\s*$",
    re.I | re.M,
)
BRACKET_ENTRY = re.compile(r"^\s*[-*]?\s*\[\^?(\d{1,3})\]:?\s+(.+)$", re.M)
_NUMBER_ENTRY = re.compile(r"^\s*(?:(\d{1,3})[.)]|\((\d{1,3})\)|\^(\d{1,3}))\s+(.+)$", re.M)
_BACK = re.compile(r"^(?:ibid|ib|id)\.?(?=$|[\s,;.])(?P<pin>.*)$", re.I)
_OP_CIT = re.compile(
    r"^(?P<name>[^,]{2,60}?),?\s+(?:op\.?\s*cit\.?|loc\.?\s*cit\.?|supra(?:\s+note\s+(?P<note>\d{1,3}))?)"
    r"(?P<pin>.*)$",
    re.I,
)
_SHORT_NOTE = re.compile(
    r"^(?P<name>[\p{Lu}][\p{L}'’-]+),\s+(?:[\"“](?P<title>[^\"”]{3,120})[,.]?[\"”],?\s*)?(?P<pin>[\d\s,–-]*\.?)$"
)
"""A Chicago short note: "Kamau, 160." or "Kamau, "Drought Memory," 160."."""


@dataclass(frozen=True)
class ReferenceList:
    body_end: int
    """Where the answer's body ends (at a reference heading or a trailing list), else its end."""
    numbered: dict[str, str] = field(default_factory=dict)
    """Entry text by number, back-pointing notes replaced by the entry they point at."""
    unresolved: dict[str, str] = field(default_factory=dict)
    """Notes that point back to nothing: number -> why."""
    entries: tuple[str, ...] = ()
    """Every entry, numbered or not, in order: what an author-only citation is looked up in."""

    def __bool__(self) -> bool:
        return bool(self.numbered or self.unresolved)


def reference_list(text: str) -> ReferenceList:
    """The reference list of `text`: `[n] …` lines anywhere; `n. …`, `n) …`, `(n) …` and
    unnumbered lines under a References-like heading; without a heading, a closing block of
    numbered lines that each carry a year."""
    headings = list(_HEADING.finditer(text))
    heading = headings[-1] if headings else None
    body_end = heading.start() if heading else len(text)
    found: dict[str, str] = {m.group(1): m.group(2).strip() for m in BRACKET_ENTRY.finditer(text)}
    loose: list[str] = []
    if heading:
        tail = text[heading.end() :]
        for line in tail.splitlines():
            if not line.strip():
                continue
            if m := _NUMBER_ENTRY.match(line):
                found.setdefault(m.group(1) or m.group(2) or m.group(3), m.group(4).strip())
            elif not BRACKET_ENTRY.match(line):
                loose.append(re.sub(r"^\s*[-*•]\s+", "", line).strip())
    elif block := _closing_block(text):
        body_end = block[0]
        found |= {n: e for n, e in block[1].items() if n not in found}
    numbered, unresolved = _resolve(found)
    ordered = [numbered[n] for n in sorted(numbered, key=int)] + loose
    return ReferenceList(body_end, numbered, unresolved, tuple(ordered))


def _closing_block(text: str) -> tuple[int, dict[str, str]] | None:
    """A last paragraph of numbered lines, each with a year: a reference list with no heading."""
    paragraphs = list(re.finditer(r"(?:^|\n\s*\n)((?:[^\n]+\n?)+?)\s*$", text))
    if not paragraphs:
        return None
    block = paragraphs[-1]
    lines = [ln for ln in block.group(1).splitlines() if ln.strip()]
    entries = {}
    for line in lines:
        m = _NUMBER_ENTRY.match(line)
        if m is None or not re.search(rf"\b{YEAR}\b", m.group(4)):
            return None
        entries[m.group(1) or m.group(2) or m.group(3)] = m.group(4).strip()
    if not entries or block.start(1) == 0:
        return None
    return block.start(1), entries


def _resolve(found: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Notes that point back replaced by the entry they point at, in note order."""
    numbered: dict[str, str] = {}
    unresolved: dict[str, str] = {}
    previous: str | None = None
    for number in sorted(found, key=int):
        entry = found[number]
        target, why = _points_at(entry, previous, numbered)
        if why:
            unresolved[number] = why
            continue
        numbered[number] = target or entry
        previous = numbered[number]
    return numbered, unresolved


def _points_at(entry: str, previous: str | None, earlier: dict[str, str]) -> tuple[str | None, str]:
    """The earlier entry a note points back to (None when it is a full entry), or why it
    points at nothing."""
    text = entry.strip()
    if _BACK.match(text):
        return (previous, "") if previous else (None, "ibid. with no note before it")
    if cited := _OP_CIT.match(text):
        if cited["note"]:
            found = earlier.get(cited["note"])
            return (found, "") if found else (None, f"supra note {cited['note']} is no note")
        found = _by_name(cited["name"], None, earlier)
        return (found, "") if found else (None, f"{cited['name']}: no earlier note by that name")
    if short := _SHORT_NOTE.match(text):
        found = _by_name(short["name"], short["title"], earlier)
        return (found, "") if found else (None, f"{short['name']}: no earlier note by that name")
    return None, ""


def _by_name(name: str, title: str | None, earlier: dict[str, str]) -> str | None:
    surname = name.split()[-1].lower()
    for number in sorted(earlier, key=int, reverse=True):
        entry = earlier[number]
        head = entry.lower()[:80]
        if re.search(rf"\b{re.escape(surname)}\b", head) and (
            title is None or title.lower().strip(" ,.") in entry.lower()
        ):
            return entry
    return None


def inside_entry(text: str, position: int) -> bool:
    """True inside a `[n] …` reference-list line (its markers and links are not claims)."""
    line_start = text.rfind("\n", 0, position) + 1
    return BRACKET_ENTRY.match(text, line_start) is not None


def entry_for(authors: str, year: str, references: ReferenceList) -> str | None:
    """The entry an author-year (or author-only) citation names: its first author's surname at
    the entry's head, the year in it when one is cited, and each other named author in it."""
    names = [n for n in re.split(r",\s*|\s+(?:and|&)\s+|\s+et\s+al\.?", authors) if n.strip()]
    if not names:
        return None
    first = names[0].split()[-1].lower()
    leading = [e for e in references.entries if e.lower().startswith(first)]
    named = [e for e in references.entries if re.search(rf"\b{re.escape(first)}\b", e.lower()[:60])]
    for entry in leading or named:
        if year and year not in entry:
            continue
        if all(n.split()[-1].lower() in entry.lower() for n in names[1:]):
            return entry
    return None


def entry_fields(entry: str) -> dict[str, str]:
    """Title, authors or issuing body, year, venue and link of a reference-list entry, where its layout shows
    them."""
    parsed = parse_entry(entry)
    fields = {
        "citation": entry,
        "year": parsed.year,
        "title": parsed.title,
        "authors": ", ".join(parsed.authors) + (" et al." if parsed.et_al else ""),
        "venue": parsed.venue,
        "body": parsed.body[0] if parsed.body else "",
        "url": parsed.url,
    }
    if not fields["url"]:
        fields["url"] = next((u for w in entry.split() if (u := link_for(w))), "")
    return {k: v for k, v in fields.items() if v}
