"""What looks like a citation, whether or not it can be read: a broad detector that runs after
extraction, so every citation-like span that no extracted citation covers is counted and shown
as unparsed instead of vanishing. It errs on the side of flagging: a flagged span costs a line
in the unparsed list, a missed one would be a silent drop."""

from __future__ import annotations

import regex as re

from trustbench.judges.groundedness.sentences import sentence_end, sentence_start

_YEAR = r"(?:1[89]|20)\d{2}"
_CAP = r"\p{Lu}\p{L}{2,}"
_GUIDE = r"(?:guidelines?|guidance|recommendations?|position statement|consensus statement|practice bulletin|clinical policy|practice guideline)"
_ORG = (
    r"(?:Organi[sz]ation|Association|Institute|Society|College|Council|Agency|Department|"
    r"Committee|Board|Foundation|Federation|Network|Academy|Commission|Authority|Ministry|"
    r"Alliance|Panel|Consortium|Task Force)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("bracket", re.compile(r"\[\^?\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\](?!\()")),
    (
        "bracket",
        re.compile(rf"\[[^\[\]\n]{{0,120}}\b{_YEAR}[a-z]?\]|\[\p{{Lu}}\p{{L}}+{_YEAR}[a-z]?\]"),
    ),
    (
        "act",
        re.compile(
            rf"\b\p{{Lu}}\p{{L}}+\)?\s+Act\b(?:\s+(?:of\s+)?(?:\p{{Lu}}\p{{L}}*\s+){{0,2}}{_YEAR}\b"
            r"|,?\s+(?:ss?\.|[Ss]ections?|§)\s*\d)"
        ),
    ),
    (
        "eu_law",
        re.compile(
            r"\b(?:Regulation|Directive|Decision)\s+(?:\((?:EU|EC|EEC)\)\s+)?(?:No\.?\s+)?"
            r"\d{2,4}/\d{1,4}|\bCase\s+[CT]-\d{1,4}/\d{2}\b|\bECLI:[A-Z]{2}:"
        ),
    ),
    ("colleagues", re.compile(rf"\b(?:colleagues|co-?workers)\s+\({_YEAR}")),
    ("versus", re.compile(r"\p{Lu}[\p{L}.'’&-]*\s+v\.?\s+\p{Lu}")),
    ("section", re.compile(r"§")),
    (
        "provision",
        re.compile(
            r"\b(?:[Ss]ections?|ss?\.|[Aa]rticles?|[Aa]rt\.|[Rr]ule|[Rr]egulation|[Pp]aragraph)\s*"
            r"\d+[\w()]*\s+of\s+(?:the\s+)?\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)*"
        ),
    ),
    ("id", re.compile(r"(?<![\p{L}.])Id\.(?:\s+at\s+[*¶]?\s*\d+)?")),
    ("supra", re.compile(r"\bsupra\b")),
    ("ibid", re.compile(r"\b(?:[Ii]bid|[Ii]b)\.|\b(?:op|loc)\.\s*cit\b")),
    (
        "reporter",
        re.compile(r"\b\d{1,4}\s+(?:\p{Lu}[\p{L}]*\.\s?){1,5}(?:\d[a-z]{1,2}\.?\s+)?\d{1,6}\b"),
    ),
    (
        "public_domain",
        re.compile(
            rf"\b{_YEAR}\s+\p{{Lu}}{{2,}}(?:\s+\p{{Lu}}\p{{L}}*)*(?:\s+\(\w+\))?\s+\d{{2,6}}\b"
        ),
    ),
    ("neutral", re.compile(rf"\[{_YEAR}\]\s+(?:\d+\s+)?\p{{Lu}}")),
    ("et_al", re.compile(r"\bet\s+al\b")),
    ("narrative", re.compile(rf"\b{_CAP}(?:\s+(?:and|&)\s+{_CAP})?\s+\({_YEAR}[a-z]?\)")),
    ("titled", re.compile(rf"[\"“][^\"”\n]{{8,300}}[\"”],?\s*\({_YEAR}\)")),
    (
        "code",
        re.compile(
            r"\b\p{Lu}{2,}(?:/\p{Lu}{2,})?\s+(?:[\p{L} ]{0,30}?\s)?(?:No\.\s*\d{1,5}|"
            r"\p{Lu}{1,6}[-–]?\d{1,5}(?:-\d{1,5})*)\b"
        ),
    ),
    (
        "guideline",
        re.compile(rf"\b(?:\p{{Lu}}{{2,}}|{_ORG})\s+(?:\p{{L}}+\s+){{0,3}}?(?i:{_GUIDE})\b"),
    ),
    (
        "identifier",
        re.compile(
            r"(?:https?://|\b10\.\d{4,9}/)[^\s\"<>]*[^\s\"<>.,;:)\]]|\barxiv:\s*\d{4}\.\d{4,5}",
            re.I,
        ),
    ),
]
_INSTRUMENT = (
    r"\b(?:Regulation|Directive|Decision|Act|Case|Code|Statute|Ordinance|Treaty|Convention|"
    r"Rules?|Order)\b"
)
"""The kinds of legal instrument a parenthesis with a number cites."""
_WINDOW = 160


def citation_like_spans(text: str, *, has_list: bool) -> list[tuple[int, int, str]]:
    """Every span of `text` that looks like a citation: (start, end, what to show). Parentheses
    and markers are shown as written; the rest with the clause around them."""
    spans: list[tuple[int, int, str]] = []
    for start, end in parentheses(text):
        inner = text[start + 1 : end - 1]
        numeric = re.fullmatch(r"\s*\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\s*", inner)
        if (numeric and has_list) or (not numeric and _cited_parenthesis(inner)):
            spans.append((start, end, text[start:end]))
    for kind, pattern in _PATTERNS:
        flags_case = kind == "guideline"
        for match in pattern.finditer(text):
            if flags_case and not re.search(rf"\b(?:\p{{Lu}}{{2,}}|{_ORG})\b", match.group(0)):
                continue
            if kind == "bracket":
                spans.append((match.start(), match.end(), match.group(0)))
            else:
                spans.append((match.start(), match.end(), _around(text, *match.span())))
    return sorted(spans)


def _cited_parenthesis(inner: str) -> bool:
    """A parenthesis that names someone or something and a year, or carries a citation's
    marks (et al., an identifier, a section sign, a code after an acronym)."""
    if re.search(r"\bet\s+al\b|§|\bdoi\b|https?://|\b10\.\d{4,9}/|\bv\.\s", inner, re.I):
        return True
    if re.search(rf"\b{_YEAR}\b", inner) and re.search(_CAP, inner):
        return True
    if re.search(r"\d", inner) and re.search(_INSTRUMENT, inner):
        return True
    return bool(
        re.search(r"\b\p{Lu}{2,}\s+(?:\p{L}+\s+){0,3}?(?:No\.\s*)?\p{Lu}{0,6}[-–]?\d{2,5}\b", inner)
    )


def parentheses(text: str) -> list[tuple[int, int]]:
    """The outermost balanced parentheses of `text` on one line: (start, end) with the marks."""
    spans, stack = [], []
    for i, char in enumerate(text):
        if char == "(":
            stack.append(i)
        elif char == ")" and stack:
            start = stack.pop()
            if not stack and "\n" not in text[start:i]:
                spans.append((start, i + 1))
        elif char == "\n":
            stack.clear()
    return spans


def _around(text: str, start: int, end: int) -> str:
    """The clause around a hit: its sentence, cut to a window either side."""
    a = max(sentence_start(text, start), start - _WINDOW)
    b = min(sentence_end(text, end), end + _WINDOW)
    return " ".join(text[a:b].split())
