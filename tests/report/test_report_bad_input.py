"""Bad input: no logs, errored and incomplete runs, mixed versions, retried attempts."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

import report_logs  # noqa: E402

from trustbench.errors import TrustbenchError  # noqa: E402
from trustbench.report import build_report  # noqa: E402
from trustbench.report.results import FROM_SAMPLES  # noqa: E402


def test_missing_or_empty_log_dir_is_a_clear_error(tmp_path):
    with pytest.raises(TrustbenchError, match="Log directory not found"):
        build_report([tmp_path / "nope"], out_dir=tmp_path / "out")
    with pytest.raises(TrustbenchError, match=r"No Inspect logs in .*trustbench run"):
        build_report([tmp_path], out_dir=tmp_path / "out")


def test_unknown_baseline_or_format_lists_the_choices(tmp_path, tmp_path_factory):
    logs = report_logs.planning_logs(tmp_path_factory)
    with pytest.raises(TrustbenchError, match="not a model in these logs.*gridworld-bfs"):
        build_report([logs], baseline="openai/gpt-x", out_dir=tmp_path)
    with pytest.raises(TrustbenchError, match="Choose from: html, md, csv, json"):
        build_report([logs], out_dir=tmp_path, formats="html,pdf")


def test_errored_run_is_shown_with_its_status(tmp_path, tmp_path_factory):
    result = build_report([report_logs.errored_logs(tmp_path_factory)], out_dir=tmp_path)
    [row] = result.overview
    assert (row.status, row.value, row.n, row.errors, row.planned) == ("error", None, 0, 3, 3)
    assert "status error" in row.flags
    assert any("report_errors on scripted/script is error" in w for w in result.warnings)
    html = result.files["html"].read_text()
    assert '<td data-sort="error" class="bad">error</td>' in html
    assert "No metrics: these runs have no results." in html


def test_incomplete_run_reports_the_samples_it_has(tmp_path, tmp_path_factory):
    result = build_report([report_logs.incomplete_logs(tmp_path_factory)], out_dir=tmp_path)
    [row] = result.overview
    kept = report_logs.INCOMPLETE_KEPT
    assert (row.status, row.n, row.value) == ("cancelled", kept, pytest.approx(10 / kept))
    assert FROM_SAMPLES in row.flags and "status cancelled" in row.flags


def test_mixed_versions_are_allowed_but_flagged(tmp_path, tmp_path_factory):
    result = build_report([report_logs.mixed_version_logs(tmp_path_factory)], out_dir=tmp_path)
    assert "Mixed trustbench version across the report: 0.1.0, 9.9.9." in result.warnings
    assert "Mixed dataset version in visual_planning: -, v2." in result.warnings
    for row in result.overview:
        assert {"mixed trustbench version", "mixed dataset version"} <= set(row.flags)
    html = result.files["html"].read_text()
    assert '<td data-sort="9.9.9" class="warn">9.9.9</td>' in html


def test_older_attempts_and_duplicates_are_named_not_dropped(tmp_path, tmp_path_factory):
    """The cancelled copy shares its task id with the finished run (a retry): set aside, and
    said so. The mixed-version copies are runs of their own: shown, but not compared twice."""
    dirs = [
        report_logs.planning_logs(tmp_path_factory),
        report_logs.incomplete_logs(tmp_path_factory),
        report_logs.mixed_version_logs(tmp_path_factory),
    ]
    result = build_report(dirs, out_dir=tmp_path)
    assert any(
        w.startswith("Set aside an earlier attempt (cancelled)") and "report-small-maps" in w
        for w in result.warnings
    )
    assert len(result.overview) == 5
    duplicates = [r for r in result.overview if "older duplicate (not compared)" in r.flags]
    assert {r.model for r in duplicates} == {"scripted/gridworld-bfs", "scripted/gridworld-random"}
