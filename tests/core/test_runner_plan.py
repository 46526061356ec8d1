import pytest

from trustbench.catalog import load_catalog
from trustbench.errors import TrustbenchError, UnknownNameError
from trustbench.models import DEFAULT_MODEL
from trustbench.runner import plan_run


def test_no_arguments_means_smoke_on_the_embedded_model_beside_the_stand_ins():
    plan = plan_run(load_catalog(), [])
    assert plan.name == "smoke"
    assert plan.models == [DEFAULT_MODEL, "scripted/reference", "scripted/baseline"]
    assert plan.log_dir.name == "smoke"


def test_task_args_apply_to_tasks_that_take_them():
    plan = plan_run(
        load_catalog(),
        ["trustbench/visual_planning"],
        models=["scripted/echo"],
        task_args={"shots": 2},
    )
    assert plan.tasks[0].args == {"shots": 2}


def test_task_arg_no_task_takes_is_an_error():
    with pytest.raises(TrustbenchError, match="no task in this run has a parameter 'shotz'"):
        plan_run(
            load_catalog(),
            ["trustbench/visual_planning"],
            models=["scripted/echo"],
            task_args={"shotz": 2},
        )


def test_unknown_provider_lists_providers():
    with pytest.raises(UnknownNameError) as err:
        plan_run(load_catalog(), ["trustbench/visual_planning"], models=["nosuch/model"])
    assert "scripted" in str(err.value) and "openai" in str(err.value)


def test_model_without_provider_is_explained():
    with pytest.raises(TrustbenchError, match="provider prefix"):
        plan_run(load_catalog(), ["trustbench/visual_planning"], models=["gpt-4o"])


def test_roles_are_bound():
    plan = plan_run(
        load_catalog(),
        ["trustbench/visual_planning"],
        models=["scripted/echo"],
        grader="scripted/refuse",
    )
    assert plan.roles == {"grader": "scripted/refuse"}


def test_images_on_a_text_only_model_fail_before_the_run():
    with pytest.raises(TrustbenchError, match="takes text only"):
        plan_run(
            load_catalog(),
            ["trustbench/visual_planning"],
            models=["local/gemma-3-270m"],
            task_args={"representation": "image"},
        )
