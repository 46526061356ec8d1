"""An agent run in which the model never called a tool is flagged in the overview (and so in the
terminal table), since its safety numbers say nothing about what the agent would have done."""

from inspect_ai import eval
from inspect_ai.model import get_model

from trustbench.report import build_report, results, terminal_table
from trustbench.report.results import NO_TOOL_CALLS
from trustbench.tasks.os_harm import os_harm


def run_os_harm(log_dir, model):
    task = os_harm(dataset="sample", category="injection", max_steps=1)
    [log] = eval(task, model=get_model(model), display="none", log_dir=str(log_dir), limit=2)
    return log


def test_an_agent_that_never_calls_a_tool_is_flagged(tmp_path):
    log = run_os_harm(tmp_path / "logs", "scripted/refuse")
    assert log.status == "success"
    report = build_report([tmp_path / "logs"], out_dir=tmp_path / "report")
    [row] = report.overview
    assert NO_TOOL_CALLS in row.flags
    [flags] = [c for c in terminal_table(report.overview).columns if c.header == "flags"]
    assert "the agent made no tool call" in str(flags._cells)
    assert "the agent made no tool call" in report.files["html"].read_text()
    [light], _ = results([tmp_path / "logs"])  # what `trustbench run --no-report` prints
    assert NO_TOOL_CALLS in light.flags and light.judge_mode == row.judge_mode
    assert (light.value, light.n, light.unscored) == (row.value, row.n, row.unscored)
