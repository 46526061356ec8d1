"""SIGKILL a Ray worker in the middle of a shard: Ray runs the shard again, the rerun resumes
the shard's log, and the merged results hold every sample exactly once."""

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from trustbench.catalog import load_catalog
from trustbench.report.collect import sample_frame
from trustbench.report.runs import make_runs, read_logs
from trustbench.report.shards import combine_shards
from trustbench.runner import plan_run
from trustbench.scale.executor import execute_on_ray

SAMPLES = 16


def shard_workers() -> list[int]:
    """Worker processes running a shard now (Ray titles them after the task)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"ray::shard_task" in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def written(log_dir: Path) -> dict[str, int]:
    """Samples already in each unfinished shard log."""
    counts = {}
    for info in list_eval_logs(str(log_dir)):
        try:
            if read_eval_log(info, header_only=True).status == "started":
                counts[info.name] = len(read_eval_log_sample_summaries(info))
        except (OSError, ValueError, KeyError):
            counts[info.name] = 0  # its first flush is being written
    return counts


@pytest.mark.slow
def test_killed_worker_loses_nothing_and_counts_nothing_twice(tmp_path):
    plan = plan_run(
        load_catalog(),
        ["trustbench/visual_planning"],
        models=["scripted/gridworld-bfs"],
        task_args={"sizes": [3, 4], "n_per_size": SAMPLES // 2},
        log_dir=tmp_path,
    )
    result = {}

    def run():
        result["outcome"] = execute_on_ray(
            plan,
            workers=2,
            shard_size=SAMPLES // 2,
            display="none",
            model_args={"delay": 0.4},
            max_samples=1,
            log_buffer=2,
        )

    runner = threading.Thread(target=run)
    runner.start()
    killed_at, deadline = None, time.monotonic() + 120
    while killed_at is None and runner.is_alive() and time.monotonic() < deadline:
        counts = written(tmp_path)
        workers = shard_workers()
        # Every shard still running has written two samples (under load one may finish first).
        if counts and len(counts) == len(workers) and min(counts.values()) >= 2:
            os.kill(workers[0], signal.SIGKILL)
            killed_at = time.time()
        time.sleep(0.1)
    runner.join(timeout=180)
    assert killed_at is not None, "no shard was caught mid-run"
    outcome = result["outcome"]
    assert outcome.success and not outcome.lost

    logs, superseded = read_logs([tmp_path])
    assert [log.status for log in superseded] == ["started"], "the killed attempt stays aside"
    logs, shards, problems = combine_shards(logs)
    [run_] = make_runs(logs, shards)
    assert not problems and run_.status == "success" and len(run_.shards) == 2
    frame, _ = sample_frame([run_])
    ids = sorted(frame["id"])
    assert len(ids) == SAMPLES and len(set(ids)) == SAMPLES
    assert run_.log.results.completed_samples == SAMPLES
    assert run_.log.results.scores[0].metrics["accuracy"].value == 1.0

    [resumed] = [
        read_eval_log(log) for log in run_.shards if len(list_eval_logs(str(Path(log).parent))) > 1
    ]
    reused = [s for s in resumed.samples if s.events[0].timestamp.timestamp() < killed_at]
    assert len(reused) >= 2, "samples written before the kill are reused, not run again"
