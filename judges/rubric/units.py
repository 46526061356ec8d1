"""Units for numeric answers, on pint: which written words are units, and converting between them.

pint alone is too willing: it reads `kilos` as kiloseconds, `has` as hectares, `ppt` as a
picopint and `Nm` as a number of metres. Here a word is a unit only when it is spelled the way
units are written: a unit's symbol or name (a name may be plural: `joules`), optionally after an
SI prefix written in the same style (`kJ`, `kilojoules`, never `kilos`), and a prefix only
before the units that take one (`data/units.toml` lists them, with the spellings and definitions
pint lacks: French names, count nouns, `wt%`, `var`, `ppb`, `kNm`, the gauss of 1e-4 T). Case
matters, as in SI: `Kg`, `KJ`, `Mpa` and `Km` are no units at all, so the reader treats them as
unknown words and refuses to read the answer.
"""

from __future__ import annotations

import tomllib
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pint

REGISTRY_FILE = Path(__file__).parent / "data" / "units.toml"

SI_PREFIXES = {
    "q": "quecto", "r": "ronto", "y": "yocto", "z": "zepto", "a": "atto", "f": "femto",
    "p": "pico", "n": "nano", "µ": "micro", "u": "micro", "m": "milli", "c": "centi",
    "d": "deci", "da": "deca", "h": "hecto", "k": "kilo", "M": "mega", "G": "giga",
    "T": "tera", "P": "peta", "E": "exa", "Z": "zetta", "Y": "yotta", "R": "ronna",
    "Q": "quetta",
}  # fmt: skip
"""SI prefixes by symbol; their names are the values."""
_PREFIX_SPELLINGS = sorted(
    [(s, n, "symbol") for s, n in SI_PREFIXES.items()]
    + [(n, n, "name") for n in set(SI_PREFIXES.values())],
    key=lambda p: -len(p[0]),
)

OFFSET = {"degree_Celsius": "delta_degree_Celsius", "degree_Fahrenheit": "delta_degree_Fahrenheit"}
"""A temperature step, not a temperature: inside a compound unit (J/(g·°C)), or a difference."""

FRACTIONS = frozenset({"percent", "permille", "ppm", "parts_per_billion"})
"""Dimensionless units that scale a number (12.5 % = 0.125), unlike angles."""

TEMPERATURES = frozenset({"degree_Celsius", "degree_Fahrenheit", "kelvin", "degree_Rankine"})

Factors = tuple[tuple[str, Fraction], ...]
"""A unit as (pint unit name, exponent) factors: `kJ mol^-1` is (kilojoule, 1), (mole, -1)."""


@cache
def _project() -> dict[str, Any]:
    return tomllib.loads(REGISTRY_FILE.read_text(encoding="utf-8"))


@cache
def registry() -> pint.UnitRegistry[float]:
    """pint's defaults and the project's definitions, built on first use (about 0.3 s)."""
    units: pint.UnitRegistry[float] = pint.UnitRegistry(cache_folder=None)
    for definition in _project()["definitions"]:
        units.define(definition)
    return units


@cache
def _prefixable() -> frozenset[str]:
    return frozenset(_project()["prefixable"])


@lru_cache(maxsize=8192)
def unit_name(word: str) -> str | None:
    """pint's canonical name for `word` if it is written as a unit ("kJ" → "kilojoule"), else
    None. A spelling of the registry file may be a product (`kNm`)."""
    if not word:
        return None
    spelled = _project()["spellings"].get(word)
    if spelled is not None:
        return str(_units(spelled))
    found = _spelled(word)
    if found is None and len(word) >= 4 and word[0].isupper() and word[1:].islower():
        found = _spelled(word.lower(), style="name")  # `Kelvin`, `Newtons`: names, capitalised
    return found


def _spelled(word: str, style: str | None = None) -> str | None:
    """`word` as a unit, optionally prefixed, in one style (symbols or names) throughout."""
    plain = _plain_unit(word)
    if plain is not None and (style is None or plain[1] in (style, "both")):
        return plain[0]
    for written, prefix, prefix_style in _PREFIX_SPELLINGS:
        if len(word) > len(written) and word.startswith(written) and style in (None, prefix_style):
            base = _plain_unit(word[len(written) :])
            if base is not None and base[0] in _prefixable() and base[1] in (prefix_style, "both"):
                return str(_units(prefix + base[0]))
    return None


def _plain_unit(word: str) -> tuple[str, str] | None:
    """(name, "symbol" or "name") when `word` is one unprefixed unit as pint spells it: its
    symbol, its name or an alias; a plural only of a name (`joules`, not `has`)."""
    names = _unprefixed(word)
    if len(names) != 1:
        return None
    [name] = names
    singulars = [word[: -len(e)] for e in ("s", "es") if word.endswith(e)]
    singulars = [w for w in singulars if _unprefixed(w) == names]
    if not singulars:
        return name, _style(word, name)
    if any(_style(w, name) in ("name", "both") for w in singulars):
        return name, "name"
    return None  # a plural of a symbol: `has` is no number of hectares


def _style(written: str, name: str) -> str:
    """`name`, `symbol`, or `both` for a short name that is also the symbol (`bar`, `lux`,
    `erg`), which takes a prefix in either style (`mbar`, `kilobar`)."""
    if written == name and len(written) < 4:
        return "both"
    return "name" if written == name or len(written) >= 4 else "symbol"


@lru_cache(maxsize=8192)
def _unprefixed(word: str) -> frozenset[str]:
    if not word:
        return frozenset()
    try:
        found = registry().parse_unit_name(word)
    except (pint.errors.DefinitionSyntaxError, ValueError):
        return frozenset()
    return frozenset(name for prefix, name, _ in found if not prefix)


def compose(factors: Factors) -> str:
    """pint's canonical string for a product of (unit name, exponent) factors."""
    if len(factors) > 1:
        factors = tuple((OFFSET.get(name, name), power) for name, power in factors)
    return str(_units(_expression(factors)))


def _expression(factors: Factors) -> str:
    return " * ".join(f"({name}) ** {_power(power)}" for name, power in factors)


def _power(power: Fraction) -> str:
    return str(power.numerator) if power.denominator == 1 else repr(float(power))


@lru_cache(maxsize=4096)
def _units(expression: str) -> pint.Unit:
    return registry().parse_units(expression)


@lru_cache(maxsize=4096)
def symbol(unit: str) -> str:
    """The short form of a canonical unit string, for display ("kilojoule / mole" → "kJ / mol")."""
    return f"{_units(unit):~}" if unit else ""


def is_fraction(unit: str) -> bool:
    return unit in FRACTIONS


def is_temperature(unit: str) -> bool:
    """An absolute temperature: one temperature unit alone (°C, °F, K, mK, °R)."""
    return unit in TEMPERATURES or (
        bool(unit) and " " not in unit and unit.endswith("kelvin") and unit != "kelvin"
    )


def as_difference(unit: str) -> str:
    """The unit of a temperature difference written in `unit` (°C → Δ°C, equal to the kelvin)."""
    return str(_units(OFFSET[unit])) if unit in OFFSET else unit


def kelvin_per_step(unit: str) -> float:
    """How many kelvin one step of the temperature unit `unit` is (1 for °C, 5/9 for °F)."""
    return convert(1.0, as_difference(unit), "kelvin")


@lru_cache(maxsize=4096)
def dimensionality(unit: str) -> frozenset[tuple[str, object]]:
    """What `unit` measures, equal for equal dimensions however pint orders them."""
    return frozenset(_units(unit).dimensionality.items()) if unit else frozenset()


def other_readings(factors: Factors) -> list[tuple[float, Factors]]:
    """Other readings of a unit that means one of two kinds of thing (`data/units.toml`,
    `[readings]`): each as (factor on the value, factors): 2 kDa is also 2000 g/mol."""
    readings = _project()["readings"]
    found = []
    for i, (name, power) in enumerate(factors):
        for base, other in readings.items():
            if name == base or (name.endswith(base) and name[: -len(base)] in _prefix_names()):
                scale = convert(1.0, name, base) ** float(power)
                alternative = ((f"{other}", power),) if other != "dimensionless" else ()
                found.append((scale, factors[:i] + alternative + factors[i + 1 :]))
    return found


@cache
def _prefix_names() -> frozenset[str]:
    return frozenset(SI_PREFIXES.values())


class IncompatibleUnits(ValueError):
    """The two units measure different things (metres and seconds)."""


def convert(value: float, unit: str, to: str) -> float:
    """`value` in `unit`, expressed in `to`; raises `IncompatibleUnits`."""
    if unit == to:
        return value
    if unit not in OFFSET and to not in OFFSET:
        return value * _factor(unit, to)
    return _convert(value, unit, to)


@lru_cache(maxsize=4096)
def _factor(unit: str, to: str) -> float:
    """How many `to` one `unit` is (for units without an offset, so a product suffices)."""
    return _convert(1.0, unit, to)


def _convert(value: float, unit: str, to: str) -> float:
    quantity = registry().Quantity(value, _units(unit) if unit else "dimensionless")
    try:
        return float(quantity.to(_units(to) if to else "dimensionless").magnitude)
    except pint.errors.DimensionalityError as ex:
        raise IncompatibleUnits(f"{symbol(unit) or 'a pure number'} is not {symbol(to)}") from ex


def in_base_units(value: float, unit: str) -> tuple[float, str]:
    """`value` `unit` in SI base units, so that equal quantities compare equal."""
    base = _base_units(unit)
    return convert(value, unit, base), base


@lru_cache(maxsize=4096)
def _base_units(unit: str) -> str:
    return str(registry().Quantity(1.0, _units(unit)).to_base_units().units)
