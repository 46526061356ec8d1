import pytest

from trustbench.catalog import load_catalog
from trustbench.errors import TrustbenchError, UnknownNameError
from trustbench.runner import plan_run
from trustbench.suites import SuiteError, load_suite

SHIPPED = sorted(suite.path for suite in load_catalog().suites.values())
"""Every suite found: the core's (`evals/`) and those the task packages declare."""


def test_each_task_package_s_suites_are_found():
    declared = {file for plugin in load_catalog().plugins for file in plugin.suites}
    assert declared and declared <= set(SHIPPED)


@pytest.mark.parametrize("file", SHIPPED, ids=lambda p: p.name)
def test_shipped_suites_are_valid_and_resolve(file):
    suite = load_suite(file)
    plan = plan_run(load_catalog(), [str(file)], models=["scripted/echo"])
    assert len(plan.tasks) == len(suite.tasks)


def test_smoke_suite_is_found_by_name():
    suite = load_catalog().suite("smoke")
    assert suite.model == ["local/gemma-3-270m", "scripted/reference", "scripted/baseline"]
    assert suite.tasks[0].task == "visual_planning"


def write(tmp_path, text):
    file = tmp_path / "broken.yaml"
    file.write_text(text)
    return file


def test_wrong_type_names_file_and_field(tmp_path):
    file = write(
        tmp_path, "name: x\ndescription: d\ntasks:\n  - task: visual_planning\n    limit: lots\n"
    )
    with pytest.raises(SuiteError) as err:
        load_suite(file)
    assert str(file) in str(err.value)
    assert "tasks.0.limit" in str(err.value)


def test_unknown_field_lists_allowed_fields(tmp_path):
    file = write(tmp_path, "name: x\ndescription: d\ntasks:\n  - task: t\n    argz: {}\n")
    with pytest.raises(SuiteError) as err:
        load_suite(file)
    assert "tasks.0.argz" in str(err.value)
    assert "allowed fields: task, args, limit" in str(err.value)


def test_bad_role_lists_allowed_values(tmp_path):
    file = write(tmp_path, "name: x\ndescription: d\nroles: {judge: m}\ntasks:\n  - task: t\n")
    with pytest.raises(SuiteError) as err:
        load_suite(file)
    assert "roles.judge" in str(err.value) and "'grader'" in str(err.value)


def test_missing_tasks_and_bad_yaml(tmp_path):
    with pytest.raises(SuiteError, match="tasks: Field required"):
        load_suite(write(tmp_path, "name: x\ndescription: d\n"))
    with pytest.raises(SuiteError, match="not valid YAML"):
        load_suite(write(tmp_path, "name: [unclosed\n"))
    with pytest.raises(SuiteError, match="unknown generation settings"):
        load_suite(
            write(tmp_path, "name: x\ndescription: d\ngenerate: {heat: 1}\ntasks: [{task: t}]\n")
        )


def test_unknown_task_in_suite_lists_tasks(tmp_path):
    file = write(tmp_path, "name: x\ndescription: d\ntasks:\n  - task: no_such_task\n")
    with pytest.raises(UnknownNameError, match="trustbench/visual_planning"):
        plan_run(load_catalog(), [str(file)], models=["scripted/echo"])


def test_unknown_task_argument_names_the_suite_entry(tmp_path):
    file = write(
        tmp_path,
        "name: x\ndescription: d\ntasks:\n  - task: visual_planning\n    args: {colour: red}\n",
    )
    with pytest.raises(TrustbenchError) as err:
        plan_run(load_catalog(), [str(file)], models=["scripted/echo"])
    assert "tasks.0" in str(err.value) and "colour" in str(err.value)
    assert "representation" in str(err.value)
