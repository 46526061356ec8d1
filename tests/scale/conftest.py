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
    # workers read provider keys from their own environment, as on a real cluster; the
    # search "provider" of these tests is a server on loopback
    os.environ["SERPER_API_KEY"] = "loopback"


@pytest.fixture(scope="session")
def ray_cluster(guarded_ray_workers: None):
    """One local Ray instance for the tests that share it (the executor joins a running one)."""
    import logging

    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield ray
    ray.shutdown()
