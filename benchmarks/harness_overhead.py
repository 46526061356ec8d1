"""Harness overhead: `trustbench run` vs plain `inspect eval` on the same task and model.

Each command runs as a user runs it (fresh process, same task arguments, `scripted/echo`, no
network), in rotation so machine noise hits all alike. Prints the median wall time of each and its
ratio to `inspect eval`. The target (within 5 %) is for the harness itself, `--no-report`; the
report that `trustbench run` writes by default is timed separately, as the third command.
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
    with tempfile.TemporaryDirectory() as log_dir:
        start = time.perf_counter()
        subprocess.run([*command, "--log-dir", log_dir], check=True, capture_output=True)
        return time.perf_counter() - start


COMMANDS = {
    "inspect eval": [str(BIN / "inspect"), "eval", "trustbench/visual_planning"],
    "trustbench run --no-report": [
        str(BIN / "trustbench"),
        "run",
        "trustbench/visual_planning",
        "--no-report",
    ],
    "trustbench run (with report)": [str(BIN / "trustbench"), "run", "trustbench/visual_planning"],
}
COMMON = ["--model", "scripted/echo", *TASK_ARGS, "--display", "none"]


def main() -> None:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(ROUNDS):
        for name, command in COMMANDS.items():
            times[name].append(timed([*command, *COMMON]))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["inspect eval"]
    print("samples per run: 300 (visual_planning, sizes 3-8, 50 maps each), scripted/echo")
    for name, values in times.items():
        ratio = medians[name] / base
        print(
            f"{name:30s} median {medians[name]:6.2f} s  ratio {ratio:.3f}  {[round(v, 2) for v in values]}"
        )
    print("target: trustbench run --no-report within 5 % of inspect eval (ratio <= 1.05)")


if __name__ == "__main__":
    main()
