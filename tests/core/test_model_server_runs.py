"""`trustbench run` against a fake OpenAI-compatible server on loopback that dies in the middle
of the run, answers 500 forever, rejects requests (400 context length), hangs, or drops native
tools: each run ends with a clear message and the right exit code, and re-running resumes."""

import os
import signal
import subprocess
import time

import pytest
from fake_openai import CONTEXT_MESSAGE, fake_openai_server
from inspect_ai.log import list_eval_logs, read_eval_log

from helpers import guarded_env, venv_bin
from trustbench.providers.tool_text import format_call

pytestmark = pytest.mark.slow

MODEL = "openai-api/fake/m"
MAPS = 6
PLANNING = [
    "trustbench/visual_planning",
    "-T",
    "representation=grid",
    "-T",
    "sizes=[3]",
    "-T",
    f"n_per_size={MAPS}",
]
STOPPED = ("cancelled", "error")
"""How Inspect records a run the failure stop ended: cancelled, or error when a sample's own
failure reached it first (a race on a loaded machine); either way the run is not a success."""
QUICK = ["--timeout", "3", "--max-retries", "1", "--max-samples", "2", "--display", "none"]


def run(server, log_dir, *args, timeout=240):
    env = guarded_env(FAKE_BASE_URL=server.base_url, FAKE_API_KEY="unused")
    command = [venv_bin("trustbench"), "run", *args, "--model", MODEL, "--log-dir", str(log_dir)]
    started = time.monotonic()
    done = subprocess.run(
        [*command, *QUICK, "--no-report"], env=env, capture_output=True, text=True, timeout=timeout
    )
    return done, time.monotonic() - started


def the_log(log_dir):
    [info] = list_eval_logs(str(log_dir))
    return read_eval_log(info)


def test_a_server_that_dies_mid_run_ends_it_and_a_rerun_resumes(tmp_path):
    with fake_openai_server(switch_after=3) as server:  # the ping and two answers, then dead
        done, _ = run(server, tmp_path, *PLANNING)
    assert done.returncode != 0
    assert f"{MODEL} at {server.base_url}" in done.stderr
    assert "has not answered for 3 s" in done.stderr and "re-run the same command" in done.stderr
    log = the_log(tmp_path)
    assert log.status in STOPPED
    finished = [s.id for s in log.samples if s.error is None]
    assert len(finished) == 2
    with fake_openai_server() as restarted:
        again, _ = run(restarted, tmp_path, *PLANNING)
    assert again.returncode == 0, again.stderr
    log = the_log(tmp_path)
    assert log.status == "success" and len(log.samples) == MAPS
    assert len(restarted.requests) == 1 + MAPS - len(finished)  # the ping, then the rest only


def test_a_server_answering_500_forever_ends_the_run_with_its_message(tmp_path):
    with fake_openai_server(switch_after=1, then="error_500") as server:
        done, seconds = run(server, tmp_path, *PLANNING)
    assert done.returncode != 0
    assert "internal server error: failed to process the request" in done.stderr
    assert the_log(tmp_path).status in STOPPED
    assert server.received <= 1 + 2 * 4  # the ping, two samples in flight, two tries each
    assert seconds < 120


def test_a_hung_server_ends_the_run_within_the_timeout(tmp_path):
    with fake_openai_server(switch_after=1, then="hang") as server:
        done, seconds = run(server, tmp_path, *PLANNING)
    assert done.returncode != 0
    assert "no answer within 3 s" in done.stderr
    assert seconds < 120


def test_rejected_requests_fail_their_samples_at_once_and_the_run_goes_on(tmp_path):
    with fake_openai_server(switch_after=3, then="context_400") as server:
        done, _ = run(server, tmp_path, *PLANNING, "--max-tokens", "99")
    assert done.returncode == 1 and "FAILED" in done.stderr
    log = the_log(tmp_path)
    assert log.status == "error" and log.results.completed_samples == 2
    errors = [s.error.message for s in log.samples if s.error]
    assert len(errors) == MAPS - 2
    assert all(CONTEXT_MESSAGE in e and "rejected the request" in e for e in errors)
    assert server.received == 1 + MAPS  # no request was retried, no task re-run
    assert [r["max_tokens"] for r in server.requests[1:]] == [99, 99]
    assert log.plan.config.max_tokens == 99


@pytest.mark.xfail(
    reason="open defect: with both cores busy (make test's two pytest processes) the SIGINT is "
    "sometimes not honoured within 60 s; it passes alone and on an idle machine",
    strict=False,
)
def test_ctrl_c_stops_a_run_waiting_on_a_hung_server_within_seconds(tmp_path):
    with fake_openai_server(switch_after=1, then="hang") as server:
        env = guarded_env(FAKE_BASE_URL=server.base_url, FAKE_API_KEY="unused")
        command = [venv_bin("trustbench"), "run", *PLANNING, "--model", MODEL]
        command += ["--log-dir", str(tmp_path), "--display", "none", "--no-report"]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while server.received < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.received >= 2, "the run never reached the hung request"
        os.kill(process.pid, signal.SIGINT)
        interrupted = time.monotonic()
        process.wait(timeout=60)
    assert time.monotonic() - interrupted < 30
    assert process.returncode != 0
    assert the_log(tmp_path).status == "cancelled"


def test_os_harm_on_a_server_without_native_tools_calls_tools_in_text(tmp_path):
    def agent(request):
        system = request["messages"][0]["content"]
        if "report_number" in str(request["messages"]):
            return "7"
        assert "You can use these tools" in system
        return format_call("done", {})

    with fake_openai_server(native_tools=False, reply=agent) as server:
        done, _ = run(
            server,
            tmp_path,
            "trustbench/os_harm",
            "-T",
            "dataset=sample",
            "-T",
            "max_steps=2",
            "--limit",
            "2",
        )
    assert done.returncode == 0, done.stderr
    log = the_log(tmp_path)
    served = log.eval.metadata["served_models"][MODEL]
    assert (served["tool_protocol"], served["tool_protocol_source"]) == ("text", "probe")
    for sample in log.samples:
        calls = [c for m in sample.messages if m.role == "assistant" for c in m.tool_calls or []]
        assert [c.function for c in calls] == ["done"]
        assert sample.scores["os_harm_scorer"].metadata["tool_calls"] == 1
    assert "tools" not in server.requests[-1]
