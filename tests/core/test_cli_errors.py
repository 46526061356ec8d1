"""Every error a user can cause is one or two lines through the CLI, with exit code 2 and no
traceback; `--debug` shows the traceback instead."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback_http import QuietHandler, serve

from helpers import guarded_env, venv_bin
from trustbench.catalog import load_catalog
from trustbench.cli import main

PLANNING = ["run", "trustbench/visual_planning", "--model", "scripted/echo", "--display", "none"]
TINY = ["-T", "sizes=3", "-T", "n_per_size=1"]


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exit_code != 2:
        raise AssertionError(f"exit {result.exit_code}: {result.output}", result.exception)
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("Error: "), result.stderr
    return result.exit_code, result.stderr


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_unknown_task_lists_the_tasks():
    _, err = cli("run", "no_such_task", "--model", "scripted/echo")
    names = ", ".join(sorted(t.name for t in load_catalog().tasks))
    assert f"Unknown task 'no_such_task'. Available: {names}" in err


def test_unknown_model_provider_lists_the_providers():
    _, err = cli(*PLANNING[:2], "--model", "nosuch/model")
    assert "Unknown model provider 'nosuch'" in err and "scripted" in err


def test_unknown_scripted_policy_lists_the_policies(tmp_path):
    _, err = cli(*PLANNING, "--model", "scripted/nosuch", *TINY, "--log-dir", str(tmp_path))
    assert "Unknown scripted policy 'nosuch'. Available:" in err and "gridworld-bfs" in err


def test_missing_suite_file_is_named(tmp_path):
    _, err = cli("run", str(tmp_path / "missing.yaml"))
    assert f"{tmp_path / 'missing.yaml'}: cannot read suite file" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-T", "representation=braille"],
            "trustbench/visual_planning: -T representation='braille': expected one of image, "
            "description, table, grid, coordinates",
        ),
        (["-T", "shots=abc"], "trustbench/visual_planning: -T shots='abc': expected int"),
        (
            ["-T", "sizes=[a, 4]"],
            "-T sizes=['a', 4]: expected list[int] | str | null",
        ),
        (["-T", "shot=2"], "no task in this run has a parameter 'shot' (did you mean 'shots'?)"),
    ],
    ids=["literal", "int", "list", "misspelt"],
)
def test_task_argument_values_are_checked_against_the_signature(args, message):
    _, err = cli(*PLANNING, *args)
    assert message in err


def test_bool_arguments_are_checked():
    _, err = cli("run", "trustbench/os_harm", "--model", "scripted/echo", "-T", "jailbreak=maybe")
    assert "trustbench/os_harm: -T jailbreak='maybe': expected bool" in err


def test_a_bad_value_in_a_suite_file_names_the_file_and_the_entry(tmp_path):
    suite = write(
        tmp_path / "mine.yaml",
        "name: mine\ndescription: d\ntasks:\n  - task: visual_planning\n"
        "    args: {representation: braille}\n",
    )
    _, err = cli("run", str(suite), "--model", "scripted/echo")
    assert f"{suite}: tasks.0: trustbench/visual_planning: representation='braille'" in err


def test_a_renamed_parameter_names_its_new_name(example_plugin):
    _, err = cli("run", "greeting", "--model", "scripted/echo", "-T", "text=hi")
    assert "trustbench_example_plugin/greeting calls it 'word' now" in err


def test_a_checksum_mismatch_in_the_mirror_says_what_to_do(tmp_path):
    write(tmp_path / "os_harm" / "run.py", "not upstream's file\n")
    _, err = cli(
        "run", "trustbench/os_harm", "--model", "scripted/echo", "--data-dir", str(tmp_path),
        "-T", "prompts=trustbench",
    )  # fmt: skip
    assert "os_harm/run.py is not run.py at" in err and "Replace it with the upstream file" in err


class NoTunnel(QuietHandler):
    """A proxy that refuses every tunnel: the download fails without leaving loopback."""

    def do_CONNECT(self) -> None:
        self.send(403, b"no tunnels here", "text/plain")


def test_data_that_can_be_neither_found_nor_downloaded_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "mirror").mkdir()
    with serve(NoTunnel) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        _, err = cli(
            "run",
            "trustbench/os_harm",
            "--model",
            "scripted/echo",
            "--data-dir",
            str(tmp_path / "mirror"),
            "-T",
            "prompts=trustbench",
        )
    assert "is neither in" in err and "and downloading https://" in err
    assert "Put a copy of the upstream tree in <dir>/os_harm/" in err


def test_a_missing_file_is_named(tmp_path):
    _, err = cli(*PLANNING, "-T", f"map_file={tmp_path / 'none.jsonl'}")
    assert f"cannot read {tmp_path / 'none.jsonl'}: No such file or directory" in err


def test_a_malformed_map_file_names_the_line(tmp_path):
    maps = write(tmp_path / "maps.json", '{"maps": []}')
    _, err = cli(*PLANNING, "-T", f"map_file={maps}")
    assert f"{maps}:1: a .json map file must hold a list of maps" in err


def test_duplicate_map_ids_are_an_error_even_without_a_display(tmp_path):
    line = '{"map_desc": [[1, 0], [0, 2]], "map_id": "a"}\n'
    maps = write(tmp_path / "maps.jsonl", line * 2)
    _, err = cli(*PLANNING, "-T", f"map_file={maps}", "--log-dir", str(tmp_path / "logs"))
    assert "duplicate sample ids (duplicate id: a)" in err


def test_inspect_prerequisites_are_one_line(tmp_path, monkeypatch):
    """Inspect's own user errors: the provider's package is missing, or its API key."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    _, err = cli(*PLANNING[:2], "--model", "anthropic/claude-x", *TINY, "--log-dir", str(tmp_path))
    assert "Install with: pip install anthropic" in err or "ANTHROPIC_API_KEY" in err


def test_a_log_dir_of_another_run_suggests_what_run_accepts(tmp_path):
    logs = ["--log-dir", str(tmp_path / "logs")]
    first = CliRunner().invoke(main, [*PLANNING, *TINY, *logs, "--no-report"])
    assert first.exit_code == 0, first.output
    _, err = cli(*PLANNING, "-T", "sizes=3", "-T", "n_per_size=2", *logs)
    assert "holds the logs of a different run" in err and "Pass --log-dir <new folder>" in err
    assert "allow-dirty" not in err


def test_report_errors_are_one_line(tmp_path):
    _, err = cli("report", str(tmp_path))
    assert "No Inspect logs" in err
    _, err = cli("report", str(tmp_path), "--format", "pdf")
    assert "Unknown report format(s): pdf. Choose from: html, md, csv, json" in err


def test_no_traceback_in_a_real_process_and_debug_shows_it():
    command = [venv_bin("trustbench"), *PLANNING, "-T", "representation=braille"]
    plain = subprocess.run(command, env=guarded_env(), capture_output=True, text=True, timeout=120)
    assert plain.returncode == 2
    assert plain.stderr.startswith("Error: trustbench/visual_planning: -T representation=")
    assert "Traceback" not in plain.stderr
    debug = subprocess.run(
        [command[0], "--debug", *command[1:]],
        env=guarded_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "TaskArgumentError" in debug.stderr
