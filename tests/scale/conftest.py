"""Ray on loopback only, and guarded: the workers of a local cluster inherit this environment,
so they load the network guard as the test process does."""

from __future__ import annotations

import os
import subprocess

import pytest

from helpers import guarded_env, venv_bin


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


PLANNING = ["trustbench/visual_planning", "-T", "sizes=[3]", "-T", "n_per_size=4"]
"""Four maps: two shards of two with `--shard-size 2`."""


@pytest.fixture
def run_on_ray(tmp_path):
    """`trustbench run PLANNING --executor ray` in a fresh process (with its own local Ray);
    its reports go under `tmp_path/results`."""

    def run(log_dir: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        command = [venv_bin("trustbench"), "run", *PLANNING, *args, "--log-dir", log_dir]
        command += ["--executor", "ray", "--workers", "2", "--shard-size", "2"]
        environment = guarded_env(TRUSTBENCH_RESULTS=str(tmp_path / "results"), **env)
        return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)

    return run
