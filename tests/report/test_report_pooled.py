"""Intervals that cannot be impossible: a pooled rate (HalluHard's hallucinated claims over judged
claims, averaged over domains) is bootstrapped by resampling samples and recomputing the rate,
never as a mean of per-sample counts; an interval outside the metric's range fails here."""

import json

import numpy as np
import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import get_model
from inspect_ai.scorer import Metric, SampleScore, Score, Target, metric, scorer
from inspect_ai.solver import TaskState, generate

from trustbench.report import build_report
from trustbench.report.stats import bootstrap_mean, bootstrap_ratio
from trustbench.report_spec import Aggregation, ReportSpec

CONVERSATIONS = [  # id, domain, hallucinated claims, judged claims
    ("a1", "legal", 2, 2),
    ("a2", "legal", 3, 3),
    ("a3", "legal", 0, 0),
    ("b1", "medical", 1, 4),
    ("b2", "medical", 0, 2),
    ("b3", "medical", 3, 3),
]
"""Legal 5/5 = 1.0, medical 4/9: the headline is (1 + 4/9) / 2 = 13/18. The issue's impossible
interval came from bootstrapping the counts (2, 3, 0, ...) as if they were the rate."""
RATE = (1 + 4 / 9) / 2


@metric
def pooled_rate() -> Metric:
    def compute(scores: list[SampleScore]) -> float:
        rates = []
        for domain in ("legal", "medical"):
            metas = [s.score.metadata for s in scores if s.sample_metadata["domain"] == domain]
            judged = sum(m["judged"] for m in metas)
            if judged:  # Inspect also computes metrics on the scores so far
                rates.append(sum(m["hallucinated"] for m in metas) / judged)
        return float(np.mean(rates)) if rates else float("nan")

    return compute


@scorer(metrics=[pooled_rate()])
def judged_claims():
    counts = {cid: (bad, judged) for cid, _, bad, judged in CONVERSATIONS}

    async def score(state: TaskState, target: Target) -> Score:
        bad, judged = counts[str(state.sample_id)]
        return Score(value=bad, metadata={"hallucinated": bad, "judged": judged})

    return score


def pooled_task() -> Task:
    spec = ReportSpec(
        headline="pooled_rate",
        breakdowns=("domain",),
        aggregation=Aggregation(
            kind="ratio", numerator="hallucinated", denominator="judged", strata="domain"
        ),
    )
    samples = [
        Sample(id=cid, input="q", target="x", metadata={"domain": domain})
        for cid, domain, _, _ in CONVERSATIONS
    ]
    return Task(
        name="pooled",
        dataset=MemoryDataset(samples),
        solver=generate(),
        scorer=judged_claims(),
        metadata=spec.metadata(),
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    logs = tmp_path_factory.mktemp("pooled-logs")
    eval(pooled_task(), model=get_model("scripted/echo"), display="none", log_dir=str(logs))
    return build_report([logs], out_dir=tmp_path_factory.mktemp("pooled-report"))


def test_a_pooled_rate_gets_an_interval_inside_its_range(report):
    [row] = report.overview
    assert row.metric == "pooled_rate" and row.value == pytest.approx(RATE)
    assert 0.0 <= row.ci_low <= row.value <= row.ci_high <= 1.0
    assert row.ci_low < row.ci_high and not row.flags


def test_a_breakdown_group_is_its_own_pooled_rate(report):
    rows = json.loads(report.files["json"].read_text())["rows"]
    groups = {r["group"]: r for r in rows if r["section"] == "breakdown"}
    assert groups["domain=legal"]["value"] == 1.0
    assert groups["domain=medical"]["value"] == pytest.approx(4 / 9)
    assert all(0.0 <= r["ci_low"] <= r["ci_high"] <= 1.0 for r in groups.values())


@pytest.mark.parametrize("seed", range(20))
def test_random_pooled_rates_never_leave_their_range(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    judged = rng.integers(0, 6, n)
    bad = rng.binomial(judged, rng.random())
    strata = rng.choice(["x", "y", "z"], n)
    clusters = rng.integers(0, max(1, n // 2), n).astype(str)
    estimate = bootstrap_ratio(bad, judged, clusters, strata, resamples=300)
    if judged.sum() == 0:
        assert estimate.low is None and estimate.high is None
        return
    assert 0.0 <= estimate.low <= estimate.value <= estimate.high <= 1.0


def test_a_mean_is_the_pooled_ratio_over_ones():
    values = np.array([0, 1, 1, 0, 1])
    assert bootstrap_mean(values) == bootstrap_ratio(values, np.ones(5))
