"""Views: a task gets a section from the fields it declares, and its own view from its plugin's
declaration."""

import subprocess
import sys
from pathlib import Path

from helpers import guarded_env, venv_bin

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

import report_logs  # noqa: E402

from trustbench.report import build_report, per_task  # noqa: E402
from trustbench.tasks.visual_planning.report_view import planning_view  # noqa: E402


def test_a_new_task_gets_a_section_from_its_declared_fields(tmp_path, tmp_path_factory):
    """`report_quiz` is defined only in the tests: the report code has never heard of it."""
    result = build_report([report_logs.synthetic_logs(tmp_path_factory)], out_dir=tmp_path)
    md = result.files["md"].read_text()
    assert "### report_quiz: mean by domain" in md
    assert "| law | 1.000 [1.000, 1.000] n=3 | 0.667 [0.500, 1.000] n=3 |" in md
    assert "![report_quiz: mean by domain](plots/report-quiz-mean-by-domain.png)" in md


def test_a_plugin_s_view_comes_first_in_its_task_section(tmp_path, example_plugin):
    """The example plugin declares its view; the report finds it through the plugin registry."""
    env = guarded_env(example_plugin)
    logs, out = tmp_path / "logs", tmp_path / "report"
    models = "scripted/example-parrot,scripted/refuse"
    ran = subprocess.run(
        [venv_bin("trustbench"), "run", "greeting", "--model", models, "--log-dir", str(logs),
         "--no-report", "--display", "none"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    report = subprocess.run(
        [venv_bin("trustbench"), "report", str(logs), "--out", str(out), "--format", "md"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    md = (out / "report.md").read_text()
    section = md[md.index("## greeting") :]
    assert section.index("### greeting: samples said back") < section.index("all logged metrics")
    assert "| scripted/example-parrot | 3.000 |" in section
    assert "| scripted/refuse | 0.000 |" in section


def test_a_task_without_a_view_gets_none(tmp_path, tmp_path_factory):
    """`report_quiz` is known to no plugin: the lookup finds nothing, and raises nothing."""
    assert per_task.view_for("report_quiz") is None
    assert per_task.view_for("trustbench/visual_planning") is planning_view
    assert per_task.view_for("visual_planning") is planning_view  # a log run from a file
    assert per_task.view_for("another_package/visual_planning") is None


def test_task_views_load_only_for_the_tasks_in_the_report(tmp_path, tmp_path_factory):
    """The report imports no task code itself: it finds a task's view through the plugin
    declarations, and imports the view module of a task only when its logs are reported."""
    logs = report_logs.planning_logs(tmp_path_factory)
    code = (
        "import sys; from trustbench.report import build_report; "
        f"build_report([{str(logs)!r}], out_dir={str(tmp_path)!r}, formats='csv'); "
        "print(sorted(m for m in sys.modules if m.endswith('report_view')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=guarded_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['trustbench.tasks.visual_planning.report_view']"
