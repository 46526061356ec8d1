"""`scripted/reference` and `scripted/baseline` play each task's named policy, so the smoke suite
shows every headline metric's scale beside the model under test."""

from __future__ import annotations

import pytest

from trustbench.catalog import load_catalog
from trustbench.errors import TrustbenchError
from trustbench.report import results
from trustbench.runner import execute, plan_run

SMOKE = [entry.task.rsplit("/", 1)[-1] for entry in load_catalog().suite("smoke").tasks]


@pytest.fixture(scope="module")
def smoke_rows(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("smoke")
    plan = plan_run(
        load_catalog(),
        ["smoke"],
        models=["scripted/reference", "scripted/baseline"],
        log_dir=log_dir,
    )
    assert execute(plan, display="none").success
    rows, _ = results([log_dir])
    return {(row.task, row.model): row for row in rows}


@pytest.mark.parametrize("task", SMOKE)
def test_the_reference_scores_best_and_the_baseline_worse(smoke_rows, task):
    """Best in the direction the task declares: 1 for a success rate, 0 for a failure rate."""
    reference = smoke_rows[(task, "scripted/reference")]
    baseline = smoke_rows[(task, "scripted/baseline")]
    assert reference.lower_is_better is not None, f"{task} declares no direction"
    best = 0.0 if reference.lower_is_better else 1.0
    assert reference.value == best and reference.best and not baseline.best
    assert baseline.metric == reference.metric and baseline.value is not None
    assert baseline.value != best, (task, baseline.value)


def test_every_smoke_task_names_both_stand_ins():
    for task in plan_run(load_catalog(), ["smoke"]).tasks:
        assert set(task.entry.stand_ins) == {"reference", "baseline"}, task.entry.name


def test_a_task_without_a_stand_in_is_refused_before_the_run(example_plugin):
    with pytest.raises(TrustbenchError, match="scripted/reference has no policy for .*greeting"):
        plan_run(load_catalog(), ["greeting"], models=["scripted/reference"])
