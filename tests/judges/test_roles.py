"""The one place judges get their grader from: the `grader` role, if the run binds it."""

from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.solver import Generate, Solver, TaskState, solver

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.judges.roles import GRADER_ROLE, bound_grader, no_grader, require_grader


@solver
def record_graders() -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.metadata["grader"] = str(bound_grader()) if bound_grader() else None
        state.metadata["verdict"] = str(bound_grader("grader_verdict") or bound_grader())
        return state

    return solve


def run(solvers: list[Solver], **roles: str):
    task = Task(dataset=[Sample(input="q")], solver=solvers)
    [log] = eval(task, model="scripted/echo", model_roles=roles or None, display="none")
    return log


def test_the_grader_is_the_bound_role_or_none(tmp_path):
    without = run([record_graders()]).samples[0].metadata
    assert without["grader"] is None and without["verdict"] == "None"
    bound = run([record_graders()], **{GRADER_ROLE: "scripted/refuse"}).samples[0].metadata
    assert bound["grader"] == "scripted/refuse" and bound["verdict"] == "scripted/refuse"
    staged = (
        run([record_graders()], grader="scripted/refuse", grader_verdict="scripted/comply")
        .samples[0]
        .metadata
    )
    assert staged["verdict"] == "scripted/comply"


def test_a_run_that_needs_a_grader_fails_before_the_model_answers():
    log = run([require_grader("judge_mode=llm", "pass -T judge_mode=heuristic")])
    assert log.status == "error"
    message = no_grader("judge_mode=llm", "pass -T judge_mode=heuristic")
    assert message in log.error.message
    assert "--model-role grader=<model>" in message and "trustbench run --grader" in message
    assert run([require_grader("x", "y")], grader="scripted/refuse").status == "success"
