"""The solver: one generation, after a check that the model can take the image it is sent."""

from __future__ import annotations

from inspect_ai.model import get_model
from inspect_ai.solver import Generate, Solver, TaskState, generate, solver

TEXT_ONLY_PROVIDERS = ("local", "hf")
"""Providers that cannot take an image; an image run on them fails before any sample starts."""


@solver
def require_image_input() -> Solver:
    """Fail clearly, instead of with a provider error deep in a request, on text-only models."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        provider = str(get_model()).split("/", 1)[0]
        if provider in TEXT_ONLY_PROVIDERS:
            raise ValueError(
                f"The model '{get_model()}' takes text only, but representation=image sends an "
                "image. Use -T representation=grid (or description, table, coordinates), or a "
                "vision model."
            )
        return state

    return solve


def planning_solver(representation: str) -> list[Solver]:
    """Ask once for the plan; an image first checks that the model can see it."""
    if representation == "image":
        return [require_image_input(), generate()]
    return [generate()]
