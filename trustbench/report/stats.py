"""Uncertainty: seeded (clustered, stratified) bootstrap intervals for means, pooled ratios and
paired differences, and McNemar's exact test. Seeded so that a report rebuilt from the same logs is byte-identical."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

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
    values: ArrayLike,
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
    array = np.asarray(values, dtype=float)
    return bootstrap_ratio(array, np.ones(len(array)), clusters, resamples=resamples, seed=seed)


def bootstrap_ratio(
    numerators: np.ndarray,
    denominators: np.ndarray,
    clusters: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Estimate:
    """A pooled ratio (sum of numerators over sum of denominators) with a percentile bootstrap
    interval: samples (or whole clusters) are resampled and the ratio recomputed, so the
    interval lies within the range of the ratio itself.

    With `strata`, the estimate is the unweighted mean over strata of each stratum's pooled
    ratio, as a metric averaged over domains is; units are resampled within their stratum (the
    design fixes how many each stratum has), and a stratum with nothing to divide by in a
    resample is left out of it, as the metric leaves it out.
    """
    numerators = np.asarray(numerators, dtype=float)
    denominators = np.asarray(denominators, dtype=float)
    n = len(numerators)
    if n == 0:
        return Estimate(math.nan, None, None, 0, 0)
    units = np.arange(n) if clusters is None else pd.factorize(np.asarray(clusters))[0]
    layers = np.zeros(n, dtype=int) if strata is None else pd.factorize(np.asarray(strata))[0]
    keys = pd.factorize(pd.Series(list(zip(layers, units, strict=True))))[0]
    num = np.bincount(keys, weights=numerators)
    den = np.bincount(keys, weights=denominators)
    layer_of = np.zeros(len(num), dtype=int)
    layer_of[keys] = layers
    rng = np.random.default_rng(seed)
    ratios, points = [], []
    for layer in range(layer_of.max() + 1):
        members = np.flatnonzero(layer_of == layer)
        points.append(_ratio(num[members].sum(), den[members].sum()))
        ratios.append(_resampled_ratios(num[members], den[members], rng, resamples))
    value = float(_mean_present(np.array([points]))[0])
    replicates = _mean_present(np.vstack(ratios).T)
    replicates = replicates[~np.isnan(replicates)]
    if math.isnan(value) or not len(replicates):
        return Estimate(value, None, None, n, len(num))
    low, high = np.quantile(replicates, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return Estimate(value, float(low), float(high), n, len(num))


def _mean_present(rows: np.ndarray) -> np.ndarray:
    """Each row's mean over its non-NaN entries (NaN for a row with none)."""
    present = ~np.isnan(rows)
    counts = present.sum(axis=1)
    totals = np.where(present, rows, 0.0).sum(axis=1)
    return np.divide(totals, counts, out=np.full(len(rows), math.nan), where=counts > 0)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def _resampled_ratios(
    num: np.ndarray, den: np.ndarray, rng: np.random.Generator, resamples: int
) -> np.ndarray:
    """The pooled ratio of `resamples` resamples of the units (NaN where nothing divides)."""
    k = len(num)
    out = []
    block = max(1, _BLOCK_CELLS // k)
    for start in range(0, resamples, block):
        idx = rng.integers(0, k, size=(min(block, resamples - start), k))
        totals = den[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.where(totals > 0, num[idx].sum(axis=1) / totals, np.nan))
    return np.concatenate(out)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs: `b` passed only under the
    baseline, `c` only under the other model. Exact (binomial), since discordant counts on small
    task sets are far too low for the chi-squared approximation."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**n)
