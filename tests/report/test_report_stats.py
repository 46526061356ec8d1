"""Bootstrap intervals and McNemar's exact test against values worked out by hand."""

import numpy as np
import pytest

from trustbench.report.stats import bootstrap_mean, mcnemar_exact


def test_mean_and_degenerate_intervals():
    ones = bootstrap_mean(np.ones(7))
    assert (ones.value, ones.low, ones.high, ones.n) == (1.0, 1.0, 1.0, 7)
    empty = bootstrap_mean(np.array([]))
    assert empty.n == 0 and empty.low is None and empty.high is None


def test_seeded_so_reports_are_reproducible():
    values = np.array([0, 1, 1, 0, 1, 0.5, 1, 0])
    assert bootstrap_mean(values) == bootstrap_mean(values)


def test_clusters_widen_the_interval_as_computed_by_hand():
    """Four seed questions, two samples each, both right or both wrong. Independent samples:
    P(mean ≤ 1/8) ≈ 3.5 % > 2.5 %, so the interval is [1/8, 7/8]. By cluster: P(mean = 0) =
    (1/2)^4 = 6.25 % > 2.5 %, so the interval is [0, 1]."""
    values = np.array([1, 1, 0, 0, 1, 1, 0, 0])
    plain = bootstrap_mean(values)
    clustered = bootstrap_mean(values, np.array(list("aabbccdd")))
    assert plain.value == clustered.value == 0.5
    assert (plain.low, plain.high) == (0.125, 0.875)
    assert (clustered.low, clustered.high, clustered.clusters) == (0.0, 1.0, 4)


@pytest.mark.parametrize(
    "b,c,p",
    [
        (0, 0, 1.0),
        (1, 9, 2 * (1 + 10) / 2**10),
        (9, 1, 2 * (1 + 10) / 2**10),
        (10, 0, 2 / 2**10),
        (5, 5, 1.0),
        (2, 1, 1.0),
    ],
)
def test_mcnemar_exact_matches_the_binomial_by_hand(b, c, p):
    assert mcnemar_exact(b, c) == pytest.approx(p)


def test_mcnemar_on_many_pairs_stays_a_probability():
    assert 0 < mcnemar_exact(300, 200) < 1e-3
