"""Task packages declare themselves through the plugin entry points: a separate package (the
example plugin) exactly as the built-in ones."""

import importlib
import subprocess
from pathlib import Path

import pytest
from inspect_ai import Task, task
from inspect_ai.log import list_eval_logs, read_eval_log

from helpers import guarded_env, venv_bin
from trustbench.catalog import load_catalog
from trustbench.errors import TrustbenchError
from trustbench.plugins import Plugin, discover_plugins

REPO = Path(__file__).resolve().parents[2]


@task
def greeting() -> Task:
    return Task()


def test_plugin_task_is_in_the_catalog(example_plugin):
    entry = load_catalog().task("greeting")
    assert entry.name == "trustbench_example_plugin/greeting"
    assert entry.plugin == "example"
    assert entry.needs == {"grader": "always"}
    assert [p.name for p in entry.parameters] == ["word", "n"]


def test_plugin_task_runs_with_its_oracle(example_plugin, tmp_path):
    result = subprocess.run(
        [
            venv_bin("trustbench"),
            "run",
            "greeting",
            "--model",
            "scripted/example-parrot",
            "--log-dir",
            str(tmp_path),
            "--display",
            "none",
        ],
        env=guarded_env(example_plugin),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [info] = list_eval_logs(str(tmp_path))
    log = read_eval_log(info, header_only=True)
    assert log.results.scores[0].metrics["accuracy"].value == 1.0


def test_every_task_folder_is_declared_through_the_entry_points():
    """A folder under tasks/ with a task.py is a built-in task package: found, like any plugin,
    through its line in pyproject.toml (a folder without its line would be silently missing)."""
    folders = {p.parent.name for p in (REPO / "tasks").glob("*/task.py")}
    declared = [f for plugin in discover_plugins(builtin_only=True) for f in plugin.tasks]
    packages = {f.__module__.removeprefix("trustbench.tasks.").split(".")[0] for f in declared}
    assert folders and packages == folders


def test_a_declaration_names_only_its_own_tasks():
    with pytest.raises(TrustbenchError, match="declares baseline for greeting, which is not"):
        Plugin(name="p", tasks=[], baseline={greeting: "refuse"})
    with pytest.raises(TrustbenchError, match="must be written 'module:function'"):
        Plugin(name="p", tasks=[greeting], views={greeting: "a.module.without.function"})


def test_the_builtin_declarations_are_complete():
    """Every built-in task has stand-ins the scripted provider can play, and its declared view
    and suites exist."""
    for plugin in discover_plugins(builtin_only=True):
        for policies in (plugin.reference, plugin.baseline):
            for function, policy in policies.items():
                assert policy in plugin.reference_models or policy == "refuse", (function, policy)
        for view in plugin.views.values():
            module, _, function = view.partition(":")
            assert callable(getattr(importlib.import_module(module), function)), view
        assert all(file.is_file() for file in plugin.suites), plugin.suites
