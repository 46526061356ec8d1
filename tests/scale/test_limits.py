"""Provider limits that hold across the cluster: the gate's bookkeeping, the wrapper around
each provider call, and the gate shared by the workers of a real local cluster."""

import asyncio
import os
import time
from types import SimpleNamespace

import pytest

from trustbench.catalog import load_catalog
from trustbench.errors import TrustbenchError
from trustbench.runner import plan_run
from trustbench.scale.executor import execute_on_ray
from trustbench.scale.limits import WINDOW_S, ProviderGate, ProviderLimit, parse_limit
from trustbench.scale.worker import gated, rate_limit_of


def test_limits_parse_from_the_command_line_and_bad_ones_say_how_to_write_them():
    assert parse_limit("openai:connections=20,rpm=500,tpm=200000") == (
        "openai",
        ProviderLimit(20, 500, 200000),
    )
    for bad in ("openai", "openai:", "openai:rpm=0", "openai:qps=3", ":rpm=3", "openai:rpm=x"):
        with pytest.raises(TrustbenchError, match="PROVIDER:KEY=N"):
            parse_limit(bad)


def test_connections_are_capped_and_freed():
    gate = ProviderGate({"openai": ProviderLimit(max_connections=2)})
    for _ in range(2):
        assert gate.wait_time("openai", 0.0) == 0
        gate.admit("openai", 0.0)
    assert gate.wait_time("openai", 0.0) is None
    gate.release("openai", 1.0)
    assert gate.wait_time("openai", 1.0) == 0
    assert gate.stats()["openai"]["peak_in_flight"] == 2


def test_a_provider_without_a_configured_cap_gets_what_one_process_would_open():
    gate = ProviderGate({})
    assert gate.wait_time("scripted", 0.0, default_connections=1) == 0
    gate.admit("scripted", 0.0)
    assert gate.wait_time("scripted", 0.0, default_connections=1) is None
    assert gate.wait_time("other", 0.0) == 0


def test_requests_and_tokens_per_minute_hold_over_a_sliding_window():
    gate = ProviderGate({"p": ProviderLimit(requests_per_minute=2, tokens_per_minute=100)})
    gate.admit("p", 0.0)
    gate.release("p", 1.0, tokens=10)
    gate.admit("p", 5.0)
    gate.release("p", 6.0, tokens=10)
    assert gate.wait_time("p", 10.0) == pytest.approx(WINDOW_S - 10.0)
    assert gate.wait_time("p", WINDOW_S + 0.1) == 0
    gate.admit("p", 61.0)
    gate.release("p", 62.0, tokens=200)
    assert gate.wait_time("p", 70.0) == pytest.approx(62.0 + WINDOW_S - 70.0)


def test_a_429_pauses_the_provider_for_every_caller_and_backs_off_until_a_success():
    gate = ProviderGate({})
    gate.admit("p", 0.0)
    gate.release("p", 0.0, rate_limited=True)
    assert gate.wait_time("p", 0.5) == pytest.approx(0.5)
    gate.admit("p", 1.0)
    gate.release("p", 1.0, rate_limited=True)
    assert gate.wait_time("p", 1.0) == pytest.approx(2.0)
    gate.admit("p", 3.0)
    gate.release("p", 3.0, rate_limited=True, retry_after=30)
    assert gate.wait_time("p", 3.0) == pytest.approx(30.0)
    gate.admit("p", 40.0)
    gate.release("p", 40.0)
    gate.admit("p", 40.0)
    gate.release("p", 40.0, rate_limited=True)
    assert gate.wait_time("p", 40.0) == pytest.approx(1.0), "a success resets the back-off"
    assert gate.stats()["p"]["rate_limited"] == 4


class RateLimited(Exception):
    def __init__(self, retry_after: str) -> None:
        super().__init__("429 Too Many Requests")
        self.response = SimpleNamespace(status_code=429, headers={"retry-after": retry_after})


class RecordingGate:
    def __init__(self):
        self.calls = []

    async def acquire(self, provider, default_connections):
        self.calls.append(("acquire", provider, default_connections))

    def release(self, provider, tokens, rate_limited, retry_after):
        self.calls.append(("release", provider, tokens, rate_limited, retry_after))


def fake_api(answer):
    async def generate(input, tools, tool_choice, config):
        if isinstance(answer, Exception):
            raise answer
        return answer

    return SimpleNamespace(generate=generate, max_connections=lambda: 7)


def test_each_provider_call_goes_through_the_gate_and_reports_429s():
    from inspect_ai.model import GenerateConfig, ModelOutput, ModelUsage

    class Model(SimpleNamespace):
        def __str__(self):
            return "openai/gpt-x"

    output = ModelOutput.from_content("openai/gpt-x", "hi")
    output.usage = ModelUsage(input_tokens=3, output_tokens=2, total_tokens=5)
    for answer, expected in (
        (output, ("release", "openai", 5, False, None)),
        (RateLimited("12"), ("release", "openai", 0, True, 12.0)),
    ):
        gate = RecordingGate()
        model = gated(Model(api=fake_api(answer)), gate)
        call = model.api.generate([], [], "auto", GenerateConfig())
        if isinstance(answer, Exception):
            with pytest.raises(RateLimited):
                asyncio.run(call)
        else:
            assert asyncio.run(call) is output
        assert gate.calls == [("acquire", "openai", 7), expected]


def test_a_model_running_in_the_worker_is_gated_only_when_a_limit_names_it():
    class Model(SimpleNamespace):
        def __str__(self):
            return "scripted/echo"

    api = fake_api("hi")
    original = api.generate
    assert gated(Model(api=api), RecordingGate()).api.generate is original
    assert gated(Model(api=api), RecordingGate(), ("scripted",)).api.generate is not original


def test_only_429s_count_as_rate_limits():
    assert rate_limit_of(RateLimited("x")) == (True, None)
    assert rate_limit_of(SimpleNamespace(status_code=500)) == (False, None)
    assert rate_limit_of(ValueError("no status")) == (False, None)


@pytest.mark.slow
def test_one_connection_for_the_whole_cluster_means_one_call_at_a_time(ray_cluster, tmp_path):
    plan = plan_run(
        load_catalog(),
        ["trustbench/visual_planning"],
        models=["scripted/gridworld-bfs"],
        task_args={"sizes": [3], "n_per_size": 8},
        log_dir=tmp_path,
    )
    options = dict(shard_size=4, display="none", model_args={"delay": 0.2}, max_samples=4)
    capped = execute_on_ray(plan, rate_limits=["scripted:connections=1"], **options)
    assert capped.success
    assert capped.gate["scripted"] == {
        "admitted": 8,
        "in_flight": 0,
        "peak_in_flight": 1,
        "rate_limited": 0,
    }
    plan.log_dir = tmp_path / "wide"
    wide = execute_on_ray(plan, rate_limits=["scripted:connections=100"], **options)
    assert wide.success and wide.gate["scripted"]["peak_in_flight"] > 1
    plan.log_dir = tmp_path / "unlimited"
    free = execute_on_ray(plan, **options)
    assert free.success and "scripted" not in free.gate, "a model in the worker calls no service"


@pytest.mark.slow
def test_a_429_seen_by_one_worker_holds_back_another(ray_cluster):
    """Two worker processes share the gate actor: after one is told 429 (retry after 5 s), the
    other's next call waits until then."""
    from trustbench.scale.actors import GateActor

    gate = GateActor.remote({})

    @ray_cluster.remote(num_cpus=0)
    class Worker:
        def pid(self) -> int:
            return os.getpid()

        def told_429(self) -> float:
            ray_cluster.get(gate.acquire.remote("p", 8))
            ray_cluster.get(gate.release.remote("p", 0, True, 5.0))
            return time.time()

        def call(self) -> float:
            ray_cluster.get(gate.acquire.remote("p", 8))
            ray_cluster.get(gate.release.remote("p", 0, False, None))
            return time.time()

    one, other = Worker.remote(), Worker.remote()
    assert ray_cluster.get(one.pid.remote()) != ray_cluster.get(other.pid.remote())
    limited_at = ray_cluster.get(one.told_429.remote())
    assert ray_cluster.get(other.call.remote()) - limited_at >= 5.0
    assert ray_cluster.get(gate.stats.remote())["p"]["rate_limited"] == 1
