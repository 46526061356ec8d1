"""Shared test setup: the network guard, an isolated environment, and the example plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SUPPORT = Path(__file__).parent / "support"
sys.path.insert(0, str(SUPPORT))

import netguard  # noqa: E402

netguard.install()

REPO = Path(__file__).resolve().parents[1]
UPSTREAM_MIRROR = os.environ.pop("TRUSTBENCH_DATA", None)
"""The full upstream data (CI points TRUSTBENCH_DATA at it). Taken out of the environment so that
every other test runs the same with or without it; `upstream_mirror` hands it to the tests that
check against it."""
EXAMPLE_PLUGIN = Path(__file__).parent / "plugins" / "example_plugin"


@pytest.fixture(autouse=True)
def no_network() -> Iterator[None]:
    """Fails the test if it tried to reach anything but loopback, even if the error was caught."""
    before = len(netguard.violations)
    yield
    new = netguard.violations[before:]
    assert not new, f"test tried to leave loopback: {new}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the mirror is an `upstream_data` test."""
    for item in items:
        if "upstream_mirror" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.upstream_data)


@pytest.fixture
def upstream_mirror() -> Path:
    """The full upstream data mirror, or a skip that says how to provide it."""
    if not UPSTREAM_MIRROR:
        pytest.skip("needs the full upstream data: set TRUSTBENCH_DATA to a mirror")
    return Path(UPSTREAM_MIRROR)


@pytest.fixture(autouse=True, scope="session")
def isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No tokenizer downloads, no writes into the checkout's results/, no hub access."""
    saved = dict(os.environ)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("tiktoken-empty"))
    os.environ["TRUSTBENCH_RESULTS"] = str(tmp_path_factory.mktemp("results"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["INSPECT_LOG_DIR"] = str(tmp_path_factory.mktemp("inspect-logs"))
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def example_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Installs the example plugin into a private site-packages folder (the venv is untouched).

    The folder is named site-packages because that is how Inspect tells an installed package
    (whose tasks are namespaced `package/task`) from a loose file.
    """
    target = tmp_path_factory.mktemp("plugin") / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(EXAMPLE_PLUGIN),
        ],
        check=True,
    )
    sys.path.insert(0, str(target))
    from trustbench.catalog import load_catalog

    load_catalog.cache_clear()
    return target
