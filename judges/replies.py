"""Reading the JSON answer in a model's reply, strictly: the answer is the *final* JSON object
or array in the text (or a forced tool call's arguments), never the first bracket anywhere.

Graders and small models put prose, code fences, set notation (`{x | x > 0}`) or an echo of the
instruction around their answer. The reader scans every balanced `{…}`/`[…]` span, keeps the
ones that are JSON (after conservative repairs: trailing commas, typographic quotes, Python
literals, raw line breaks in strings), and takes the last one of the expected kind. A reply cut
off before its closing brackets is closed only when the open span runs to the end of the text.

A reply whose answer is copied from the prompt (the JSON and the text before it appear in the
prompt verbatim, as when a model repeats "reply [] when nothing qualifies") is unreadable, not
an empty answer. Every failure is `Unreadable` with a reason the caller records and counts.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

from inspect_ai.model import ModelOutput

from trustbench.judges.asking import Unreadable

_SMART = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_PY_WORDS = {"True": "true", "False": "false", "None": "null"}
_CLOSERS = {"{": "}", "[": "]"}
_ECHO_CONTEXT = 40
"""Characters before an answer that must also match the prompt for the answer to be an echo."""


class JsonUnreadable(Unreadable):
    """The reply holds no usable JSON answer; the message says what was wrong."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    value: Any
    closed: bool = True
    """False for a span cut off at the end of the text and closed by repair."""


def final_json(
    text: str,
    kind: type[dict] | type[list] | None = None,
    *,
    prompt: str | None = None,
) -> Any:
    """The last JSON value in `text` (of `kind`, when given); raises `JsonUnreadable`.

    With `prompt`, an answer that reproduces the prompt's own example is refused.
    """
    spans = [s for s in json_spans(text) if kind is None or isinstance(s.value, kind)]
    if not spans:
        wanted = (
            "JSON object"
            if kind is dict
            else "JSON array"
            if kind is list
            else "JSON object or array"
        )
        raise JsonUnreadable(f"the reply contains no {wanted}")
    answer = spans[-1]
    if prompt and _copied_from(prompt, text, answer):
        raise JsonUnreadable("the reply repeats the instruction's example instead of answering it")
    return answer.value


def tool_arguments(
    output: ModelOutput, function: str, *, prompt: str | None = None
) -> dict[str, Any]:
    """The arguments of a forced call to `function`, or, for a provider that answered in text
    despite the forced call, the final JSON object of the reply."""
    calls = output.message.tool_calls or []
    for call in reversed(calls):
        if call.function == function:
            if call.parse_error:
                raise JsonUnreadable(f"the {function} call's arguments: {call.parse_error}")
            return dict(call.arguments)
    try:
        return final_json(output.completion, dict, prompt=prompt)
    except JsonUnreadable as ex:
        raise JsonUnreadable(f"no {function} call, and {ex}") from ex


def json_spans(text: str) -> list[Span]:
    """Every balanced `{…}` or `[…]` span of `text` that reads as JSON, outermost only, in
    order; code-fenced blocks are searched like the rest of the text."""
    found: list[Span] = []
    position = 0
    while position < len(text):
        start = _next_opening(text, position)
        if start is None:
            break
        end, closed = _matching_close(text, start)
        body = text[start:end]
        value = _read(body, truncated=not closed)
        if value is _NOTHING:
            position = start + 1  # not JSON: an inner span may still be
            continue
        found.append(Span(start, end, value, closed))
        position = end
    return found


_NOTHING = object()


def _next_opening(text: str, position: int) -> int | None:
    starts = [i for i in (text.find("{", position), text.find("[", position)) if i >= 0]
    return min(starts) if starts else None


def _matching_close(text: str, start: int) -> tuple[int, bool]:
    """The end of the span opened at `start`, and whether it was closed before the text ended."""
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return i + 1, True
    return len(text), False


def _read(body: str, *, truncated: bool) -> Any:
    attempts = [body] if not truncated else []
    attempts += [_repair(body, close=truncated), _repair(body.translate(_SMART), close=truncated)]
    for attempt in attempts:
        try:
            value = json.loads(attempt)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(value, dict | list):
            return value
    if not truncated:
        try:  # a Python literal: single quotes, True/None
            value = ast.literal_eval(body)
        except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError):
            return _NOTHING
        if isinstance(value, dict | list) and _is_json(value):
            return value
    return _NOTHING


def _is_json(value: Any) -> bool:
    """A Python literal that JSON could have written: string keys, JSON scalars."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def _repair(text: str, *, close: bool) -> str:
    """One string-aware pass: drop trailing commas, map Python words, escape raw control
    characters in strings, and (`close`) close what a truncated reply left open."""
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
            word = _WORD.match(text, i)
            assert word is not None
            out.append(_PY_WORDS.get(word.group(0), word.group(0)))
            i = word.end()
            continue
        out.append(char)
        i += 1
    if close:
        if in_string:
            out.append('"')
        _drop_trailing_comma(out)
        out.extend(reversed(stack))
    return "".join(out)


_WORD = re.compile(r"[^\W\d_]+")
"""A run of letters, in any script (`str.isalpha` is true for all of them)."""


def _drop_trailing_comma(out: list[str]) -> None:
    j = len(out) - 1
    while j >= 0 and out[j].isspace():
        j -= 1
    if j >= 0 and out[j] == ",":
        del out[j]


def _copied_from(prompt: str, reply: str, answer: Span) -> bool:
    """The answer and the text just before it appear together in the prompt."""
    before = reply[max(0, answer.start - _ECHO_CONTEXT) : answer.start]
    quoted = before + reply[answer.start : answer.end]
    return _squash(quoted) in _squash(prompt) if before.strip() else False


def _squash(text: str) -> str:
    return " ".join(text.split())
