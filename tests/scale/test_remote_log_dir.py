"""A run's log directory on S3: shards write their logs to an S3-compatible server (moto, on
loopback), a re-run finds them there, and the report reads them back as one run."""

import json

import boto3
import pytest
from moto.server import ThreadedMotoServer

BUCKET = "trustbench-runs"


@pytest.fixture
def s3(monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"])
    client.create_bucket(Bucket=BUCKET)
    yield client, env
    server.stop()


@pytest.mark.slow
def test_shard_logs_go_to_s3_and_a_rerun_skips_them(s3, run_on_ray, tmp_path):
    client, env = s3
    log_dir = f"s3://{BUCKET}/runs/planning"
    first = run_on_ray(log_dir, "--model", "scripted/gridworld-bfs", **env)
    assert first.returncode == 0, first.stderr
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    logs = [k for k in keys if k.endswith(".eval")]
    assert len(logs) == 2 and all(k.startswith("runs/planning/shards/") for k in logs)
    report = json.loads(next((tmp_path / "results" / "reports").glob("*/report.json")).read_text())
    [overview] = [r for r in report["rows"] if r["section"] == "overview" and r["n"] is not None]
    assert overview["n"] == 4 and overview["value"] == 1.0

    again = run_on_ray(log_dir, "--model", "scripted/gridworld-bfs", **env)
    assert again.returncode == 0, again.stderr
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert sorted(k for k in keys if k.endswith(".eval")) == sorted(logs)
