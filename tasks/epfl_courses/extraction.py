"""Which options a free-text reply chose, for multiple-choice questions, in English and French.

Replies are searched in order of how explicitly they state an answer, and the first place that
yields options wins:

1. after an answer cue ("the answer is", "Final answer:", "I choose", "la réponse est",
   "réponses :", "je choisis", "donc"), the last cue first; a cue at the end of a line reads
   the lines below it; option texts anywhere in the cue's sentence count only after a cue
   that names an answer, not after a mere "so" or "c'est";
2. the last `\\boxed{...}`;
3. bold text (`**...**`), the last first;
4. a closing block of echoed options ("2. <text of option 2>" lines, upstream's demo format);
5. the last line (what follows its last colon, its last sentence, its bracketed labels when
   it ends with one, "... (A) ... (C)."; the whole line), then the first line;
6. in a short reply, the options' exact texts.

At each place a list of labels is read: letters or numbers (either, whatever the layout), or
ordinals with a noun ("the second option", "la deuxième proposition"),
optionally bracketed and followed by the option's text, joined by commas, "and", "et", "/"...
An option's own text counts as a label too. A letter followed by an ordinary word is not a
label ("A good choice", "I think"), and a label followed by "is wrong" / "est faux" cancels
the label and ends the list. Nothing found anywhere: the reply is unparseable (`choices is None`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from trustbench.tasks.epfl_courses.records import LETTERS


@dataclass(frozen=True)
class Extraction:
    choices: frozenset[int] | None
    method: str

    @property
    def parsed(self) -> bool:
        return self.choices is not None

    def letters(self) -> list[str]:
        return [LETTERS[i] for i in sorted(self.choices or ())]


_CUES = re.compile(
    r"""
    \b(?:(?:final|correct|right|best|true|my|the|your|our)\s+)*(?:answers?|solutions?)
        \s*(?:is|are|would\s+be|will\s+be|should\s+be|must\s+be|=|:|-|→|->)
  | \b(?:correct|right|best|true|final|valid)\s+(?:options?|choices?|statements?|ones?)
        \s*(?:is|are|would\s+be|=|:)
  | \bI(?:\s+would|\s+will|['’]d|['’]ll)?\s+(?:choose|pick|select|go\s+with|answer|say)\b
  | \bit(?:['’]s|\s+is|\s+must\s+be|\s+should\s+be|\s+has\s+to\s+be)\b
  | \b(?:therefore|thus|hence|so|consequently)\b\s*,?(?:\s*(?:it\s+is|it's|we\s+get))?
  | \b(?:(?:la|les|ma|mes)\s+)?(?:(?:bonnes?|vraies?)\s+)?(?:réponses?|reponses?)
        (?:\s+(?:finales?|correctes?|justes?|exactes?))?\s*(?:est|sont|serait|seraient|=|:|-)
  | \b(?:options?|propositions?|choix|affirmations?)\s+(?:correctes?|justes?|exactes?|vraies?)
        \s*(?:est|sont|=|:)
  | \bje\s+(?:choisis|choisirais|retiens|sélectionne|coche|réponds|dirais|prendrais|opte\s+pour)\b
  | \bj['’](?:opte|opterais)\s+pour\b
  | \b(?:donc|ainsi|par\s+conséquent)\b\s*,?(?:\s*(?:c['’]est|il\s+s['’]agit\s+de))?
  | \b(?:options?|choices?|propositions?|réponses?)\s+(?=\(?[A-Za-z0-9]\)?\s+(?:is|est)\s+(?:the\s+|la\s+)?
        (?:correct|right|true|best|bonne|juste|vraie|correcte|exacte))
  | \b(?:that|this|which)\s+leaves\b|\bil\s+(?:ne\s+)?reste\b
  | \bc['’]est\s+(?:donc\s+)?
  | \bil\s+s['’]agit\s+(?:donc\s+)?(?:de\s+)?
    """,
    re.IGNORECASE | re.VERBOSE,
)

_FILLER = re.compile(
    r"""(?:\s+|[:\-–—=*_`'"«»“”‘’(\[{<•·]|\.\.\.
    |(?:the|both|options?|choices?|answers?|letters?|numbers?|nos?\.|n°|numéros?|propositions?
       |statements?|affirmations?|assertions?|réponses?|reponses?|choix|la|le|les|l['’]|is|are
       |est|sont|just|only|seule?s?|seulement|uniquement|also|aussi
       |and|et|as\s+well\s+as|ainsi\s+que|therefore|donc|:)(?![\w]))""",
    re.IGNORECASE | re.VERBOSE,
)
_SEPARATOR = re.compile(
    r"\s*(?:,|;|/|&|\+|\band\b|\bet\b|\bor\b|\bou\b|\bas\s+well\s+as\b|\bainsi\s+que\b|\n)\s*",
    re.IGNORECASE,
)
_FOLLOWERS = frozenset(
    """and or is are was were would should seems seem looks appears because since as which
    with then only also too here in for from so thus hence therefore correct right true
    et ou est sont serait semble car parce puisque qui avec aussi donc seulement uniquement
    ici pour selon correcte correctes juste justes vraie vraies exacte""".split()
)
_NEGATED = re.compile(
    r"\s*(?:(?:is|are|est|sont|seems?|semble)\s+)?(?:not\b|n['’]est\s+pas|ne\s+sont\s+pas|"
    r"wrong|incorrect|false|faux|fausses?|erronée?s?|incorrecte?s?)",
    re.IGNORECASE,
)
_CLOSERS = re.compile(r"[)\]}>»”\"'*_]*")
_TEXT_LEAD = re.compile(r"\s*[.:)\-–—]?\s*")
_LETTER = re.compile(r"([A-Za-z])(?![A-Za-z0-9'’])")
_RUN = re.compile(r"([A-Z]{2,6})(?![A-Za-z0-9'’])")
_DIGITS = re.compile(r"(\d{1,2})(?!\d|[.,]\d)")
_ORDINALS = {
    "first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5,
    "premier": 0, "première": 0, "deuxième": 1, "seconde": 1, "troisième": 2,
    "quatrième": 3, "cinquième": 4, "sixième": 5, "last": -1, "dernier": -1, "dernière": -1,
}  # fmt: skip
_ORDINAL = re.compile(
    r"(" + "|".join(_ORDINALS) + r")\s+(?:one|option|choice|answer|statement|proposition"
    r"|réponse|choix|affirmation)s?(?!\w)",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\(([^()]{1,24})\)")
_PAREN_END = re.compile(r"\)\s*[.!]?\s*$")
_SENTENCE_END = re.compile(r"(?<=[^\s.]{2}[.!?])\s+")
_CONJUNCTION = re.compile(r"\s+(?:and|et|or|ou)\s", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")
_BOUNDARY = re.compile(r"\s*(?:$|[.,;:!?)\]}/&+*\-–—(\n])")
_BOXED = re.compile(r"\\boxed\{([^{}]*)\}")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.DOTALL)
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_LATEX_TEXT = re.compile(r"\\text(?:bf|it|rm)?\{([^{}]*)\}")
_ECHO = re.compile(r"^\s*[-*•]?\s*\[?([A-Za-z]|\d{1,2})\]?\s*[.:)]\s*(.+?)\s*$")


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _THINK.sub("", text)
    return _LATEX_TEXT.sub(r"\1", text).replace("$", "")


def _plain(text: str) -> str:
    """Markdown emphasis, code marks and heading/quote markers removed."""
    text = text.replace("**", "").replace("__", "").replace("`", "")
    return re.sub(r"(?m)^\s*(?:#+|>)\s*", "", text)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip().rstrip(".")


_DETERMINER = re.compile(
    r"^(?:the|a|an|its|their|le|la|les|l['’]|un|une|des|du|de|d['’])\s*(?=\w)", re.IGNORECASE
)


@lru_cache(maxsize=4096)
def _option_patterns(option: str) -> tuple[re.Pattern[str], ...]:
    """The option's text, and without a leading article ("Its volume" → "volume"), spacing
    free ("50 %" matches "50%")."""
    folded = _fold(_plain(_normalize(option)))
    texts = [folded]
    bare = _DETERMINER.sub("", folded)
    if bare != folded and len(bare) >= 4:
        texts.append(bare)
    return tuple(
        re.compile(r"\s*".join(re.escape(w) for w in t.split(" ")) + r"(?!\w)", re.IGNORECASE)
        for t in texts
    )


class _Reader:
    """Reads label lists against one question's options."""

    def __init__(self, options: Sequence[str]) -> None:
        self.options = options
        longest_first = sorted(range(len(options)), key=lambda i: -len(options[i]))
        full = [(i, _option_patterns(options[i])[0]) for i in longest_first]
        bare = [(i, p) for i in longest_first for p in _option_patterns(options[i])[1:]]
        self.patterns = full + bare

    def _skip_fillers(self, s: str, pos: int) -> int:
        while (m := _FILLER.match(s, pos)) and m.end() > pos:
            pos = m.end()
        return pos

    def _option_text(
        self, s: str, pos: int, only: int | None = None, exact: bool = False
    ) -> tuple[int, int] | None:
        for index, pattern in self.patterns[: len(self.options)] if exact else self.patterns:
            if only is not None and index != only:
                continue
            m = pattern.match(s, pos)
            if m:
                return index, m.end()
        return None

    def _label_index(self, s: str, pos: int) -> tuple[int, int] | None:
        """A letter, a digit, or a run of letters "ACD" (ascending), as option index and end."""
        n = len(self.options)
        if m := _ORDINAL.match(s, pos):
            value = _ORDINALS[m.group(1).casefold()]
            return (value % n, m.end()) if value < n else None
        if m := _DIGITS.match(s, pos):
            value = int(m.group(1))
            return (value - 1, m.end()) if 1 <= value <= n else None
        if m := _RUN.match(s, pos):
            indices = [LETTERS.index(c) for c in m.group(1)]
            if indices == sorted(set(indices)) and indices[-1] < n:
                return -1, m.end()
            return None
        if m := _LETTER.match(s, pos):
            letter = m.group(1)
            index = LETTERS.index(letter.upper())
            if index >= n:
                return None
            if letter.islower():
                bracketed = pos > 0 and s[pos - 1] in "(["
                if not (bracketed or _BOUNDARY.match(s, m.end()) or _CONJUNCTION.match(s, m.end())):
                    return None
            return index, m.end()
        return None

    def _label(self, s: str, pos: int, bare: bool) -> tuple[list[int], int] | None:
        """A label followed by its own option's text or, if `bare`, by nothing."""
        found = self._label_index(s, pos)
        if found is None:
            return None
        index, end = found
        indices = [LETTERS.index(c) for c in s[pos:end]] if index == -1 else [index]
        end = _CLOSERS.match(s, end).end()  # type: ignore[union-attr]  # only starred parts: always matches
        lead = _TEXT_LEAD.match(s, end)
        if lead and len(indices) == 1:
            own = self._option_text(s, lead.end(), only=indices[0])
            if own is not None:
                return indices, own[1]
        if not bare:
            return None
        if not _BOUNDARY.match(s, end):
            word = _NEXT_WORD.match(s, end)
            if word is None or word.group(1).casefold() not in _FOLLOWERS:
                return None
        return indices, end

    def read_list(self, segment: str, exact: bool = False) -> frozenset[int] | None:
        """Labels or option texts from the start of `segment`; `exact` leaves out the
        article-less option texts, for places with no answer cue."""
        return self._read(_plain(segment), exact)[0]

    def read_whole(self, segment: str) -> frozenset[int] | None:
        """Like `read_list` with exact texts, or with any text if the list is all there is."""
        s = _plain(segment)
        found = self._read(s, exact=True)[0]
        if found:
            return found
        found, end = self._read(s, exact=False)
        return found if found and not s[end:].strip(" \t.!;,") else None

    def _read(self, s: str, exact: bool) -> tuple[frozenset[int] | None, int]:
        pos = self._skip_fillers(s, 0)
        chosen: list[int] = []
        while True:
            item = self._label(s, pos, bare=False)
            if item is None:
                text = self._option_text(s, pos, exact=exact)
                item = ([text[0]], text[1]) if text else self._label(s, pos, bare=True)
            if item is None:
                break
            if _NEGATED.match(s, item[1]):
                break  # "A is wrong": not a choice, and the end of the list
            chosen += item[0]
            pos = item[1]
            sep = _SEPARATOR.match(s, pos)
            if sep is None or sep.end() == pos:
                break
            pos = self._skip_fillers(s, sep.end())
            if self._label_index(s, pos) and not self._label(s, pos, bare=True):
                return None, pos  # "A, B or D could all work": a list that breaks off
        return frozenset(chosen) or None, pos

    def find_texts(self, segment: str, exact: bool = False) -> frozenset[int] | None:
        """Options whose text appears in `segment`, longest first, never overlapping; `exact`
        leaves out the article-less variants."""
        s = _plain(segment)
        taken: list[tuple[int, int]] = []
        chosen: set[int] = set()
        for index, pattern in self.patterns[: len(self.options)] if exact else self.patterns:
            for m in re.finditer(r"(?<!\w)(?:" + pattern.pattern + ")", s, re.IGNORECASE):
                if all(m.end() <= a or m.start() >= b for a, b in taken):
                    taken.append(m.span())
                    chosen.add(index)
        return frozenset(chosen) or None

    def echoed_block(self, lines: list[str]) -> frozenset[int] | None:
        """Trailing lines that each restate one option with its label: "2. Paris"."""
        chosen: set[int] = set()
        for line in reversed(lines):
            m = _ECHO.match(_plain(line))
            if m is None:
                break
            label = m.group(1)
            index = int(label) - 1 if label.isdigit() else LETTERS.index(label.upper())
            if not 0 <= index < len(self.options):
                break
            if not any(
                p.fullmatch(_fold(m.group(2))) for p in _option_patterns(self.options[index])
            ):
                break
            chosen.add(index)
        if not chosen or len(chosen) == len(self.options):
            return None
        return frozenset(chosen)


_STRONG_CUE = re.compile(
    r"answer|solution|réponse|reponse|option|choice|choix|proposition|choose|pick|select|say"
    r"|choisi|retiens|sélectionne|coche|opte|dirais|prendrais",
    re.IGNORECASE,
)


def _cue_segments(text: str) -> list[tuple[str, bool]]:
    """What follows each answer cue, last cue first: the rest of its line, or if that is
    empty, the lines below it up to a blank line; and whether the cue names an answer
    ("the answer is") rather than only concluding ("so", "c'est")."""
    segments = []
    for cue in reversed(list(_CUES.finditer(text))):
        strong = bool(_STRONG_CUE.search(cue.group(0)))
        line_end = text.find("\n", cue.end())
        rest = text[cue.end() : None if line_end < 0 else line_end]
        if rest.strip(" \t:*_-"):
            segments.append((rest, strong))
        elif line_end >= 0:
            block = text[line_end + 1 :].lstrip("\n").split("\n\n", 1)[0]
            segments.append(("\n".join(block.splitlines()[:10]), strong))
    return segments


def extract_choices(reply: str, options: Sequence[str]) -> Extraction:
    """The set of option indices the reply chose, and where it was found."""
    reader = _Reader(options)
    text = _normalize(reply)
    plain = _plain(text)
    for segment, strong in _cue_segments(plain):
        lines = [line for line in segment.splitlines() if line.strip()]
        if len(lines) > 1:
            picks = [pick for line in lines if (pick := reader.read_list(line))]
            if len(picks) == len(lines):
                return Extraction(frozenset[int]().union(*picks), "cue")
        found = reader.read_list(segment)
        if found:
            return Extraction(found, "cue")
        sentence = re.split(r"(?<=\w{2})[.!?](?:\s|$)", segment, maxsplit=1)[0]
        found = reader.find_texts(sentence) if strong else None
        if found:
            return Extraction(found, "cue_text")
    for boxed in reversed(_BOXED.findall(text)):
        found = reader.read_list(boxed, exact=True)
        if found:
            return Extraction(found, "boxed")
    for bold in reversed(list(_BOLD.finditer(text))):
        start = text.rfind("\n", 0, bold.start()) + 1
        end = text.find("\n", bold.end())
        line = text[start : None if end < 0 else end]
        content = bold.group(1) or bold.group(2)
        found = reader.read_list(line, exact=True) or (
            reader.read_list(content, exact=True) if len(content) <= 80 else None
        )
        if found:
            return Extraction(found, "bold")
    lines = [line for line in plain.splitlines() if line.strip()]
    if not lines:
        return Extraction(None, "empty")
    found = reader.echoed_block(lines)
    if found:
        return Extraction(found, "echo")
    last = lines[-1]
    after_colon = last.rsplit(":", 1)[1] if ":" in last else ""
    parenthesized = ", ".join(_PAREN.findall(last)) if _PAREN_END.search(last) else ""
    for line, method in (
        (after_colon, "last_line"),
        (_SENTENCE_END.split(last)[-1], "last_line"),
        (parenthesized, "last_line"),
        (last, "last_line"),
        (lines[0], "first_line"),
    ):
        found = reader.read_whole(line) if line.strip() else None
        if found:
            return Extraction(found, method)
    if len(plain) <= 300:
        found = reader.find_texts(plain, exact=True)
        if found:
            return Extraction(found, "option_text")
    return Extraction(None, "none")
