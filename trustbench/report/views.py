"""Task-specific report views, registered by task name (or by a condition on the runs), shown
before the generic breakdowns of that task. A later task plugs in its own view here; a task
without one still gets the generic breakdowns and every metric its logs report."""

from __future__ import annotations

from collections.abc import Callable

from trustbench.report.collect import ReportData
from trustbench.report.model import Section
from trustbench.report.runs import Run
from trustbench.report.view_halluhard import halluhard_view
from trustbench.report.view_planning import planning_view
from trustbench.report.view_strategies import has_strategies, strategy_view

View = Callable[[ReportData, list[Run]], list[Section]]
"""Gets every compared run of one task (all models and argument sets) and returns sections."""
Condition = Callable[[list[Run]], bool]

_BY_TASK: dict[str, list[View]] = {}
_BY_CONDITION: list[tuple[Condition, View]] = []


def register_view(task: str, view: View) -> None:
    """Show `view` in the section of every task named `task` (without a package prefix)."""
    if view not in _BY_TASK.setdefault(task, []):
        _BY_TASK[task].append(view)


def register_conditional_view(condition: Condition, view: View) -> None:
    """Show `view` for any task whose runs meet `condition` (e.g. runs across strategies)."""
    if (condition, view) not in _BY_CONDITION:
        _BY_CONDITION.append((condition, view))


def views_for(task: str, runs: list[Run]) -> list[View]:
    return [*_BY_TASK.get(task, []), *(view for cond, view in _BY_CONDITION if cond(runs))]


register_view("visual_planning", planning_view)
register_view("halluhard", halluhard_view)
register_conditional_view(has_strategies, strategy_view)
