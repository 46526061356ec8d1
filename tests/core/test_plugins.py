"""A separate package contributes a task and an oracle through the plugin entry points."""

import subprocess

from inspect_ai.log import list_eval_logs, read_eval_log

from helpers import guarded_env, venv_bin
from trustbench.catalog import load_catalog


def test_plugin_task_is_in_the_catalog(example_plugin):
    entry = load_catalog().task("greeting")
    assert entry.name == "trustbench_example_plugin/greeting"
    assert entry.plugin == "example"
    assert entry.needs == {"grader": "always"}
    assert [p.name for p in entry.parameters] == ["word", "n"]


def test_plugin_task_runs_with_its_oracle(example_plugin, tmp_path):
    result = subprocess.run(
        [
            venv_bin("trustbench"),
            "run",
            "greeting",
            "--model",
            "scripted/example-parrot",
            "--log-dir",
            str(tmp_path),
            "--display",
            "none",
        ],
        env=guarded_env(example_plugin),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [info] = list_eval_logs(str(tmp_path))
    log = read_eval_log(info, header_only=True)
    assert log.results.scores[0].metrics["accuracy"].value == 1.0
