import random
import time

import pytest

from trustbench.environments.gridworld import Move, parse_moves, parse_moves_upstream

U, D, L, R = Move.U, Move.D, Move.L, Move.R


@pytest.mark.parametrize(
    ("text", "moves", "source"),
    [
        ("I think... \\boxed{DOWN, DOWN, LEFT}", [D, D, L], "boxed"),
        ("\\boxed{L,L,R,U,D}", [L, L, R, U, D], "boxed"),
        ("\\boxed{LLRUD}", [L, L, R, U, D], "boxed"),
        ("\\boxed{U -> R → D}", [U, R, D], "boxed"),
        ("\\boxed{\\text{UP}, \\text{LEFT}}", [U, L], "boxed"),
        ("\\boxed{up; down\nleft right}", [U, D, L, R], "boxed"),
        ("\\boxed{R} was wrong, so \\boxed{ 'U', \"L\" }", [U, L], "boxed"),
        ("\\boxed{[U, R].}", [U, R], "boxed"),
        ("Reasoning.\nFinal answer: up, up, left", [U, U, L], "final_line"),
        ("Answer: **U, R**\nHope this helps!", [U, R], "final_line"),
        ("**Final Answer:** D, R", [D, R], "final_line"),
        ("Action plan: L,L,R,U,D", [L, L, R, U, D], "final_line"),
        ("I will go around the hole.\n\nu r r d\n", [U, R, R, D], "final_line"),
        ("**U, R**", [U, R], "final_line"),
    ],
)
def test_parses(text, moves, source):
    parsed = parse_moves(text)
    assert parsed.error is None
    assert parsed.moves == moves
    assert parsed.source == source


def test_illegal_token_is_named():
    parsed = parse_moves("\\boxed{UP, NORTH, LEFT}")
    assert parsed.moves == [] and parsed.source == "boxed"
    assert "'NORTH'" in parsed.error


def test_too_many_moves():
    parsed = parse_moves("\\boxed{" + ", ".join(["U"] * 11) + "}", max_moves=10)
    assert parsed.moves == [] and "max_moves=10" in parsed.error
    assert len(parse_moves("\\boxed{" + "U" * 10 + "}", max_moves=10).moves) == 10


def test_empty_answer():
    parsed = parse_moves("\\boxed{ }")
    assert parsed.moves == [] and parsed.error.startswith("empty answer")
    assert parse_moves("Answer:").error.startswith("empty answer")


def test_no_answer():
    parsed = parse_moves("I cannot solve this map.")
    assert parsed.moves == [] and parsed.source == "none"
    assert parsed.error.startswith("no answer found")
    assert parse_moves("").source == "none"


def test_unclosed_box_falls_back():
    truncated = parse_moves("\\boxed{U, R")
    assert truncated.moves == [] and truncated.source == "none"
    assert parse_moves("\\boxed{U}\n\\boxed{R").moves == [U]


def test_garbage_never_raises_and_is_fast():
    rng = random.Random(0)
    alphabet = "UDLRudlr{}\\boxed ,;->→\n*\"'[]().:Answer"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        parsed = parse_moves(text)
        assert (parsed.error is None) == bool(parsed.moves)
        parse_moves_upstream(text)
    big_inputs = [
        "".join(rng.choice(alphabet) for _ in range(100_000)),
        "\\boxed{" * 15_000,
        "{" * 100_000,
        " " * 100_000 + "x",
        "Answer" + " " * 100_000,
        "U, " * 40_000,
    ]
    start = time.perf_counter()
    for text in big_inputs:
        parse_moves(text)
        parse_moves_upstream(text)
    assert time.perf_counter() - start < 2.0


def test_upstream_parser_keeps_only_udlr_letters():
    assert parse_moves_upstream("\\boxed{LEFT, UP}") == [L, U]
    assert parse_moves_upstream("\\boxed{DOWN, RIGHT}") == [D, R]
    assert parse_moves_upstream("\\boxed{UPWARD}") == [U, R, D]
    assert parse_moves_upstream("Answer: U, R") == []
    assert parse_moves_upstream("\\boxed{U}\n\\boxed{R") == []
    assert parse_moves_upstream("\\boxed{\\text{U}}") == [U]
