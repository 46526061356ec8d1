"""Views: a task gets a section from the fields it declares; task views plug in by name."""

import subprocess
import sys
from pathlib import Path

from helpers import guarded_env

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

import report_logs  # noqa: E402

from trustbench.report import build_report, views  # noqa: E402
from trustbench.report.model import Section, Text  # noqa: E402


def test_a_new_task_gets_a_section_from_its_declared_fields(tmp_path, tmp_path_factory):
    """`report_quiz` is defined only in the tests: the report code has never heard of it."""
    result = build_report([report_logs.synthetic_logs(tmp_path_factory)], out_dir=tmp_path)
    md = result.files["md"].read_text()
    assert "### report_quiz: mean by domain" in md
    assert "| law | 1.000 [1.000, 1.000] n=3 | 0.667 [0.500, 1.000] n=3 |" in md
    assert "![report_quiz: mean by domain](plots/report-quiz-mean-by-domain.png)" in md


def test_registered_view_comes_first_in_its_task_section(tmp_path, tmp_path_factory, monkeypatch):
    def quiz_view(data, runs):
        models = ", ".join(sorted(run.model for run in runs))
        return [Section("Quiz view", "quiz-view", [Text(f"custom view over {models}")])]

    monkeypatch.setitem(views._BY_TASK, "report_quiz", [quiz_view])
    result = build_report([report_logs.synthetic_logs(tmp_path_factory)], out_dir=tmp_path)
    md = result.files["md"].read_text()
    section = md[md.index("## report_quiz") :]
    assert section.index("### Quiz view") < section.index("### report_quiz: mean by domain")
    assert "custom view over scripted/echo, scripted/refuse" in section
    assert views.views_for("report_quiz", []) == [quiz_view]


def test_the_report_reads_logs_only_and_never_imports_a_task(tmp_path, tmp_path_factory):
    logs = report_logs.planning_logs(tmp_path_factory)
    code = (
        "import sys; from trustbench.report import build_report; "
        f"build_report([{str(logs)!r}], out_dir={str(tmp_path)!r}, formats='csv'); "
        "print(sorted(m for m in sys.modules if m.startswith('trustbench.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=guarded_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "trustbench.report.build" in done.stdout
    assert "trustbench.tasks" not in done.stdout and "_registry" not in done.stdout
