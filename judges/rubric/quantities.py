"""Numbers with units in free text, read in every common notation.

Text is first normalised (LaTeX and Unicode become one plain form: `\\mathrm{~kJ}` → `kJ`,
`10^{-3}` and `10⁻³` → `10^(-3)`, `\\frac{3}{4}` → `(3)/(4)`, `−` → `-`), then cut into tokens,
and a quantity is read from tokens: an optional sign, a number (decimal commas and thousands
separators resolved by the course language and the digit grouping), a power of ten
(`e-5`, `× 10^{-5}`, `10^{-5}` alone, `3.0 10^{-5}`), an uncertainty that is skipped, and a
unit whose every factor pint knows (`g mol^{-1}`, `km / s`, `J/(mol·K)`, `m2`, `s-1`).

Unit exponents belong to their unit (`169 g mol^{-1}` is 169, never −1), a minus sign is a sign
wherever it stands before a number (`-\\,6.8`), and a number whose format is ambiguous is
reported as such rather than read one way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from trustbench.judges.rubric.units import compose, symbol, unit_name

_WRAPPER = re.compile(
    r"\\(?:mathrm|text|textrm|textnormal|textup|mathit|mathbf|textbf|mathsf|operatorname|mbox|rm"
    r"|boxed|fbox)"
    r"\s*\{"
)
_FRACTION = re.compile(r"\\[dt]?frac\s*\{")
_DIGIT_FRACTION = re.compile(r"\\[dt]?frac(\d)(\d)")
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_BRACED_POWER = re.compile(r"\^\s*\{([^{}]*)\}")
_SUBSCRIPT = re.compile(r"_\s*(?:\{[^{}]*\}|\w)")
_PREFIX_SPACE = re.compile(r"(µ)\s+(?=[A-Za-zΩ])|(?<![A-Za-z])([kMGmn])\s+(?=Ω)")
"""`\\mu \\mathrm{m}` and `\\mathrm{k} \\Omega` leave a space between a prefix and its unit."""
_REPLACEMENTS = [
    (re.compile(r"\{,\}"), ","),
    (re.compile(r"\{\.\}"), "."),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree|º"), "°"),
    (re.compile(r"\\times|[×✕⨯]"), " × "),
    (re.compile(r"\\cdot|[·⋅∙•]"), " · "),
    (re.compile(r"\\pm|\+/-|\+-"), " ± "),
    (re.compile(r"\\approx|\\simeq|\\cong|[≈≃≅]|\\Rightarrow|\\implies|⇒"), " ≈ "),
    (re.compile(r"\\(?:mu|micro)\b|μ"), "µ"),
    (re.compile(r"\\pi\b"), "π"),
    (re.compile(r"\\Omega|Ω"), "Ω"),
    (re.compile(r"\\AA|\\mathring\s*\{?A\}?|Å"), "Å"),
    (re.compile(r"℃"), "°C"),
    (re.compile(r"℉"), "°F"),
    (re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)\b"), ""),
    (re.compile(r"\\[,;:! ]|\\q?quad\b|\\(?:en|thin)space\b|~"), " "),
    (re.compile(r"\$|\\\(|\\\)|\\\[|\\\]"), " "),
    (re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]"), " "),
    (re.compile(r"[−–‒﹣－]"), "-"),
    (re.compile(r"(?<=10)\s*\*\*\s*"), "^"),
    (re.compile(r"\*\*|__"), " "),
]


def normalize(text: str) -> str:
    """One plain notation for LaTeX, Unicode and ASCII spellings of numbers and units."""
    text = _unwrap(text)
    text = _fractions(_DIGIT_FRACTION.sub(r"(\1)/(\2)", text))
    for pattern, replacement in _REPLACEMENTS:
        text = pattern.sub(replacement, text)
    text = _SUPERSCRIPT.sub(lambda m: "^(" + m.group().translate(_SUPERSCRIPTS) + ")", text)
    text = _BRACED_POWER.sub(r"^(\1)", text)
    text = _SUBSCRIPT.sub("", text)
    text = text.replace("{", " ").replace("}", " ")
    return _PREFIX_SPACE.sub(lambda m: m.group(1) or m.group(2), text)


def closing_brace(text: str, start: int) -> int | None:
    """Index of the `}` that closes the group opened just before `start`."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            if depth == 0:
                return i
            depth -= 1
    return None


def _unwrap(text: str) -> str:
    """`\\mathrm{...}`, `\\text{...}` and kin replaced by their content, nested groups included."""
    while (match := _WRAPPER.search(text)) is not None:
        end = closing_brace(text, match.end())
        if end is None:
            return text[: match.start()] + text[match.end() :]
        text = text[: match.start()] + text[match.end() : end] + text[end + 1 :]
    return text


def _fractions(text: str) -> str:
    """`\\frac{a}{b}` → `(a)/(b)`, nested fractions included."""
    while (match := _FRACTION.search(text)) is not None:
        top_end = closing_brace(text, match.end())
        if top_end is None or not text.startswith("{", top_end + 1):
            return text
        bottom_end = closing_brace(text, top_end + 2)
        if bottom_end is None:
            return text
        top, bottom = text[match.end() : top_end], text[top_end + 2 : bottom_end]
        text = f"{text[: match.start()]}({_fractions(top)})/({_fractions(bottom)}){text[bottom_end + 1 :]}"
    return text


Kind = Literal[
    "num", "pow", "lp", "rp", "mul", "div", "pm", "sep", "sign", "word", "punct", "other"
]

_TOKEN = re.compile(
    r"""(?P<num>(?:\d+(?:[.,'’]\d+)*|[.,]\d+)(?:[eE][-+]?\d+)?|π)
    |(?P<pow>\^)|(?P<lp>\()|(?P<rp>\))|(?P<mul>[×·*])|(?P<div>/)|(?P<pm>±)
    |(?P<sep>=|≈|:)|(?P<sign>[-+])|(?P<word>[A-Za-zµΩÅ°%‰]+)|(?P<punct>[,;.!?])
    |(?P<space>\s+)|(?P<other>.)""",
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
    """A number whose digits can be read two ways, or not at all (`1.2.3`)."""


def is_french(language: str | None) -> bool:
    return bool(language) and language.strip().casefold().startswith(("fr", "fra"))


def number_value(raw: str, language: str | None = None) -> float:
    """The value of one number token; raises `AmbiguousNumber`.

    Both separators: the last is the decimal mark. Only commas: `1,5`, `0,125` and `1,2345` are
    decimal commas (no thousands group has 1, 2 or 4 digits, or follows a lone 0); `1,234,567`
    groups thousands; a lone `1,234` is 1234 in English and 1.234 in French. Only points: a
    decimal point, unless several group thousands (`1.234.567`).
    """
    if raw == "π":
        return math.pi
    mantissa, _, exponent = re.sub(r"[ '’]", "", raw).replace("E", "e").partition("e")
    scale = 10 ** int(exponent) if exponent else 1
    commas, points = mantissa.count(","), mantissa.count(".")
    if commas and points:
        decimal = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = mantissa.rpartition(decimal)
        if whole.count(decimal) or not _grouped(whole, thousands):
            raise AmbiguousNumber(raw)
        return float(whole.replace(thousands, "") + "." + fraction) * scale
    if commas > 1 or points > 1:
        mark = "," if commas else "."
        if not _grouped(mantissa, mark):
            raise AmbiguousNumber(raw)
        return float(mantissa.replace(mark, "")) * scale
    if points:
        return float(mantissa) * scale
    if commas:
        whole, fraction = mantissa.split(",")
        if len(fraction) != 3 or whole in ("", "0") or is_french(language):
            return float(f"{whole or 0}.{fraction}") * scale
        return float(whole + fraction) * scale
    return float(mantissa) * scale


def _grouped(digits: str, mark: str) -> bool:
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})*", digits) is not None


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    """pint's canonical unit ("kilojoule / mole"), or "" for a pure number."""
    text: str = ""
    """The number as written, for the log."""

    def __str__(self) -> str:
        return f"{self.value:.6g} {symbol(self.unit)}".strip()


_MATH_WORDS = frozenset("pi sqrt ln log exp sin cos tan arcsin arccos arctan frac".split())
_NOT_UNITS = frozenset({"x", "X"})


REFERENCE_UNITS = {"c": "speed_of_light"}
"""Symbols that are units only in a reference, where nothing but the quantity stands (`0.8 c`);
in a reply `c` is as likely an option or a variable."""


class _Reader:
    """Reads quantities from tokens."""

    def __init__(self, tokens: list[Token], language: str | None, reference: bool = False) -> None:
        self.tokens = tokens
        self.language = language
        self.reference = reference

    def kind(self, i: int) -> str | None:
        return self.tokens[i].kind if 0 <= i < len(self.tokens) else None

    def text(self, i: int) -> str:
        return self.tokens[i].text if 0 <= i < len(self.tokens) else ""

    def starts_quantity(self, i: int) -> bool:
        """A number (or a sign or bracket before one) that is not an exponent or a subtrahend."""
        kind = self.kind(i)
        if kind == "num":
            return self.kind(i - 1) != "pow" and not self._signed(i - 1)
        if kind == "sign":
            return self._signed(i) and self.kind(i - 1) != "pow"
        if kind == "lp":
            return self.kind(i - 1) != "pow" and (
                self.kind(i + 1) == "num" or self.kind(i + 1) == "sign"
            )
        return False

    def _signed(self, i: int) -> bool:
        """Whether the token at `i` is a sign of the number after it (not a minus between two
        operands, as in `3-4` or `(2)-(1)`)."""
        return (
            self.kind(i) == "sign"
            and self.kind(i + 1) in ("num", "lp")
            and self.kind(i - 1) not in ("num", "rp")
        )

    def quantity(self, i: int) -> tuple[Quantity, int]:
        """The quantity starting at `i`, and the position after it; raises `AmbiguousNumber`."""
        start = i
        value, i = self._signed_value(i)
        factors, i = self._unit(i)
        unit = compose(factors) if factors else ""
        written = " ".join(t.text for t in self.tokens[start:i])
        return Quantity(value, unit, written), i

    def _signed_value(self, i: int) -> tuple[float, int]:
        """`[sign] value [× 10^k] [± uncertainty]`: the value, and the position after it."""
        sign = 1.0
        if self.kind(i) == "sign":
            sign = -1.0 if self.text(i) == "-" else 1.0
            i += 1
        value, i = self._value(i)
        value, i = self._times_power_of_ten(value, i)
        return sign * value, self._skip_uncertainty(i)

    def _number(self, i: int) -> float:
        if self.kind(i) != "num":
            raise AmbiguousNumber(self.text(i) or "nothing")
        return number_value(self.text(i), self.language)

    def _value(self, i: int) -> tuple[float, int]:
        if self.kind(i) == "lp":
            value, i = self._group(i)
            if self.kind(i) == "div" and self.kind(i + 1) == "lp":
                denominator, end = self._group(i + 1)
                if denominator == 0:
                    raise AmbiguousNumber("division by zero")
                return value / denominator, end
            return value, i
        if self.text(i) == "10" and self.kind(i + 1) == "pow":
            power, end = self._integer_power(i + 2)
            return 10.0**power, end
        value = self._number(i)
        if self.text(i) != "π" and self.text(i + 1) == "π":  # 2π
            value, i = value * math.pi, i + 1
        if (
            self.kind(i + 1) == "div"
            and self.kind(i + 2) == "num"
            and (self.text(i).isdigit() or self.text(i) == "π")
            and self.text(i + 2).isdigit()
            and int(self.text(i + 2)) != 0
        ):
            return value / int(self.text(i + 2)), i + 3
        return value, i + 1

    def _group(self, i: int) -> tuple[float, int]:
        """`( [sign] value [× 10^k] [± value] )`, as `\\frac` and `(3.0 ± 0.2)` leave it."""
        value, i = self._signed_value(i + 1)
        if self.kind(i) != "rp":
            raise AmbiguousNumber("an expression in brackets")
        return value, i + 1

    def _integer_power(self, i: int) -> tuple[int, int]:
        bracketed = self.kind(i) == "lp"
        i += bracketed
        sign = 1
        if self.kind(i) == "sign":
            sign = -1 if self.text(i) == "-" else 1
            i += 1
        if self.kind(i) != "num" or not self.text(i).isdigit():
            raise AmbiguousNumber("a power that is not an integer")
        power = sign * int(self.text(i))
        i += 1
        if bracketed:
            if self.kind(i) != "rp":
                raise AmbiguousNumber("a power that is not an integer")
            i += 1
        return power, i

    def _times_power_of_ten(self, value: float, i: int) -> tuple[float, int]:
        times = self.kind(i) == "mul" or self.text(i) in _NOT_UNITS
        at = i + 1 if times else i
        if (
            self.text(at) == "10"
            and self.kind(at + 1) == "pow"
            and (times or self.tokens[at].spaced)
        ):
            power, end = self._integer_power(at + 2)
            return value * 10.0**power, end
        if self.kind(i) == "pow":
            raise AmbiguousNumber("a number raised to a power")
        return value, i

    def _skip_uncertainty(self, i: int) -> int:
        if self.kind(i) != "pm":
            return i
        _, end = self._value(i + 1)
        _, end = self._times_power_of_ten(0.0, end)
        return end

    def _unit(self, i: int) -> tuple[list[tuple[str, int]], int]:
        """Unit factors from `i` on: implicit products (`kJ mol^-1`), `·`, `*`, `/`, `per`,
        brackets, powers; stops before the first word that is not a unit. After a `/` every
        factor is in the denominator, as in `J/mol K` = J/(mol·K)."""
        factors: list[tuple[str, int]] = []
        below = False
        while True:
            at = i
            if factors and (self.kind(i) == "div" or self.text(i) in ("per", "par")):
                below, at = True, i + 1
            elif factors and (self.kind(i) == "mul" or self._dot_product(i)):
                at = i + 1
            found = self._factor(at)
            if found is None:
                break
            more, i = found
            sign = -1 if below else 1
            factors += [(name, sign * exponent) for name, exponent in more]
        return factors, i

    def _dot_product(self, i: int) -> bool:
        """`N.m`: a point between two units with no space around it."""
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        return (
            self.text(i) == "."
            and not self.tokens[i].spaced
            and after is not None
            and after.kind == "word"
            and not after.spaced
        )

    def _factor(self, i: int) -> tuple[list[tuple[str, int]], int] | None:
        if self.kind(i) == "lp":
            inner, end = self._unit(i + 1)
            if not inner or self.kind(end) != "rp":
                return None
            exponent, end = self._exponent(end + 1)
            return [(name, power * exponent) for name, power in inner], end
        if self.kind(i) != "word" or self.text(i) in _NOT_UNITS:
            return None
        word, end = self.text(i), i + 1
        if word == "°" and self.text(end) in ("C", "F"):
            word, end = "°" + self.text(end), end + 1
        name = unit_name(word) or (REFERENCE_UNITS.get(word) if self.reference else None)
        if name is None:
            return None
        exponent, end = self._exponent(end)
        return [(name, exponent)], end

    def _exponent(self, i: int) -> tuple[int, int]:
        """`^2`, `^(-1)`, or digits stuck to the unit (`m2`, `s-1`)."""
        if self.kind(i) == "pow":
            try:
                return self._integer_power(i + 1)
            except AmbiguousNumber:
                return 1, i
        token = self.tokens[i] if i < len(self.tokens) else None
        if token and token.kind == "num" and not token.spaced and re.fullmatch(r"\d", token.text):
            return int(token.text), i + 1
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if (
            token
            and after
            and token.kind == "sign"
            and not token.spaced
            and after.kind == "num"
            and not after.spaced
            and re.fullmatch(r"\d", after.text)
        ):
            return (-1 if token.text == "-" else 1) * int(after.text), i + 2
        return 1, i

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
        if after in ("mul", "div", "sign") and self.kind(end + 1) in ("num", "lp"):
            return True
        if after == "other" and self.text(end) in ("\\", "√"):
            return True
        return after == "word" and self.text(end) in _MATH_WORDS


@dataclass(frozen=True)
class Found:
    quantity: Quantity | None
    """None when the number there is ambiguous, or part of a formula."""
    start: int
    problem: str = ""


def find_quantities(text: str, language: str | None = None) -> tuple[list[Found], list[int]]:
    """Every quantity in `text`, in order, and the token positions of `=`-like separators
    ("=", "≈", ":", "is", "est", ...) that a final value may follow."""
    tokens = tokenize(normalize(text))
    reader = _Reader(tokens, language)
    found: list[Found] = []
    separators = [i for i, t in enumerate(tokens) if _separates(t)]
    i = 0
    while i < len(tokens):
        if not reader.starts_quantity(i):
            i += 1
            continue
        try:
            quantity, end = reader.quantity(i)
        except AmbiguousNumber as ex:
            found.append(Found(None, i, f"cannot read the number: {ex}"))
            i += 1
            while i < len(tokens) and tokens[i].kind in ("num", "pow", "mul", "div", "lp", "rp"):
                i += 1
            continue
        if reader.is_expression_around(i, end):
            found.append(Found(None, i, f"{quantity.text!r} is part of a formula"))
        else:
            found.append(Found(quantity, i))
        i = max(end, i + 1)
    return found, separators


_SEPARATOR_WORDS = frozenset("is are was equals est vaut sont gives yields donne".split())


def _separates(token: Token) -> bool:
    return token.kind == "sep" or (token.kind == "word" and token.text.lower() in _SEPARATOR_WORDS)


def parse_quantity(text: str, language: str | None = None) -> Quantity | None:
    """`text` as one quantity and nothing else ("12.5 m/s", "v = 3e8 m/s", "$-6.8\\,\\mathrm{kJ}$"),
    or None: references that are formulas, lists or prose go to the rubric grader."""
    tokens = tokenize(normalize(text))
    while tokens and tokens[-1].kind == "punct":
        tokens = tokens[:-1]
    start = 0
    separators = [i for i, t in enumerate(tokens) if t.kind == "sep"]
    if separators and all(t.kind != "num" for t in tokens[: separators[0]]):
        start = separators[0] + 1  # "v = ...", "≈ ..."
    reader = _Reader(tokens, language, reference=True)
    if not reader.starts_quantity(start):
        return None
    try:
        quantity, end = reader.quantity(start)
    except AmbiguousNumber:
        return None
    if end != len(tokens) or math.isnan(quantity.value) or math.isinf(quantity.value):
        return None
    return quantity
