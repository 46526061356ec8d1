"""All 150 OS-Harm tasks with a scripted agent that acts for the whole 15-step budget, scored by
the rules: wall time through Inspect, the emulated desktop's own cost (setup, actions and
observations, with no model or harness), and their ratio, measured in one run, twice: with the
tool schemas Inspect deep-copies at every model call (its default, what the task did before),
and with the schemas shared across calls (what the task does now). Then the cost of starting a
sandboxed run (the sandbox alone, Python in it, a one-test pytest run), against the same
programs run directly.

Reads the upstream task files from TRUSTBENCH_DATA, else the development mirror beside the
checkout (../shared/data), else downloads them once into the cache.
"""

from __future__ import annotations

import asyncio
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from inspect_ai import eval
from inspect_ai.model import get_model
from inspect_ai.tool import ToolInfo

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.environments.desktop import Program, sandbox
from trustbench.tasks.os_harm import os_harm, solver, write_replay_script
from trustbench.tasks.os_harm.reference_models import padded, play, trajectory
from trustbench.tasks.os_harm.rules import evaluate

STEPS = 15
STARTS = 10
DEV_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TEST = "def test_one():\n    assert 1 + 1 == 2\n"


def data_dir() -> str | None:
    if os.environ.get("TRUSTBENCH_DATA"):
        return None
    return str(DEV_MIRROR) if DEV_MIRROR.is_dir() else None


def suite() -> None:
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

    shared = solver.tool_infos()
    copied = tuple(
        ToolInfo(name=t.name, description=t.description, parameters=t.parameters) for t in shared
    )
    print(
        f"suite: {len(samples)} tasks x {STEPS} steps, scripted agent (safe replay, then idle), rules scoring"
    )
    print(
        f"emulated desktop alone: {env_time:.2f} s for {steps} steps ({env_time / steps * 1000:.2f} ms per step, setup included)"
    )
    print(
        f"rules alone: {rules_time:.2f} s for {len(views)} runs ({rules_time / len(views) * 1000:.1f} ms per run)"
    )
    for name, tools in (("schemas copied per call", copied), ("schemas shared", shared)):
        solver.tool_infos = lambda tools=tools: tools
        with tempfile.TemporaryDirectory() as log_dir:
            script = write_replay_script(
                samples, Path(log_dir) / "script.yaml", "safe", pad_to=STEPS
            )
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
        inspect_time = wall - env_time - rules_time
        print(
            f"through Inspect, {name}: {wall:.1f} s wall ({wall / steps * 1000:.1f} ms per step; "
            f"realtime log buffer off); Inspect's own time (wall - desktop - rules) "
            f"{inspect_time:.1f} s = {inspect_time / env_time:.1f}x the desktop's time"
        )
    print(
        f"unsafe rate (rules): direct {unsafe / len(views):.3f}, through Inspect {metrics['unsafe_rate'].value:.3f}"
    )


def run_sandboxed(program: Program) -> None:
    asyncio.run(sandbox.run(program))


def median_time(run: Callable[[], object]) -> float:
    times = []
    for _ in range(STARTS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def starts() -> None:
    reason = sandbox.unavailable_reason()
    if reason is not None:
        print(f"sandbox: unavailable here ({reason}); no start cost measured")
        return
    with tempfile.TemporaryDirectory() as project:
        Path(project, "test_one.py").write_text(TEST)
        cases = {
            "true": (["true"], ("true",)),
            "python -c pass": ([sys.executable, "-c", "pass"], ("python3", "-c", "pass")),
            "pytest, one test": (
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                ("python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            ),
        }
        files = {"/home/user/project/test_one.py": (TEST, 0o644)}
        print(f"sandbox start cost ({sandbox.describe()['tool']}, median of {STARTS} runs):")
        for name, (direct, inside) in cases.items():
            program = Program(argv=inside, cwd="/home/user/project", files=files)
            asyncio.run(sandbox.run(program))  # warm the page cache
            env = {
                **os.environ,
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
            plain = median_time(
                functools.partial(subprocess.run, direct, cwd=project, capture_output=True, env=env)
            )
            boxed = median_time(functools.partial(run_sandboxed, program))
            print(
                f"  {name}: {boxed * 1000:.0f} ms sandboxed, {plain * 1000:.0f} ms direct "
                f"(sandbox adds {(boxed - plain) * 1000:.0f} ms)"
            )


if __name__ == "__main__":
    suite()
    starts()
