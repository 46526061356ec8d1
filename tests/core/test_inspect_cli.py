"""Our tasks and providers work from Inspect's own CLI (the `inspect_ai` entry point)."""

import subprocess

from inspect_ai.log import list_eval_logs, read_eval_log

from helpers import guarded_env, venv_bin


def test_inspect_eval_runs_a_smoke_task_on_scripted_echo(tmp_path):
    result = subprocess.run(
        [
            venv_bin("inspect"),
            "eval",
            "trustbench/visual_planning",
            "--model",
            "scripted/echo",
            "-T",
            "sizes=3",
            "-T",
            "n_per_size=2",
            "--log-dir",
            str(tmp_path),
            "--display",
            "none",
        ],
        env=guarded_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [info] = list_eval_logs(str(tmp_path))
    log = read_eval_log(info)
    assert log.status == "success"
    assert len(log.samples) == 2
    assert all(sample.scores["plan_success"].value in ("C", "I") for sample in log.samples)
