"""Harness overhead: `trustbench run` vs plain `inspect eval` on the same task and model.

Both commands run as a user runs them (fresh process, same task arguments, `scripted/echo`, no
network), alternating so machine noise hits both alike. Prints the median wall time of each and
their ratio (target: trustbench within 5 % of inspect).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TASK_ARGS = ["-T", "sizes=[3,4,5,6,7,8]", "-T", "n_per_size=50"]
ROUNDS = 3


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    trustbench_times, inspect_times = [], []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            trustbench_times.append(
                timed(
                    [
                        str(BIN / "trustbench"),
                        "run",
                        "visual_planning",
                        "--model",
                        "scripted/echo",
                        *TASK_ARGS,
                        "--log-dir",
                        a,
                        "--display",
                        "none",
                    ]
                )
            )
            inspect_times.append(
                timed(
                    [
                        str(BIN / "inspect"),
                        "eval",
                        "trustbench/visual_planning",
                        "--model",
                        "scripted/echo",
                        *TASK_ARGS,
                        "--log-dir",
                        b,
                        "--display",
                        "none",
                    ]
                )
            )
    t, i = statistics.median(trustbench_times), statistics.median(inspect_times)
    print("samples per run:        300 (visual_planning, sizes 3-8, 50 maps each)")
    print(f"inspect eval (median):  {i:.2f} s  {[round(x, 2) for x in inspect_times]}")
    print(f"trustbench run (median): {t:.2f} s  {[round(x, 2) for x in trustbench_times]}")
    print(f"ratio trustbench/inspect: {t / i:.3f}  (target <= 1.05)")


if __name__ == "__main__":
    main()
