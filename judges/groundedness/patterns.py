"""The shared vocabulary of citation finding: names, author lists, years, issuing bodies and their
document codes, titles, identifiers, signals and locators, as regular-expression fragments."""

from __future__ import annotations

import regex as re

WORD = r"\p{Lu}[\p{L}\p{M}'’\-]*\p{L}"
"""A capitalised word in any script: "Öberg", "O'Neil", "Mensah-Bonsu"."""
PARTICLE = r"(?:van|von|de|der|den|del|da|di|la|le|du|dos|das|ten|ter|bin|al|el|St\.)"
ORG_WORDS = (
    "Organization", "Organisation", "Association", "Institute", "Society", "College", "Council",
    "Agency", "Department", "Committee", "Group", "Centre", "Center", "Board", "Foundation",
    "Federation", "Network", "Academy", "Collaboration", "Service", "Commission", "Authority",
    "Office", "Ministry", "Alliance", "Panel", "Consortium", "Taskforce", "Force", "Coalition",
    "Bureau", "Administration", "Secretariat", "Directorate", "Centers", "Centres", "Institutes",
    "Services", "Programme", "Program",
)  # fmt: skip
NAME = (
    rf"(?:(?:\p{{Lu}}\.){{2,3}}\s+(?=(?:(?:{WORD}|of|for|and|on|the|in|&)\s+){{0,6}}(?:{'|'.join(ORG_WORDS)})\b))?"
    rf"(?:{PARTICLE}\s+)*{WORD}(?:/{WORD})?"
    rf"(?:\s+(?:(?:of|for|on|and|the|in)\s+)?{WORD}){{0,6}}"
)
"""A surname ("van der Berg", "Öberg") or a body's name ("World Health Organization", with its
country's initials: "U.S. Food and Drug Administration")."""
AUTHORS = rf"{NAME}(?:,\s+{NAME})*(?:,?\s+et\s+al\.?|,?\s+(?:and|&)\s+{NAME}(?:,?\s+et\s+al\.?)?)?"
YEAR = r"(?:1[89]|20)\d{2}"
BODY = r"\p{Lu}[\p{Lu}&]{1,9}(?:/\p{Lu}[\p{Lu}&]{1,9})?"
"""An issuing body's acronym: NICE, WHO, ESC/ESH, ACAEM."""
CODE = (
    r"(?:\p{Lu}{1,6}(?:/\p{Lu}{1,8})*(?:[-‐–]|(?<=\p{Lu})/)?\d{1,6}(?:[-./]\d{1,6})*[a-z]?"
    r"|\d{2,5}(?:[-./]\d{1,5})*)"
)
"""A guideline's number: NG136, GL-17, CP-2020-04, 388, and document codes whose first parts
name committees: EMA/CHMP/778312/2018, WHO/RH/19.3."""
GUIDE = (
    r"(?:(?:[Pp]ractice|[Cc]linical|[Tt]echnical|[Cc]onsensus|[Pp]osition|[Ee]vidence)\s+)?"
    r"(?:[Gg]uidelines?|[Gg]uidance|[Pp]olicy|[Ss]tatement|[Rr]ecommendations?|[Bb]ulletin|"
    r"[Ss]tandards?|[Pp]rotocol|[Aa]dvisory|[Oo]pinion|[Nn]ote|[Rr]eport)"
)
TITLE = r"[\"“](?P<title>[^\"”]{4,300})[\"”]"
IDENT = (
    r"(?:https?://[^\s<>\"']+|(?:doi:\s*)?\b10\.\d{4,9}/[^\s\"<>,;]+|arxiv:\s*\d{4}\.\d{4,5}"
    r"(?:v\d+)?|PMID:?\s*\d{5,9})"
)
ORG_NAME = rf"(?:{WORD}|of|for|and|on|the|in|&)(?:\s+(?:{WORD}|of|for|and|on|the|in|&)){{1,9}}"
SIGNAL = re.compile(
    r"^(?:(?:see|see also|see e\.g\.,?|cf\.|e\.g\.,?|i\.e\.,?|for example,?|as reviewed in|"
    r"reviewed in|adapted from|cited in|data from|from|according to|per|also|and|but see)\s+)+",
    re.I,
)
PAGES = re.compile(r",?\s*(?:p|pp|para|paras|ch|fig)\.\s*[\d\-–, ]+\b|,?\s*at\s+\d+(?:[-–]\d+)?$")
NOT_AUTHORS = {"The", "This", "In", "See", "Table", "Figure", "Fig", "Section", "Chapter"}
