"""The grader: the model every judge asks, bound to the eval's `grader` role (`trustbench run
--grader MODEL`, or Inspect's `--model-role grader=MODEL`). Judges fetch it here, so the role's
name and the "use it if bound" rule are written once."""

from __future__ import annotations

from inspect_ai.model import Model, get_model, model_roles
from inspect_ai.solver import Generate, Solver, TaskState, solver

GRADER_ROLE = "grader"


def bound_grader(role: str = GRADER_ROLE) -> Model | None:
    """The model bound to `role` (the grader, or a per-stage grader role) in the running eval,
    or None when the run binds none."""
    return get_model(role=role) if role in model_roles() else None


def no_grader(needed_by: str, instead: str) -> str:
    """The error for a run that needs a grader and has none: what needs it, and the fix."""
    return (
        f"{needed_by} needs a grader: bind one with --model-role {GRADER_ROLE}=<model> "
        f"(trustbench run --grader <model>), or {instead}."
    )


@solver
def require_grader(needed_by: str, instead: str) -> Solver:
    """Fails a sample before any generation when no grader is bound, rather than after the
    model under test has answered."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if GRADER_ROLE not in model_roles():
            raise ValueError(no_grader(needed_by, instead))
        return state

    return solve
