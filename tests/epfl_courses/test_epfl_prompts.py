"""`-T prompts=upstream|trustbench`: upstream's texts are loaded at run time (never committed),
laid out as upstream's code lays them out, and recorded in the log; ours are the default."""

from pathlib import Path

import httpx
import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.tasks.epfl_courses import epfl_courses
from trustbench.tasks.epfl_courses.errors import ExamDataError
from trustbench.tasks.epfl_courses.records import Course, Question
from trustbench.tasks.epfl_courses.upstream_prompts import (
    MIRROR_FOLDER,
    PINS,
    UpstreamPrompts,
    load_upstream_prompts,
)
from trustbench.tasks.upstream_data import DataUnavailableError
from trustbench.tasks.upstream_text import LoadedText

FIELDS = {
    "tot/single": "{question_prompt}",
    "tot/multi": "{question_prompt}",
    "tot/open": "{question_prompt}",
    "tot/system": "{course_name}",
    "refine/system": "{course_name}",
    "experts/professor": "{prompt['problem']['course_name']}",
    "experts/persona": "{expert_names[exp]}",
    "experts/pick-expert": "|{i + 1}={answer}",
    "grading/system": "{course_name}",
    "grading/request": "{question}|{correct_answer}|{given_answer}",
}
"""The fields each upstream template has, around a stand-in for its text."""


def stand_ins() -> UpstreamPrompts:
    """Upstream's layout with `<key>` in place of each upstream text (which is not ours to
    commit): shows where each text goes and what joins them."""
    return UpstreamPrompts(
        {
            key: LoadedText(f"epfl_courses/{key}", f"<{key}>{FIELDS.get(key, '')}", "-", "test")
            for key in PINS
        }
    )


COURSE = Course("c", "Optics", "Physics", "English", "bachelor")
SINGLE = Question("q", COURSE, "mcq", "BODY", ("x", "y"), (1,), False, "y", None, None, None)
MULTI = Question("m", COURSE, "mcq", "BODY", ("x", "y"), (0, 1), True, "x; y", "WHY", None, None)
OPEN = Question("o", COURSE, "open_answer", "BODY", (), (), False, "42 J", None, None, None)


def test_upstream_layouts_follow_upstream_code():
    p = stand_ins()
    assert p.base(SINGLE) == "<base/single>\nBODY\n1. x\n2. y"
    assert p.cot_system("Optics") == "<cot/system> Optics."
    assert p.cot(SINGLE) == (
        "<cot/single>\n<cot/label-question>: BODY\n<cot/label-options>:A: x\nB: y"
    )
    assert p.cot_demo_answer(MULTI) == (
        "<cot/label-explanation>: WHY\n<cot/label-answer>: A. x\nB. y\n"
    )
    assert p.tree_of_thought(SINGLE) == (
        "<tot/single>BODY\n<tot/choose-single><tot/options-header>[A]: x\n[B]: y"
    )
    assert p.tot_system("Optics") == "<tot/system>Optics"
    assert p.metacognitive(MULTI) == (
        "<metacog/task-mcq>\n<metacog/more-than-one>\n<metacog/question-is>\nBODY\n\n"
        "<metacog/more-than-one>\n<metacog/options-header>\n[A]: x\n[B]: y\n\n"
        "<metacog/steps>\n<metacog/final-multi>"
    )
    assert p.metacognitive(OPEN) == (
        "<metacog/task-open>\n<metacog/question-is>\nBODY\n\n<metacog/steps>\n<metacog/final-open>"
    )
    assert p.metacog_system("Optics") == "<metacog/system>Optics."
    assert p.draft(MULTI) == "<refine/multi>\nQuestion: BODY\nA: x\nB: y"
    assert p.name_experts(SINGLE) == "<experts/name>\nQuestion: BODY\n1. x\n2. y"
    assert p.expert_system("a chemist") == "<experts/persona>a chemist"
    assert p.pick_best(OPEN, ["a", "b"]) == (
        "<experts/pick-intro>Question: BODY<experts/pick-expert>|1=a"
        "<experts/pick-expert>|2=b<experts/pick-ask>"
    )
    grading = p.grading
    assert grading.system("Optics") == "<grading/system>Optics"
    assert grading.system(None) == "<grading/system-no-course>"
    assert grading.request("Q", "R", "A") == "<grading/request>Q|R|A<grading/format>"
    assert grading.bare_label_retry


def test_ours_is_the_default_and_the_log_says_which_prompts_ran():
    task = epfl_courses(dataset="sample")
    assert task.metadata["prompts"] == {"prompts": "trustbench"}
    with pytest.raises(ExamDataError, match="prompts must be one of upstream, trustbench"):
        epfl_courses(dataset="sample", prompts="paper")


def test_without_a_route_to_upstream_texts_the_error_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))
    offline = httpx.MockTransport(lambda request: httpx.Response(404))
    with pytest.raises(DataUnavailableError, match="-T prompts=trustbench"):
        load_upstream_prompts(tmp_path, offline)


def test_every_upstream_text_is_pinned_at_the_data_revision():
    assert len(PINS) == 45
    for pin in PINS.values():
        assert "/epfl-nlp/NLP4Education/6330c50cff782c93433f10e8cbf031f5b9e78b09/" in pin.url
        assert pin.mirror_path.startswith(MIRROR_FOLDER) and len(pin.sha256) == 64


def test_upstream_prompts_load_from_the_mirror_and_an_echo_still_scores_zero(upstream_mirror):
    if not (Path(upstream_mirror) / MIRROR_FOLDER).is_dir():
        pytest.skip(f"the mirror has no {MIRROR_FOLDER}/ (the extracted upstream prompt texts)")
    for strategy in ("zero_shot", "cot_four_shot", "tree_of_thought", "metacog", "self_refine"):
        task = epfl_courses(
            dataset="sample", strategy=strategy, prompts="upstream", data_dir=str(upstream_mirror)
        )
        record = task.metadata["prompts"]
        assert record["prompts"] == "upstream" and len(record["texts"]) == len(PINS)
        assert all(t["origin"].startswith("mirror:") for t in record["texts"])
        [log] = eval(task, model=get_model("scripted/echo"), display="none")
        assert log.results.scores[0].metrics["accuracy"].value == 0.0
