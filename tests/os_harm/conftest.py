"""Samples for the OS-Harm tests: a bare clone has our authored sample set and a small excerpt
of upstream's task files (`fixtures/upstream_excerpt`); the full 150 come from the mirror
(`upstream_mirror`) and their tests are marked `upstream_data`."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from inspect_ai.dataset import Sample

from trustbench.tasks.os_harm import os_harm
from trustbench.tasks.os_harm.dataset import SampleTaskFiles, build_dataset, load_variants
from trustbench.tasks.os_harm.records import CATEGORIES

EXCERPT = Path(__file__).parent / "fixtures" / "upstream_excerpt"


@functools.cache
def bare_dataset() -> tuple[Sample, ...]:
    """The six authored samples and the upstream excerpt (24 samples): no network, no mirror."""
    authored = list(os_harm(dataset="sample").dataset)
    excerpt = build_dataset(load_variants(SampleTaskFiles(EXCERPT), CATEGORIES), None, "keep")
    return tuple(authored + list(excerpt))


@functools.cache
def full_dataset(mirror: str) -> tuple[Sample, ...]:
    return tuple(os_harm(data_dir=mirror).dataset)


@pytest.fixture
def bare_samples() -> list[Sample]:
    return list(bare_dataset())


@pytest.fixture
def excerpt() -> Path:
    """The committed excerpt of upstream's task files (`fixtures/upstream_excerpt`)."""
    return EXCERPT


@pytest.fixture
def full_samples(upstream_mirror: Path) -> list[Sample]:
    """All 150 upstream samples (only with the mirror)."""
    return list(full_dataset(str(upstream_mirror)))


@pytest.fixture(params=["bare", pytest.param("full", marks=pytest.mark.upstream_data)])
def samples(request: pytest.FixtureRequest) -> list[Sample]:
    """Every test that takes `samples` runs on the bare-clone set, and on all 150 with the
    mirror."""
    if request.param == "bare":
        return list(bare_dataset())
    return list(full_dataset(str(request.getfixturevalue("upstream_mirror"))))
