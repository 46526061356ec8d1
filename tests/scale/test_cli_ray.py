"""`trustbench run --executor ray` from the command line: exit 1 exactly when a shard's log is
not `success`, and one report over the shards."""

import json
import subprocess

import pytest
import yaml

from helpers import guarded_env, venv_bin


def run(tmp_path, script, name):
    command = [
        venv_bin("trustbench"),
        "run",
        "trustbench/visual_planning",
        "--model",
        "scripted/script",
        "-M",
        f"file={script}",
        "-T",
        "sizes=[3]",
        "-T",
        "n_per_size=4",
        "--executor",
        "ray",
        "--workers",
        "2",
        "--shard-size",
        "2",
        "--log-dir",
        str(tmp_path / name),
        "--display",
        "none",
    ]
    env = guarded_env(TRUSTBENCH_RESULTS=str(tmp_path / "results"))
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def script(tmp_path, ids):
    path = tmp_path / f"script-{len(ids)}.yaml"
    path.write_text(yaml.safe_dump({"by_sample": {i: ["R"] for i in ids}}))
    return path


@pytest.mark.slow
def test_exit_code_follows_the_shard_logs_and_the_report_reads_them_as_one_run(tmp_path):
    every = [f"3x3-{i:03d}" for i in range(4)]
    good = run(tmp_path, script(tmp_path, every), "good")
    assert good.returncode == 0, good.stderr
    rows = json.loads(next((tmp_path / "results" / "reports").glob("*/report.json")).read_text())
    [overview] = [r for r in rows["rows"] if r["section"] == "overview" and r["n"] is not None]
    assert overview["n"] == 4 and overview["model"] == "scripted/script"

    half = run(tmp_path, script(tmp_path, every[:2]), "half")
    assert half.returncode == 1
    assert "FAILED trustbench/visual_planning on scripted/script: error" in half.stderr
    assert "sample '3x3-002'" in half.stderr
