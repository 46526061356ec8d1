"""How a map is put to the model: in our own words (`-T prompts=trustbench`), or in upstream's
text with the map where its `<image>` stands (`-T prompts=upstream`).

Our rules match the upstream FrozenLake planning prompt (moves, edge, holes, goal, fewest moves,
answer in \\boxed{}); the map representation and the reasoning-format instruction are slotted
in. No prompt shows an answer the scorer would accept: the answer format names a placeholder
(`\\boxed{<moves>}`) that neither parser reads as moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspect_ai.model import ChatMessageUser, ContentImage, ContentText

from trustbench.environments.gridworld import (
    LEGENDS,
    TEXT_RENDERERS,
    GridMap,
    TraceFormat,
    png_data_uri,
    render_png,
)
from trustbench.tasks.upstream_text import LoadedText
from trustbench.tasks.visual_planning.upstream_prompts import MAP_PLACEHOLDER

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
    "Write the final move sequence inside the box, as \\boxed{<moves>}, with the moves "
    "(U, D, L or R) separated by commas."
)


def legend(representation: str) -> str:
    return IMAGE_LEGEND if representation == "image" else LEGENDS[representation]


def instructions(representation: str, cot: TraceFormat) -> str:
    """Everything but the map: rules, how the map is shown, how to reason and answer."""
    return "\n\n".join([RULES, legend(representation), COT_INSTRUCTIONS[cot], ANSWER_FORMAT])


@dataclass(frozen=True)
class PlanningPrompt:
    """Our wording, or upstream's loaded text (`upstream`)."""

    upstream: LoadedText | None = None

    @property
    def name(self) -> str:
        return "trustbench" if self.upstream is None else "upstream"

    def record(self) -> dict[str, Any]:
        """What the log keeps: which wording ran, and for upstream's its sha256 and origin."""
        if self.upstream is None:
            return {"prompts": self.name}
        return {"prompts": self.name, "texts": [self.upstream.record()]}

    def message(self, grid: GridMap, representation: str, cot: TraceFormat) -> ChatMessageUser:
        if self.upstream is not None:
            return self._upstream(grid, representation)
        preamble = instructions(representation, cot)
        if representation == "image":
            return ChatMessageUser(
                content=[
                    ContentText(text=f"{preamble}\n\nHere is the map:"),
                    ContentImage(image=png_data_uri(render_png(grid))),
                ]
            )
        rendered = TEXT_RENDERERS[representation](grid, None)
        return ChatMessageUser(content=f"{preamble}\n\nHere is the map:\n{rendered}")

    def _upstream(self, grid: GridMap, representation: str) -> ChatMessageUser:
        """Upstream's text with the map in place of `<image>`; a text map comes with our
        one-line legend (the paper's text-format prompts are in its unreleased data)."""
        assert self.upstream is not None
        before, after = self.upstream.text.split(MAP_PLACEHOLDER)
        if representation == "image":
            image = ContentImage(image=png_data_uri(render_png(grid)))
            return ChatMessageUser(
                content=[ContentText(text=before), image, ContentText(text=after)]
            )
        rendered = TEXT_RENDERERS[representation](grid, None)
        return ChatMessageUser(content=f"{before}\n{LEGENDS[representation]}\n{rendered}{after}")


TRUSTBENCH = PlanningPrompt()
