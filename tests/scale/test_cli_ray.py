"""`trustbench run --executor ray` from the command line: exit 1 exactly when a shard's log is
not `success`, and one report over the shards."""

import json

import pytest
import yaml


def script(tmp_path, ids):
    path = tmp_path / f"script-{len(ids)}.yaml"
    path.write_text(yaml.safe_dump({"by_sample": {i: ["R"] for i in ids}}))
    return path


@pytest.mark.slow
def test_exit_code_follows_the_shard_logs_and_the_report_reads_them_as_one_run(
    run_on_ray, tmp_path
):
    every = [f"3x3-{i:03d}" for i in range(4)]
    model = ["--model", "scripted/script", "--display", "none", "-M"]
    good = run_on_ray(str(tmp_path / "good"), *model, f"file={script(tmp_path, every)}")
    assert good.returncode == 0, good.stderr
    rows = json.loads(next((tmp_path / "results" / "reports").glob("*/report.json")).read_text())
    [overview] = [r for r in rows["rows"] if r["section"] == "overview" and r["n"] is not None]
    assert overview["n"] == 4 and overview["model"] == "scripted/script"

    half = run_on_ray(str(tmp_path / "half"), *model, f"file={script(tmp_path, every[:2])}")
    assert half.returncode == 1
    assert "FAILED trustbench/visual_planning on scripted/script: error" in half.stderr
    assert "sample '3x3-002'" in half.stderr or "sample '3x3-003'" in half.stderr
