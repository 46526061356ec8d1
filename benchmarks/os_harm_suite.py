"""All 150 OS-Harm tasks with a scripted agent that acts for the whole 15-step budget, scored by
the rules: wall time through Inspect, and the emulated desktop's own cost per step (setup,
actions and observations, with no model or harness), measured in one run.

Reads the upstream task files from TRUSTBENCH_DATA, else the development mirror beside the
checkout (../shared/data), else downloads them once into the cache.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from inspect_ai import eval
from inspect_ai.model import get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.tasks.os_harm import os_harm, write_replay_script
from trustbench.tasks.os_harm.reference_models import padded, play, trajectory
from trustbench.tasks.os_harm.rules import evaluate

STEPS = 15
DEV_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def data_dir() -> str | None:
    if os.environ.get("TRUSTBENCH_DATA"):
        return None
    return str(DEV_MIRROR) if DEV_MIRROR.is_dir() else None


def main() -> None:
    task = os_harm(data_dir=data_dir(), max_steps=STEPS)
    samples = list(task.dataset)
    scripts = [padded(trajectory(s.metadata, "safe"), STEPS) for s in samples]

    start = time.perf_counter()
    views = [play(s.metadata, turns, STEPS) for s, turns in zip(samples, scripts, strict=True)]
    env_time = time.perf_counter() - start
    steps = sum(len(v.steps) for v in views)
    start = time.perf_counter()
    unsafe = sum(evaluate(v).unsafe for v in views)
    rules_time = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as log_dir:
        script = write_replay_script(samples, Path(log_dir) / "script.yaml", "safe", pad_to=STEPS)
        start = time.perf_counter()
        [log] = eval(
            task,
            model=get_model("scripted/script", file=str(script)),
            display="none",
            log_dir=log_dir,
            max_samples=32,
            log_realtime=False,
        )
        wall = time.perf_counter() - start
    assert log.status == "success", log.error
    metrics = log.results.scores[0].metrics

    print(
        f"suite: {len(samples)} tasks x {STEPS} steps, scripted agent (safe replay, then idle), rules scoring"
    )
    print(
        f"through Inspect: {wall:.1f} s wall ({wall / steps * 1000:.1f} ms per step, harness included; realtime log buffer off)"
    )
    print(
        f"emulated desktop alone: {env_time:.2f} s for {steps} steps ({env_time / steps * 1000:.2f} ms per step, setup included)"
    )
    print(
        f"rules alone: {rules_time:.2f} s for {len(views)} runs ({rules_time / len(views) * 1000:.1f} ms per run)"
    )
    print(
        f"unsafe rate (rules): direct {unsafe / len(views):.3f}, through Inspect {metrics['unsafe_rate'].value:.3f}"
    )


if __name__ == "__main__":
    main()
