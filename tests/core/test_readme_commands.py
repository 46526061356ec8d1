"""Every command in the README runs, in the README's order, offline, on scripted models: a
command that drifts from the CLI fails here.

A cluster run (`--executor ray`) is checked and planned (`--dry-run`), a report on a remote log
folder is left to `tests/scale` (which runs both for real), `pip install` of an extra checks the
extra exists and `ray start` that Ray's command is installed.

Models the README names that are not scripted (hosted APIs, the embedded model) are replaced by
scripted ones, in commands, in suite defaults and in the README's suite file; a HalluHard run
cites, searches and fetches a web on loopback instead of the open one. `make` targets are
checked to exist (`make test` is this suite; `make run` is the smoke suite on the embedded model);
`pip install` of the example plugin is the `example_plugin` fixture; `trustbench view` is run with
its server call captured. The block that starts a new task writes into the checkout, so
`test_new_task.py` runs it, in a copy.
"""

from __future__ import annotations

import glob
import re
import shlex
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from citation_web import CitationWeb
from click.testing import CliRunner
from loopback_http import serve
from readme import blocks, new_task_block
from readme import commands as block_commands

import trustbench.cli
from helpers import guarded_env, venv_bin
from trustbench.catalog import load_catalog
from trustbench.cli import main
from trustbench.retrieval.store import EvidenceStore
from trustbench.runner import plan_run

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
STAND_INS = ("scripted/echo", "scripted/refuse", "scripted/comply")


def commands() -> Iterator[list[str]]:
    """Each shell command of the README but the new-task block's (see `test_new_task.py`)."""
    for block in blocks("bash"):
        if block != new_task_block():
            yield from block_commands(block)


def scripted(models: list[str]) -> list[str]:
    swapped = iter(STAND_INS)
    return [m if m.startswith("scripted/") else next(swapped) for m in models]


def offline(words: list[str], web: str) -> list[str]:
    """The command with scripted models wherever it (or its suite) names another."""
    words = list(words)
    for i, word in enumerate(words[:-1]):
        if word in ("--model", "--grader", "--user", "--baseline"):
            words[i + 1] = ",".join(scripted(words[i + 1].split(",")))
    if words[:2] == ["trustbench", "run"] and any("halluhard" in w for w in words[2:]):
        # A web on loopback stands in for the open web and Serper, and a model that cites its
        # page for the model under test, so the run has evidence to export and replay.
        words[words.index("--model") + 1] = "scripted/fixed"
        words += ["-M", f"text=Police must warn suspects [Miranda v. Arizona]({web}/miranda)."]
        words += ["-T", f"search_options={{base_url: '{web}', retries: 0}}"]
        words += ["-T", "fetch_options={allow_networks: [127.0.0.1/32], max_retries: 0}"]
    if words[:2] == ["trustbench", "run"] and "--model" not in words:
        targets = main.commands["run"].make_context("run", words[2:]).params["targets"]
        defaults = plan_run(load_catalog(), list(targets)).models
        if scripted(defaults) != defaults:
            words += ["--model", ",".join(scripted(defaults))]
    return words


def write_suites(folder: Path) -> None:
    """The README's suite file, with scripted models, where its command expects it."""
    for block in blocks("yaml"):
        suite = yaml.safe_load(block)
        if "model" in suite:
            suite["model"] = scripted(str(suite["model"]).split(","))
        suite["roles"] = {role: "scripted/refuse" for role in suite.get("roles", {})}
        (folder / f"{suite['name']}.yaml").write_text(yaml.safe_dump(suite))


@pytest.fixture
def web(monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("SERPER_API_KEY", "stand-in")
    with serve(CitationWeb) as base:
        yield base


@pytest.fixture
def workdir(tmp_path, monkeypatch, example_plugin):
    """A user's working directory: the repository's suites and tests beside fresh results."""
    for name in ("evals", "tests"):
        (tmp_path / name).symlink_to(REPO / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRUSTBENCH_RESULTS", raising=False)
    monkeypatch.setenv("TRUSTBENCH_EVIDENCE", str(tmp_path / "evidence.sqlite"))
    # The evidence commands export a run named run-42: the store holds one search of it.
    EvidenceStore(tmp_path / "evidence.sqlite").put_search("corpus", "miranda", 3, [], run="run-42")
    write_suites(tmp_path)
    return tmp_path


def run_one(words: list[str], workdir: Path, example_plugin: Path, monkeypatch) -> str:
    program = words[0]
    if program == "make":
        targets = re.findall(r"^([\w.-]+):", (REPO / "Makefile").read_text(), re.M)
        assert set(words[1:]) <= set(targets), words
        return "make target exists"
    if program == ".":
        assert words[1] == ".venv/bin/activate", words
        return "activate"
    if program == "pip" and words[2] == "-e":
        assert words[:3] == ["pip", "install", "-e"] and (REPO / words[3]).is_dir(), words
        return "installed by the example_plugin fixture"
    if program == "pip":
        found = re.fullmatch(r"trustbench\[(\w+)\]", words[2])
        assert found and found.group(1) in PYPROJECT["project"]["optional-dependencies"], words
        return "an extra the package declares"
    if program == "ray":
        assert words[1] == "start" and Path(venv_bin("ray")).is_file(), words
        return "Ray's own command, installed with the ray extra"
    if program == "inspect":
        result = subprocess.run(
            [venv_bin("inspect"), *expanded(words[1:]), "--display", "none"],
            env=guarded_env(example_plugin),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout
    assert program == "trustbench", f"the test does not know how to run {words}"
    served: list[list[str]] = []
    monkeypatch.setattr(trustbench.cli.subprocess, "call", lambda c: served.append(c) or 0)
    if words[1] == "run":
        words = [*words, "--display", "none"]
        if "--executor" in words:  # a cluster run: tests/scale runs one; here, its plan
            words.append("--dry-run")
    if words[1] == "report" and "://" in words[2]:
        return "a remote log folder: tests/scale reads one from an S3 server on loopback"
    result = CliRunner().invoke(main, words[1:])
    assert result.exit_code == 0, (words, result.output, result.stderr, result.exception)
    if words[1] == "view":
        assert Path(words[2]).is_dir() and words[2] in served[0]
    return result.output


def expanded(words: list[str]) -> list[str]:
    """Shell globs expanded, as the user's shell would."""
    return [match for word in words for match in (sorted(glob.glob(word)) or [word])]


@pytest.mark.slow
def test_every_readme_command_runs_offline_on_scripted_models(
    web, workdir, example_plugin, monkeypatch
):
    ran = []
    for words in commands():
        command = offline(words, web)
        run_one(command, workdir, example_plugin, monkeypatch)
        ran.append(shlex.join(command))
    assert any(c.startswith("trustbench report results/runs/") for c in ran)
    assert len(ran) >= 15, ran
