"""The `trustbench` command line, run as a user runs it: in a subprocess, offline."""

import json
import subprocess

import pytest
from inspect_ai._util.registry import registry_info
from inspect_ai.log import list_eval_logs, read_eval_log

from helpers import guarded_env, venv_bin
from trustbench.plugins import discover_plugins

COMMANDS = ["list", "run", "report", "view", "doctor", "new-task"]


def trustbench(*args, env=None, timeout=300):
    return subprocess.run(
        [venv_bin("trustbench"), *args],
        env=env or guarded_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_on_every_command(command):
    result = trustbench(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_list_json_shows_tasks_needs_parameters_and_suites(example_plugin):
    result = trustbench("list", "--json", env=guarded_env(example_plugin))
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    tasks = {t["name"]: t for t in listing["tasks"]}
    planning = tasks["trustbench/visual_planning"]
    assert planning["needs"] == {"vision": "representation=image"}
    params = {p["name"]: p for p in planning["parameters"]}
    assert params["id_max_size"]["default"] == 6 and params["seed"]["default"] == 42
    assert tasks["trustbench_example_plugin/greeting"]["plugin"] == "example"
    assert {s["name"] for s in listing["suites"]} >= {"smoke", "visual_planning"}


def test_list_text(example_plugin):
    result = trustbench("list", env=guarded_env(example_plugin))
    assert "trustbench/visual_planning" in result.stdout
    assert "vision (when representation=image)" in result.stdout
    assert "trustbench_example_plugin/greeting" in result.stdout
    assert "smoke" in result.stdout


def test_run_prints_table_logs_and_report(tmp_path):
    log_dir = tmp_path / "logs"
    result = trustbench(
        "run",
        "trustbench/visual_planning",
        "--model",
        "scripted/gridworld-bfs",
        "-T",
        "sizes=[3,7]",
        "-T",
        "n_per_size=3",
        "--log-dir",
        str(log_dir),
        "--display",
        "none",
    )
    assert result.returncode == 0, result.stderr
    assert "trustbench results" in result.stdout
    assert "1.000" in result.stdout
    assert f"Logs:   {log_dir.resolve()}" in result.stdout
    [info] = list_eval_logs(str(log_dir))
    log = read_eval_log(info, header_only=True)
    assert log.status == "success" and log.results.completed_samples == 6


def test_a_dry_run_prints_the_checked_plan_and_runs_nothing(tmp_path):
    log_dir = tmp_path / "logs"
    result = trustbench(
        "run", "visual_planning", "--model", "scripted/gridworld-bfs", "--grader", "scripted/echo",
        "-T", "representation=table", "--max-tokens", "64", "--log-dir", str(log_dir),
        "--dry-run",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "run: visual_planning",
        f"log folder: {log_dir}",
        "model: scripted/gridworld-bfs",
        "role grader: scripted/echo",
        lines[4],
    ]
    tasks = [line for line in lines if line.startswith("task trustbench/visual_planning")]
    assert tasks and all("representation='table'" in line for line in tasks)
    assert "generation: {'max_tokens': 64}" in lines and "executor: local" in lines
    assert not log_dir.exists()
    bad = trustbench("run", "visual_planning", "-T", "representation=braille", "--dry-run")
    assert bad.returncode == 2 and "representation='braille'" in bad.stderr


def test_run_exits_nonzero_when_a_task_errors(tmp_path):
    script = tmp_path / "empty.yaml"
    script.write_text("[]\n")
    result = trustbench(
        "run",
        "trustbench/visual_planning",
        "--model",
        "scripted/script",
        "-M",
        f"file={script}",
        "-T",
        "sizes=3",
        "-T",
        "n_per_size=1",
        "--log-dir",
        str(tmp_path / "logs"),
        "--display",
        "none",
    )
    assert result.returncode == 1
    assert "FAILED" in result.stderr and "Re-run the same command to resume" in result.stderr


def test_unknown_names_are_clear_errors():
    result = trustbench("run", "no_such_thing", "--model", "scripted/echo")
    assert result.returncode == 2
    builtin = [t for p in discover_plugins(builtin_only=True) for t in p.tasks]
    names = ", ".join(sorted(registry_info(t).name for t in builtin))
    assert f"Unknown task 'no_such_thing'. Available: {names}" in result.stderr
    assert "Traceback" not in result.stderr


def test_report_on_an_empty_dir_is_a_clear_error(tmp_path):
    result = trustbench("report", str(tmp_path))
    assert result.returncode == 2
    assert "No Inspect logs" in result.stderr


def test_report_writes_the_formats_asked_for(tmp_path):
    log_dir = tmp_path / "logs"
    trustbench(
        "run",
        "trustbench/visual_planning",
        "--model",
        "scripted/gridworld-random,scripted/gridworld-bfs",
        "-T",
        "sizes=3",
        "-T",
        "n_per_size=4",
        "--log-dir",
        str(log_dir),
        "--display",
        "none",
    )
    out = tmp_path / "report"
    result = trustbench("report", str(log_dir), "--out", str(out), "--format", "md")
    assert result.returncode == 0, result.stderr
    report = (out / "report.md").read_text()
    assert "scripted/gridworld-bfs" in report and "scripted/gridworld-random" in report
    assert not (out / "report.html").exists()


def test_doctor_reports_each_check():
    result = trustbench("doctor", env=guarded_env(TRUSTBENCH_CACHE_DIR="/proc/forbidden"))
    assert "[  ok] python" in result.stdout
    assert "local extra" in result.stdout
    assert "[fail] trustbench cache" in result.stdout and "fix:" in result.stdout
    assert result.returncode == 1


def test_doctor_checks_a_model(tmp_path):
    result = trustbench(
        "doctor", "--model", "scripted/echo,openai/gpt-4o", env=guarded_env(OPENAI_API_KEY="")
    )
    assert "[  ok] scripted/echo reachable" in result.stdout
    assert "[fail] openai/gpt-4o credentials: OPENAI_API_KEY is not set" in result.stdout
