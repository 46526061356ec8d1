"""Uncertainty: seeded (clustered) bootstrap intervals for means and paired differences, and
McNemar's exact test. Seeded so that a report rebuilt from the same logs is byte-identical."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

SEED = 20_240_917
RESAMPLES = 2_000
LEVEL = 0.95
_BLOCK_CELLS = 2_000_000
"""At most this many resampled indices are held at once, so large samples stay in memory."""


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float | None
    high: float | None
    n: int
    clusters: int


def bootstrap_mean(
    values: np.ndarray,
    clusters: np.ndarray | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Estimate:
    """Mean with a percentile bootstrap interval.

    With `clusters` (e.g. the seed question several samples were derived from), whole clusters
    are resampled and the mean is their pooled ratio: samples of one cluster are not independent,
    and treating them so would make the interval too narrow.
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return Estimate(math.nan, None, None, 0, 0)
    codes = np.arange(n) if clusters is None else pd.factorize(np.asarray(clusters))[0]
    sums = np.bincount(codes, weights=values)
    counts = np.bincount(codes).astype(float)
    k = len(sums)
    rng = np.random.default_rng(seed)
    estimates = []
    block = max(1, _BLOCK_CELLS // k)
    for start in range(0, resamples, block):
        idx = rng.integers(0, k, size=(min(block, resamples - start), k))
        estimates.append(sums[idx].sum(axis=1) / counts[idx].sum(axis=1))
    low, high = np.quantile(np.concatenate(estimates), [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return Estimate(float(values.mean()), float(low), float(high), n, k)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs: `b` passed only under the
    baseline, `c` only under the other model. Exact (binomial), since discordant counts on small
    task sets are far too low for the chi-squared approximation."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**n)
