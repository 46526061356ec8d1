"""Whether a value read from a reply agrees with the reference, and why.

The rules, each chosen so that a wrong answer is never called correct; where two readings of a
reply disagree, the comparison says so (`unreadable`) and the caller lets a grader decide:

- **Relative tolerance** (default 1 %) in the reference's unit, after converting with pint.
- **A zero reference** is an exact zero (a cancellation, an equilibrium): only a reply of zero is
  correct (`0`, `0.0 mV`); a nonzero reply, however small in the reference's unit (`100 pF`
  against `0 F`), states that the quantity is not zero.
- **Absolute temperatures** compare in kelvin with an absolute tolerance: the reference's stated
  precision (half a unit in its last digit), but never more than the relative tolerance of the
  number it states (1 % of 35.2 °C is 0.35 K; of −5 °C, 0.05 K); a reply in another scale may be
  off by its own rounding, up to 0.5 K (`298 K` for `25 °C`). `-0.5 °C` is never `0.5 °C`.
- **Temperature differences** (`ΔT`, "by how much", "variation") compare as differences: 60 °C
  of difference is 60 K. Where a reply and its reference use different scales and nothing says
  whether a difference or a temperature is meant, the two readings that disagree are refused.
- **Percentages against a bare number**: `0.4` against `40 %` may be a fraction (40 %) or a
  percentage (0.4 %); when the two readings disagree the reply is refused, never read the
  closer way, unless the question asks for one ("in %", "as a fraction"). A bare number above 1
  is read as a percentage.
- **Rotation**: a hertz is one turn per second (`25 Hz` = `1500 rpm` = `157 rad/s`) and, as
  in SI, one per second (`440 Hz` = `440 s^-1`); a turn count per time against a bare `s^-1`
  is refused (turns or radians per second?).
- **Units of two kinds** (`data/units.toml`, `[readings]`): `AU` is an astronomical unit
  against a length and an absorbance against a pure number; the reading that matches the other
  side's dimension is taken, and if several do and disagree, the reply is refused.
- **Ranges and bounds** (`Interval`): a value inside a reference range is correct (bounds
  included unless written open); a reply range inside the reference's tolerance (or range) is
  correct, one outside it wrong, one that overlaps it refused.
- **± in a reference**: graded on its central value with the usual tolerance; the uncertainty
  never widens it (it is often a standard deviation the answer must also give).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Literal

from trustbench.judges.rubric.quantities import Answer, Interval, Quantity
from trustbench.judges.rubric.units import (
    IncompatibleUnits,
    as_difference,
    compose,
    convert,
    dimensionality,
    is_fraction,
    is_temperature,
    kelvin_per_step,
    other_readings,
    symbol,
)

Outcome = Literal["correct", "wrong", "unreadable"]

REPLY_ROUNDING_LIMIT_K = 0.5
"""The most a reply in another temperature scale may be off by its own rounding (298 K)."""
_FLOAT_SLACK = 1e-9


@dataclass(frozen=True)
class Comparison:
    outcome: Outcome
    reason: str


_DELTA = re.compile(r"(?:Δ|∆|\\Delta|\bdelta)\s*_?\s*\{?\s*(?:T|θ|t|\\theta)(?![A-Za-z])")
_DIFFERENCE_WORDS = re.compile(
    r"\b(?:how\s+much|warmer|colder|hotter|cooler|change|difference|increase[sd]?"
    r"|decrease[sd]?|rise[sn]?|rose|drop(?:s|ped)?|elevation|depression|raised|lowered"
    r"|de\s+combien|variation|différence|écart|augmentation|diminution|hausse|baisse"
    r"|élévation|abaissement|augmente|diminue)\b",
    re.IGNORECASE,
)
_ABSOLUTE_WORDS = re.compile(
    r"\b(?:final|initial|new|resulting|equilibrium)\s+temperature|at\s+what\s+temperature"
    r"|what\s+(?:is\s+the\s+)?temperature|température\s+(?:finale|initiale|d['’]équilibre)"
    r"|(?:à\s+)?quelle\s+température|nouvelle\s+température",
    re.IGNORECASE,
)


def temperature_difference(context: str, region: str = "") -> bool | None:
    """Whether a temperature here is a difference (True), a temperature (False), or unknown:
    `ΔT` in the question, reference or reply decides; else the question's words."""
    if _DELTA.search(context) or _DELTA.search(region):
        return True
    difference = _DIFFERENCE_WORDS.search(context) is not None
    absolute = _ABSOLUTE_WORDS.search(context) is not None
    if difference != absolute:
        return difference
    return None


_PERCENT_ASKED = re.compile(r"\b(?:in|en)\s*(?:%|\\%|percent\b|pour\s*cent\b)", re.IGNORECASE)
_FRACTION_ASKED = re.compile(
    r"\b(?:as\s+a\s+(?:fraction|decimal)|sous\s+forme\s+(?:de\s+fraction|décimale))",
    re.IGNORECASE,
)


def percent_asked(question: str) -> bool | None:
    """Whether the question asks for a percentage (True), a fraction (False), or neither."""
    percent = _PERCENT_ASKED.search(question) is not None
    fraction = _FRACTION_ASKED.search(question) is not None
    return percent if percent != fraction else None


def compare(
    answer: Answer,
    reference: Answer,
    *,
    rel_tol: float,
    difference: bool | None = None,
    percent: bool | None = None,
) -> Comparison:
    """Whether `answer` states `reference`, under the module's rules."""
    if isinstance(reference, Quantity) and reference.value == 0 and not reference.unit:
        if isinstance(answer, Quantity) and not is_temperature(answer.unit):
            zero = answer.value == 0
            return Comparison(
                "correct" if zero else "wrong",
                f"{answer} against a bare zero: {'' if zero else 'not '}zero, in any unit",
            )
    if isinstance(answer, Quantity) and not answer.unit and reference.unit:
        if isinstance(reference, Quantity) and is_fraction(reference.unit):
            return _bare_against_fraction(answer, reference, rel_tol, percent)
        answer = replace(answer, unit=reference.unit, factors=reference.factors)
    pairs = [
        (a, r)
        for a in _readings(answer)
        for r in _readings(reference, natural=True)
        if dimensionality(a.unit) == dimensionality(r.unit)
    ]
    if not pairs and is_temperature(reference.unit) and answer.unit in _NOT_QUITE_TEMPERATURES:
        return Comparison(
            "unreadable", f"{symbol(answer.unit)} against a temperature: degrees of what?"
        )
    if not pairs:
        shown = symbol(answer.unit) or "a pure number"
        return Comparison(
            "wrong", f"unit: {shown} is not {symbol(reference.unit) or 'a pure number'}"
        )
    verdicts = {_compare_one(a, r, rel_tol, difference) for a, r in pairs}
    outcomes = {v.outcome for v in verdicts}
    if len(outcomes) == 1:
        return min(verdicts, key=lambda v: v.reason)
    return Comparison(
        "unreadable",
        f"{symbol(answer.unit)} or {symbol(reference.unit)} reads two ways here, and the "
        "readings disagree",
    )


_NOT_QUITE_TEMPERATURES = frozenset({"degree", "coulomb", "farad"})
"""`25 degrees`, `25 C`, `77 F` against a temperature: an angle, a charge, a capacitance, or a
temperature with its degree sign lost."""


def _readings(answer: Answer, natural: bool = False) -> list[Answer]:
    """The answer as written, and in each other reading of its unit; with `natural`, a unit with
    `c` in it also without (`105.7 MeV/c²` is `105.7 MeV` where c = 1)."""
    found: list[Answer] = [answer]
    if natural and any(name == "speed_of_light" for name, _ in answer.factors):
        factors = tuple((n, p) for n, p in answer.factors if n != "speed_of_light")
        found.append(replace(answer, unit=compose(factors) if factors else "", factors=factors))
    for scale, factors in other_readings(answer.factors):
        unit = compose(factors) if factors else ""
        if isinstance(answer, Quantity):
            found.append(replace(answer, value=answer.value * scale, unit=unit,
                                 step=answer.step * scale, factors=factors))  # fmt: skip
        else:
            found.append(replace(answer, low=answer.low * scale, high=answer.high * scale,
                                 unit=unit, factors=factors))  # fmt: skip
    return found


def _bare_against_fraction(
    answer: Quantity, reference: Quantity, rel_tol: float, percent: bool | None
) -> Comparison:
    """`0.4` against `40 %`: a percentage (0.4 %) and, if at most 1, a fraction (40 %), unless
    the question asked for one of them."""
    as_percentage = replace(answer, unit=reference.unit, factors=reference.factors)
    first = _compare_one(as_percentage, reference, rel_tol, None)
    if abs(answer.value) > 1 or percent is True:
        return first
    as_fraction = replace(answer, unit="", factors=())
    second = _compare_one(as_fraction, reference, rel_tol, None)
    if first.outcome == second.outcome or percent is False:
        return second
    return Comparison(
        "unreadable",
        f"a bare {answer.value:g} against {reference}: a fraction or a percentage?",
    )


def _compare_one(
    answer: Answer, reference: Answer, rel_tol: float, difference: bool | None
) -> Comparison:
    if _rotation(answer.unit) != _rotation(reference.unit) and _is_rate(reference.unit):
        return _compare_rotation(answer, reference, rel_tol)
    if is_temperature(reference.unit) and is_temperature(answer.unit):
        return _compare_temperatures(answer, reference, rel_tol, difference)
    try:
        window = _window(reference, answer, rel_tol)
        values = _values(answer, reference.unit)
    except IncompatibleUnits as ex:
        return Comparison("wrong", f"unit: {ex}")
    return _judge(values, window, symbol(reference.unit))


Window = tuple[float, float, tuple[bool, bool], str]
"""The values a correct answer may take (low, high, bounds included, how it was set)."""


def _window(reference: Answer, answer: Answer, rel_tol: float) -> Window:
    if isinstance(reference, Interval):
        return reference.low, reference.high, reference.closed, "inside the reference range"
    want = reference.value
    if want == 0:
        return 0.0, 0.0, (True, True), "a zero reference: only zero"
    tolerance = rel_tol * abs(want)
    return want - tolerance, want + tolerance, (True, True), f"within {rel_tol:.3g} relative"


Span = tuple[float, float, tuple[bool, bool]]
"""The values an answer states: lowest, highest, and whether each end is included."""


def _values(answer: Answer, unit: str) -> Span:
    """The answer's values in `unit`."""
    if isinstance(answer, Quantity):
        value = convert(answer.value, answer.unit, unit)
        return value, value, (True, True)
    return (
        _convert_bound(answer.low, answer.unit, unit),
        _convert_bound(answer.high, answer.unit, unit),
        answer.closed,
    )


def _convert_bound(value: float, unit: str, to: str) -> float:
    return convert(value, unit, to) if math.isfinite(value) else value


def _judge(span: Span, window: Window, unit: str) -> Comparison:
    """Whether the answer's values all lie in `window`: correct if all do, wrong if none does,
    unreadable if some do (a range that straddles a bound)."""
    low, high, (low_in, high_in) = span
    start, end, (start_in, end_in), how = window
    finite = [abs(x) for x in (start, end) if math.isfinite(x)]
    slack = _FLOAT_SLACK * max(finite) if finite else 0.0
    low_ok = low > start or (low == start and (start_in or not low_in))
    low_ok = low_ok or (start_in and low >= start - slack)
    high_ok = high < end or (high == end and (end_in or not high_in))
    high_ok = high_ok or (end_in and high <= end + slack)
    shown = f"{low:.6g}" if low == high else f"[{low:.6g}, {high:.6g}]"
    text = f"{shown} {unit}".strip()
    where = f"[{start:.6g}, {end:.6g}] ({how})"
    if low_ok and high_ok:
        return Comparison("correct", f"{text}: in {where}")
    if low == high or high < start or low > end:
        return Comparison("wrong", f"{text}: not in {where}")
    if (high == start and not (start_in and high_in)) or (low == end and not (end_in and low_in)):
        return Comparison("wrong", f"{text}: not in {where}")
    return Comparison("unreadable", f"the range {text} overlaps {where}")


def _compare_temperatures(
    answer: Answer, reference: Answer, rel_tol: float, difference: bool | None
) -> Comparison:
    """Absolute temperatures by stated precision in kelvin; differences as differences."""
    as_difference_ = _compare_difference(answer, reference, rel_tol)
    if isinstance(reference, Interval) or isinstance(answer, Interval):
        absolute = _judge(_values(answer, "kelvin"), _kelvin_window(reference), "K")
    else:
        absolute = _compare_absolute(answer, reference, rel_tol)
    if difference is True:
        return as_difference_
    if difference is False or answer.unit == reference.unit or as_difference_.outcome == "wrong":
        return absolute
    if absolute.outcome != "wrong":
        return absolute
    return Comparison(
        "unreadable",
        f"{answer} against {reference}: a temperature ({absolute.outcome}) or a temperature "
        f"difference ({as_difference_.outcome})? Nothing here says which",
    )


def _compare_difference(answer: Answer, reference: Answer, rel_tol: float) -> Comparison:
    unit = as_difference(reference.unit)
    answer = _as_difference(answer)
    return _judge(_values(answer, unit), _window(_as_difference(reference), answer, rel_tol),
                  symbol(unit))  # fmt: skip


def _as_difference(answer: Answer) -> Answer:
    return replace(answer, unit=as_difference(answer.unit))


def _kelvin_window(reference: Answer) -> Window:
    if isinstance(reference, Interval):
        low = _convert_bound(reference.low, reference.unit, "kelvin")
        high = _convert_bound(reference.high, reference.unit, "kelvin")
        return low, high, reference.closed, "inside the reference range"
    want = convert(reference.value, reference.unit, "kelvin")
    return want, want, (True, True), "exactly"


def _compare_absolute(answer: Quantity, reference: Quantity, rel_tol: float) -> Comparison:
    """In kelvin, within the precision the reference states and the reply's own rounding."""
    want = convert(reference.value, reference.unit, "kelvin")
    got = convert(answer.value, answer.unit, "kelvin")
    tolerance = max(
        _stated_tolerance(reference, rel_tol),
        min(
            answer.step / 2 * kelvin_per_step(answer.unit),
            REPLY_ROUNDING_LIMIT_K,
            rel_tol * abs(answer.value) * kelvin_per_step(answer.unit),
        ),
    )
    close = abs(got - want) <= tolerance * (1 + _FLOAT_SLACK) + 1e-12
    how = f"|Δ| ≤ {tolerance:.3g} K, from the precision stated"
    return Comparison(
        "correct" if close else "wrong",
        f"{got:.6g} vs {want:.6g} K: {'' if close else 'not '}{how}",
    )


def _stated_tolerance(reference: Quantity, rel_tol: float) -> float:
    """Half a unit in the last digit the reference states, at most `rel_tol` of its number, in
    kelvin; for a reference of zero degrees, the half unit alone."""
    per_step = kelvin_per_step(reference.unit)
    relative = rel_tol * abs(reference.value) * per_step
    if reference.step <= 0:
        return relative
    half_unit = reference.step / 2 * per_step
    return half_unit if reference.value == 0 else min(half_unit, relative)


_TURNS = ("turn", "revolution", "revolutions_per_minute", "revolutions_per_second", "cycle")
_ANGLES = ("radian", "degree", "arcminute", "arcsecond", "gradian", *_TURNS)


def _rotation(unit: str) -> str:
    """What kind of rate a unit is: `frequency` (Hz), `turns` (rpm), `angle` (rad/s), or ""."""
    names = unit.replace("(", " ").replace(")", " ").replace("*", " ").replace("/", " ").split()
    if any(n.endswith("hertz") for n in names):
        return "frequency"
    if any(n.endswith(_TURNS) for n in names):
        return "turns"
    if any(n.endswith(_ANGLES) for n in names):
        return "angle"
    return ""


def _is_rate(unit: str) -> bool:
    """A unit of 1/time (Hz, rpm, rad/s, s⁻¹), not one with a frequency inside (nV/√Hz)."""
    return dimensionality(unit) == _PER_TIME


_PER_TIME = frozenset({("[time]", -1)})


def _compare_rotation(answer: Answer, reference: Answer, rel_tol: float) -> Comparison:
    """A hertz is a turn per second and a bare 1/s; turns per time against a bare 1/s is
    refused."""
    kinds = {_rotation(answer.unit), _rotation(reference.unit)}
    if "" in kinds and "turns" in kinds:
        return Comparison(
            "unreadable",
            f"{symbol(answer.unit)} against {symbol(reference.unit)}: turns or radians per time?",
        )
    if "frequency" not in kinds or "" in kinds:  # pint's radian is 1, and a hertz is 1/s
        window = _window(reference, answer, rel_tol)
        return _judge(_values(answer, reference.unit), window, symbol(reference.unit))
    per_second = "turn / second"
    answer = _in_turns(answer, per_second)
    reference = _in_turns(reference, per_second)
    return _judge(_values(answer, per_second), _window(reference, answer, rel_tol), "turn/s")


def _in_turns(answer: Answer, per_second: str) -> Answer:
    """A rate in turns per second; hertz counted as turns."""
    unit = "hertz" if _rotation(answer.unit) == "frequency" else per_second
    if isinstance(answer, Quantity):
        value = convert(answer.value, answer.unit, unit)
        return replace(answer, value=value, unit=per_second, step=0.0)
    return replace(answer, low=_convert_bound(answer.low, answer.unit, unit),
                   high=_convert_bound(answer.high, answer.unit, unit), unit=per_second)  # fmt: skip
