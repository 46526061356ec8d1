"""Parsing a model's move plan from free text.

`parse_moves` is our tolerant parser: it reads the last `\\boxed{...}` (or a final answer
line), accepts letters or words with many separators, and reports *why* an answer is
unusable instead of silently guessing. `parse_moves_upstream` reproduces the upstream
scorer so results can be compared with the paper's.

Both run in linear time: the only regexes are simple alternations without nested
quantifiers, so adversarial input cannot trigger catastrophic backtracking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .simulator import Move

_TOKENS: dict[str, Move] = {
    "U": Move.U,
    "UP": Move.U,
    "D": Move.D,
    "DOWN": Move.D,
    "L": Move.L,
    "LEFT": Move.L,
    "R": Move.R,
    "RIGHT": Move.R,
}
_LETTERS = frozenset("UDLR")
_STRIP = "'\"`‘’“”[](){}<>.*"
_SEPARATOR = re.compile(r"->|→|[,;\s]")
_LATEX_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")
_BOXED_OPEN = re.compile(r"\\boxed\s*\{")
_BRACE = re.compile(r"[{}]")
_ANSWER_LINE = re.compile(
    r"[\s>#*_-]*(?:the\s+)?(?:final\s+answer|answer|final\s+action\s+plan|action\s+plan)"
    r"(?:\s+is)?[\s*_]*[:：](.*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedAnswer:
    """`error` is None when `moves` is the model's plan; otherwise `moves` is empty."""

    moves: list[Move] = field(default_factory=list)
    error: str | None = None
    source: Literal["boxed", "final_line", "none"] = "none"


def _last_boxed(text: str) -> str | None:
    """Content of the last *closed* `\\boxed{...}`, nested braces included, or None."""
    opens = {match.end() - 1 for match in _BOXED_OPEN.finditer(text)}
    if not opens:
        return None
    stack: list[int] = []
    best: tuple[int, int] | None = None
    for match in _BRACE.finditer(text):
        if match.group() == "{":
            stack.append(match.start())
        elif stack:
            start = stack.pop()
            if start in opens and (best is None or start > best[0]):
                best = (start, match.start())
    return None if best is None else text[best[0] + 1 : best[1]]


def _tokenize(answer: str, max_moves: int) -> tuple[list[Move], str | None]:
    """Moves in `answer`, or ([], reason) for the first problem found."""
    moves: list[Move] = []
    for raw in _SEPARATOR.split(answer):
        token = raw.strip(_STRIP).upper()
        if not token:
            continue
        if token in _TOKENS:
            moves.append(_TOKENS[token])
        elif _LETTERS.issuperset(token):
            moves.extend(Move(letter) for letter in token)
        else:
            return [], (
                f"illegal token {raw.strip()[:40]!r} in the answer; "
                "use U/D/L/R or UP/DOWN/LEFT/RIGHT separated by commas"
            )
        if len(moves) > max_moves:
            return [], f"too many moves: more than max_moves={max_moves}"
    if not moves:
        return [], "empty answer: no moves given"
    return moves, None


def _final_line(text: str) -> str | None:
    """Content of the last 'Answer: ...'-style line, or the last line if it is only moves."""
    first = True
    for line in reversed(text.splitlines()):
        if not line.strip():
            continue
        labelled = _ANSWER_LINE.match(line)
        if labelled:
            return labelled.group(1)
        if first and _tokenize(line, max_moves=len(line))[1] is None:
            return line
        first = False
    return None


def parse_moves(text: str, *, max_moves: int = 200) -> ParsedAnswer:
    """The plan in `text`: the last boxed answer, else a final answer line. Never raises."""
    boxed = _last_boxed(text)
    if boxed is not None:
        # LaTeX commands (`\text`, `\rightarrow`, `\,`) separate moves inside a box.
        moves, error = _tokenize(_LATEX_COMMAND.sub(" ", boxed), max_moves)
        return ParsedAnswer(moves, error, "boxed")
    line = _final_line(text)
    if line is not None:
        moves, error = _tokenize(line, max_moves)
        return ParsedAnswer(moves, error, "final_line")
    return ParsedAnswer(
        [], "no answer found: expected \\boxed{...} or a final line like 'Answer: U, R'", "none"
    )


def parse_moves_upstream(text: str) -> list[Move]:
    """The upstream scorer's reading: last `\\boxed{`, uppercased, keep only U/D/L/R letters.

    Each of the words UP, DOWN, LEFT and RIGHT holds exactly one of those letters, so word
    answers parse correctly; but every other U/D/L/R letter becomes a move too: `UPWARD`
    gives U, R, D, `\\rightarrow` gives R, R, R and "I would go left" gives U, L, D, L.
    An unclosed last `\\boxed{` gives no moves even if an earlier box is closed.
    """
    start = text.rfind("\\boxed{")
    if start == -1:
        return []
    depth = 0
    content_start = start + len("\\boxed{")
    for index in range(content_start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                content = text[content_start:index].upper()
                return [Move(char) for char in content if char in _LETTERS]
            depth -= 1
    return []
