"""Reading the JSON a grader writes, with repairs for the faults models commonly make: a code
fence or prose around the JSON, trailing commas, typographic quotes, Python literals, raw line
breaks inside strings, and a reply cut off before its closing brackets. No maintained library
among our dependencies does this, so it is written here, small and conservative."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from trustbench.judges.asking import Unreadable

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
_SMART = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_PY_WORDS = {"True": "true", "False": "false", "None": "null"}
_CLOSERS = {"{": "}", "[": "]"}


class JsonUnreadable(Unreadable):
    """The reply holds no JSON we can recover; the message says what was wrong."""


def parse_json(text: str) -> Any:
    """The JSON value in `text`, repaired if needed; raises `JsonUnreadable`."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    first_error = ""
    for candidate in candidates:
        body = _outermost(candidate.strip())
        if body is None:
            continue
        for attempt in (body, _repair(body), _repair(body.translate(_SMART))):
            try:
                return json.loads(attempt)
            except json.JSONDecodeError as ex:
                first_error = first_error or f"invalid JSON ({ex.msg} at char {ex.pos})"
        try:  # a Python literal: single quotes, True/None
            return ast.literal_eval(body)
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            pass
    raise JsonUnreadable(first_error or "the reply contains no JSON object or array")


def _outermost(text: str) -> str | None:
    """From the first `{` or `[` to its matching close (or the end, when cut off)."""
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return None
    start = min(starts)
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            escaped = char == "\\" and not escaped
            if char == '"' and not escaped:
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return text[start:]


def _repair(text: str) -> str:
    """One string-aware pass: drop trailing commas, map Python words, escape raw control
    characters in strings, and close whatever a truncated reply left open."""
    out: list[str] = []
    stack: list[str] = []
    in_string, escaped = False, False
    i = 0
    while i < len(text):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            elif char in "\n\r\t":
                char = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char]
            out.append(char)
            i += 1
            continue
        if char == '"':
            in_string = True
        elif char in _CLOSERS:
            stack.append(_CLOSERS[char])
        elif char in "}]":
            _drop_trailing_comma(out)
            if stack:
                stack.pop()
        elif char.isalpha():
            word = re.match(r"[A-Za-z]+", text[i:]).group(0)  # type: ignore[union-attr]
            out.append(_PY_WORDS.get(word, word))
            i += len(word)
            continue
        out.append(char)
        i += 1
    if in_string:
        out.append('"')
    _drop_trailing_comma(out)
    out.extend(reversed(stack))
    return "".join(out)


def _drop_trailing_comma(out: list[str]) -> None:
    j = len(out) - 1
    while j >= 0 and out[j].isspace():
        j -= 1
    if j >= 0 and out[j] == ",":
        del out[j]
