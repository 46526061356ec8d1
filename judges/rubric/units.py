"""Units for numeric answers, on pint: which words are units, and converting between them.

A word after a number is a unit only if pint knows it (after a few spellings pint lacks, such as
`Torr`) and it is not an ordinary word that pint happens to define (`in` for inch, `a` for
year, `at` for technical atmosphere): a prose word ends the unit instead of joining it.
"""

from __future__ import annotations

from functools import cache, lru_cache

import pint

ALIASES = {
    "Torr": "torr",
    "Debye": "debye",
    "°C": "degC",
    "°F": "degF",
    "°K": "kelvin",
    "°": "degree",
    "Cal": "kilocalorie",
    "hrs": "hour",
    "mins": "minute",
    "amu": "unified_atomic_mass_unit",
    "Ω": "ohm",
    "‰": "permille",
    "%": "percent",
    "L": "liter",
    "Nm": "newton * meter",
    "kWh": "kilowatt_hour",
}
"""Spellings pint lacks or reads otherwise (pint reads `Nm` as a number of metres)."""

PROSE = frozenset(
    """a an as at are be by do if in is it no of on or so to up us we the and not for per was
    e c k x b R pi et ou de du la le les un une en est par pour sur avec soit donc
    turn turns count point points dozen gross octave decade cycle cycles light line lines
    hand link links grain stone span rod pole thou mil bag quad""".split()
)
"""Words that pint defines but that, after a number in an answer, are prose or a variable."""

OFFSET = {"degree_Celsius": "delta_degC", "degree_Fahrenheit": "delta_degF"}
"""Inside a compound unit (J/(g·°C)) a temperature step, not a temperature."""

FRACTIONS = frozenset({"percent", "permille", "ppm", "ppb"})
"""Dimensionless units that scale a number (12.5 % = 0.125), unlike angles."""


@cache
def registry() -> pint.UnitRegistry:
    """One registry, built on first use (about 0.3 s)."""
    return pint.UnitRegistry(cache_folder=None)


@lru_cache(maxsize=4096)
def unit_name(word: str) -> str | None:
    """pint's name for `word` if it is a unit here ("kJ" → "kilojoule"), else None."""
    if word in PROSE or not word:
        return None
    if word in ALIASES:
        return str(_units(ALIASES[word]))
    try:
        name = str(registry().parse_units(word))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError):
        return None
    return None if " " in name else name  # one unit, not a product pint read into the word


def compose(factors: list[tuple[str, int]]) -> str:
    """pint's canonical string for a product of (unit name, exponent) factors."""
    if len(factors) > 1:
        factors = [(OFFSET.get(name, name), power) for name, power in factors]
    expression = " * ".join(f"({name}) ** {power}" for name, power in factors)
    return str(_units(expression))


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
    return unit in ("degree_Celsius", "degree_Fahrenheit", "kelvin", "degree_Rankine")


class IncompatibleUnits(ValueError):
    """The two units measure different things (metres and seconds)."""


def convert(value: float, unit: str, to: str) -> float:
    """`value` in `unit`, expressed in `to`; raises `IncompatibleUnits`."""
    if unit == to:
        return value
    quantity = registry().Quantity(value, _units(unit) if unit else "dimensionless")
    try:
        return float(quantity.to(_units(to) if to else "dimensionless").magnitude)
    except pint.errors.DimensionalityError as ex:
        raise IncompatibleUnits(f"{symbol(unit) or 'a pure number'} is not {symbol(to)}") from ex


def in_base_units(value: float, unit: str) -> tuple[float, str]:
    """`value` `unit` in SI base units, so that equal quantities compare equal."""
    quantity = registry().Quantity(value, _units(unit)).to_base_units()
    return float(quantity.magnitude), str(quantity.units)
