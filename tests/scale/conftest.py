"""Ray on loopback only, and guarded: the workers of a local cluster inherit this environment,
so they load the network guard as the test process does."""

from __future__ import annotations

import os

import pytest

from helpers import guarded_env


@pytest.fixture(autouse=True, scope="session")
def guarded_ray_workers(isolated_environment: None) -> None:
    from trustbench.scale.executor import LOOPBACK_ONLY

    os.environ[LOOPBACK_ONLY] = "0"
    os.environ["PYTHONPATH"] = guarded_env()["PYTHONPATH"]
