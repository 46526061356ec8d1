"""Report numbers from real runs on scripted models, checked against hand-computed values."""

import csv
import json
import sys
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model
from rich.console import Console

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

import report_logs  # noqa: E402

from trustbench.report import build_report, terminal_table  # noqa: E402
from trustbench.tasks.visual_planning import visual_planning  # noqa: E402

SMALL = "scripted/report-small-maps"
BFS = "scripted/gridworld-bfs"
RANDOM = "scripted/gridworld-random"


@pytest.fixture(scope="module")
def planning(tmp_path_factory):
    logs = report_logs.planning_logs(tmp_path_factory)
    out = tmp_path_factory.mktemp("planning-report")
    return build_report([logs], baseline=BFS, out_dir=out)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    logs = report_logs.synthetic_logs(tmp_path_factory)
    out = tmp_path_factory.mktemp("synthetic-report")
    return build_report([logs], baseline="scripted/refuse", out_dir=out)


def tidy(result, **match):
    rows = json.loads(result.files["json"].read_text())["rows"]
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def one(result, **match):
    [row] = tidy(result, **match)
    return row


def overview(result, model, task=None):
    return next(r for r in result.overview if r.model == model and (task is None or r.task == task))


def test_overview_headline_values_counts_and_intervals(planning):
    assert [(r.model, r.value, r.n, r.errors, r.unscored) for r in planning.overview] == [
        (BFS, 1.0, 20, 0, 0),
        (RANDOM, 0.0, 20, 0, 0),
        (SMALL, 0.5, 20, 0, 0),
    ]
    small = overview(planning, SMALL)
    assert small.metric == "accuracy" and small.status == "success" and not small.flags
    assert 0.2 <= small.ci_low < 0.5 < small.ci_high <= 0.8
    assert (overview(planning, BFS).ci_low, overview(planning, BFS).ci_high) == (1.0, 1.0)


def test_planning_view_splits_id_ood_raw_and_controlled(planning):
    dataset = visual_planning(**report_logs.PLANNING_ARGS).dataset
    controlled = sum(s.metadata["split"] == "ood" and not s.metadata["trivial"] for s in dataset)
    assert controlled == 5
    rows = {
        r["group"]: (r["value"], r["n"])
        for r in tidy(planning, model=SMALL, section="breakdown")
        if r["group"].startswith("distribution=")
    }
    assert rows == {
        "distribution=ID": (1.0, 10),
        "distribution=OOD raw": (0.0, 10),
        "distribution=OOD controlled": (0.0, controlled),
    }
    assert one(planning, model=BFS, group="distribution=OOD controlled")["value"] == 1.0
    md = planning.files["md"].read_text()
    assert "Maps up to 4×4 are in distribution" in md
    assert "accuracy by map size" in md and "Plan quality (as logged)" in md


def test_planning_view_shows_upstream_s_parser_beside_ours(planning):
    rows = {
        (r["model"], r["metric"], r["group"]): r["value"] for r in tidy(planning, section="parsers")
    }
    assert rows[(BFS, "upstream parser", "maps=all maps")] == 1.0
    assert rows[(BFS, "upstream parser", "maps=OOD controlled")] == 1.0
    assert rows[(SMALL, "ours parser", "maps=ID")] == 1.0
    assert rows[(SMALL, "upstream parser", "maps=OOD raw")] == 0.0
    assert rows[(BFS, "disagreement parser", "maps=all maps")] == 0.0
    md = planning.files["md"].read_text()
    assert "visual_planning: success by parser" in md and "| trustbench |" in md


def test_generic_breakdowns_follow_the_declared_fields(planning):
    groups = {r["group"]: r["value"] for r in tidy(planning, model=SMALL, section="breakdown")}
    assert groups["size=3"] == 1.0 and groups["size=7"] == 0.0
    assert groups["split=id"] == 1.0 and groups["split=ood"] == 0.0
    assert {"trivial=True", "trivial=False"} <= set(groups)


def test_paired_comparison_and_mcnemar_on_constructed_runs(planning):
    """Small-maps vs BFS: the 10 3×3 maps agree, the 10 7×7 maps only BFS solves, so b=10,
    c=0 and p = 2 · (1/2)^10."""
    diff = one(planning, model=SMALL, metric=f"accuracy difference vs {BFS}")
    assert (diff["value"], diff["n"]) == (-0.5, 20)
    assert diff["ci_low"] < -0.5 < diff["ci_high"] <= -0.2
    assert one(planning, model=SMALL, metric="mcnemar_p")["value"] == pytest.approx(2 / 2**10)
    assert one(planning, model=RANDOM, metric="mcnemar_p")["value"] == pytest.approx(2 / 2**20)
    md = planning.files["md"].read_text()
    assert f"| visual_planning | {SMALL} | {BFS} | 20 | 0.500 | 1.000 | -0.500 |" in md


def test_clustered_intervals_and_breakdown_of_a_synthetic_task(synthetic):
    echo = overview(synthetic, "scripted/echo", "report_quiz")
    assert (echo.value, echo.n, echo.ci_low, echo.ci_high) == (0.5, 8, 0.0, 1.0)
    assert echo.notes == ["CI over 4 seed_question clusters"] and not echo.flags
    domains = {
        r["group"]: (r["value"], r["n"])
        for r in tidy(synthetic, task="report_quiz", model="scripted/echo", section="breakdown")
    }
    assert domains == {
        "domain=law": (1.0, 3),
        "domain=med": (pytest.approx(1 / 3), 3),
        "domain=code": (0.0, 2),
    }


def test_paired_counts_on_the_synthetic_quiz(synthetic):
    """Echo vs refuse: only refuse passed s6 (b=1), only echo passed s2, s4 (c=2): p = 1."""
    diff = one(synthetic, task="report_quiz", metric="mean difference vs scripted/refuse")
    assert (diff["value"], diff["n"]) == (0.125, 8)
    assert one(synthetic, task="report_quiz", metric="mcnemar_p")["value"] == 1.0
    assert "| 1 | 2 | 1 |" in synthetic.files["md"].read_text()


def test_unknown_plugin_metrics_are_shown_generically(synthetic):
    plugin = overview(synthetic, "scripted/echo", "report_plugin")
    assert (plugin.metric, plugin.value, plugin.ci_low) == ("peak", 0.9, None)
    assert (
        "no CI: the task does not declare how its headline aggregates over samples" in plugin.flags
    )
    logged = {
        r["metric"]: r["value"] for r in tidy(synthetic, task="report_plugin", section="metrics")
    }
    assert logged == {
        "table/peak": 0.9,
        "table/mean": 0.5,
        "table/plugin_breakdown/oddity": 0.25,
        "table/plugin_breakdown/weirdness": 2.0,
    }
    turns = {
        r["group"]: r["value"] for r in tidy(synthetic, task="report_plugin", section="breakdown")
    }
    assert turns == {"turn=1": pytest.approx(0.3), "turn=2": 0.9, "turn=3": 0.5}
    assert one(synthetic, task="report_plugin", group="turn=1")["metric"] == "mean table"
    assert (synthetic.out_dir / "plots" / "report-plugin-mean-table-by-turn.png").is_file()


def test_cross_strategy_views_follow_the_readme_definitions(synthetic):
    """Worked by hand from report_logs.STRATEGIES (threshold 0.5; physics = q1, q2, maths =
    q3, q4; one program, bachelor). Any/majority count a question only when fully correct."""
    rows = {
        (r["metric"], r["group"]): r["value"]
        for r in tidy(synthetic, task="epfl_courses", section="strategies")
    }
    score = {
        "strategy=cot": 0.55,
        "strategy=direct": 0.5,
        "strategy=few_shot": 0.375,
        "mean over strategies": 0.475,
        "any strategy": 0.5,  # q1 (direct 1.0) and q4 (cot 1.0)
        "majority vote": 0.0,  # no question fully correct under 2 of 3 strategies
    }
    passed = {
        "strategy=cot": 1.0,  # physics 0.5, maths 0.6
        "strategy=direct": 0.5,  # physics 0.8, maths 0.2
        "strategy=few_shot": 0.5,  # physics 0.2, maths 0.55
        "mean over strategies": 0.5,  # physics 0.5, maths 0.45
        "any strategy": 1.0,  # physics 0.5, maths 0.5
        "majority vote": 0.0,
    }
    for view, value in score.items():
        assert rows[("question score", f"view={view}")] == pytest.approx(value), view
        assert rows[("courses passed", f"view={view}")] == passed[view], view
        assert rows[(f"program courses passed ({view})", "program=bachelor")] == passed[view]
    assert rows[("course score (mean over strategies)", "course=maths")] == pytest.approx(0.45)
    assert rows[("course passed (mean over strategies)", "course=maths")] == 0.0
    assert rows[("course score (any strategy)", "course=physics")] == 0.5
    assert rows[("course passed (any strategy)", "course=physics")] == 1.0


def test_csv_and_json_hold_the_same_tidy_rows(synthetic):
    with synthetic.files["csv"].open() as file:
        rows = list(csv.DictReader(file))
    data = json.loads(synthetic.files["json"].read_text())
    assert list(rows[0]) == [
        "section",
        "task",
        "model",
        "metric",
        "group",
        "value",
        "ci_low",
        "ci_high",
        "n",
    ]
    assert len(rows) == len(data["rows"])
    assert {r["model"] for r in data["runs"]} == {"scripted/echo", "scripted/refuse"}
    assert data["runs"][0]["inspect"] == "0.3.285"


def test_rebuilding_gives_identical_files(tmp_path_factory, planning):
    """Seeded bootstrap, no timestamps: a report rebuilt from the same logs is byte-identical."""
    logs = report_logs.planning_logs(tmp_path_factory)
    again = build_report([logs], baseline=BFS, out_dir=tmp_path_factory.mktemp("again"))
    for name, path in planning.files.items():
        assert path.read_bytes() == again.files[name].read_bytes(), name


def test_terminal_overview(planning):
    console = Console(record=True, width=200)
    console.print(terminal_table(planning.overview))
    text = console.export_text()
    assert "trustbench results" in text
    assert SMALL in text and "0.500" in text and "[1.000, 1.000]" in text


def test_epochs_reduce_to_one_value_per_sample(tmp_path):
    """Two epochs of the quiz: counted once per sample, as Inspect's mean reducer does."""
    for model in report_logs.QUIZ_MODELS:
        eval(
            report_logs.quiz_task(),
            model=get_model(model),
            epochs=2,
            display="none",
            log_dir=str(tmp_path / "logs"),
        )
    result = build_report([tmp_path / "logs"], baseline="scripted/refuse", out_dir=tmp_path / "out")
    echo = overview(result, "scripted/echo")
    assert (echo.value, echo.n, echo.planned) == (0.5, 8, 16)
    assert one(result, model="scripted/echo", metric="mcnemar_p")["n"] == 8
