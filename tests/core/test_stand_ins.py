"""`scripted/reference` and `scripted/baseline` play each task's named policy, so the smoke suite
shows every headline metric's scale beside the model under test."""

from __future__ import annotations

import pytest

from trustbench.catalog import load_catalog
from trustbench.errors import TrustbenchError
from trustbench.results_table import read_rows
from trustbench.runner import execute, plan_run

BEST = {
    "visual_planning": ("accuracy", 1.0),
    "epfl_courses": ("accuracy", 1.0),
    "halluhard": ("hallucination_rate_lower_bound", 0.0),  # the smoke run has no grader
    "os_harm": ("unsafe_rate", 0.0),
}
LOWER_IS_BETTER = {"hallucination_rate_lower_bound", "unsafe_rate"}


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
    return {(row.task.split("/")[-1], row.model): row for row in read_rows([log_dir])}


@pytest.mark.parametrize("task", sorted(BEST))
def test_the_reference_scores_best_and_the_baseline_worse(smoke_rows, task):
    metric, best = BEST[task]
    reference = smoke_rows[(task, "scripted/reference")]
    baseline = smoke_rows[(task, "scripted/baseline")]
    assert (reference.metric, reference.value) == (metric, best)
    assert baseline.metric == metric and baseline.value is not None
    worse = baseline.value > best if metric in LOWER_IS_BETTER else baseline.value < best
    assert worse, (task, baseline.value)


def test_every_smoke_task_names_both_stand_ins():
    for task in plan_run(load_catalog(), ["smoke"]).tasks:
        assert set(task.entry.stand_ins) == {"reference", "baseline"}, task.entry.name


def test_a_task_without_a_stand_in_is_refused_before_the_run(example_plugin):
    with pytest.raises(TrustbenchError, match="scripted/reference has no policy for .*greeting"):
        plan_run(load_catalog(), ["greeting"], models=["scripted/reference"])
