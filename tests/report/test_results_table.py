"""One results table, two renderers: the terminal shows the report's columns with the report's
text, and `trustbench run --no-report` builds the same rows; the best value is marked in the
direction the task declares."""

import sys
from pathlib import Path

import pytest
from rich.console import Console

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

import report_logs  # noqa: E402

from trustbench.report import build_report, results, terminal_table  # noqa: E402
from trustbench.report.paired import better, discordant  # noqa: E402
from trustbench.report.results import BEST, COLUMNS, cells  # noqa: E402
from trustbench.report.stats import Estimate  # noqa: E402

BFS = "scripted/gridworld-bfs"


@pytest.fixture(scope="module")
def planning(tmp_path_factory):
    logs = report_logs.planning_logs(tmp_path_factory)
    return logs, build_report([logs], baseline=BFS, out_dir=tmp_path_factory.mktemp("report"))


def markdown_table(md: str, title: str) -> list[list[str]]:
    start = md.index(f"**{title}**")
    lines = md[start:].split("\n\n")[1].splitlines()
    return [
        [c.strip() for c in line.strip("|").split(" | ")] for line in lines if "---|" not in line
    ]


def test_the_terminal_shows_the_report_s_columns_and_text(planning):
    _, report = planning
    console = Console(record=True, width=400)
    console.print(terminal_table(report.overview))
    printed = console.export_text()
    headers = [column.header for column in COLUMNS]
    md = markdown_table(report.files["md"].read_text(), "trustbench results")
    assert [h.strip("*") for h in md[0]] == headers
    table = terminal_table(report.overview)
    assert [c.header for c in table.columns] == headers
    for row in report.overview:
        texts = [cell.text for cell in cells(row)]
        assert [column._cells[report.overview.index(row)] for column in table.columns] == texts
        assert row.model in printed and row.judge_mode in printed
    assert {"unscored", "judge mode", "flags"} <= set(headers)


def test_no_report_rows_are_the_report_s_rows(planning):
    logs, report = planning
    rows, warnings = results([logs])
    strip = [{**vars(r), "log": Path(r.log).name} for r in rows]
    assert strip == [{**vars(r), "log": Path(r.log).name} for r in report.overview]
    assert warnings == report.warnings


def test_the_best_value_is_marked_in_the_declared_direction(planning):
    _, report = planning
    by_model = {row.model: row for row in report.overview}
    assert by_model[BFS].best and by_model[BFS].lower_is_better is False
    assert [row.model for row in report.overview if row.best] == [BFS]
    assert f"1.000 {BEST}" in [cell.text for cell in cells(by_model[BFS])]
    assert "accuracy ↑" in [cell.text for cell in cells(by_model[BFS])]


def test_a_paired_difference_names_the_better_model_in_the_metric_s_direction():
    lower = Estimate(value=-0.2, low=-0.3, high=-0.1, n=10, clusters=10)
    assert better(lower, lower_is_better=True) == "model"
    assert better(lower, lower_is_better=False) == "baseline"
    assert better(Estimate(0.0, -0.1, 0.1, 10, 10), lower_is_better=True) == "neither"
    assert better(lower, lower_is_better=None) == "-"


def test_pass_fail_pairs_pass_with_the_good_value_of_the_direction():
    import pandas as pd

    pairs = pd.DataFrame({"value": [0.0, 1.0, 0.0], "value_baseline": [1.0, 0.0, 0.0]})
    # higher is better: the baseline passed alone on the first, the model on the second
    assert discordant(pairs) == (1, 1)
    # a failure rate: 0 passes; the model passed alone on the first, the baseline on the second
    pairs.loc[2] = [0.0, 1.0]
    assert discordant(pairs, lower_is_better=True) == (1, 2)
