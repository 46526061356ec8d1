"""Warnings when two judges of the same runs disagree too often (e.g. OS-Harm's LLM judge and
its deterministic rules): any task that logs `agreement/<what>` metrics gets them."""

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
