"""Task arguments are checked against each task's typed signature before anything runs; renamed
parameters name their new name; suite-level `-T` reaches every task that has the parameter."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from pydantic import Field

from trustbench.catalog import TaskParameter, _entry, describe_type, load_catalog
from trustbench.errors import TaskArgumentError, TrustbenchError
from trustbench.locations import folder_name, report_dir, results_dir
from trustbench.plugins import Plugin
from trustbench.runner import execute, plan_run


@pytest.mark.parametrize(
    ("annotation", "shown"),
    [
        (Literal["grid", "table"], "grid|table"),
        (int, "int"),
        (list[int] | str | None, "list[int] | str | null"),
        (dict[str, Any] | None, "dict[str, any] | null"),
        (Annotated[int, Field(ge=1)], "int"),
        (Any, "any"),
    ],
)
def test_types_are_shown_as_a_user_writes_values(annotation, shown):
    assert describe_type(annotation) == shown


def test_values_come_back_as_the_task_declares_them():
    assert TaskParameter("sizes", None, list[int] | str | None).validate(3) == "3"
    assert TaskParameter("sizes", None, list[int] | str | None).validate([3, 4]) == [3, 4]
    assert TaskParameter("threshold", 0.5, float).validate(1) == 1.0
    assert TaskParameter("anything", None, Any).validate({"x": [1]}) == {"x": [1]}


def test_constraints_in_the_signature_are_enforced():
    steps = TaskParameter("max_steps", 15, Annotated[int, Field(ge=1)])
    with pytest.raises(
        TaskArgumentError, match=r"max_steps=0: expected int \(.*greater than or equal to 1"
    ):
        steps.validate(0)


def test_optional_literals_list_their_values():
    mode = TaskParameter("mode", None, Literal["a", "b"] | None)
    with pytest.raises(TaskArgumentError, match="-T mode='c': expected one of a, b"):
        mode.validate("c", "-T mode")


def test_shipped_tasks_show_typed_parameters():
    planning = load_catalog().task("trustbench/visual_planning")
    shown = {p.name: p.annotation for p in planning.parameters}
    assert shown["representation"] == "image|description|table|grid|coordinates"
    assert shown["shots"] == "int"


def test_a_renamed_parameter_must_really_be_renamed():
    @task(renamed={"word": "text"})
    def clash(word: str = "x") -> Task:
        return Task(dataset=MemoryDataset([Sample(input=word)]))

    with pytest.raises(TrustbenchError, match="declares renamed=.*'word': 'text'"):
        _entry(Plugin(name="p", tasks=[clash]), clash)


def test_a_command_line_value_is_named_as_typed_even_on_a_suite():
    with pytest.raises(TaskArgumentError) as error:
        plan_run(
            load_catalog(), ["visual_planning"], models=["scripted/echo"], task_args={"shots": "x"}
        )
    assert str(error.value) == "trustbench/visual_planning: -T shots='x': expected int"
    plan = plan_run(
        load_catalog(), ["visual_planning"], models=["scripted/echo"], task_args={"shots": 2}
    )
    assert [t.args["shots"] for t in plan.tasks] == [2, 2, 2, 2]


def test_suite_level_task_args_reach_every_task_that_has_the_parameter():
    plan = plan_run(load_catalog(), ["smoke"], models=["scripted/echo"], task_args={"seed": 7})
    with_seed = {t.entry.short_name for t in plan.tasks if t.args.get("seed") == 7}
    assert with_seed == {
        t.entry.short_name for t in plan.tasks if t.entry.parameter("seed") is not None
    }
    assert {"visual_planning"} <= with_seed and "os_harm" not in with_seed


def test_a_suite_level_argument_that_makes_entries_identical_runs_them_once(tmp_path):
    plan = plan_run(
        load_catalog(),
        ["visual_planning"],
        models=["scripted/gridworld-bfs"],
        task_args={"representation": "coordinates", "sizes": [3], "n_per_size": 2},
        log_dir=tmp_path,
    )
    assert len(plan.tasks) == 1
    outcome = execute(plan, display="none")
    assert outcome.success and len(outcome.logs) == 1


def test_run_and_report_folders_have_one_name():
    plan = plan_run(load_catalog(), ["trustbench/visual_planning"], models=["scripted/echo"])
    assert plan.log_dir == results_dir() / "runs" / "trustbench-visual_planning"
    assert report_dir([plan.log_dir]) == results_dir() / "reports" / "trustbench-visual_planning"
    assert report_dir(["results/runs/trustbench-visual_planning"]).name == plan.name


@pytest.mark.parametrize("text", ["trustbench/visual_planning", "a+b c", "../..", "évals/x.yaml"])
def test_folder_names_are_stable_when_named_again(text):
    name = folder_name(text)
    assert folder_name(name) == name and "/" not in name and name not in ("", ".", "..")
