"""The EPFL task end to end on scripted models: every strategy, grading paths, prompts, suite."""

import json
import math
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, get_model

import trustbench._registry  # noqa: F401 - registers scripted/ and every plugin's reference models
from trustbench.report_spec import ReportSpec
from trustbench.suites import load_suite
from trustbench.tasks.epfl_courses import epfl_courses
from trustbench.tasks.epfl_courses.solver import majority_answer, parse_experts
from trustbench.tasks.epfl_courses.strategies import STRATEGIES

REPO = Path(__file__).resolve().parents[2]
RUBRIC_QUESTIONS = 3
"""Open questions in the sample set whose reference is not a number."""


def metrics(log):
    return {name: m.value for name, m in log.results.scores[0].metrics.items()}


def run(tasks, model, grader=None, **grader_args):
    roles = {"grader": get_model(grader, memoize=False, **grader_args)} if grader else None
    logs = eval(tasks, model=get_model(model), model_roles=roles, display="none")
    for log in logs:
        assert log.status == "success", log.error
    return logs


@pytest.fixture(scope="module")
def every_strategy():
    return [epfl_courses(strategy=name, dataset="sample") for name in STRATEGIES]


def test_the_reference_oracle_scores_full_marks_under_every_strategy(every_strategy):
    logs = run(every_strategy, "scripted/epfl-reference", grader="scripted/epfl-grader")
    assert [log.eval.metadata["strategy"] for log in logs] == list(STRATEGIES)
    for log in logs:
        m = metrics(log)
        assert m["accuracy"] == 1.0, log.eval.metadata["strategy"]
        assert m["format_failure_rate"] == 0.0 and log.results.scores[0].unscored_samples == 0
        assert m["courses_passed/all"] == 1.0 and m["language/French"] == 1.0
        assert {k.split("/")[0] for k in m} >= {
            "course",
            "program",
            "language",
            "level",
            "question_type",
        }


def test_a_wrong_answerer_scores_zero_under_every_strategy(every_strategy):
    for log in run(every_strategy, "scripted/epfl-wrong", grader="scripted/epfl-grader"):
        m = metrics(log)
        assert m["accuracy"] == 0.0 and m["courses_passed/all"] == 0.0
        assert m["format_failure_rate"] == 0.0


def test_without_a_grader_other_open_answers_are_unscored_not_guessed():
    [log] = run(epfl_courses(dataset="sample"), "scripted/epfl-reference")
    score = log.results.scores[0]
    assert score.unscored_samples == RUBRIC_QUESTIONS and metrics(log)["accuracy"] == 1.0
    open_scores = {
        s.id: s.scores["exam_scorer"]
        for s in log.samples
        if s.metadata["question_type"] == "open_answer"
    }
    unscored = [sid for sid, sc in open_scores.items() if math.isnan(sc.value)]
    assert len(unscored) == RUBRIC_QUESTIONS
    assert all(open_scores[sid].metadata["scoring"] == "no_grader" for sid in unscored)
    assert {open_scores[sid].metadata["scoring"] for sid in open_scores if sid not in unscored} == {
        "numeric"
    }


def test_grader_failures_are_recorded_and_labels_map_to_scores(tmp_path):
    task = epfl_courses(dataset="sample", label_scores={"mostly correct": 0.5})
    [failed] = run(
        task, "scripted/epfl-reference", grader="scripted/fixed", text="Looks right to me."
    )
    assert failed.results.scores[0].unscored_samples == RUBRIC_QUESTIONS
    rubric = [
        s.scores["exam_scorer"] for s in failed.samples if math.isnan(s.scores["exam_scorer"].value)
    ]
    assert {sc.reason for sc in rubric} == {"grader_failed"}
    assert all(len(sc.metadata["grader_replies"]) == 2 for sc in rubric)

    script = tmp_path / "grader.json"
    script.write_text(json.dumps({"outputs": ["hmm", '{"label": "mostly correct"}']}))
    [graded] = run(task, "scripted/epfl-reference", grader="scripted/script", file=str(script))
    values = [s.scores["exam_scorer"] for s in graded.samples]
    rubric_values = [v.value for v in values if v.metadata["scoring"] == "rubric"]
    assert rubric_values == [0.5] * RUBRIC_QUESTIONS
    assert graded.results.scores[0].unscored_samples == 0


def test_unparseable_replies_are_format_failures_or_unscored_never_guessed():
    """No option read: a format failure scoring 0. No number read for a numeric reference, and
    no grader: unscored and counted, like every open answer without a grader."""
    task = epfl_courses(dataset="sample")
    [log] = eval(task, model=get_model("scripted/fixed", text="I am not sure."), display="none")
    m = metrics(log)
    open_answers = [s for s in log.samples if s.metadata["question_type"] == "open_answer"]
    assert m["accuracy"] == 0.0 and m["format_failure_rate"] == 1.0
    assert log.results.scores[0].unscored_samples == len(open_answers)
    numeric = [s.scores["exam_scorer"] for s in open_answers]
    assert {sc.metadata["scoring"] for sc in numeric} == {"numeric_unreadable", "no_grader"}


def test_task_metadata_and_sampling_defaults_serve_the_report():
    task = epfl_courses(dataset="sample", strategy="metacog", pass_threshold=0.6)
    spec = ReportSpec.read(task.metadata)
    assert spec.breakdowns == ("course", "program", "language", "level", "question_type")
    assert task.metadata["strategy"] == "metacog" and spec.pass_threshold == 0.6
    assert spec.headline == "accuracy" and not spec.lower_is_better
    config = task.config
    assert (
        config.temperature,
        config.top_p,
        config.frequency_penalty,
        config.presence_penalty,
    ) == (
        0.8,
        1.0,
        0.8,
        0.5,
    )


def system_and_layout(strategy):
    sample = epfl_courses(dataset="sample", strategy=strategy).dataset[0]
    has_system = isinstance(sample.input[0], ChatMessageSystem)
    return has_system, sample.input[-1].text


def test_each_strategy_lays_out_its_prompt_as_upstream():
    has_system, text = system_and_layout("zero_shot")
    assert not has_system and "\n1. Its pressure" in text
    has_system, text = system_and_layout("cot_zero_shot")
    assert has_system and "Answer options:\nA: Its pressure" in text and "step by step" in text
    for strategy in ("tree_of_thought", "metacog"):
        has_system, text = system_and_layout(strategy)
        assert has_system and "[A]: Its pressure" in text
        assert '"Final answer is [option letter]"' in text
    has_system, text = system_and_layout("self_refine")
    assert has_system and "\nA: Its pressure" in text


def test_demonstrations_come_from_the_same_course_nearest_first():
    one = epfl_courses(dataset="sample", strategy="one_shot").dataset
    four = epfl_courses(dataset="sample", strategy="cot_four_shot").dataset
    by_id = {s.id: s for s in one}
    for sample in [*one, *four]:
        demos = sample.metadata["demo_ids"]
        assert demos and sample.id not in demos
        assert {by_id[d].metadata["course"] for d in demos} == {sample.metadata["course"]}
    assert all(len(s.metadata["demo_ids"]) == 1 for s in one)
    assert all(len(s.metadata["demo_ids"]) == 4 for s in four)
    carnot = by_id[
        "910102"
    ]  # efficiency question: its nearest neighbour is the other efficiency one
    assert carnot.metadata["demo_ids"] == ["910107"]
    assert isinstance(carnot.input[1], ChatMessageAssistant)
    tight = epfl_courses(dataset="sample", strategy="cot_four_shot", demo_token_budget=300).dataset
    assert all(len(s.metadata["demo_ids"]) < 4 for s in tight)


def test_expert_helpers_read_experts_and_vote():
    assert parse_experts('{"1": "A physicist", "2": "A chemist", "3": "An engineer"}') == [
        "A physicist",
        "A chemist",
        "An engineer",
    ]
    assert parse_experts("1. Physicist\n2. Chemist\n3. Engineer") == [
        "Physicist",
        "Chemist",
        "Engineer",
    ]
    assert parse_experts("Ask a physicist.") is None
    options = ["x", "y", "z"]
    assert majority_answer(["Answer: A", "Answer: B", "Answer: B"], options)[0] == 1
    assert majority_answer(["Answer: C", "no idea", "Answer: A"], options)[0] == 0


def test_the_suite_runs_all_eight_strategies_with_valid_arguments():
    suite = load_suite(REPO / "tasks" / "epfl_courses" / "suite.yaml")
    assert [t.task for t in suite.tasks] == ["trustbench/epfl_courses"] * 8
    assert [t.args["strategy"] for t in suite.tasks] == list(STRATEGIES)
    for entry in suite.tasks:
        epfl_courses(**{**entry.args, "dataset": "sample"})


def test_the_proposed_smoke_entry_runs_offline_without_a_grader():
    task = epfl_courses(dataset="sample", strategy="zero_shot")
    [log] = eval(task, model=get_model("scripted/epfl-reference"), limit=3, display="none")
    assert log.status == "success" and metrics(log)["accuracy"] == 1.0
    assert log.results.scores[0].unscored_samples == 0
