"""`trustbench new-task`: a new task from the template is one folder (its test beside the
others in `tests/`) plus one line, and, with the README's steps followed in a copy of the
checkout, it is listed, runs on its reference model, gets its own report section and runs
under `inspect eval`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log
from readme import commands, new_task_block

from helpers import guarded_env, venv_bin
from trustbench.cli import main
from trustbench.errors import TrustbenchError
from trustbench.new_task import TABLE, create_task, declare

REPO = Path(__file__).resolve().parents[2]
NAME = "my_task"
PYPROJECT = f"""[project]
name = "trustbench"

{TABLE}
alpha = "trustbench.tasks.alpha:plugin"
zeta = "trustbench.tasks.zeta:plugin"

[tool.other]
"""


def fake_checkout(root: Path) -> Path:
    (root / "tasks").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def test_the_entry_point_goes_into_its_table_in_name_order():
    added = declare(PYPROJECT, 'my_task = "trustbench.tasks.my_task:plugin"')
    assert added.splitlines()[3:7] == [
        TABLE,
        'alpha = "trustbench.tasks.alpha:plugin"',
        'my_task = "trustbench.tasks.my_task:plugin"',
        'zeta = "trustbench.tasks.zeta:plugin"',
    ]
    last = declare(PYPROJECT, 'zz = "trustbench.tasks.zz:plugin"').splitlines()
    assert last[6:8] == ['zz = "trustbench.tasks.zz:plugin"', ""]


def test_the_template_is_clean_code(tmp_path):
    created = create_task(fake_checkout(tmp_path), NAME, taken=set())
    assert {f.relative_to(tmp_path).parts[:2] for f in created.files} == {
        ("tasks", NAME),
        ("tests", NAME),
    }
    names = {f.name for f in created.folder.iterdir()}
    assert names == {
        "__init__.py", "task.py", "dataset.py", "solver.py", "scorer.py", "metrics.py",
        "reference_models.py", "report_view.py", "suite.yaml", "README.md",
    }  # fmt: skip
    code = [str(created.folder), str(tmp_path / "tests" / NAME)]
    ruff = venv_bin("ruff")
    config = ["--config", str(REPO / "pyproject.toml")]  # the repository's rules
    for check in (["check"], ["format", "--check"]):
        done = subprocess.run([ruff, *check, *config, *code], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    pyproject = (tmp_path / "pyproject.toml").read_text()
    assert pyproject == declare(PYPROJECT, created.entry_point)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("MyTask", "cannot name a task"),
        ("class", "cannot name a task"),
        ("2nd", "cannot name a task"),
        ("halluhard", "exists already"),
    ],
)
def test_a_bad_or_taken_name_is_refused(tmp_path, name, problem):
    with pytest.raises(TrustbenchError, match=problem):
        create_task(fake_checkout(tmp_path), name, taken={"halluhard"})
    assert not (tmp_path / "tests").exists()
    assert (tmp_path / "pyproject.toml").read_text() == PYPROJECT


def test_an_existing_folder_is_refused(tmp_path):
    fake_checkout(tmp_path)
    (tmp_path / "tests" / NAME).mkdir(parents=True)
    with pytest.raises(TrustbenchError, match=f"tests/{NAME} exists already"):
        create_task(tmp_path, NAME, taken=set())


def test_outside_a_checkout_it_says_where_to_run_it(tmp_path):
    result = CliRunner().invoke(main, ["new-task", NAME, "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not the root of a trustbench checkout" in result.stderr


def copy_checkout(target: Path) -> Path:
    """The checkout's files (tracked, and untracked ones git does not ignore)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
    return target


def files_of(root: Path) -> dict[str, bytes]:
    skip = {"results", "build", "__pycache__", ".ruff_cache", ".pytest_cache"}
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not skip & set(path.relative_to(root).parts)
    }


@pytest.mark.slow
def test_the_readme_steps_add_a_task_that_lists_runs_reports_and_evals(tmp_path):
    """Each command of the README's new-task block, in a copy of the checkout. `pip install
    -e .` installs the copy into a private site-packages instead (the venv stays as it is)."""
    checkout = copy_checkout(tmp_path / "checkout")
    before = files_of(checkout)
    site = tmp_path / "site-packages"
    env = guarded_env(site, INSPECT_LOG_DIR=str(tmp_path / "inspect-logs"))
    env.pop("TRUSTBENCH_RESULTS")
    outputs: dict[str, str] = {}
    steps = list(commands(new_task_block()))
    assert [words[:2] for words in steps] == [
        ["trustbench", "new-task"],
        ["pip", "install"],
        ["trustbench", "list"],
        ["trustbench", "run"],
        ["trustbench", "report"],
        ["inspect", "eval"],
        ["pytest", f"tests/{NAME}"],
    ]
    for words in steps:
        if words[:3] == ["pip", "install", "-e"]:
            assert words[3:] == ["."]
            command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
            command += ["--no-build-isolation", "--target", str(site), "."]
        elif words[:2] in (["trustbench", "run"], ["inspect", "eval"]):
            command = [venv_bin(words[0]), *words[1:], "--display", "none"]
        else:
            command = [venv_bin(words[0]), *words[1:]]
        done = subprocess.run(
            command, cwd=checkout, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, (words, done.stdout[-3000:], done.stderr[-3000:])
        outputs[" ".join(words[:2])] = done.stdout

    after = files_of(checkout)
    added = sorted(set(after) - set(before))
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert changed == ["pyproject.toml"]
    assert {Path(name).parts[:2] for name in added} == {("tasks", NAME), ("tests", NAME)}
    lines = {
        "before": before["pyproject.toml"].decode().splitlines(),
        "after": after["pyproject.toml"].decode().splitlines(),
    }
    assert sorted(set(lines["after"]) - set(lines["before"])) == [
        f'{NAME} = "trustbench.tasks.{NAME}:plugin"'
    ]
    assert len(lines["after"]) == len(lines["before"]) + 1

    assert f"trustbench/{NAME}  [{NAME}]" in outputs["trustbench list"]
    runs = checkout / "results" / "runs" / NAME
    accuracy = {
        log.eval.model: log.results.scores[0].metrics["accuracy"].value
        for log in (read_eval_log(i, header_only=True) for i in list_eval_logs(str(runs)))
    }
    assert accuracy == {"scripted/reference": 1.0, "scripted/baseline": 0.0}
    report = (checkout / "results" / "reports" / NAME / "report.md").read_text()
    section = report[report.index(f"## {NAME}") :]
    assert section.index(f"### {NAME}: accuracy and answers") < section.index("all logged")
    [info] = list_eval_logs(str(tmp_path / "inspect-logs"))
    evaluated = read_eval_log(info, header_only=True)
    assert evaluated.status == "success" and evaluated.eval.task == f"trustbench/{NAME}"
    assert "2 passed" in outputs[f"pytest tests/{NAME}"]
