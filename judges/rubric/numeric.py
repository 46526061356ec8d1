"""Numeric grading: a reference that is one quantity, range or bound is graded without an LLM,
but only when the reply's final answer can be read with confidence.

Where the answer is read, in order: the last `\\boxed{}`; after the last answer cue ("the answer
is", "Final answer:", "réponse :", ...); the last line with a number (closing lines without one,
"Hope this helps!", are passed over, three at most; of a line longer than 400 characters, only
its last sentence); the whole reply when it is short. Within that place, the value after the last
`=`-like separator counts ("E = hc/λ = 3.98e-19 J"). In the last line or a short reply, that
value must be the only one there (or all values there must agree), so that a stray number is
never taken for the answer.

Where the place offers a choice ("5 m or 50 m", "possibly"), two different values of one kind
there commit to neither: the reply is unreadable.

The value is then compared with the reference by `comparison.compare` (units converted with
pint; relative tolerance; exact zeros; temperatures by stated precision; see that module).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustbench.judges.rubric.comparison import (
    Outcome,
    compare,
    percent_asked,
    temperature_difference,
)
from trustbench.judges.rubric.notation import closing_brace
from trustbench.judges.rubric.quantities import (
    Answer,
    Found,
    Interval,
    Quantity,
    bounded,
    find_quantities,
    tokenize,
)
from trustbench.judges.rubric.units import dimensionality, in_base_units, symbol

DEFAULT_REL_TOL = 0.01

_BOXED = re.compile(r"\\boxed\s*\{")
_CUE_WORDS = ("answer", "result", "solution", "réponse", "reponse", "résultat", "resultat")
_CUE_TAIL = re.compile(r"(?:\s+finale?)?[\s*_]*(?:is|est|would\s+be|sera|:|=)", re.IGNORECASE)
"""An answer cue is a cue word ("answer", "réponse", ...) followed by "is", "est", ":" or "="."""
_LAST_LINE_CHARS = 400
CLOSING_LINES = 3
_DIGIT = re.compile(r"[0-9π⁰¹²³⁴⁵⁶⁷⁸⁹½¼¾]")
_SENTENCE_END = re.compile(r"[.!?;](?=\s)")
SHORT_REPLY = 200
"""A reply this short is read whole when no other place gives an answer."""
_ALTERNATIVES = re.compile(
    r"\b(?:or|either|maybe|perhaps|possibly|ou|soit|peut-être|éventuellement)\b", re.IGNORECASE
)
"""Words that offer a choice: beside two different values of one kind, no answer is committed to."""
_RANGE_QUESTION = re.compile(
    r"\b(?:interval|intervalle|range|confidence|CI|between|entre|plage|fourchette|bounds?|bornes?)\b",
    re.IGNORECASE,
)


def expects_range(question: str) -> bool:
    """Whether a question asks for a range, so that `(a, b)` in its reference is one."""
    return _RANGE_QUESTION.search(question) is not None


@dataclass(frozen=True)
class Reading:
    """What the reply commits to, or why nothing can be taken for its answer."""

    answer: Answer | None
    method: str
    """`boxed`, `cue`, `last_line`, `short_reply`, or `none`."""
    problem: str = ""
    place: str = ""
    """The text the answer was read from."""


@dataclass(frozen=True)
class NumericVerdict:
    outcome: Outcome
    answer: Answer | None
    reference: Answer
    reason: str
    method: str

    @property
    def correct(self) -> bool:
        return self.outcome == "correct"


def _boxed(text: str) -> tuple[str, str] | None:
    """The last closed `\\boxed{...}` and the rest of its line (where a unit may follow)."""
    for match in reversed(list(_BOXED.finditer(text))):
        end = closing_brace(text, match.end())
        if end is not None:
            line_end = text.find("\n", end)
            return text[match.end() : end], text[end + 1 : None if line_end < 0 else line_end]
    return None


def _last_cue_end(text: str) -> int | None:
    """Where the last answer cue ends. Found from the end with `str.rfind` (the words are few,
    the replies long): a regular expression scanning 6 kB of reasoning for every cue was the
    grader's main cost. Occurrences of a cue word with no cue after them are many in some
    replies ("answer answer ..."): only the 50 last of each word are tried."""
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: offsets differ
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    best = None
    for word in _CUE_WORDS:
        end = len(lower)
        for _ in range(50):
            start = lower.rfind(word, 0, end)
            if start < 0 or (best is not None and start < best):
                break
            cue = _CUE_TAIL.match(text, start + len(word))
            if cue and (start == 0 or not lower[start - 1].isalpha()):
                best = max(best or 0, cue.end())
                break
            end = start
    return best


def _after_last_cue(text: str) -> str | None:
    end = _last_cue_end(text)
    if end is None:
        return None
    line_end = text.find("\n", end)
    rest = text[end : None if line_end < 0 else line_end]
    if rest.strip(" \t*_:-"):
        return rest
    following = [line for line in text[end:].splitlines()[1:] if line.strip()]
    return following[0] if following else None


def _pick(
    region: str, language: str | None, *, unique: bool, pairs: bool = False
) -> tuple[Answer | None, str]:
    """The value after the last separator in `region` (the only one there, if `unique`); after
    `<`, `≤`, `>` or `≥`, the values on that side of it."""
    found, separators = find_quantities(region, language, pairs=pairs)
    if not found:
        return None, "no number"
    last, comparison = max(
        ((i, text) for i, text in separators if any(f.start > i for f in found)),
        default=(-1, ""),
    )
    after = [f for f in found if f.start > last]
    first = after[0]
    if first.answer is None:
        return None, first.problem
    if unique:
        values = {_key(f.answer) for f in after if f.answer is not None}
        if len(values) > 1 or any(f.answer is None for f in after):
            return None, "several different values and no cue says which is the answer"
    if _ALTERNATIVES.search(region) and _rivals(first.answer, found):
        return None, "several values of one kind offered as the answer (`5 m or 50 m`)"
    if comparison in ("<", "≤", ">", "≥") and first.start == last + 1:
        return bounded(first.answer, comparison), ""
    return first.answer, ""


def _rivals(answer: Answer, found: list[Found]) -> bool:
    """Whether another value of the same kind, and different, stands beside `answer`."""
    kind = dimensionality(answer.unit)
    key = _key(answer)
    return any(
        f.answer is not None and dimensionality(f.answer.unit) == kind and _key(f.answer) != key
        for f in found
    )


def _key(answer: Answer) -> tuple[str, ...]:
    """Equal for the same value however written (`2 eV` and `3.2e-19 J`)."""
    if isinstance(answer, Interval):
        return (f"{answer.low:.6g}", f"{answer.high:.6g}", answer.unit)
    value, unit = answer.value, answer.unit
    if unit:
        value, unit = in_base_units(value, unit)
    return f"{value:.6g}", unit


def read_answer(reply: str, language: str | None = None, *, pairs: bool = False) -> Reading:
    """Where the reply states its final value, and that value, or why there is none. `pairs`
    reads `(a, b)` as a range."""
    boxed = _boxed(reply)
    if boxed is not None:
        content, tail = boxed
        answer, problem = _pick(content, language, unique=False, pairs=pairs)
        if isinstance(answer, Quantity) and not answer.unit and tail.strip():
            answer = _with_unit_after(answer, tail, language)
        return Reading(answer, "boxed", problem, content)
    cue = _after_last_cue(reply)
    if cue is not None:
        region = cue[:_LAST_LINE_CHARS]
        answer, problem = _pick(region, language, unique=False, pairs=pairs)
        if answer is not None or problem != "no number":
            return Reading(answer, "cue", problem, region)
    last = _last_line(reply)
    if last:
        region = last[-_LAST_LINE_CHARS:]
        answer, problem = _pick(region, language, unique=True, pairs=pairs)
        if answer is not None or problem != "no number":
            return Reading(answer, "last_line", problem, region)
    if 0 < len(reply) <= SHORT_REPLY:
        answer, problem = _pick(reply, language, unique=True, pairs=pairs)
        return Reading(answer, "short_reply", problem, reply)
    return Reading(None, "none", "no final answer with a number was found")


def _last_line(text: str) -> str:
    """The last line with a number in it, passing over up to `CLOSING_LINES` lines without one
    at the end ("Hope this helps!"); else the last line that is not blank. Of a long line (a
    reply with no line breaks), only the last sentence, and only if it ends the reply: a long
    paragraph before a closing line is working, not a statement of the answer."""
    end = len(text.rstrip())
    last = None
    for _ in range(CLOSING_LINES + 1):
        start = text.rfind("\n", 0, end) + 1
        if last is not None and end - start > _LAST_LINE_CHARS:
            break
        line = _last_sentence(text[start:end])
        last = line if last is None else last
        if _DIGIT.search(line):
            return line
        if start == 0:
            break
        end = len(text[: start - 1].rstrip())
    return last or ""


def _last_sentence(line: str) -> str:
    if len(line) <= _LAST_LINE_CHARS:
        return line
    ends = [m.end() for m in _SENTENCE_END.finditer(line, len(line) - 4 * _LAST_LINE_CHARS)]
    return line[ends[-1] :].strip() if ends else line


def _with_unit_after(quantity: Quantity, tail: str, language: str | None) -> Quantity:
    """`\\boxed{3.2}\\,\\mathrm{J}`: the unit written just after the box."""
    probe, _ = _pick(f"1 {tail}", language, unique=False)
    if not isinstance(probe, Quantity) or not probe.unit or not tokenize(tail):
        return quantity
    return Quantity(
        quantity.value,
        probe.unit,
        f"{quantity.text} {symbol(probe.unit)}",
        quantity.step,
        probe.factors,
    )


def grade_numeric(
    reply: str,
    reference: Answer,
    *,
    language: str | None = None,
    rel_tol: float = DEFAULT_REL_TOL,
    question: str = "",
) -> NumericVerdict:
    """Correct, wrong, or unreadable (no confident reading: the caller decides what then).
    The `question` says whether a temperature is a difference ("by how much") and whether a
    bare number answers in percent ("in %") or as a fraction; so does the reference's label
    (`ΔT = 60 K`)."""
    reading = read_answer(reply, language, pairs=isinstance(reference, Interval))
    if reading.answer is None:
        return NumericVerdict("unreadable", None, reference, reading.problem, reading.method)
    answer = reading.answer
    verdict = compare(
        answer,
        reference,
        rel_tol=rel_tol,
        difference=temperature_difference(f"{question}\n{reference.label}", reading.place),
        percent=percent_asked(question),
    )
    return NumericVerdict(verdict.outcome, answer, reference, verdict.reason, reading.method)
