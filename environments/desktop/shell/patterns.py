"""Regular expressions written by the agent (grep, sed, awk, `[[ =~ ]]`), matched under the
time budget of the terminal input that runs them.

Python's backtracking engine takes exponential time on patterns such as `(a*)*b`, which GNU
grep's automaton matches at once; one such match would stall trustbench's own process. The
`regex` engine takes a timeout per call: each call gets what is left of the input's deadline,
and running out raises `TimeoutError`, which the shell reports as a resource limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextvars import ContextVar

import regex

IGNORECASE = regex.IGNORECASE
DEFAULT_SECONDS = 20.0
"""The bound when no terminal input has set a deadline (a command run outside a shell line)."""
DEADLINE: ContextVar[float | None] = ContextVar("shell_pattern_deadline", default=None)
"""When the terminal input being run must end (`time.monotonic()`), set by its budget."""

error = regex.error


def _timeout() -> float:
    deadline = DEADLINE.get()
    if deadline is None:
        return DEFAULT_SECONDS
    return max(0.001, deadline - time.monotonic())


class Pattern:
    """A compiled pattern whose every match is bounded by the input's deadline."""

    def __init__(self, expr: str, flags: int = 0) -> None:
        self.compiled = regex.compile(expr, flags | regex.VERSION0)

    def search(self, text: str) -> regex.Match[str] | None:
        return self.compiled.search(text, timeout=_timeout())

    def fullmatch(self, text: str) -> regex.Match[str] | None:
        return self.compiled.fullmatch(text, timeout=_timeout())

    def finditer(self, text: str) -> Iterator[regex.Match[str]]:
        return self.compiled.finditer(text, timeout=_timeout())

    def subn(self, repl: str, text: str, count: int = 0) -> tuple[str, int]:
        return self.compiled.subn(repl, text, count=count, timeout=_timeout())


def search(expr: str, text: str, flags: int = 0) -> regex.Match[str] | None:
    return Pattern(expr, flags).search(text)
