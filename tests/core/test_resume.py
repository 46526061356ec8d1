"""A run killed with SIGKILL resumes: re-running the same command completes it, reusing the
samples that had finished and redoing only the rest."""

import os
import signal
import subprocess
import time

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from helpers import guarded_env, venv_bin

N = 24
COMMAND = [
    "run",
    "trustbench/visual_planning",
    "--model",
    "scripted/gridworld-bfs",
    "-M",
    "delay=0.4",
    "--max-samples",
    "2",
    "-T",
    "sizes=[3,4]",
    "-T",
    f"n_per_size={N // 2}",
    "--display",
    "none",
]


def finished_samples(log_dir) -> int:
    for info in list_eval_logs(str(log_dir)):
        try:
            return len(read_eval_log_sample_summaries(info))
        except (OSError, ValueError, KeyError):
            return 0  # the first flush of the log is still being written
    return 0


@pytest.mark.slow
def test_killed_run_resumes_without_redoing_finished_samples(tmp_path):
    log_dir = tmp_path / "logs"
    command = [venv_bin("trustbench"), *COMMAND, "--log-dir", str(log_dir)]
    first = subprocess.Popen(
        command, env=guarded_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while finished_samples(log_dir) == 0 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL
    [killed] = list_eval_logs(str(log_dir))
    assert read_eval_log(killed, header_only=True).status == "started"
    restarted_at = time.time()

    second = subprocess.run(command, env=guarded_env(), capture_output=True, text=True, timeout=300)

    assert second.returncode == 0, second.stderr
    done = [read_eval_log(i) for i in list_eval_logs(str(log_dir))]
    [final] = [log for log in done if log.status == "success"]
    assert len(final.samples) == N and final.results.scores[0].metrics["accuracy"].value == 1.0
    reused = [s for s in final.samples if s.events[0].timestamp.timestamp() < restarted_at]
    assert 0 < len(reused) < N
    assert len({s.id for s in final.samples}) == N


def test_table_shows_the_current_attempt_only(tmp_path):
    from trustbench.report import results

    command = [
        venv_bin("trustbench"),
        "run",
        "trustbench/visual_planning",
        "--model",
        "scripted/gridworld-bfs",
        "-T",
        "sizes=3",
        "-T",
        "n_per_size=2",
        "--log-dir",
        str(tmp_path),
        "--display",
        "none",
    ]
    assert subprocess.run(command, env=guarded_env(), capture_output=True).returncode == 0
    [info] = list_eval_logs(str(tmp_path))
    stale = read_eval_log(info)
    stale.status = "started"
    stale.eval.created = "2000-01-01T00:00:00+00:00"
    stale.location = str(tmp_path / "2000-01-01T00-00-00+00-00_visual-planning_old.eval")
    from inspect_ai.log import write_eval_log

    write_eval_log(stale, stale.location)
    [row], _ = results([tmp_path])
    assert row.status == "success"
