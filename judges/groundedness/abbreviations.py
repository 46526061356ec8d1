"""Abbreviated words against full ones. Legal citations abbreviate party names, courts and codes
by The Bluebook's tables (T6: words in case names, T10: geographic terms, with the words of
statutory code names); journal names are abbreviated by ISO 4 (NLM style drops the periods:
"Int J Tuberc"). The tables below are those standard forms, as facts; a word missing from them
still matches when it is a contraction of the full word ("Envtl." of "Environmental")."""

from __future__ import annotations

import re
import unicodedata

T6 = {
    "acad": "academy", "admin": "administration", "adver": "advertising", "agric": "agriculture",
    "am": "american", "ass'n": "association", "assocs": "associates", "atl": "atlantic",
    "auth": "authority", "auto": "automobile", "ave": "avenue", "bankr": "bankruptcy",
    "bd": "board", "bldg": "building", "bros": "brothers", "bus": "business", "cas": "casualty",
    "cent": "central", "chem": "chemical", "cmty": "community", "cnty": "county",
    "co": "company", "coal": "coalition", "coll": "college", "comm": "committee",
    "comm'n": "commission", "commc'n": "communication", "comp": "compensation",
    "condo": "condominium", "cong": "congress", "consol": "consolidated",
    "constr": "construction", "coop": "cooperative", "corp": "corporation",
    "corr": "correction", "ctr": "center", "def": "defense", "dep't": "department",
    "dev": "development", "dir": "director", "disc": "discount", "dist": "district",
    "distrib": "distributor", "div": "division", "e": "east", "econ": "economic",
    "educ": "education", "elec": "electric", "emp": "employment", "eng'g": "engineering",
    "ent": "entertainment", "env't": "environment", "envtl": "environmental",
    "equal": "equality", "equip": "equipment", "exch": "exchange", "exec": "executive",
    "fam": "family", "fed": "federal", "fid": "fidelity", "fin": "financial",
    "found": "foundation", "gen": "general", "gov't": "government", "grp": "group",
    "guar": "guaranty", "hosp": "hospital", "hous": "housing", "imp": "import",
    "inc": "incorporated", "indem": "indemnity", "indep": "independent", "indus": "industry",
    "info": "information", "ins": "insurance", "inst": "institute", "int'l": "international",
    "inv": "investment", "lab": "laboratory", "liab": "liability", "ltd": "limited",
    "mach": "machine", "maint": "maintenance", "mfg": "manufacturing", "mgmt": "management",
    "mkt": "market", "mktg": "marketing", "mortg": "mortgage", "mun": "municipal",
    "mut": "mutual", "n": "north", "nat'l": "national", "ne": "northeast", "nw": "northwest",
    "org": "organization", "pac": "pacific", "p'ship": "partnership", "pers": "personnel",
    "pharm": "pharmaceutical", "prob": "probation", "prod": "product", "prods": "products",
    "prof'l": "professional", "prop": "property", "prot": "protection", "pub": "public",
    "publ'g": "publishing", "r.r": "railroad", "ry": "railway", "reg'l": "regional",
    "rehab": "rehabilitation", "res": "resource", "rest": "restaurant", "s": "south",
    "sav": "savings", "sch": "school", "sci": "science", "se": "southeast", "sec": "security",
    "serv": "service", "servs": "services", "soc": "social", "soc'y": "society",
    "sol": "solution", "sols": "solutions", "sq": "square", "sur": "surety", "sw": "southwest",
    "sys": "system", "tech": "technology", "tel": "telephone", "telecomm": "telecommunication",
    "transp": "transportation", "twp": "township", "univ": "university", "util": "utility",
    "w": "west",
}  # fmt: skip
"""The Bluebook's T6: abbreviations of words in case names and institutional authors."""

T10 = {
    "ala": "alabama", "ariz": "arizona", "ark": "arkansas", "cal": "california",
    "colo": "colorado", "conn": "connecticut", "del": "delaware", "d.c": "district of columbia",
    "fla": "florida", "ga": "georgia", "haw": "hawaii", "ill": "illinois", "ind": "indiana",
    "kan": "kansas", "ky": "kentucky", "la": "louisiana", "me": "maine", "md": "maryland",
    "mass": "massachusetts", "mich": "michigan", "minn": "minnesota", "miss": "mississippi",
    "mo": "missouri", "mont": "montana", "neb": "nebraska", "nev": "nevada",
    "n.h": "new hampshire", "n.j": "new jersey", "n.m": "new mexico", "n.y": "new york",
    "n.c": "north carolina", "n.d": "north dakota", "okla": "oklahoma", "or": "oregon",
    "pa": "pennsylvania", "r.i": "rhode island", "s.c": "south carolina",
    "s.d": "south dakota", "tenn": "tennessee", "tex": "texas", "vt": "vermont",
    "va": "virginia", "wash": "washington", "w. va": "west virginia", "wis": "wisconsin",
    "wyo": "wyoming", "u.s": "united states",
}  # fmt: skip
"""The Bluebook's T10 (U.S. states), the way codes and courts name a jurisdiction."""

CODE_WORDS = {
    "rev": "revised", "stat": "statutes", "stats": "statutes", "ann": "annotated",
    "comp": "compiled", "consol": "consolidated", "gen": "general", "civ": "civil",
    "crim": "criminal", "proc": "procedure", "fam": "family", "bus": "business",
    "prof": "professions", "regs": "regulations", "reg": "regulation",
    "admin": "administrative", "ins": "insurance", "lab": "labor", "educ": "education",
    "veh": "vehicle", "evid": "evidence", "corp": "corporations", "fin": "financial",
    "prop": "property", "welf": "welfare", "inst": "institutions", "agric": "agriculture",
    "cons": "consumer", "gov't": "government", "pub": "public", "util": "utilities",
    "const": "constitution", "amend": "amendment", "art": "article", "ch": "chapter",
    "tit": "title", "cir": "circuit", "ct": "court", "app": "appeals", "dist": "district",
    "super": "superior", "sup": "supreme", "div": "division", "l": "law", "cty": "county",
}  # fmt: skip
"""Words of statutory codes and courts ("Colo. Rev. Stat.", "Cal. Ct. App.")."""

_MINOR = {"of", "the", "and", "for", "on", "in", "a", "an", "to", "at", "by", "&"}
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_](?:[\w'’]*\w)?\.?|\d+\w*", re.UNICODE)
"""Words; a hyphen separates them ("Aldana-Ruiz" is "Aldana Ruiz")."""


def _plain(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.replace("’", "'"))
    return "".join(c for c in word if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[tuple[str, bool]]:
    """The words of `text`, lower case and without accents, each with whether it is written as
    an abbreviation (a final period, an inner apostrophe, or dotted initials as in "U.S.")."""
    out = []
    for raw in _TOKEN.findall(text):
        word = _plain(raw)
        marked = word.endswith(".") or ("'" in word and not word.endswith("'s"))
        out.append((word.rstrip("."), marked))
    return out


def full_form(word: str) -> str | None:
    """The full word a standard abbreviation stands for, if the tables know it."""
    return T6.get(word) or T10.get(word) or CODE_WORDS.get(word)


def abbreviates(short: str, full: str) -> bool:
    """Whether `short` (an abbreviation, without its period) stands for `full`: by the tables,
    or as a contraction (its letters in order in `full`, the first letter kept)."""
    short, full = short.replace("'", ""), full.replace("'", "")
    known = full_form(short) or full_form(short.replace(".", ""))
    if known is not None:
        return known.replace("'", "") == full or full.startswith(known[: max(len(short), 4)])
    letters = short.replace(".", "")
    if len(letters) < 2 or len(full) <= len(letters) or letters[0] != full[0]:
        return False
    position = 0
    for letter in letters:
        position = full.find(letter, position) + 1
        if position == 0:
            return False
    return True


def same_or_abbreviated(a: tuple[str, bool], b: tuple[str, bool]) -> bool:
    """Two words as `tokens` gives them: equal, or one an abbreviation of the other."""
    if a[0] == b[0]:
        return True
    if a[1] and not b[1]:
        return abbreviates(a[0], b[0])
    if b[1] and not a[1]:
        return abbreviates(b[0], a[0])
    return False


def expanded(text: str) -> list[str]:
    """The words of `text` with standard abbreviations written out ("Colo. Rev. Stat." ->
    colorado revised statutes; "U.S. Code" -> united states code)."""
    words: list[str] = []
    for word, marked in tokens(text):
        full = full_form(word) if marked or "." in word else None
        words += (full or word.replace(".", "")).split()
    return words


def initials(words: list[str]) -> str:
    """Initials of the significant words: "colorado revised statutes" -> "crs"."""
    return "".join(w[0] for w in words if w not in _MINOR and not w.isdigit())


def initialism(text: str) -> str | None:
    """The letters of an initialism as written ("C.R.S.", "CRS", "U.S.C."), else None."""
    compact = text.strip().rstrip(",;:")
    if re.fullmatch(r"(?:[A-Z]\.\s?){2,}|[A-Z]{2,}", compact):
        return re.sub(r"[^A-Za-z]", "", compact).lower()
    return None


def venue_matches(cited: str, shown: str) -> bool:
    """Whether a cited venue names the journal or conference `shown`: the same words, ISO 4 or
    NLM abbreviations ("Int J Tuberc Programmes" for "International Journal of Tuberculosis
    Programmes"), or its initials ("JORST")."""
    short = [w for w, _ in tokens(cited) if w not in _MINOR]
    full = [w for w, _ in tokens(shown) if w not in _MINOR]
    if not short or not full:
        return False
    if len(short) == 1 and (letters := initialism(cited.strip())) and len(letters) >= 3:
        return letters == initials(full)
    capitals = {_plain(w) for w in _TOKEN.findall(cited) if re.fullmatch(r"[A-Z]{2,6}", w)}
    return _aligned([(w, w in capitals) for w in short], full)


def _aligned(short: list[tuple[str, bool]], full: list[str]) -> bool:
    """Whether each cited word stands for the next full word (the same, a prefix, or an
    abbreviation), or, written in capitals, for as many next words as it has letters ("WER
    Recomm Rep" for "Weekly Epidemiological Record, Recommendations and Reports")."""
    if not short or not full:
        return not short and not full
    (word, capitals), rest = short[0], short[1:]
    head = full[0]
    if (word == head or head.startswith(word) or abbreviates(word, head)) and _aligned(
        rest, full[1:]
    ):
        return True
    n = len(word)
    return capitals and initials(full[:n]) == word and _aligned(rest, full[n:])
