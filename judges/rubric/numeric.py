"""Numeric grading: a reference that is a number (with or without a unit) needs no LLM.

The answer's number is compared with the reference's within a relative tolerance. Units are
not converted: when both sides give one and they differ, the answer is wrong.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_NUMBER = r"[-+]?(?:\d{1,3}(?:[ \u202f',]\d{3})+|\d+)(?:[.,]\d+)?(?:[eE][-+]?\d+)?"
_TIMES_TEN = r"(?:\s*(?:[x×*·]|\\times|\\cdot)\s*10\s*\^?\s*\{?\(?\s*([-+]?\d+)\s*\)?\}?)?"
_QUANTITY = re.compile(rf"({_NUMBER}){_TIMES_TEN}")
_FRACTION = re.compile(r"^([-+]?\d+)\s*/\s*(\d+)$")
_PREFIXES = "yzafpnµumcdhkMGTPE"
_BASE_UNITS = frozenset(
    "m g s A K mol cd Hz N Pa J W C V F Ω ohm S Wb T H L l eV bar atm min h d Da M Bq Gy Sv lm lx "
    "rad sr cal B bit b Å °C °F ° % ‰ ppm dB mmHg psi".split()
)
_SYMBOL_PREFIX = re.compile(r"^\s*[A-Za-z\\][\w{}\\^]{0,8}\s*(?:=|≈|~|\\approx)\s*")
_ANSWER_CUE = re.compile(
    r"(?:answer|result|réponse|résultat|solution)\s*(?:is|est|:|=)|=|≈|\\approx|\\boxed\{",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str


@dataclass(frozen=True)
class NumericVerdict:
    correct: bool
    answer: Quantity | None
    reference: Quantity
    reason: str


def _clean(text: str) -> str:
    text = text.translate(_SUPERSCRIPTS).replace("−", "-").replace("–", "-")
    text = re.sub(r"\\(?:text|mathrm|mathit|rm)\{([^}]*)\}", r"\1", text)
    text = re.sub(r"\\[,;! ]|\$", " ", text)
    return text.replace("{", "").replace("}", "").strip()


def _to_float(number: str, exponent: str | None) -> float:
    digits = re.sub(r"[ \u202f']", "", number)
    if re.fullmatch(r"[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?:[eE][-+]?\d+)?", digits):
        digits = digits.replace(",", "")  # thousands separators: 1,500 or 1,500.5
    else:
        digits = digits.replace(",", ".")  # a decimal comma: 1,5 or 0,125
    value = float(digits)
    return value * 10 ** int(exponent) if exponent else value


def normalize_unit(unit: str) -> str:
    return re.sub(r"[\s·*.]", "", unit.strip().rstrip(".")).replace("μ", "µ")


def is_unit(text: str) -> bool:
    """A product or quotient of (prefixed) unit symbols with optional powers: "kg·m/s^2"."""
    factors = [f for f in re.split(r"[/·*.]|\s+", text.replace("μ", "µ")) if f]
    if not factors:
        return False
    for factor in factors:
        symbol = re.sub(r"\^?\(?[-+]?\d+\)?$", "", factor)
        if symbol not in _BASE_UNITS and not (
            len(symbol) > 1 and symbol[0] in _PREFIXES and symbol[1:] in _BASE_UNITS
        ):
            return False
    return True


def parse_quantity(text: str) -> Quantity | None:
    """The reference as a number and unit, if that is all it is ("12.5 m/s", "v = 3e8 m/s")."""
    body = _SYMBOL_PREFIX.sub("", _clean(text)).rstrip(".").strip()
    fraction = _FRACTION.match(body)
    if fraction:
        denominator = int(fraction.group(2))
        return Quantity(int(fraction.group(1)) / denominator, "") if denominator else None
    match = _QUANTITY.match(body)
    if match is None:
        return None
    unit = body[match.end() :].strip()
    if unit and not is_unit(unit):
        return None
    return Quantity(_to_float(match.group(1), match.group(2)), normalize_unit(unit))


def _unit_after(text: str, end: int) -> str:
    following = re.match(r"\s*([A-Za-zµμΩÅ°%‰][A-Za-zµμΩÅ°%‰/·^*\-\d()]{0,12})", text[end:])
    if following is None:
        return ""
    unit = following.group(1).rstrip(".,;:)")
    return normalize_unit(unit) if is_unit(unit) else ""


def answer_quantity(answer: str) -> Quantity | None:
    """The number an answer commits to: the first after its last answer cue, else its last."""
    text = _clean(answer)
    cues = list(_ANSWER_CUE.finditer(text))
    start = cues[-1].end() if cues else 0
    found = list(_QUANTITY.finditer(text, start)) or list(_QUANTITY.finditer(text))
    if not found:
        return None
    match = found[0] if cues and found[0].start() >= start else found[-1]
    return Quantity(_to_float(match.group(1), match.group(2)), _unit_after(text, match.end()))


def grade_numeric(answer: str, reference: Quantity, rel_tol: float) -> NumericVerdict:
    got = answer_quantity(answer)
    if got is None:
        return NumericVerdict(False, None, reference, "the answer states no number")
    if got.unit and reference.unit and got.unit != reference.unit:
        return NumericVerdict(
            False, got, reference, f"unit {got.unit!r} differs from {reference.unit!r}"
        )
    close = math.isclose(got.value, reference.value, rel_tol=rel_tol, abs_tol=1e-12)
    relation = "within" if close else "outside"
    return NumericVerdict(
        close, got, reference, f"{got.value:g} vs {reference.value:g}: {relation} {rel_tol:g}"
    )
