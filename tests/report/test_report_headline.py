"""Per-sample values: converted as Inspect's metrics convert them, dict scores by key."""

import math

import pytest

from trustbench.report.headline import Headline, sample_value

HEADLINE = Headline(scorer="judge", score="grounded", metric="mean", value=None)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("C", 1.0),
        ("I", 0.0),
        ("P", 0.5),
        (0.25, 0.25),
        (True, 1.0),
        ('{"grounded": 0.75, "cited": "C"}', 0.75),
        ({"grounded": "C"}, 1.0),
    ],
)
def test_values(raw, expected):
    assert sample_value(raw, HEADLINE) == expected


@pytest.mark.parametrize("raw", [None, math.nan, '{"cited": 1}', "[1, 2]", "{not json"])
def test_missing_or_unusable_scores_are_nan(raw):
    assert math.isnan(sample_value(raw, HEADLINE))
