"""One plain notation for numbers and units written in LaTeX, siunitx, Unicode or ASCII.

`normalize` turns `\\mathrm{~kJ}` into `kJ`, `\\SI{-393.5}{\\kilo\\joule\\per\\mole}` into
`-393.5 kJ mol^(-1)`, `10⁻³` and `10^{-3}` into `10^(-3)`, `\\frac{3}{4}` and `¾` into `(3)/(4)`,
`\\sqrt{Hz}` into `(Hz)^(1/2)`, look-alike signs (OHM SIGN, KELVIN SIGN, ANGSTROM SIGN, MICRO
SIGN, fullwidth digits) into their ordinary letters (Unicode NFKC), `−` into `-`, and spelled-out
units that are two words (`degrees Celsius`, `pour cent`) into their symbols. The reader in
`quantities` then only meets one spelling of each thing.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

from trustbench.judges.rubric.units import SI_PREFIXES

_WRAPPER = re.compile(
    r"\\(?:mathrm|text|textrm|textnormal|textup|mathit|mathbf|textbf|mathsf|operatorname|mbox|rm"
    r"|boxed|fbox|ensuremath|displaystyle|textstyle)"
    r"\s*\{"
)
_FRACTION = re.compile(r"\\[dt]?frac\s*\{")
_DIGIT_FRACTION = re.compile(r"\\[dt]?frac(\d)(\d)")
_SQRT = re.compile(r"\\sqrt\s*\{")
_SUPERSCRIPT = re.compile(r"[⁻⁺]*[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
"""A power in superscripts; a superscript sign alone (`⁻5`) is a sign, as NFKC makes it."""
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_VULGAR = {
    "½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3), "¼": Fraction(1, 4),
    "¾": Fraction(3, 4), "⅕": Fraction(1, 5), "⅖": Fraction(2, 5), "⅗": Fraction(3, 5),
    "⅘": Fraction(4, 5), "⅙": Fraction(1, 6), "⅚": Fraction(5, 6), "⅛": Fraction(1, 8),
    "⅜": Fraction(3, 8), "⅝": Fraction(5, 8), "⅞": Fraction(7, 8), "⅐": Fraction(1, 7),
    "⅑": Fraction(1, 9), "⅒": Fraction(1, 10),
}  # fmt: skip
_VULGAR_NUMBER = re.compile(r"(\d+)?\s?([" + "".join(_VULGAR) + "])")
_BRACED_POWER = re.compile(r"\^\s*\{([^{}]*)\}")
_SUBSCRIPT = re.compile(r"_\s*(?:\{[^{}]*\}|\w)")
_PREFIX_SPACE = re.compile(r"(µ)\s+(?=[A-Za-zΩ])|(?<![A-Za-z])([kMGmn])\s+(?=Ω)")
"""`\\mu \\mathrm{m}` and `\\mathrm{k} \\Omega` leave a space between a prefix and its unit."""
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "θ", "kappa": "κ", "lambda": "λ",
    "nu": "ν", "xi": "ξ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
}  # fmt: skip
_GREEK_MACRO = re.compile(
    r"\\(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])"
)
_REPLACEMENTS = [
    (re.compile(r"\{,\}"), ","),
    (re.compile(r"\{\.\}"), "."),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree|º"), "°"),
    (re.compile(r"\\times|[×✕⨯]"), " × "),
    (re.compile(r"\\cdot|[·⋅∙•]"), " · "),
    (re.compile(r"\\pm|\+/-|\+-|±"), " ± "),
    (re.compile(r"\\approx|\\simeq|\\cong|[≈≃≅]|\\Rightarrow|\\implies|⇒"), " ≈ "),
    (re.compile(r"\\(?:leq?|leqslant)(?![A-Za-z])|<=|≤|⩽"), " ≤ "),
    (re.compile(r"\\(?:geq?|geqslant)(?![A-Za-z])|>=|≥|⩾"), " ≥ "),
    (re.compile(r"\\lt(?![A-Za-z])|&lt;"), " < "),
    (re.compile(r"\\gt(?![A-Za-z])|&gt;"), " > "),
    (re.compile(r"\\(?:mu|micro)(?![A-Za-z])|μ"), "µ"),
    (re.compile(r"\\pi(?![A-Za-z])"), "π"),
    (re.compile(r"\\Omega(?![A-Za-z])"), "Ω"),
    (re.compile(r"\\AA(?![A-Za-z])|\\mathring\s*\{?A\}?"), "Å"),
    (re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])"), ""),
    (re.compile(r"\\[,;:! ]|\\q?quad(?![A-Za-z])|\\(?:en|thin)space(?![A-Za-z])|~"), " "),
    (re.compile(r"\$|\\\(|\\\)|\\\[|\\\]"), " "),
    (re.compile(r"[\u2000-\u200b\u205f]"), " "),
    (re.compile(r"[−‒﹣－‐˗]"), "-"),  # minus signs, and hyphens written for one
    (re.compile(r"—"), "–"),
    (re.compile(r"(?<=[\w)])\s*\*\*\s*(?=[-+]?\d|\()"), "^"),
    (re.compile(r"\*\*|__"), " "),
]
_DEGREE_LOOKALIKE = re.compile(r"[º˚]|⁰(?=\s*[CF]\b)|\^\s*\{?\s*o\s*\}?(?=\s*[CF]\b)")
"""Signs written for a degree: the ordinal indicator, a ring above, a superscript zero or `^o`
before C or F (`25⁰C`, `25^oC`)."""
_CONFIDENCE_ASIDE = re.compile(
    r"\(\s*\d+(?:[.,]\d+)?\s*%\s*(?:CI|IC|C\.I\.|confidence\s+interval|intervalle\s+de\s+confiance)"
    r"\b[^()]*\)",
    re.IGNORECASE,
)
"""`HR = 0.65 (95% CI 0.52–0.81)`: the interval beside an estimate, which is the answer."""
_PHRASES = [  # unit names of two words, words that spell a sign, asides beside a value
    (
        re.compile(
            r"(?:°|\b(?:degrees?|degr[ée]s?|deg))\s*(?:Celsius|celsius|C)\b|\bCelsius\b|\bdegC\b",
        ),
        "°C",
    ),
    (
        re.compile(r"(?:°|\b(?:degrees?|degr[ée]s?|deg))\s*(?:Fahrenheit|F)\b|\bFahrenheit\b"),
        "°F",
    ),
    (re.compile(r"\b(?:per\s*cent|pour\s*cent|pourcent|percent|pct)\b", re.IGNORECASE), "%"),
    (re.compile(r"\b(wt|at|vol|mol)\s*%"), r"\1%"),
    (re.compile(r"\b(?:tours?|tr)\s*(?:/|par|per)\s*min(?:ute)?s?\b"), "rpm"),
    (re.compile(r"\b(?:minus|moins|negative|négatif|négative)\s+(?=[\d.])", re.IGNORECASE), "-"),
    (_CONFIDENCE_ASIDE, " "),
]


def normalize(text: str) -> str:
    """One plain notation for LaTeX, siunitx, Unicode and ASCII spellings of numbers and units."""
    text = _unwrap(text).replace("∕", "/").replace("⁄", "/")  # division and fraction slashes
    text = _siunitx(text)
    text = _fractions(_DIGIT_FRACTION.sub(r"(\1)/(\2)", text))
    text = _square_roots(text)
    text = _GREEK_MACRO.sub(lambda m: _GREEK[m.group(1)], text)
    text = _DEGREE_LOOKALIKE.sub("°", text)  # before NFKC, which makes `º` an "o", `˚` a space
    text = _SUPERSCRIPT.sub(lambda m: "^(" + m.group().translate(_SUPERSCRIPTS) + ")", text)
    text = _VULGAR_NUMBER.sub(_vulgar, text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # OHM SIGN, KELVIN SIGN, ℃, NBSP, ...
    for pattern, replacement in _REPLACEMENTS:
        text = pattern.sub(replacement, text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
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


def _square_roots(text: str) -> str:
    """`\\sqrt{x}` and `√x` → `(x)^(1/2)`: in a unit (`MPa\\sqrt{m}`, `nV/√Hz`) a power of one
    half; before a number (`2\\sqrt{2}`) the reader sees a formula and reads nothing."""
    while (match := _SQRT.search(text)) is not None:
        end = closing_brace(text, match.end())
        if end is None:
            return text
        text = f"{text[: match.start()]} ({text[match.end() : end]})^(1/2){text[end + 1 :]}"
    return re.sub(r"√\s*([A-Za-zΩµ]+)", r" (\1)^(1/2)", text)


def _vulgar(match: re.Match[str]) -> str:
    """`¾` → `(3)/(4)`; `2½` → `(5)/(2)`."""
    whole = int(match.group(1)) if match.group(1) else 0
    value = whole + _VULGAR[match.group(2)]
    return f"({value.numerator})/({value.denominator})"


# --- siunitx: \SI{value}{unit}, \qty, \num, \si, \unit, \ang, and unit macros

_SIUNITX = re.compile(
    r"\\(SI|qty|num|si|unit|ang|SIrange|qtyrange|numrange)\s*(?:\[[^\]]*\])?\s*\{"
)
_PREFIXES = {name: symbol for symbol, name in SI_PREFIXES.items() if symbol != "u"} | {"deka": "da"}
"""siunitx's prefix macros (`\\kilo`) by name, to their symbols."""
_UNITS = {
    "ampere": "A", "candela": "cd", "kelvin": "K", "kilogram": "kg", "gram": "g", "metre": "m",
    "meter": "m", "mole": "mol", "second": "s", "becquerel": "Bq", "degreeCelsius": "°C",
    "celsius": "°C", "coulomb": "C", "farad": "F", "gray": "Gy", "hertz": "Hz", "henry": "H",
    "joule": "J", "katal": "kat", "lumen": "lm", "lux": "lx", "newton": "N", "ohm": "Ω",
    "pascal": "Pa", "radian": "rad", "siemens": "S", "sievert": "Sv", "steradian": "sr",
    "tesla": "T", "volt": "V", "watt": "W", "weber": "Wb", "astronomicalunit": "au",
    "atomicmassunit": "u", "dalton": "Da", "day": "d", "decibel": "dB", "degree": "°",
    "electronvolt": "eV", "hectare": "ha", "hour": "h", "litre": "L", "liter": "L",
    "minute": "min", "tonne": "t", "bel": "B", "bar": "bar", "angstrom": "Å", "barn": "b",
    "mmHg": "mmHg", "percent": "%", "clight": "c", "arcminute": "arcmin",
    "arcsecond": "arcsec", "knot": "kn", "neper": "Np", "calorie": "cal", "atmosphere": "atm",
}  # fmt: skip
_POWERS = {"square": 2, "squared": 2, "cubic": 3, "cubed": 3}
_MACRO = re.compile(r"\\([A-Za-z]+)\s*(?:\{([^{}]*)\})?")


def _siunitx(text: str) -> str:
    while (match := _SIUNITX.search(text)) is not None:
        command = match.group(1)
        args, end = _arguments(text, match.end(), 3 if command in ("SIrange", "qtyrange") else 2)
        if not args:
            return text
        if command in ("SI", "qty"):
            written = f"{_si_number(args[0])} {_si_unit(args[1]) if len(args) > 1 else ''}"
            args = args[:2]
        elif command in ("SIrange", "qtyrange") and len(args) == 3:
            unit = _si_unit(args[2])
            written = f"{_si_number(args[0])} {unit} – {_si_number(args[1])} {unit}"
        elif command == "numrange" and len(args) >= 2:
            written = f"{_si_number(args[0])} – {_si_number(args[1])}"
        elif command == "num":
            written, args = _si_number(args[0]), args[:1]
        elif command == "ang":
            written, args = _angle(args[0]), args[:1]
        else:
            written, args = _si_unit(args[0]), args[:1]
        end = _after(text, match.end(), len(args))
        text = f"{text[: match.start()]} {written} {text[end:]}"
    return text


def _arguments(text: str, start: int, most: int) -> tuple[list[str], int]:
    """Up to `most` brace groups from the one opened just before `start`."""
    args: list[str] = []
    position = start
    while len(args) < most:
        end = closing_brace(text, position)
        if end is None:
            break
        args.append(text[position:end])
        following = re.match(r"\s*\{", text[end + 1 :])
        if following is None:
            break
        position = end + 1 + following.end()
    return args, position


def _after(text: str, start: int, count: int) -> int:
    """The position after `count` brace groups, the first opened just before `start`."""
    position = start
    for n in range(count):
        end = closing_brace(text, position)
        if end is None:
            return len(text)
        position = end + 1
        if n + 1 < count:
            brace = re.match(r"\s*\{", text[position:])
            position += brace.end()  # type: ignore[union-attr]  # `_arguments` found the group
    return position


def _si_number(raw: str) -> str:
    """siunitx reads both `.` and `,` as the decimal marker, `x` as a product, `+-` as ±."""
    number = raw.strip().replace(",", ".")
    number = re.sub(r"(?<=\d)\s+(?=\d)", "", number)
    number = re.sub(r"\s*\bx\b\s*|\\times", " × ", number)
    return re.sub(r"([\d.])[eEdD]([-+]?\d)", r"\1e\2", number)


def _angle(raw: str) -> str:
    """`\\ang{38.5}` → `38.5°`; `\\ang{12;30;0}` (degrees; minutes; seconds) in degrees."""
    parts = [p.strip().replace(",", ".") or "0" for p in raw.split(";")]
    if len(parts) == 1:
        return f"{parts[0]}°"
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return raw
    degrees = sum(v / 60**i for i, v in enumerate(values))
    return f"{degrees!r}°"


def _si_unit(raw: str) -> str:
    """`\\kilo\\joule\\per\\mole` → `kJ mol^(-1)`; literal units keep their spelling, with
    siunitx's `.` and `~` between units read as products."""
    if "\\" not in raw:
        return re.sub(r"(?<=[\w)}°])\s*[.~]\s*(?=[A-Za-zµΩ°%])", " · ", raw)
    factors: list[str] = []
    prefix, power, below = "", 1, False
    position = 0
    for match in _MACRO.finditer(raw):
        literal = raw[position : match.start()].strip(" .~")
        if literal:
            factors.append(literal)
        position = match.end()
        name, argument = match.group(1), match.group(2)
        if name == "per":
            below = True
        elif name in _PREFIXES:
            prefix += _PREFIXES[name]
        elif name in _POWERS and name.endswith("ed") and factors:
            factors[-1] = _raised(factors[-1], _POWERS[name])
        elif name in _POWERS:
            power = _POWERS[name]
        elif name in ("tothe", "raiseto") and argument is not None:
            if name == "tothe" and factors:
                factors[-1] = _raised(factors[-1], int(argument))
            else:
                power = int(argument)
        elif name in _UNITS:
            exponent = -power if below else power
            factors.append(f"{prefix}{_UNITS[name]}" + (f"^({exponent})" if exponent != 1 else ""))
            prefix, power, below = "", 1, False
        else:
            factors.append(f"\\{name}")  # unknown: left for the reader to refuse
    tail = raw[position:].strip(" .~")
    if tail:
        factors.append(tail)
    return " ".join(factors)


def _raised(factor: str, power: int) -> str:
    base, _, exponent = factor.partition("^(")
    return f"{base}^({int(exponent.rstrip(')') or 1) * power})" if exponent else f"{base}^({power})"
