"""Views for judged tasks: HalluHard's rate by turn and failure types, and the warning when two
judges of the same runs (OS-Harm's LLM judge and rules) disagree too often. The logs are real
runs relabelled with the metrics those tasks log, so the numbers are known."""

import sys
from pathlib import Path

from inspect_ai.log import EvalMetric, list_eval_logs, read_eval_log, write_eval_log

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

import report_logs  # noqa: E402

from trustbench.report import build_report  # noqa: E402
from trustbench.report_spec import ReportSpec


def relabelled(tmp_path_factory, task: str, metrics: dict[str, float]) -> Path:
    """One planning log rewritten as a run of `task` that logged `metrics`."""
    source = list_eval_logs(str(report_logs.planning_logs(tmp_path_factory)))[0]
    log = read_eval_log(source)
    log.eval.task = task
    log.eval.metadata = {**(log.eval.metadata or {}), **ReportSpec(headline="accuracy").metadata()}
    score = log.results.scores[0]
    score.metrics.update(
        {name: EvalMetric(name=name, value=value) for name, value in metrics.items()}
    )
    out = tmp_path_factory.mktemp(task)
    write_eval_log(log, str(out / Path(log.location).name))
    return out


def test_halluhard_view_shows_the_rate_by_turn_and_the_failure_types(tmp_path, tmp_path_factory):
    logs = relabelled(
        tmp_path_factory,
        "halluhard",
        {
            "turn_1": 0.5,
            "turn_2": 0.25,
            "turn_3": 0.125,
            "legal_cases/reference_failure": 0.2,
            "legal_cases/content_failure": 0.3,
            "hallucination_rate_lower_bound": 0.4,
            "verification_error": 0.05,
            "legal_cases/fallback/plan_unreadable": 0.1,
            "judge_mode/heuristic": 2.0,
            "judge_mode/llm": 1.0,
        },
    )
    md = build_report([logs], out_dir=tmp_path, formats="md").files["md"].read_text()
    judged = md.split("how it was judged")[1].split("\n\n")[1]
    assert "| mixed | - | hallucination_rate_lower_bound | [0.400](" in judged
    assert "| [0.050](" in judged and "| 0.100 |" in judged
    facts = md.split("## Run facts")[1]
    assert "| mixed |" in facts  # the mode that ran, from the samples, never "auto"
    assert "judge mode mixed" in md.split("## Overview")[1].split("##")[0]
    assert "hallucination rate by turn (pooled over claims)" in md
    assert "| turn 1 | [0.500](" in md and "| turn 3 | [0.125](" in md
    assert "| legal_cases | reference failure | [0.200](" in md
    assert "| legal_cases | content failure | [0.300](" in md
    assert "research_questions" not in md.split("failure types by domain")[1].split("##")[0]
    assert "![halluhard: hallucination rate by turn](plots/" in md


def test_low_judge_agreement_is_a_warning(tmp_path, tmp_path_factory):
    low = relabelled(tmp_path_factory, "os_harm", {"agreement/unsafe": 0.6})
    warnings = build_report([low], out_dir=tmp_path, formats="json").warnings
    assert any("judges agree on only 60% of samples for unsafe" in w for w in warnings)
    high = relabelled(tmp_path_factory, "os_harm", {"agreement/unsafe": 0.95})
    warnings = build_report([high], out_dir=tmp_path / "high", formats="json").warnings
    assert not any("judges agree" in w for w in warnings)


def test_judge_fallbacks_and_sandbox_refusals_are_warnings(tmp_path, tmp_path_factory):
    logs = relabelled(
        tmp_path_factory,
        "os_harm",
        {"judge_fell_back": 2.0, "judge_failed": 0.0, "sandbox_refusals": 1.0},
    )
    warnings = build_report([logs], out_dir=tmp_path, formats="json").warnings
    assert any("2 sample(s) where the judge gave no valid verdict" in w for w in warnings)
    assert any("1 sample(s) where a program the agent started was refused" in w for w in warnings)
    assert not any("grader call failed" in w for w in warnings)


def test_the_judge_mode_is_a_run_fact(tmp_path, tmp_path_factory):
    source = list_eval_logs(str(report_logs.planning_logs(tmp_path_factory)))[0]
    log = read_eval_log(source)
    log.eval.task = "os_harm"
    log.eval.metadata = {
        **(log.eval.metadata or {}),
        **ReportSpec(headline="accuracy").metadata(),
        "judge_mode": "auto",
    }
    out = tmp_path_factory.mktemp("mode")
    write_eval_log(log, str(out / Path(log.location).name))
    md = build_report([out], out_dir=tmp_path, formats="md").files["md"].read_text()
    facts = md.split("## Run facts")[1]
    assert "auto (no grader)" in facts, facts[:1500]
