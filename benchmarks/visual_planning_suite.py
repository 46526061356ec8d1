"""The whole ID + OOD text suite (`tasks/visual_planning/suite.yaml`: 4 representations × 600
maps) on the BFS planner and the random walker (the task's reference models), through
`trustbench run`. Prints wall time, samples per second and each model's accuracy by both parsers
(ours and upstream's) and their disagreement, measured in one run."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inspect_ai.log import read_eval_log

from trustbench.report import results
from trustbench.report.cells import interval

BIN = Path(sys.executable).parent


def _parsers(log: str) -> tuple[float, float]:
    """Upstream's parser's accuracy, and how often the two parsers disagree, as logged."""
    metrics = read_eval_log(log, header_only=True).results.scores[0].metrics
    return metrics["upstream_accuracy"].value, metrics["parser_disagreement"].value


def main() -> None:
    with tempfile.TemporaryDirectory() as log_dir:
        start = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "trustbench"),
                "run",
                "visual_planning",
                "--model",
                "scripted/gridworld-bfs,scripted/gridworld-random",
                "--log-dir",
                log_dir,
                "--display",
                "none",
                "--max-samples",
                "200",
            ],
            check=True,
            capture_output=True,
        )
        elapsed = time.perf_counter() - start
        rows, _ = results([log_dir])
        parsers = [_parsers(row.log) for row in rows]
    samples = sum(r.n for r in rows)
    print(
        f"suite: 4 text representations x (ID 3-6 + OOD 7-8) x 100 maps, 2 models = {samples} samples"
    )
    print(
        f"wall time: {elapsed:.1f} s  ({samples / elapsed:.0f} samples/s, process start included)"
    )
    for row, (upstream, disagreement) in zip(rows, parsers, strict=True):
        print(
            f"  {row.model:28s} {row.task:55s} accuracy {row.value:.3f} "
            f"{interval(row.ci_low, row.ci_high)}  "
            f"upstream {upstream:.3f}  disagreement {disagreement:.3f}"
        )


if __name__ == "__main__":
    main()
