"""What part of a citation was understood. A citation may be judged grounded only when every
substantive word of it was read into a detail that is checked against the record, or read as
something deliberately not checked (a pinpoint, pages, an explanatory parenthetical, a signal).

Each reader says what it read (the citation's details, and `Citation.read`); this module finds
the citation's extent in the answer (its span, grown over the citation-like words around it in
the same clause: capitalised names, numbers, "v.", connectors) and returns the substantive words
of that extent no reader accounted for. Those words are never ignored: they travel with the
citation (`unread`) and must each appear on the record for the reference to be grounded, so a
partly parsed citation (a party name the parser dropped, an italic title it skipped) cannot hide
an invented detail.

Substantive, by rule: a word that starts with a capital letter or a digit, and any word inside
quotation marks or emphasis; not a function word, signal or locator (`HARMLESS`). A lowercase
word outside quotes and emphasis is prose."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from trustbench.judges.groundedness.sentences import is_boundary

HARMLESS = frozenset(
    """a an the of in on at to for and or by with from as per under see also cf eg e g ie i
    compare accord contra citing quoting following according but this that these those it its
    their his her our we they id ibid ib op cit loc supra infra et al v vs p pp para paras
    pt ch chap sec s ss art arts fig n fn note no nos vol vols ed eds edn at cl sch reg regs
    available online accessed retrieved doi url http https www org com html pdf pmid arxiv
    here there where which when while whereas held holding finding found noting explaining
    stating discussing concluding guideline guidelines guidance recommendation
    recommendations statement bulletin standard standards protocol advisory opinion report
    practice clinical consensus position evidence technical policy""".split()
)
"""Words that are no detail of a cited work: function words, signals, locators."""

_WORD = re.compile(r"[\p{L}\p{N}]+")
_IDENTIFIER = re.compile(
    r"https?://\S+|(?:doi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+|arxiv:\s*\S+|PMID:?\s*\d+"
    r"|PMCID:?\s*PMC\d+|ISBN(?:-1[03])?:?\s*[\dX -]{10,17}",
    re.I,
)
_PINPOINT = re.compile(
    r"(?<![\p{L}\p{N}])(?:paras?\.?|pp?\.?|pages?|at|¶+)\s*\[?\d+[a-z]?\]?"
    r"(?:\s*[-–]\s*\[?\d+\]?)*(?:\s*(?:,|and|&)\s*\[?\d+\]?(?![\p{L}\p{N}/.]))*",
    re.I,
)
"""A pinpoint wherever it stands in a citation ("para 52", "at [44]", "pp. 12-14", "¶ 9"):
where the cited work is read, never a detail of it."""
_QUOTED = re.compile(
    r"[\"“]([^\"”\n]{2,300})[\"”]|(?<![\p{L}\p{N}])[‘']([^'’\n]{2,300})[’'](?![\p{L}])"
)
_CONNECTORS = frozenset(
    "of the and for on in de du la le des von van der den ex rel v vs & y da di".split()
)
_RUN_WORD = re.compile(r"[\p{Lu}\p{N}§¶][\p{L}\p{N}'’.&/§¶:-]*|&")
_GAP = re.compile(r"[\s,.'’\"“”*_-]*")


def citation_run(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` grown over the citation-like words around it in the same clause: capitalised
    words, numbers, "v.", "&", connectors between such words, and parenthesised groups of them
    ("Consumer Rights (Refurbished Goods) Act"). It stops at a sentence end, a semicolon or colon,
    an unbalanced bracket and a lowercase word that connects nothing."""
    return _grow_left(text, start), _grow_right(text, end)


_SUFFIX = re.compile(r"(?:Inc|Ltd|LLC|LLP|Co|Corp|plc|PLC|L\.P|N\.A|P\.C|S\.A|AG|AB|GmbH)\.?\*?")
"""A corporate suffix: the one word a comma does not end a name before ("Freight, Inc.")."""


def _grow_left(text: str, start: int) -> int:
    at = start
    while True:
        i = at
        while i > 0 and text[i - 1] in " \t,'’\"“”*_":
            i -= 1
        if "," in text[i:at] and not _SUFFIX.match(text, at):
            return at  # a comma ends the citation, except before a corporate suffix
        if (
            i == 0
            or text[i - 1] in ";:([]\n"
            or (text[i - 1] in ".!?" and is_boundary(text, i - 1))
        ):
            return at
        if text[i - 1] == ")":
            group = _group_before(text, i)
            if group is None:
                return at
            at = group
            continue
        word = re.search(r"[\p{L}\p{N}§¶'’.&/-]+$", text[:i])
        if word is None:
            return at
        token = word.group(0).rstrip(".")
        if _RUN_WORD.fullmatch(token) or (
            token.lower() in _CONNECTORS and _capital_before(text, word.start())
        ):
            at = word.start()
            continue
        return at


def _capital_before(text: str, i: int) -> bool:
    """Whether the word before `text[i]`, past any connectors, is capitalised or a number."""
    while before := re.search(r"([\p{L}\p{N}][\p{L}\p{N}'’.&-]*)[\s,]*$", text[:i]):
        word = before.group(1)
        if word.rstrip(".").lower() not in _CONNECTORS:
            return not word[0].islower()
        i = before.start()
    return False


def _grow_right(text: str, end: int) -> int:
    at = end
    while True:
        gap = _GAP.match(text, at)
        i = gap.end() if gap else at
        if i >= len(text) or any(is_boundary(text, k) for k in range(at, i)):
            return at
        if "," in text[at:i] and not (_SUFFIX.match(text, i) or _numbered_piece(text, i)):
            return at  # a comma ends the citation, but before a suffix or a piece with a number
        if text[i] == "(":
            group = _group_after(text, i)
            if group is None:
                return at
            at = group
            continue
        word = re.match(r"[\p{L}\p{N}§¶'’&/-]+(?:\.(?=\S))?[\p{L}\p{N}'’&/-]*\.?", text[i:])
        if word is None:
            return at
        token = word.group(0).rstrip(".")
        if _RUN_WORD.fullmatch(token) or (
            token.lower() in _CONNECTORS and _capital_after(text, i + word.end())
        ):
            at = i + len(token) + (1 if word.group(0).endswith(".") and len(token) <= 4 else 0)
            continue
        return at


def _numbered_piece(text: str, i: int) -> bool:
    """Whether the comma-separated piece starting at `text[i]` holds a number ("512 F.3d 840",
    "F.3d 840"), as the pieces of a citation do and a following clause does not."""
    piece = re.split(r"[,;:\n]", text[i:], maxsplit=1)[0]
    end = next((k for k in range(len(piece)) if is_boundary(text, i + k)), len(piece))
    return bool(re.search(r"\d", piece[:end]))


def _capital_after(text: str, i: int) -> bool:
    """Whether the word after `text[i]`, past any connectors, is capitalised or a number."""
    while following := re.match(r"[\s,]*([\p{L}\p{N}(][\p{L}\p{N}'’.&-]*)", text[i:]):
        word = following.group(1)
        if word.rstrip(".").lower() not in _CONNECTORS:
            return not word[0].islower()
        i += following.end()
    return False


def _group_before(text: str, close: int) -> int | None:
    """The start of a balanced "(…)" of citation-like words that ends at `close`."""
    depth, i = 0, close - 1
    while i >= 0:
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                inner = text[i + 1 : close - 1]
                return i if _citation_like_group(inner) else None
        elif text[i] == "\n":
            return None
        i -= 1
    return None


def _group_after(text: str, open_: int) -> int | None:
    depth = 0
    for i in range(open_, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1 if _citation_like_group(text[open_ + 1 : i]) else None
        elif text[i] == "\n":
            return None
    return None


def _citation_like_group(inner: str) -> bool:
    """A parenthesised group inside a citation: capitalised words and numbers only ("EU", "9th
    Cir. 2020", "Refurbished Goods"), not a clause of prose."""
    words = _WORD.findall(inner)
    return (
        bool(words)
        and len(words) <= 8
        and all(w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS for w in words)
    )


def unread_words(
    text: str,
    extent: tuple[int, int],
    read: Iterable[str],
    emphasised: Iterable[tuple[int, int]] = (),
) -> list[str]:
    """The substantive words of `text[extent]` that are not among the words of `read` (the text
    of every detail the readers took, checked or not), in order and without repeats. A
    capitalised word written with a period keeps it ("proc."): it may abbreviate a word of the
    record."""
    start, end = extent
    span = text[start:end]
    read = list(read)
    masked = _IDENTIFIER.sub(lambda m: " " * len(m.group(0)), span) if _has_ident(read) else span
    masked = _PINPOINT.sub(lambda m: " " * len(m.group(0)), masked)
    consumed = {w.lower() for value in read for w in _WORD.findall(value)}
    marked = [(m.start(), m.end()) for m in _QUOTED.finditer(span)]
    marked += [(a - start, b - start) for a, b in emphasised if a < end and start < b]
    out: list[str] = []
    for word in _WORD.finditer(masked):
        token = word.group(0)
        lower = token.lower()
        if re.fullmatch(r"(?:1[89]|20)\d\d[a-z]", lower) and lower[:4] in consumed:
            continue  # "2021a": the year read, with the letter that tells one author's works apart
        if lower in consumed or lower in HARMLESS or lower in out:
            continue
        inside = any(a <= word.start() and word.end() <= b for a, b in marked)
        if len(token) == 1 and not token.isdigit():
            continue  # an initial
        if inside or token[0].isupper() or token[0].isdigit():
            dotted = token[0].isupper() and masked[word.end() : word.end() + 1] == "."
            out.append(f"{lower}." if dotted and len(token) >= 3 else lower)
    return out


def _has_ident(read: Iterable[str]) -> bool:
    return any(_IDENTIFIER.search(value) for value in read)


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?:\d{{1,2}}\s+)?{_MONTH}(?:\s+\d{{1,2}})?,?(?:\s+\d{{4}})?|\d{{4}}(?:\s+{_MONTH}(?:\s+\d{{1,2}})?)?"
_PUBLISHED = re.compile(
    r"\b\p{Lu}[\p{L}. ]{1,30}:\s*[^:;.\n]{2,80};"  # "Geneva: World Health Organization;"
    r"|\[(?:Internet|[Pp]ackage insert|[Pp]rescribing information|Preprint|Data ?set|[Cc]omputer"
    r" software|Software|Fact sheet|Policy brief|Editorial|Letter|Abstract|Poster|Conference"
    r" (?:presentation|paper)|(?:Doctoral|PhD|Master['’]?s|Bachelor['’]?s) (?:dissertation|thesis)"
    r"(?=[,\]]))|\[cited[^\]\n]{0,30}\]"
    rf"|\b(?:[Aa]ccessed|[Rr]etrieved|[Uu]pdated|[Rr]evised|[Pp]ublished(?: online)?|[Ee]pub"
    rf"(?: ahead of print)?)(?:\s+on)?\s+(?:{_DATE})"
    r"|\b[Aa]vailable (?:from|at|online)\b"
)
"""The publication details of a reference-list entry that identify no work: place and
publisher, access and revision dates, APA's description of what the work is ("[Preprint]"; a
thesis's institution is read as its venue). Numbers (volume, issue, pages) are left out on
their own."""


def unread_in_entry(entry: str, read: Iterable[str]) -> list[str]:
    """The substantive words of a reference-list entry that its layout did not read (`read`:
    the details taken from it). An entry is read like an inline citation, so a word its layout
    skipped (a drug's name before "Prescribing information", an author the parser dropped)
    must be on the record too; identifiers, numbers and publication details are not details
    of the work here (identifiers are checked on their own)."""
    masked = _IDENTIFIER.sub(lambda m: " " * len(m.group(0)), entry)
    masked = _PUBLISHED.sub(lambda m: " " * len(m.group(0)), masked)
    words = unread_words(masked, (0, len(masked)), [*read, "et al"])
    return [w for w in words if not w.isdigit()]
