"""An answer's Markdown and HTML marks taken out once, before citations are read, with a map back
to the answer as written.

Answers write citations with emphasis (`*Smith v. Jones*`, `_Journal_`, `**7**`), superscript
markers (`^1`, `^[1]`, `<sup>1</sup>`, `¹`), escaped characters (`\\*`), HTML entities (`&amp;`)
and tags. Every citation reader sees the plain text instead, so no reader needs to know about
marks; each plain character remembers where it came from, so a citation's span, its marker and
its sentence are always quoted from the answer as written. Superscript markers become bracketed
ones (`[1]`), which the numbered-citation reader reads through the reference list. Link targets,
bare URLs and code spans are left as written."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import regex as re

_PROTECTED = re.compile(r"`[^`\n]+`|\]\([^)\s]*(?:\([^)\s]*\))?[^)\s]*\)|https?://[^\s<>\"'`)\]]+")
"""Code spans, link targets and bare URLs: their characters are never marks."""
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~^&\"'])")
_MARKS = r"\d{1,3}(?:\s*[,–-]\s*\d{1,3})*"
_SUP_TAG = re.compile(r"<sup>\s*\[?(" + _MARKS + r")\]?\s*</sup>", re.I)
_CARET_BRACKET = re.compile(r"(?<!\[)\^\[(" + _MARKS + r")\]")
_INLINE_NOTE = re.compile(r"(?<!\[)\^\[(?!\d)([^\[\]\n]{3,400})\]")
"""A Pandoc inline footnote, `^[Smith, 2020]`: its text is read as a parenthesis."""
_CARET = re.compile(r"(?<=[\p{L}\p{M}).,;:!?'\"’”\]*_])\^(" + _MARKS + r")(?![.,]?\d|\p{L})")
_UNICODE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_UNICODE = re.compile(
    r"(?<=[\p{L}\p{M}).,;:!?'\"’”\]])([¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:[,˒⸴⁻–-][¹²³⁴⁵⁶⁷⁸⁹⁰]+)*)(?![¹²³⁴⁵⁶⁷⁸⁹⁰])"
)
_UNIT = re.compile(r"(?:\b|\d)(?:[kcmµnd]?m|ft|in|s|km|mm|cm|kg/m|mL|L)$")
"""A unit before a superscript 2 or 3 makes it a power (m², cm³), not a marker."""
_TAGS = re.compile(r"</?(?:em|i|b|strong|u|sub|span|cite|small|mark)(?:\s[^<>]*)?>", re.I)
_EMPHASIS_TAGS = re.compile(r"<(em|i|b|strong|cite)(?:\s[^<>]*)?>(.*?)</\1>", re.I | re.S)
_EMPHASIS = re.compile(
    r"(?<![\p{L}\p{N}*\\])(\*{1,3})(?=[^\s*])(.+?)(?<=[^\s*\\])\1(?!\*)"
    r"|(?<![\p{L}\p{N}_\\])(_{1,3})(?=[^\s_])(.+?)(?<=[^\s_\\])\3(?![\p{L}\p{N}_])"
)
"""Paired `*`, `**`, `***`, `_`, `__` on one line; `_` only at word edges (snake_case stays)."""
_BULLET = re.compile(r"^[ \t]*[*+-][ \t]+", re.M)


@dataclass(frozen=True)
class Plain:
    """`text` with its marks taken out; `starts[i]`/`ends[i]` are the answer span that plain
    character `i` stands for; `emphasis` the plain spans that were emphasised."""

    source: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    emphasis: tuple[tuple[int, int], ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The answer span of the plain span `[start, end)`."""
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else len(self.source)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def quote(self, start: int, end: int) -> str:
        """The answer's own text for the plain span `[start, end)`, with the emphasis it closes
        opened too ("*R. v. Tran*, 2016 SCC 29", not "R. v. Tran*, 2016 SCC 29")."""
        a, b = self.span(start, end)
        text = self.source[a:b]
        first = _EMPHASIS_RUN.search(text)
        if first and first.start() > 0 and not text[first.start() - 1].isspace():
            run = first.group(0)  # the first mark closes: its opening mark is before the span
            if self.source[max(0, a - len(run)) : a] == run:
                a -= len(run)
        return self.source[a:b]

    def emphasised(self, start: int, end: int) -> bool:
        """Whether the plain span lies inside one emphasised span."""
        return any(a <= start and end <= b for a, b in self.emphasis)


_EMPHASIS_RUN = re.compile(r"\*{1,3}|(?<![\w])_{1,3}(?=\w)|(?<=\w)_{1,3}(?![\w])")


def plain_text(source: str) -> Plain:
    """`source` with emphasis, superscript markers, escapes, entities and inline tags taken out
    (see the module's docstring)."""
    protected = [m.span() for m in _PROTECTED.finditer(source)]

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in protected)

    edits: dict[int, tuple[int, str]] = {}
    """Answer start -> (answer end, replacement) of every mark taken out or rewritten."""
    emphasis: list[tuple[int, int]] = []

    def edit(start: int, end: int, replacement: str) -> bool:
        if not free(start, end) or any(a < end and start < b for a, (b, _) in edits.items()):
            return False
        edits[start] = (end, replacement)
        return True

    has_entries = _numbered_lines(source)
    for match in _SUP_TAG.finditer(source):
        edit(*match.span(), f"[{match.group(1)}]")
    for match in _CARET_BRACKET.finditer(source):
        edit(*match.span(), f"[{match.group(1)}]")
    for match in _INLINE_NOTE.finditer(source):
        edit(match.start(), match.start(1), " (")
        edit(match.end(1), match.end(), ")")
    for match in _CARET.finditer(source):
        numbers = re.findall(r"\d+", match.group(1))
        if any(n in has_entries for n in numbers):
            edit(*match.span(), f"[{match.group(1)}]")
    for match in _UNICODE.finditer(source):
        marks = match.group(1)
        if len(marks) == 1 and marks in "²³" and _UNIT.search(source[: match.start()]):
            continue
        digits = marks.translate(str.maketrans(_UNICODE_MARKS + "⁻˒⸴", "1234567890-,,"))
        if any(n in has_entries for n in re.findall(r"\d+", digits)):
            edit(*match.span(), f"[{digits}]")
    for match in _EMPHASIS_TAGS.finditer(source):
        emphasis.append(match.span(2))
    for match in _TAGS.finditer(source):
        edit(*match.span(), "")
    for match in _ESCAPE.finditer(source):
        edit(match.start(), match.start() + 1, "")
    for match in _ENTITY.finditer(source):
        if (char := html.unescape(match.group(0))) != match.group(0):
            edit(*match.span(), char.replace("\xa0", " "))
    _take_emphasis(source, edit, emphasis)
    return _apply(source, edits, emphasis)


def _take_emphasis(
    source: str, edit: Callable[[int, int, str], bool], emphasis: list[tuple[int, int]]
) -> None:
    """Paired emphasis marks, outermost first; nested pairs (`**_x_**`) in later passes, each
    pass seeing the marks already taken as spaces. A bullet's `*` is no mark."""
    working = _BULLET.sub(lambda m: " " * len(m.group(0)), source)
    for _ in range(3):
        found = False
        for match in _EMPHASIS.finditer(working):
            marks, inner = (1, 2) if match.group(1) else (3, 4)
            open_end, close_start = match.end(marks), match.start(inner) + len(match.group(inner))
            if "\n" in match.group(inner):
                continue
            if edit(match.start(), open_end, "") and edit(close_start, match.end(), ""):
                emphasis.append((open_end, close_start))
                working = (
                    working[: match.start()]
                    + " " * (open_end - match.start())
                    + working[open_end:close_start]
                    + " " * (match.end() - close_start)
                    + working[match.end() :]
                )
                found = True
        if not found:
            return


def _numbered_lines(source: str) -> set[str]:
    """The numbers that start a line as a list or note entry ("1. …", "[2] …", "^3 …")."""
    return set(re.findall(r"(?m)^\s*(?:\[\^?|\^|\()?(\d{1,3})[.):\]]?\s+\S", source))


def _apply(
    source: str, edits: dict[int, tuple[int, str]], emphasis: list[tuple[int, int]]
) -> Plain:
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position: dict[int, int] = {}
    """Answer index -> plain index, for the emphasis spans."""
    i = 0
    while i <= len(source):
        position[i] = len(text)
        if i == len(source):
            break
        if i in edits:
            end, replacement = edits[i]
            for char in replacement:
                text.append(char)
                starts.append(i)
                ends.append(end)
            for j in range(i + 1, end + 1):
                position.setdefault(j, len(text))
            i = end
            continue
        text.append(source[i])
        starts.append(i)
        ends.append(i + 1)
        i += 1
    spans = tuple(
        sorted((position[a], position[b]) for a, b in emphasis if a in position and b in position)
    )
    return Plain(source, "".join(text), tuple(starts), tuple(ends), spans)
