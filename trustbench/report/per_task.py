"""One section per task: its own view (declared by its plugin), the breakdowns its logs declare
for each argument set, and every metric its logs report (so an unknown plugin metric is still
shown)."""

from __future__ import annotations

import importlib
from collections import defaultdict

from inspect_ai._util.registry import registry_info

from trustbench.errors import TrustbenchError
from trustbench.plugins import discover_plugins
from trustbench.report.breakdowns import breakdown_sections
from trustbench.report.cells import text_cell, value_cell
from trustbench.report.collect import ReportData
from trustbench.report.model import Section, Table, Text, TidyRow, slug
from trustbench.report.runs import Run
from trustbench.report.views import View


def _metric_names(run: Run) -> list[tuple[str, float]]:
    """`score/metric`, with the metric's group when one metric function returned several."""
    found = []
    for score in run.log.results.scores if run.log.results else []:
        for name, metric in score.metrics.items():
            path = [score.name, *([metric.group] if metric.group else []), name]
            found.append(("/".join(path), float(metric.value)))
    return found


def declared_views() -> dict[str, str]:
    """Task registry name (`package/task`) → its view, `module:function`, from every installed
    plugin's declaration: the report finds task code only through the plugin registry."""
    return {
        registry_info(task).name: view
        for plugin in discover_plugins()
        for task, view in plugin.views.items()
    }


def view_for(task: str) -> View | None:
    """The view declared for `task`, a log's task name: `package/task`, or a bare name (a task
    run from its file) that one declared task has."""
    declared = declared_views()
    matches = [task] if task in declared or "/" in task else []
    if not matches:
        matches = [n for n in declared if n.rsplit("/", 1)[-1] == task]
    if len(matches) != 1 or matches[0] not in declared:
        return None
    name = matches[0]
    module, _, function = declared[name].partition(":")
    try:
        view = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as ex:
        raise TrustbenchError(
            f"The report view of {name}, {declared[name]}, cannot be loaded: {ex}. Fix the "
            "plugin's views={...}, or reinstall its package."
        ) from ex
    return view


def metrics_section(data: ReportData, task: str, runs: list[Run]) -> Section:
    labels = {run.label for run in runs}
    headers = [
        "metric",
        *(run.model if len(labels) == 1 else f"{run.model} · {run.label}" for run in runs),
    ]
    values = {run.key: dict(_metric_names(run)) for run in runs}
    names = list(dict.fromkeys(name for run in runs for name, _ in _metric_names(run)))
    rows = [
        [text_cell(name), *(value_cell(values[run.key].get(name), data.href(run)) for run in runs)]
        for name in names
    ]
    section = Section(f"{task}: all logged metrics", slug(f"metrics-{task}"))
    links = [None, *(data.href(run) for run in runs)]
    note = "As Inspect computed them, without intervals."
    section.blocks.append(Table(f"{task}: all logged metrics", headers, rows, note, links))
    if not names:
        section.blocks.append(Text("No metrics: these runs have no results."))
    section.rows = [
        TidyRow("metrics", run.label, run.model, name, "all", value)
        for run in runs
        for name, value in _metric_names(run)
    ]
    return section


def task_sections(data: ReportData) -> list[Section]:
    by_task: dict[str, list[Run]] = defaultdict(list)
    for run in data.runs:
        if run.primary:
            by_task[run.task].append(run)
    sections = []
    for task, runs in sorted(by_task.items()):
        section = Section(task, slug(f"task-{task}"))
        view = view_for(runs[0].log.eval.task)
        if view is not None:
            section.children += view(data, runs)
        by_label: dict[str, list[Run]] = defaultdict(list)
        for run in runs:
            by_label[run.label].append(run)
        for label, group in sorted(by_label.items()):
            section.children += breakdown_sections(data, label, group, slug(f"{task}-{label}"))
        section.children.append(metrics_section(data, task, runs))
        sections.append(section)
    return sections
