"""Report build time: 10 models × 4 tasks × 500 samples of synthetic Inspect logs.

The logs are written with `write_eval_log` (no eval runs), then `build_report` renders every
format. Prints the time to write the logs and the median build time (target: under 30 s).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from inspect_ai.log import (
    EvalConfig,
    EvalDataset,
    EvalLog,
    EvalMetric,
    EvalResults,
    EvalSample,
    EvalScore,
    EvalSpec,
    EvalStats,
    write_eval_log,
)
from inspect_ai.model import ModelOutput, ModelUsage
from inspect_ai.scorer import Score

from trustbench.report_spec import ReportSpec

MODELS = 10
TASKS = 4
SAMPLES = 500
ROUNDS = 3
DOMAINS = ("legal", "research", "medical", "coding")


def synthetic_log(task: str, model: str, skill: float, rng: random.Random) -> EvalLog:
    """A finished log whose samples carry breakdown fields and a seed question (for clusters)."""
    samples = []
    for i in range(SAMPLES):
        size = 3 + i % 6
        correct = rng.random() < skill * (1.2 - size / 10)
        samples.append(
            EvalSample(
                id=f"{task}-{i:04d}",
                epoch=1,
                input=f"question {i}",
                target="A",
                output=ModelOutput.from_content(model, "A" if correct else "B"),
                scores={"match": Score(value="C" if correct else "I")},
                metadata={
                    "domain": DOMAINS[i % 4],
                    "size": size,
                    "seed_question": f"q{i // 5}",
                },
                model_usage={model: ModelUsage(input_tokens=50, output_tokens=5, total_tokens=55)},
                total_time=0.5,
            )
        )
    accuracy = sum(s.scores["match"].value == "C" for s in samples) / SAMPLES
    return EvalLog(
        status="success",
        eval=EvalSpec(
            created="2026-01-01T00:00:00+00:00",
            task=task,
            task_id=f"{task}-id",
            dataset=EvalDataset(name=task, samples=SAMPLES),
            model=model,
            config=EvalConfig(),
            packages={"inspect_ai": "0.3.285", "trustbench": "0.1.0"},
            metadata=ReportSpec(headline="accuracy", breakdowns=("domain", "size")).metadata(),
        ),
        results=EvalResults(
            total_samples=SAMPLES,
            completed_samples=SAMPLES,
            scores=[
                EvalScore(
                    name="match",
                    scorer="match",
                    scored_samples=SAMPLES,
                    unscored_samples=0,
                    metrics={"accuracy": EvalMetric(name="accuracy", value=accuracy)},
                )
            ],
        ),
        stats=EvalStats(
            started_at="2026-01-01T00:00:00+00:00",
            completed_at="2026-01-01T00:01:00+00:00",
            model_usage={
                model: ModelUsage(input_tokens=25_000, output_tokens=2_500, total_tokens=27_500)
            },
        ),
        samples=samples,
    )


def write_log(log_dir: Path, t: int, m: int) -> None:
    rng = random.Random(t * 1000 + m)
    log = synthetic_log(f"task_{t}", f"synthetic/model-{m}", 0.4 + m / 20, rng)
    write_eval_log(log, str(log_dir / f"task_{t}_model_{m}.eval"))


def write_logs(log_dir: Path) -> None:
    """Writing a 500-sample log takes about a second: spread it over two processes."""
    with ProcessPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(write_log, log_dir, t, m) for t in range(TASKS) for m in range(MODELS)]
        for job in jobs:
            job.result()


def main() -> None:
    from trustbench.report import build_report

    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "logs"
        log_dir.mkdir()
        start = time.perf_counter()
        write_logs(log_dir)
        print(
            f"wrote {MODELS * TASKS} logs × {SAMPLES} samples in {time.perf_counter() - start:.1f} s"
        )
        times = []
        for i in range(ROUNDS):
            start = time.perf_counter()
            build_report(
                [log_dir],
                baseline="synthetic/model-0",
                out_dir=Path(tmp) / f"report-{i}",
                formats=["html", "md", "csv", "json"],
            )
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(
            f"report build ({MODELS} models × {TASKS} tasks × {SAMPLES} samples, all formats): "
            f"median {median:.2f} s over {ROUNDS} runs (target < 30 s)"
        )
        sys.exit(0 if median < 30 else 1)


if __name__ == "__main__":
    main()
