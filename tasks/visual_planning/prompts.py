"""Prompt text for the visual planning task, in our own words.

The rules match the upstream FrozenLake planning prompt (moves, edge, holes, goal, fewest moves,
answer in \\boxed{}); the map representation and the reasoning-format instruction are slotted in.
"""

from __future__ import annotations

from trustbench.environments.gridworld import LEGENDS, TraceFormat

RULES = """\
You are given a square grid map of a frozen lake. A player stands on one cell, a goal is on \
another, and some cells are holes in the ice. Plan a sequence of moves that takes the player from \
where it stands to the goal without ever stepping into a hole, using as few moves as you can.

Rules:
- The moves are U (up), D (down), L (left) and R (right); each one moves the player to the \
neighbouring cell in that direction.
- A move that would take the player off the edge of the map leaves it where it is.
- Stepping into a hole loses the game immediately.
- The game is won when the player is on the goal after the last move."""

IMAGE_LEGEND = (
    "The map is shown as an image: the figure is the player, the gift box is the goal, the dark "
    "circles are holes and every other tile is safe ice."
)

COT_INSTRUCTIONS: dict[TraceFormat, str] = {
    TraceFormat.NONE: "Reply with the final answer only.",
    TraceFormat.DESCRIPTION: (
        "Reason one move at a time before answering: say which directions bring the player "
        "closer to the goal, whether a hole blocks them, and which move you make."
    ),
    TraceFormat.TABLE: (
        "Reason one move at a time before answering: after each move, redraw the map as a table "
        "with the player's new position."
    ),
    TraceFormat.GRID: (
        "Reason one move at a time before answering: after each move, redraw the map as a "
        "character grid with the player's new position."
    ),
    TraceFormat.TABLE_DESCRIPTION: (
        "Reason one move at a time before answering: for each move, say which directions bring "
        "the player closer to the goal and whether a hole blocks them, name the move, then "
        "redraw the map as a table."
    ),
    TraceFormat.GRID_DESCRIPTION: (
        "Reason one move at a time before answering: for each move, say which directions bring "
        "the player closer to the goal and whether a hole blocks them, name the move, then "
        "redraw the map as a character grid."
    ),
}

ANSWER_FORMAT = (
    "Write the final move sequence inside \\boxed{}, separated by commas, for example "
    "\\boxed{R, R, D}."
)


def legend(representation: str) -> str:
    return IMAGE_LEGEND if representation == "image" else LEGENDS[representation]


def instructions(representation: str, cot: TraceFormat) -> str:
    """Everything but the map: rules, how the map is shown, how to reason and answer."""
    return "\n\n".join([RULES, legend(representation), COT_INSTRUCTIONS[cot], ANSWER_FORMAT])
