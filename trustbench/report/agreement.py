"""Warnings about how far a judged number can be trusted: two judges of the same runs that
disagree too often (any task that logs `agreement/<what>` metrics), samples whose judge gave
no verdict so a fallback decided (`judge_fell_back`, `judge_failed`), and samples where a
program could not run because no sandbox could be made (`sandbox_refusals`)."""

from __future__ import annotations

from trustbench.report.runs import Run

AGREEMENT_FLOOR = 0.8
"""Below this share of samples on which the judges agree, their numbers need a closer look."""


def agreement_warnings(runs: list[Run], floor: float = AGREEMENT_FLOOR) -> list[str]:
    warnings = []
    for run in runs:
        for score in run.log.results.scores if run.log.results else []:
            for name, metric in score.metrics.items():
                if name.startswith("agreement/") and metric.value < floor:
                    warnings.append(
                        f"{run.label} on {run.model}: judges agree on only {metric.value:.0%} "
                        f"of samples for {name.removeprefix('agreement/')} (below "
                        f"{floor:.0%}); check the per-sample verdicts before using these numbers."
                    )
    return warnings


COUNTED = {
    "judge_fell_back": "the judge gave no valid verdict after its retries, so the rules decided",
    "judge_failed": "the grader call failed, so the rules decided",
    "sandbox_refusals": "a program the agent started was refused because no sandbox could be made",
}
"""Per-sample counts a task may log, and what each says about its numbers."""


def counted_warnings(runs: list[Run]) -> list[str]:
    warnings = []
    for run in runs:
        for score in run.log.results.scores if run.log.results else []:
            for name, why in COUNTED.items():
                metric = score.metrics.get(name)
                if metric is not None and metric.value > 0:
                    warnings.append(
                        f"{run.label} on {run.model}: {metric.value:.0f} sample(s) where {why}; "
                        "see the per-sample scores before using these numbers."
                    )
    return warnings
