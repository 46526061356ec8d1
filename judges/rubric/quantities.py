"""Numbers with units in free text, read in every common notation.

Text is first put in one notation (`notation.normalize`), then cut into tokens, and a quantity is
read from tokens: an optional sign, a number (decimal commas and thousands separators resolved
by the course language and the digit grouping), a power of ten (`e-5`, `× 10^{-5}`, `10^{-5}`
alone, `3.0 10^{-5}`) or a scale word (`1.2 million`), an uncertainty that is skipped, and a unit
whose every factor is a unit word (`units.unit_name`): `g mol^{-1}`, `km / s`, `J/(mol·K)`, `m2`,
`s-1`, `MPa·m^(1/2)`. Two quantities joined by `–`, `to` or `à`, or bracketed as `[a ; b]`, are a
range; a quantity after `<`, `≤`, `>` or `≥` is a bound. Ranges and bounds are `Interval`s.

Unit exponents belong to their unit (`169 g mol^{-1}` is 169, never −1), a minus sign is a sign
wherever it stands before a number (`-\\,6.8`), and a number whose format is ambiguous, or that
is followed by a word that is neither a unit nor prose (`12 Kg`, `5 secondes` is read, `3 Mpa`
is not), is reported as such rather than read one way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from trustbench.judges.rubric.notation import normalize
from trustbench.judges.rubric.units import (
    Factors,
    IncompatibleUnits,
    compose,
    convert,
    in_base_units,
    symbol,
    unit_name,
)

Kind = Literal[
    "num", "pow", "lp", "rp", "lsq", "rsq", "mul", "div", "pm", "sep", "cmp", "dash", "sign",
    "word", "punct", "other",
]  # fmt: skip

_TOKEN = re.compile(
    r"""(?P<num>(?:\d+(?:[.,'’]\d+)*|[.,]\d+)(?:[eE][-+]?\d+)?|π)
    |(?P<pow>\^)|(?P<lp>\()|(?P<rp>\))|(?P<lsq>\[)|(?P<rsq>\])|(?P<mul>[×·*])|(?P<div>/)
    |(?P<pm>±)|(?P<sep>=|≈|:)|(?P<cmp>[<>≤≥])|(?P<dash>–)|(?P<sign>[-+])
    |(?P<word>(?:[^\W\d_]|[°%‰])+)|(?P<punct>[,;.!?])|(?P<space>\s+)|(?P<other>.)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    spaced: bool
    """Whether whitespace stands before it (`m2` is m², `m 2` is not)."""


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    spaced = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "space":
            spaced = True
            continue
        tokens.append(Token(kind, match.group(), spaced))  # type: ignore[arg-type]  # the pattern's group names are the Kinds
        spaced = False
    return _merge_digit_groups(tokens)


def _merge_digit_groups(tokens: list[Token]) -> list[Token]:
    """`12 345,6` (digit groups split by spaces, SI style) is one number."""
    merged: list[Token] = []
    for token in tokens:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and token.kind == "num"
            and token.spaced
            and previous.kind == "num"
            and re.fullmatch(r"\d{1,3}(?: \d{3})*", previous.text)
            and re.fullmatch(r"\d{3}(?:[.,]\d+)?", token.text)
        ):
            merged[-1] = Token("num", f"{previous.text} {token.text}", previous.spaced)
            continue
        merged.append(token)
    return merged


class AmbiguousNumber(ValueError):
    """A number whose digits can be read two ways, or not at all (`1.2.3`), or that is followed
    by a word that may change its meaning (`12 Kg`)."""


def is_french(language: str | None) -> bool:
    return language is not None and language.strip().casefold().startswith(("fr", "fra"))


def number_value(raw: str, language: str | None = None) -> float:
    """The value of one number token; raises `AmbiguousNumber`."""
    return read_number(raw, language)[0]


def read_number(raw: str, language: str | None = None) -> tuple[float, float]:
    """The value of one number token and its step (one unit in the last digit written: 0.1 for
    `35,2`, 10 for `40`, 1 for `0`); raises `AmbiguousNumber`.

    Both separators: the last is the decimal mark. Only commas: `1,5`, `0,125` and `1,2345` are
    decimal commas (no thousands group has 1, 2 or 4 digits, or follows a lone 0); `1,234,567`
    groups thousands; a lone `1,234` is 1234 in English and 1.234 in French. Only points: a
    decimal point, unless several group thousands (`1.234.567`).
    """
    if raw == "π":
        return math.pi, 0.0
    mantissa, _, exponent = re.sub(r"[ '’]", "", raw).replace("E", "e").partition("e")
    scale = 10.0 ** int(exponent) if exponent else 1.0
    whole, fraction = _split_decimal(mantissa, raw, language)
    value = float(f"{whole or 0}.{fraction or 0}") * scale
    if fraction:
        step = 10.0 ** -len(fraction)
    else:
        step = 10.0 ** (len(whole) - len(whole.rstrip("0"))) if whole.strip("0") else 1.0
    return value, step * scale


def _split_decimal(mantissa: str, raw: str, language: str | None) -> tuple[str, str]:
    """The digits before and after the decimal mark."""
    commas, points = mantissa.count(","), mantissa.count(".")
    if commas and points:
        decimal = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = mantissa.rpartition(decimal)
        if whole.count(decimal) or not _grouped(whole, thousands):
            raise AmbiguousNumber(raw)
        return whole.replace(thousands, ""), fraction
    if commas > 1 or points > 1:
        mark = "," if commas else "."
        if not _grouped(mantissa, mark):
            raise AmbiguousNumber(raw)
        return mantissa.replace(mark, ""), ""
    if points:
        whole, _, fraction = mantissa.partition(".")
        return whole, fraction
    if commas:
        whole, fraction = mantissa.split(",")
        if len(fraction) != 3 or whole in ("", "0") or is_french(language):
            return whole, fraction
        return whole + fraction, ""
    return mantissa, ""


def _grouped(digits: str, mark: str) -> bool:
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})*", digits) is not None


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    """pint's canonical unit ("kilojoule / mole"), or "" for a pure number."""
    text: str = ""
    """The quantity as written, for the log."""
    step: float = 0.0
    """The precision stated: one unit in the last digit written, in `unit` (0: not known)."""
    factors: Factors = ()
    label: str = ""
    """The name a reference gives its value (`ΔT` in `ΔT = 60 K`)."""

    def __str__(self) -> str:
        return f"{self.value:.6g} {symbol(self.unit)}".strip()


@dataclass(frozen=True)
class Interval:
    """A range (`20–80 °C`, `[11,6 ; 13,2]`) or a bound (`p < 0.001`): every value in it is right."""

    low: float
    high: float
    unit: str
    text: str = ""
    closed: tuple[bool, bool] = (True, True)
    factors: Factors = ()
    label: str = ""

    def __str__(self) -> str:
        unit = f" {symbol(self.unit)}" if self.unit else ""
        if math.isinf(self.low):
            return f"{'≤' if self.closed[1] else '<'} {self.high:.6g}{unit}"
        if math.isinf(self.high):
            return f"{'≥' if self.closed[0] else '>'} {self.low:.6g}{unit}"
        return f"[{self.low:.6g}, {self.high:.6g}]{unit}"


Answer = Quantity | Interval

_MATH_WORDS = frozenset("pi sqrt ln log exp sin cos tan arcsin arccos arctan frac".split())
_TIMES = frozenset({"x", "X"})
"""`3 x 10^8`: a product sign, not a unit."""
PROSE = frozenset(
    """and or but because since so then thus hence which that who whom where when while if for
    from with without to of on by into than the this these those it its is are was were be been
    being has have had will would can could should may might must do does did not no yes also
    only just about approximately approx roughly nearly around almost exactly respectively
    each total overall we you they he she here there now i an a in at as
    et ou mais car donc puis alors ainsi qui que quand si pour avec sans vers dans sur sous de
    du des le la les un une au aux en est sont était soit ce cette ces il elle on nous
    environ approximativement exactement respectivement chacun chaque près à per par""".split()
)
"""Words that may follow a bare number without giving it a unit. Those that pint also reads as
units (`in`, `at`, `a`, `as`, `are`) make the number ambiguous instead (`5 in` may be inches)."""


def _is_prose(word: str) -> bool:
    """A prose word, also capitalised (`The`), but never a capital letter alone (`A` ampere)."""
    return word in PROSE or (len(word) > 1 and word[1:].islower() and word.lower() in PROSE)


SCALES = {
    "thousand": 1e3, "thousands": 1e3, "mille": 1e3, "million": 1e6, "millions": 1e6,
    "milliard": 1e9, "milliards": 1e9, "billion": 1e9, "billions": 1e9, "trillion": 1e12,
    "trillions": 1e12,
}  # fmt: skip
"""Scale words after a number; in French, `billion` is 10^12 and `trillion` 10^18, so there
they are refused as ambiguous (an English speaker may mean 10^9)."""
_RANGE_WORDS = frozenset({"to", "à", "a"})
_RANGE_OPENERS = frozenset({"from", "de", "between", "entre", "du"})
_BOUNDS = {"<": (True, False), "≤": (True, True), ">": (False, False), "≥": (False, True)}
"""Which way a bound goes (True: the values are below it) and whether it is included."""


class _Reader:
    """Reads quantities from tokens."""

    def __init__(self, tokens: list[Token], language: str | None, pairs: bool = False) -> None:
        self.tokens = tokens
        self.language = language
        self.pairs = pairs
        """Whether `(a, b)` is a range (when the reference is one), not a point."""

    def kind(self, i: int) -> str | None:
        return self.tokens[i].kind if 0 <= i < len(self.tokens) else None

    def text(self, i: int) -> str:
        return self.tokens[i].text if 0 <= i < len(self.tokens) else ""

    def starts_quantity(self, i: int) -> bool:
        """A number (or a sign or bracket before one) that is not an exponent or a subtrahend."""
        kind = self.kind(i)
        if kind == "num":
            return self.kind(i - 1) != "pow" and not self._signed(i - 1)
        if kind in ("sign", "dash"):
            return self._signed(i) and self.kind(i - 1) != "pow"
        if kind == "lp":
            return self.kind(i - 1) != "pow" and self.kind(i + 1) in ("num", "sign", "dash")
        if kind in ("lsq", "rsq"):
            try:
                return self._bracketed_range(i) is not None
            except AmbiguousNumber:
                return True  # a range that cannot be read: `answer` raises why
        return False

    def _signed(self, i: int) -> bool:
        """Whether the token at `i` is a sign of the number after it (not a minus between two
        operands, as in `3-4` or `(2)-(1)`, nor a dash between the ends of a range)."""
        return (
            self.kind(i) in ("sign", "dash")
            and self.kind(i + 1) in ("num", "lp")
            and self.kind(i - 1) not in ("num", "rp")
            and not (
                self.kind(i) == "dash" and self.kind(i - 1) == "word" and self._unit_word(i - 1)
            )
        )

    def _unit_word(self, i: int) -> bool:
        return self.kind(i) == "word" and unit_name(self.text(i)) is not None

    def answer(self, i: int) -> tuple[Answer, int]:
        """The quantity or range starting at `i`, and the position after it."""
        if self.kind(i) in ("lsq", "rsq") or (self.kind(i) == "lp" and self.pairs):
            bracketed = self._bracketed_range(i)
            if bracketed is not None:
                return bracketed
        quantity, end = self.quantity(i)
        connector = self.text(end).lower()
        between = self.text(i - 1).lower() in ("between", "entre")
        if self.kind(end) == "dash" or (
            self.kind(end) == "word"
            and (connector in _RANGE_WORDS or (between and connector in ("and", "et")))
        ):
            if self.starts_quantity(end + 1) or self.kind(end + 1) in ("num", "sign"):
                high, after = self.quantity(end + 1)
                return self._range(quantity, high, i, after), after
        return quantity, end

    def _bracketed_range(self, i: int) -> tuple[Interval, int] | None:
        """`[a ; b]`, `[a, b]`, `]a, b[` and, where ranges are expected, `(a, b)`; a unit may
        follow the closing bracket. Its ends count as included however bracketed: a physical
        value on the boundary of a range is not a different answer."""
        opener = self.kind(i)
        try:
            low, at = self.quantity(i + 1)
            if self.text(at) not in (";", ","):
                return None
            high, at = self.quantity(at + 1)
        except AmbiguousNumber:
            return None
        closer = self.kind(at)
        if closer not in (("rsq", "lsq") if opener != "lp" else ("rp",)):
            return None
        factors, end = self._unit(at + 1)
        if factors:
            unit = compose(factors)
            low = replace(low, unit=low.unit or unit, factors=low.factors or factors)
            high = replace(high, unit=high.unit or unit, factors=high.factors or factors)
        return self._range(low, high, i, end), end

    def _range(self, low: Quantity, high: Quantity, start: int, end: int) -> Interval:
        """One unit for both ends: `20 à 80 °C` gives the first end the unit of the second."""
        if not low.unit:
            low = replace(low, unit=high.unit, factors=high.factors)
        try:
            low_value = convert(low.value, low.unit, high.unit)
        except IncompatibleUnits as ex:
            raise AmbiguousNumber(f"a range whose ends differ in kind: {ex}") from ex
        if low_value > high.value:
            raise AmbiguousNumber("a range whose ends are reversed")
        written = " ".join(t.text for t in self.tokens[start:end])
        return Interval(low_value, high.value, high.unit, written, factors=high.factors)

    def quantity(self, i: int) -> tuple[Quantity, int]:
        """The quantity starting at `i`, and the position after it; raises `AmbiguousNumber`."""
        start = i
        value, step, i = self._signed_value(i)
        factors, i = self._unit(i, after_number=True)
        if not factors and self._number_follows(i):
            raise AmbiguousNumber("a number followed by another")  # `2 1/2`, `1.5 10-3`
        unit = compose(factors) if factors else ""
        written = " ".join(t.text for t in self.tokens[start:i])
        return Quantity(value, unit, written, step, factors), i

    def _number_follows(self, i: int) -> bool:
        """A number, or a bracketed one divided (`(1)/(2)`, as fractions are normalized)."""
        if self.kind(i) == "num":
            return True
        return [self.kind(i + k) for k in range(4)] == ["lp", "num", "rp", "div"]

    def _signed_value(self, i: int) -> tuple[float, float, int]:
        """`[sign] value [× 10^k | scale word] [± uncertainty]`: the value, its step, and the
        position after it."""
        signs = [self.kind(j) in ("sign", "dash") for j in (i, i - 1)]
        if all(signs) and self.kind(i - 2) not in ("num", "rp"):
            raise AmbiguousNumber("two signs before a number")  # `--5`: 5 or a typo of -5?
        sign, i = self._sign(i)
        value, step, i = self._value(i)
        value, step, i = self._times_power_of_ten(value, step, i)
        return sign * value, step, self._skip_uncertainty(i)

    def _number(self, i: int) -> tuple[float, float]:
        if self.kind(i) != "num":
            raise AmbiguousNumber(self.text(i) or "nothing")
        return read_number(self.text(i), self.language)

    def _value(self, i: int) -> tuple[float, float, int]:
        root = self._square_root(i)
        if root is not None:
            return root[0], 0.0, root[1]
        if self.kind(i) == "lp":
            value, i = self._group(i)
            if self.kind(i) == "div" and self.kind(i + 1) == "lp":
                denominator, end = self._group(i + 1)
                if denominator == 0:
                    raise AmbiguousNumber("division by zero")
                return value / denominator, 0.0, end
            return value, 0.0, i
        if self.text(i) == "10" and self.kind(i + 1) == "pow":
            power, end = self._integer_power(i + 2)
            return 10.0**power, 0.0, end
        value, step = self._number(i)
        if self.text(i) != "π" and self.text(i + 1) == "π":  # 2π
            value, step, i = value * math.pi, 0.0, i + 1
        root = self._square_root(i + 1)
        if root is not None:  # 2√2, as `2\sqrt{2}` leaves it: 2 (2)^(1/2)
            return value * root[0], 0.0, root[1]
        if (
            self.kind(i + 1) == "div"
            and self.kind(i + 2) == "num"
            and (self.text(i).isdigit() or self.text(i) == "π")
            and self.text(i + 2).isdigit()
            and int(self.text(i + 2)) != 0
        ):
            return value / int(self.text(i + 2)), 0.0, i + 3
        return value, step, i + 1

    def _square_root(self, i: int) -> tuple[float, int] | None:
        """`(x)^(1/2)`, as `\\sqrt{x}` and `√x` leave it: its value and the position after it."""
        if self.kind(i) != "lp":
            return None
        try:
            value, end = self._group(i)
        except AmbiguousNumber:
            return None
        power = self._unit_power(end + 1) if self.kind(end) == "pow" else None
        if power is None or power[0] != Fraction(1, 2) or value < 0:
            return None
        return math.sqrt(value), power[1]

    def _group(self, i: int) -> tuple[float, int]:
        """`( [sign] value [× 10^k] [± value] )`, as `\\frac` and `(3.0 ± 0.2)` leave it."""
        value, _, i = self._signed_value(i + 1)
        if self.kind(i) != "rp":
            raise AmbiguousNumber("an expression in brackets")
        return value, i + 1

    def _sign(self, i: int) -> tuple[int, int]:
        """The sign at `i` (+1 if there is none) and the position after it."""
        if self.kind(i) in ("sign", "dash"):
            return (-1 if self.text(i) in ("-", "–") else 1), i + 1
        return 1, i

    def _integer_power(self, i: int) -> tuple[int, int]:
        bracketed = self.kind(i) == "lp"
        i += bracketed
        sign, i = self._sign(i)
        if self.kind(i) != "num" or not self.text(i).isdigit():
            raise AmbiguousNumber("a power that is not an integer")
        power = sign * int(self.text(i))
        i += 1
        if bracketed:
            if self.kind(i) != "rp":
                raise AmbiguousNumber("a power that is not an integer")
            i += 1
        return power, i

    def _times_power_of_ten(self, value: float, step: float, i: int) -> tuple[float, float, int]:
        times = self.kind(i) == "mul" or self.text(i) in _TIMES
        at = i + 1 if times else i
        if (
            self.text(at) == "10"
            and self.kind(at + 1) == "pow"
            and (times or self.tokens[at].spaced)
        ):
            power, end = self._integer_power(at + 2)
            return value * 10.0**power, step * 10.0**power, end
        if self.kind(i) == "pow":
            raise AmbiguousNumber("a number raised to a power")
        word = self.text(i).lower()
        if self.kind(i) == "word" and word in SCALES:
            if is_french(self.language) and word.startswith(("billion", "trillion")):
                raise AmbiguousNumber(f"{word!r} is 10^12 or more in French, 10^9 in English")
            return value * SCALES[word], step * SCALES[word], i + 1
        return value, step, i

    def _skip_uncertainty(self, i: int) -> int:
        if self.kind(i) != "pm":
            return i
        _, _, end = self._value(i + 1)
        _, _, end = self._times_power_of_ten(0.0, 0.0, end)
        return end

    def _unit(self, i: int, after_number: bool = False) -> tuple[Factors, int]:
        """Unit factors from `i` on: implicit products (`kJ mol^-1`), `·`, `*`, `/`, `per`,
        brackets, powers; stops before the first word that is not a unit. After a `/` every
        factor is in the denominator, as in `J/mol K` = J/(mol·K). Right after a number, a word
        that is neither a unit nor prose raises `AmbiguousNumber` (`12 Kg`); so does a `/` or
        `per` before one (`12 mol/Kg`)."""
        factors: list[tuple[str, Fraction]] = []
        below = False
        while True:
            at = i
            if (self.kind(i) == "div" and factors) or self.text(i) in ("per", "par"):
                below, at = True, i + 1
            elif not factors and after_number and self.text(i) == "1" and self.kind(i + 1) == "div":
                below, at = True, i + 2  # `5 1/s`: one over a unit
            elif factors and (self.kind(i) == "mul" or self._dot_product(i)):
                at = i + 1
            found = self._factor(at, first=not factors)
            if found is None:
                if factors and at != i and self.kind(at) == "word":
                    self._refuse_word(at)
                if not factors and after_number and self.kind(i) == "word":
                    self._refuse_word(i)
                break
            more, i = found
            sign = -1 if below else 1
            factors += [(name, sign * exponent) for name, exponent in more]
        return tuple(factors), i

    def _refuse_word(self, i: int) -> None:
        """A word where a unit may stand: fine if prose, else the reading is not confident."""
        word = self.text(i)
        if _is_prose(word) and unit_name(word) is None:
            return
        if _is_prose(word):
            raise AmbiguousNumber(f"{word!r} after a number may be a unit or a word")
        raise AmbiguousNumber(f"{word!r} after a number is not a unit")

    def _dot_product(self, i: int) -> bool:
        """`N.m`, `kN-m`: a point or hyphen between two units with no space around it."""
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        return (
            self.text(i) in (".", "-")
            and not self.tokens[i].spaced
            and after is not None
            and after.kind == "word"
            and not after.spaced
            and (self.text(i) == "." or self._unit_word(i + 1))
        )

    def _factor(self, i: int, first: bool) -> tuple[list[tuple[str, Fraction]], int] | None:
        """One unit with its power; a bracketed group only inside a unit (`J/(mol·K)`,
        `MPa (m)^(1/2)`), never first: after a number, `2 (g h)^(1/2)` is a formula."""
        if self.kind(i) == "lp" and not first:
            inner, end = self._unit(i + 1)
            if not inner or self.kind(end) != "rp":
                return None
            exponent, end = self._exponent(end + 1)
            return [(name, power * exponent) for name, power in inner], end
        if self.kind(i) == "lp" or self.kind(i) != "word" or self.text(i) in _TIMES:
            return None
        word = self.text(i)
        if _is_prose(word) or word.lower() in SCALES:
            return None
        name = unit_name(word)
        if name is None:
            return None
        exponent, end = self._exponent(i + 1)
        return [(name, exponent)], end

    def _exponent(self, i: int) -> tuple[Fraction, int]:
        """`^2`, `^(-1)`, `^(1/2)`, or digits stuck to the unit (`m2`, `s-1`)."""
        if self.kind(i) == "pow":
            power = self._unit_power(i + 1)
            return power if power is not None else (Fraction(1), i)
        token = self.tokens[i] if i < len(self.tokens) else None
        if token and token.kind == "num" and not token.spaced and re.fullmatch(r"\d", token.text):
            return Fraction(int(token.text)), i + 1
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if (
            token
            and after
            and token.kind in ("sign", "dash")
            and not token.spaced
            and after.kind == "num"
            and not after.spaced
            and re.fullmatch(r"\d", after.text)
        ):
            return (-1 if token.text in ("-", "–") else 1) * Fraction(int(after.text)), i + 2
        return Fraction(1), i

    def _unit_power(self, i: int) -> tuple[Fraction, int] | None:
        """`2`, `(-1)`, `(1/2)`, `-1/2`, `(-0.5)` after a `^`."""
        bracketed = self.kind(i) == "lp"
        i += bracketed
        sign, i = self._sign(i)
        if self.kind(i) != "num" or not re.fullmatch(r"\d+(?:\.\d+)?", self.text(i)):
            return None
        power = Fraction(self.text(i))
        i += 1
        if self.kind(i) == "div" and self.kind(i + 1) == "num" and self.text(i + 1).isdigit():
            power, i = power / int(self.text(i + 1)), i + 2
        if bracketed:
            if self.kind(i) != "rp":
                return None
            i += 1
        return sign * power, i

    def is_expression_around(self, start: int, end: int) -> bool:
        """Whether the quantity at tokens [start, end) is one operand of a formula (`2√3`,
        `h c / 500 nm`, `3 + 4i`) rather than a value on its own."""
        before, after = self.kind(start - 1), self.kind(end)
        operand_before = self.kind(start - 2) in ("num", "rp", "word")
        if before == "pow" or (before in ("mul", "div") and operand_before):
            return True
        if before == "other" and self.text(start - 1) in ("\\", "√"):
            return True
        if before == "word" and self.text(start - 1) in _MATH_WORDS:
            return True
        if after == "pow" or (after == "lp" and not self.tokens[end].spaced):
            return True
        if after == "lp" and self._raised_group(end):
            return True  # 2 (2)^(1/2), as √ leaves it
        if after in ("mul", "div", "sign") and self.kind(end + 1) in ("num", "lp"):
            return True
        if after == "other" and self.text(end) in ("\\", "√"):
            return True
        return after == "word" and self.text(end) in _MATH_WORDS

    def _raised_group(self, i: int) -> bool:
        depth = 0
        for j in range(i, min(len(self.tokens), i + 40)):
            depth += {"lp": 1, "rp": -1}.get(self.tokens[j].kind, 0)
            if depth == 0:
                return self.kind(j + 1) == "pow"
        return False


@dataclass(frozen=True)
class Found:
    answer: Answer | None
    """None when the number there is ambiguous, or part of a formula."""
    start: int
    problem: str = ""


def find_quantities(
    text: str, language: str | None = None, *, pairs: bool = False
) -> tuple[list[Found], list[tuple[int, str]]]:
    """Every quantity or range in `text`, in order, and the token positions and texts of the
    `=`-like separators ("=", "≈", ":", "<", "is", "est", ...) that a final value may follow."""
    tokens = tokenize(normalize(text))
    reader = _Reader(tokens, language, pairs)
    found: list[Found] = []
    separators = [(i, t.text) for i, t in enumerate(tokens) if _separates(t)]
    i = 0
    while i < len(tokens):
        if not reader.starts_quantity(i):
            i += 1
            continue
        try:
            answer, end = reader.answer(i)
        except AmbiguousNumber as ex:
            found.append(Found(None, i, f"cannot read the number: {ex}"))
            i += 1
            while i < len(tokens) and tokens[i].kind in ("num", "pow", "mul", "div", "lp", "rp"):
                i += 1
            continue
        if reader.is_expression_around(i, end):
            found.append(Found(None, i, f"{answer.text!r} is part of a formula"))
        else:
            found.append(Found(answer, i))
        i = max(end, i + 1)
    return found, separators


_SEPARATOR_WORDS = frozenset("is are was equals est vaut sont gives yields donne".split())


def _separates(token: Token) -> bool:
    return token.kind in ("sep", "cmp") or (
        token.kind == "word" and token.text.lower() in _SEPARATOR_WORDS
    )


def bounded(answer: Answer, comparison: str) -> Answer:
    """`answer` after `<`, `≤`, `>` or `≥`: the values below or above it."""
    if not isinstance(answer, Quantity):
        return answer
    below, included = _BOUNDS[comparison]
    if below:
        return Interval(-math.inf, answer.value, answer.unit, f"{comparison} {answer.text}",
                        (False, included), answer.factors)  # fmt: skip
    return Interval(answer.value, math.inf, answer.unit, f"{comparison} {answer.text}",
                    (included, False), answer.factors)  # fmt: skip


_CONJUNCTIONS = frozenset(
    """and or et ou if si when quand where with avec for pour then alors so donc thus hence
    ainsi but mais because car since puisque while therefore respectively""".split()
)
_CONTINUATION = re.compile(r"^\s*(?:=|≈|\\approx|&=|&\\approx|\\Rightarrow|⇒|→)")
_NAMED = re.compile(r"^\s*([^=≈]{1,30}?)\s*(?==|≈|\\approx)")


def parse_reference(
    text: str, language: str | None = None, *, pairs: bool = False
) -> Answer | None:
    """`text` as one quantity, range or bound and nothing else ("12.5 m/s", "v = 3e8 m/s",
    "$-6.8\\,\\mathrm{kJ}$", "I = U/R = 230/46 = 5 A", "[11,6 ; 13,2]", "p < 0.001"), or None:
    references that are formulas, lists, prose or several results go to the rubric grader.

    A chain of `=` is one result when only expressions stand between its signs: its last value.
    Lines after the first must continue the chain (start with `=`); a quantity written earlier
    in the chain must be the same as the last (`2 atm = 202.6 kPa`). `pairs` reads `(a, b)` as a
    range."""
    chain = _one_chain(text)
    if chain is None:
        return None
    tokens = tokenize(normalize(chain))
    while tokens and tokens[-1].kind == "punct":
        tokens = tokens[:-1]
    if not tokens:
        return None
    reader = _Reader(tokens, language, pairs)
    separators = _top_level_separators(tokens)
    segments = [
        (a + 1, b) for a, b in zip([-1, *separators], [*separators, len(tokens)], strict=True)
    ]
    start = segments[-1][0]
    if start >= len(tokens):
        return None
    if tokens[start].kind == "word" and tokens[start].text.lower() in _RANGE_OPENERS:
        start += 1
    try:
        answer, end = reader.answer(start) if reader.starts_quantity(start) else (None, start)
    except AmbiguousNumber:
        return None
    if answer is None or end != len(tokens) or not _finite(answer):
        return None
    for index, (a, b) in enumerate(segments[:-1]):
        stated = _alone(reader, a, b)
        if stated is not None and (not isinstance(stated, Quantity) or stated.unit):
            if not _same(stated, answer):
                return None
        elif stated is None and not (
            _is_expression(tokens[a:b]) or (index == 0 and (a == b or _is_label(tokens[a:b])))
        ):
            return None
    if separators and tokens[separators[-1]].kind == "cmp":
        answer = bounded(answer, tokens[separators[-1]].text)
    if separators:
        answer = replace(answer, label=" ".join(t.text for t in tokens[: separators[0]]))
    return answer


def _one_chain(text: str) -> str | None:
    """The lines of `text` as one chain of `=`: each line after the first continues it (starts
    with `=`) or restates the name it starts with (`m = n·M` / `m = 2,92 g`); else None."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    name = _NAMED.match(lines[0])
    chain = lines[0]
    for line in lines[1:]:
        if _CONTINUATION.match(line):
            chain += " " + line
        elif name and (same := _NAMED.match(line)) and same.group(1) == name.group(1):
            chain += " " + line[same.end(1) :]
        else:
            return None
    return chain


def _top_level_separators(tokens: list[Token]) -> list[int]:
    depth, found = 0, []
    for i, token in enumerate(tokens):
        depth += {"lp": 1, "rp": -1}.get(token.kind, 0)
        if depth == 0 and token.kind in ("sep", "cmp"):
            found.append(i)
    return found


def _alone(reader: _Reader, start: int, end: int) -> Answer | None:
    """The quantity that tokens [start, end) are, if they are nothing else."""
    if not reader.starts_quantity(start):
        return None
    try:
        answer, stop = reader.answer(start)
    except AmbiguousNumber:
        return None
    return answer if stop == end else None


def _is_label(tokens: list[Token]) -> bool:
    """A name before `=`: `v`, `ΔG°`, `E_c`, `χ²`, `R^2`, `2θ`, `P(X ≤ 3)`; not a number."""
    if not tokens or not any(t.kind in ("word", "other") for t in tokens):
        return False
    if tokens[0].kind == "num":  # 2θ: a digit stuck to a letter
        return len(tokens) > 1 and tokens[1].kind in ("word", "other") and not tokens[1].spaced
    return not any(_conjunction(t) for t in tokens)


def _is_expression(tokens: list[Token]) -> bool:
    """Working between two `=`: operands and operators, no list or prose."""
    return bool(tokens) and all(
        t.kind not in ("punct", "sep") and not _conjunction(t) for t in tokens
    )


def _conjunction(token: Token) -> bool:
    """`and`, `or`, `et`, ... (`OR`, an odds ratio, is a name)."""
    return token.kind == "word" and (
        token.text in _CONJUNCTIONS
        or (token.text[1:].islower() and token.text.lower() in _CONJUNCTIONS)
    )


def _same(stated: Answer, answer: Answer) -> bool:
    if not isinstance(stated, Quantity) or not isinstance(answer, Quantity):
        return stated == answer
    try:
        a = in_base_units(stated.value, stated.unit) if stated.unit else (stated.value, "")
        b = in_base_units(answer.value, answer.unit) if answer.unit else (answer.value, "")
    except IncompatibleUnits:
        return False
    return a[1] == b[1] and math.isclose(a[0], b[0], rel_tol=0.01, abs_tol=0.0)


def _finite(answer: Answer) -> bool:
    if isinstance(answer, Quantity):
        return math.isfinite(answer.value)
    return not (math.isnan(answer.low) or math.isnan(answer.high))
