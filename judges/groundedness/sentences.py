"""Sentences of an answer: where a citation's sentence starts and ends (abbreviations, initials
and dotted tokens such as "U.S." or "F.3d" do not end one), and the claim text around a
citation."""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "v", "vs", "mr", "mrs", "ms", "dr", "al", "no", "vol", "pp", "p", "fig", "ct", "supp",
    "cir", "inc", "co", "corp", "fed", "civ", "crim", "evid", "app", "cal", "stat", "ed", "eds",
    "cf", "id", "st", "jr", "sr", "ltd", "rev", "ann", "art", "sec", "ch", "n", "auth", "cnty",
    "dep't", "ass'n", "int'l", "nat'l", "mfg", "bros", "dist", "bd", "univ", "hosp", "ctr",
    "comm'n", "gov't", "envtl", "transp", "sys", "tech", "servs", "ins", "mut", "colo", "fla",
    "kan", "ky", "md", "mich", "minn", "mont", "neb", "nev", "okla", "pa", "tenn", "tex", "va",
    "vt", "wis", "wyo", "ala", "ariz", "haw", "twp", "admin", "regs", "proc", "rel", "e.g",
    "i.e", "approx", "dept", "govt", "assn",
}  # fmt: skip
"""Words that end with a period without ending a sentence (Bluebook T6/T10 forms among them)."""


_MIXED_CASE = re.compile(r"[a-z]+[A-Z][\w-]*")
_MARKER_BEFORE = re.compile(r"[.!?]\[\^?\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]$")
"""A sentence's end with its note marker after the full stop: "… weeks.[1]"."""


def _starts_sentence(text: str, j: int) -> bool:
    """Whether white space and then a word that may start a sentence follow `text[j:]`."""
    if j < len(text) and not text[j].isspace():
        return False
    while j < len(text) and text[j].isspace():
        j += 1
    return j >= len(text) or not text[j].islower() or bool(_MIXED_CASE.match(text, j))


def claim_sentence(text: str, start: int, end: int) -> str:
    """The sentence (or bullet line) around `text[start:end]`; when the citation stands alone
    after the sentence it supports (". (Smith, 2020)"), the sentence before it too."""
    return strip_sentence(text[slice(*sentence_bounds(text, start, end))])


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where `claim_sentence` starts and ends."""
    a = sentence_start(text, start)
    b = sentence_end(text, end)
    if len(strip_sentence(text[a:b]).replace(text[start:end], "").strip(" .,;:()[]")) < 20:
        previous = a
        while previous > 0 and text[previous - 1].isspace():
            previous -= 1
        if previous > 0:
            a = sentence_start(text, previous - 1)
    return a, b


def strip_sentence(sentence: str) -> str:
    """A sentence on one line, without list bullets or heading marks."""
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)]|#+)\s+", "", ln) for ln in sentence.splitlines()]
    return " ".join(" ".join(lines).split())


def is_boundary(text: str, i: int) -> bool:
    """True when the character at `i` ends a sentence: a line break, or . ! ? before white
    space and a word that does not start in lower case (a mixed-case word such as "eGFR" may),
    and for "." not after an abbreviation, an initial or a dotted token ("U.S.", "F.3d"); a
    note marker right after the full stop ("… weeks.[1] Next") ends the sentence with it."""
    char = text[i]
    if char == "\n":
        return True
    if char == "]" and (marker := _MARKER_BEFORE.search(text, 0, i + 1)):
        return _starts_sentence(text, i + 1) and _full_stop(text, marker.start())
    if char not in ".!?" or not _starts_sentence(text, i + 1):
        return False
    return _full_stop(text, i)


def _full_stop(text: str, i: int) -> bool:
    """Whether the . ! ? at `i` can end a sentence: "." not after an abbreviation, an initial
    or a dotted token."""
    if text[i] != ".":
        return True
    k = i
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "_.'’"):
        k -= 1
    word = text[k:i].replace("’", "'")
    return not word or not ("." in word or len(word) == 1 or word.lower() in ABBREVIATIONS)


def sentence_start(text: str, position: int) -> int:
    i = position - 1
    while i >= 0 and not is_boundary(text, i):
        i -= 1
    return i + 1


def sentence_end(text: str, position: int) -> int:
    i = position
    if 0 < position <= len(text) and text[position - 1] == "]" and is_boundary(text, position - 1):
        return position  # the span ends with the note marker that ends its sentence
    while i < len(text) and not is_boundary(text, i):
        i += 1
    return min(i + 1, len(text))
