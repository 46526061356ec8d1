"""The same suite run in one process and as shards on Ray gives the same report, row by row."""

import json
import shutil

import pytest

from trustbench.catalog import load_catalog
from trustbench.report import build_report
from trustbench.runner import execute, plan_run
from trustbench.scale.executor import execute_on_ray

PLANNING = dict(
    targets=["trustbench/visual_planning"],
    models=["scripted/gridworld-bfs", "scripted/gridworld-random"],
    task_args={"sizes": [3, 5], "n_per_size": 5, "id_max_size": 4},
)
EXAMS = dict(
    targets=["trustbench/epfl_courses"],
    models=["scripted/epfl-reference", "scripted/epfl-wrong"],
    grader="scripted/epfl-grader",
    task_args={"dataset": "sample", "strategy": "cot_zero_shot"},
)
VOLATILE_FACTS = {"seconds", "log", "executor"}
"""What differs between two executions of one run, however it is executed."""


def plans(root):
    catalog = load_catalog()
    return [
        plan_run(
            catalog,
            spec["targets"],
            **{k: v for k, v in spec.items() if k != "targets"},
            log_dir=root / name,
        )
        for name, spec in (("planning", PLANNING), ("exams", EXAMS))
    ]


def report(root, baseline):
    result = build_report(
        [root / "planning", root / "exams"], baseline=baseline, out_dir=root / "report"
    )
    return json.loads(result.files["json"].read_text()), result


@pytest.mark.slow
def test_sharded_run_reports_like_one_process(tmp_path):
    one, sharded = tmp_path / "one", tmp_path / "sharded"
    for plan in plans(one):
        assert execute(plan, display="none").success
    for plan in plans(sharded):
        outcome = execute_on_ray(plan, workers=2, shard_size=4, display="none")
        assert outcome.success and len(outcome.logs) > 2 * len(plan.models)

    expected, _ = report(one, "scripted/gridworld-bfs")
    actual, result = report(sharded, "scripted/gridworld-bfs")

    assert actual["rows"] == expected["rows"]
    assert len(actual["rows"]) > 50
    sections = {row["section"] for row in actual["rows"]}
    assert {"overview", "paired"} <= sections and len(sections) > 3
    strip = lambda run: {k: v for k, v in run.items() if k not in VOLATILE_FACTS}  # noqa: E731
    assert [strip(r) for r in actual["runs"]] == [strip(r) for r in expected["runs"]]
    assert all(r["executor"].startswith("ray") for r in actual["runs"])
    assert all(r["executor"] == "one process" for r in expected["runs"])
    assert actual["warnings"] == expected["warnings"]

    # a shard that left no log makes its run incomplete, never silently smaller
    shards = sharded / "planning" / "shards"
    [first] = sorted(shards.glob("visual_planning_scripted-gridworld-bfs_*/000000-000004"))
    shutil.rmtree(first)
    partial, _ = report(sharded, "scripted/gridworld-bfs")
    [bfs] = [
        r
        for r in partial["runs"]
        if r["task"] == "visual_planning" and r["model"] == "scripted/gridworld-bfs"
    ]
    assert bfs["status"] == "started" and bfs["n"] == 10 - 4
    assert any("no log for shard 1 of 3" in warning for warning in partial["warnings"])
