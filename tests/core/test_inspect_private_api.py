"""The private Inspect APIs trustbench relies on. An Inspect upgrade that breaks one fails here."""

from importlib.metadata import version

from inspect_ai import Task, eval
from inspect_ai._util.entrypoints import ensure_entry_points
from inspect_ai._util.error import PrerequisiteError
from inspect_ai._util.registry import registry_find, registry_info, registry_unqualified_name
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log._samples import sample_active
from inspect_ai.model import get_model
from inspect_ai.solver import Generate, TaskState, solver
from inspect_ai.solver._task_state import sample_state

from trustbench.doctor import PINNED_INSPECT
from trustbench.tasks.visual_planning import visual_planning


def test_pinned_version_is_installed():
    assert version("inspect-ai") == PINNED_INSPECT


def test_task_registry_info_carries_attribs_and_params():
    info = registry_info(visual_planning)
    assert info.name == "trustbench/visual_planning"
    assert info.metadata["attribs"]["needs"] == {"vision": "representation=image"}
    assert "representation" in info.metadata["params"]


def test_modelapis_are_found_by_unqualified_name():
    ensure_entry_points()
    found = registry_find(lambda i: i.type == "modelapi")
    names = {registry_unqualified_name(registry_info(api)) for api in found}
    assert {"scripted", "local", "openai"} <= names


@solver
def peek(read, seen: list):
    """Records what `read()` sees while a sample runs."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        seen.append(read())
        return state

    return solve


def test_sample_state_is_visible_inside_generate():
    seen = []
    task = Task(
        dataset=MemoryDataset([Sample(input="x", metadata={"k": 1})]),
        solver=peek(lambda: sample_state().metadata, seen),
    )
    [log] = eval(task, model=get_model("scripted/echo"), display="none")
    assert log.status == "success"
    assert seen == [{"k": 1}]


def test_the_active_sample_names_its_registered_task():
    """`scripted/reference` finds the task it plays from the active sample."""
    seen = []
    task = visual_planning(sizes=[3], n_per_size=1)
    task.solver = peek(lambda: sample_active().task, seen)
    [log] = eval(task, model=get_model("scripted/echo"), display="none")
    assert log.status == "success" and seen == ["trustbench/visual_planning"]


def test_prerequisite_errors_carry_rich_markup_in_their_message():
    """The CLI prints `PrerequisiteError.message` as plain text."""
    error = PrerequisiteError("[bold]ERROR[/bold]: x")
    assert error.message == "[bold]ERROR[/bold]: x"


def test_task_args_passed_is_logged():
    task = visual_planning(sizes=[3], n_per_size=1)
    [log] = eval(task, model=get_model("scripted/echo"), display="none")
    assert log.eval.task_args_passed == {"sizes": [3], "n_per_size": 1}


def test_a_provider_without_its_environment_raises_prerequisite_error(monkeypatch):
    from inspect_ai._util.error import PrerequisiteError

    monkeypatch.delenv("NOSUCHSERVER_API_KEY", raising=False)
    monkeypatch.setenv("NOSUCHSERVER_BASE_URL", "http://127.0.0.1:9/v1")
    try:
        get_model("openai-api/nosuchserver/m", memoize=False)
    except PrerequisiteError as ex:
        assert "NOSUCHSERVER_API_KEY" in str(ex)
    else:
        raise AssertionError("no PrerequisiteError")
