"""Numeric grading: a reference that is one quantity (a number, with or without a unit) is graded
without an LLM, but only when the reply's final answer can be read with confidence.

Where the answer is read, in order: the last `\\boxed{}`; after the last answer cue ("the answer
is", "Final answer:", "réponse :", ...); the last line with a number (closing lines without one,
"Hope this helps!", are passed over, three at most); the whole reply when it is short. Within
that place, the value after the last `=`-like separator counts ("E = hc/λ = 3.98e-19 J"). In
the last line or a short reply, that value must be the only one there (or all values there
must agree), so that a stray number is never taken for the answer.

Both sides are converted to the reference's unit with pint and compared with a relative
tolerance; an absolute tolerance applies only to a reference of zero. Temperatures compare in
kelvin (a relative tolerance on °C would depend on where zero is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from trustbench.judges.rubric.quantities import (
    Quantity,
    closing_brace,
    find_quantities,
    tokenize,
)
from trustbench.judges.rubric.units import (
    IncompatibleUnits,
    convert,
    in_base_units,
    is_fraction,
    is_temperature,
    symbol,
)

DEFAULT_REL_TOL = 0.01
DEFAULT_ZERO_TOL = 1e-9
"""For a reference of exactly zero: how far from zero, in the reference's unit, still counts."""

_BOXED = re.compile(r"\\boxed\s*\{")
_CUE_WORDS = ("answer", "result", "solution", "réponse", "reponse", "résultat", "resultat")
_CUE_TAIL = re.compile(r"(?:\s+finale?)?[\s*_]*(?:is|est|would\s+be|sera|:|=)", re.IGNORECASE)
"""An answer cue is a cue word ("answer", "réponse", ...) followed by "is", "est", ":" or "="."""
_LAST_LINE_CHARS = 400
CLOSING_LINES = 3
_DIGIT = re.compile(r"[0-9π⁰¹²³⁴⁵⁶⁷⁸⁹]")
SHORT_REPLY = 200
"""A reply this short is read whole when no other place gives an answer."""

Outcome = Literal["correct", "wrong", "unreadable"]


@dataclass(frozen=True)
class Reading:
    """What the reply commits to, or why nothing can be taken for its answer."""

    quantity: Quantity | None
    method: str
    """`boxed`, `cue`, `last_line`, `short_reply`, or `none`."""
    problem: str = ""


@dataclass(frozen=True)
class NumericVerdict:
    outcome: Outcome
    answer: Quantity | None
    reference: Quantity
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
    grader's main cost."""
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: offsets differ
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    best = None
    for word in _CUE_WORDS:
        end = len(lower)
        while (start := lower.rfind(word, 0, end)) >= 0:
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


def _pick(region: str, language: str | None, *, unique: bool) -> tuple[Quantity | None, str]:
    """The value after the last separator in `region` (the only one there, if `unique`)."""
    found, separators = find_quantities(region, language)
    if not found:
        return None, "no number"
    last = max((s for s in separators if any(f.start > s for f in found)), default=-1)
    after = [f for f in found if f.start > last]
    first = after[0]
    if first.quantity is None:
        return None, first.problem
    if unique:
        values = {_key(f.quantity) for f in after if f.quantity is not None}
        if len(values) > 1 or any(f.quantity is None for f in after):
            return None, "several different values and no cue says which is the answer"
    return first.quantity, ""


def _key(quantity: Quantity) -> tuple[str, str]:
    """Equal for the same value however written (`2 eV` and `3.2e-19 J`)."""
    value, unit = quantity.value, quantity.unit
    if unit:
        value, unit = in_base_units(value, unit)
    return f"{value:.6g}", unit


def read_answer(reply: str, language: str | None = None) -> Reading:
    """Where the reply states its final value, and that value, or why there is none."""
    boxed = _boxed(reply)
    if boxed is not None:
        content, tail = boxed
        quantity, problem = _pick(content, language, unique=False)
        if quantity is not None and not quantity.unit and tail.strip():
            quantity = _with_unit_after(quantity, tail, language)
        return Reading(quantity, "boxed", problem)
    cue = _after_last_cue(reply)
    if cue is not None:
        quantity, problem = _pick(cue[:_LAST_LINE_CHARS], language, unique=False)
        if quantity is not None or problem != "no number":
            return Reading(quantity, "cue", problem)
    last = _last_line(reply)
    if last:
        quantity, problem = _pick(last[-_LAST_LINE_CHARS:], language, unique=True)
        if quantity is not None or problem != "no number":
            return Reading(quantity, "last_line", problem)
    if 0 < len(reply) <= SHORT_REPLY:
        quantity, problem = _pick(reply, language, unique=True)
        return Reading(quantity, "short_reply", problem)
    return Reading(None, "none", "no final answer with a number was found")


def _last_line(text: str) -> str:
    """The last line with a number in it, passing over up to `CLOSING_LINES` lines without one
    at the end ("Hope this helps!"); else the last line that is not blank."""
    end = len(text.rstrip())
    last = None
    for _ in range(CLOSING_LINES + 1):
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        last = line if last is None else last
        if _DIGIT.search(line):
            return line
        if start == 0:
            break
        end = len(text[: start - 1].rstrip())
    return last or ""


def _with_unit_after(quantity: Quantity, tail: str, language: str | None) -> Quantity:
    """`\\boxed{3.2}\\,\\mathrm{J}`: the unit written just after the box."""
    probe, _ = _pick(f"1 {tail}", language, unique=False)
    if probe is None or not probe.unit or not tokenize(tail):
        return quantity
    return Quantity(quantity.value, probe.unit, f"{quantity.text} {symbol(probe.unit)}")


def grade_numeric(
    reply: str,
    reference: Quantity,
    *,
    language: str | None = None,
    rel_tol: float = DEFAULT_REL_TOL,
    zero_tol: float = DEFAULT_ZERO_TOL,
) -> NumericVerdict:
    """Correct, wrong, or unreadable (no confident reading: the caller decides what then)."""
    reading = read_answer(reply, language)
    if reading.quantity is None:
        return NumericVerdict("unreadable", None, reference, reading.problem, reading.method)
    answer = reading.quantity
    try:
        got, want, unit = _comparable(answer, reference)
    except IncompatibleUnits as ex:
        return NumericVerdict("wrong", answer, reference, f"unit: {ex}", reading.method)
    if want == 0:
        close = abs(got) <= zero_tol
        bound = f"|x| ≤ {zero_tol:g}"
    else:
        close = abs(got - want) <= rel_tol * abs(want)
        bound = f"within {rel_tol:.3g} relative"
    shown = f"{got:.6g} vs {want:.6g} {symbol(unit)}".rstrip()
    return NumericVerdict(
        "correct" if close else "wrong",
        answer,
        reference,
        f"{shown}: {'' if close else 'not '}{bound}",
        reading.method,
    )


def _comparable(answer: Quantity, reference: Quantity) -> tuple[float, float, str]:
    """Both values in one unit: the reference's (kelvin for temperatures). A bare number is
    taken in the reference's unit, except against a percentage (or ‰, ppm), where `0.38` and
    `38` both say 38 %; a percentage against a pure number is converted."""
    unit = reference.unit
    if not unit:
        if is_fraction(answer.unit):
            return convert(answer.value, answer.unit, ""), reference.value, ""
        return answer.value, reference.value, ""
    if is_fraction(unit) and not answer.unit:
        as_fraction = convert(reference.value, unit, "")
        if abs(answer.value - as_fraction) < abs(answer.value - reference.value):
            return answer.value, as_fraction, ""
    target = "kelvin" if is_temperature(unit) else unit
    want = convert(reference.value, unit, target)
    got = convert(answer.value, answer.unit or unit, target)
    return got, want, target
