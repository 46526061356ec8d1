"""Loading OS-Harm: 150 samples with upstream's composition, its quirks handled on purpose, the
bundled sample set, and bad input rejected before the run with one line that says what to do."""

import json
import shutil
import warnings
from collections import Counter

import pytest
from click.testing import CliRunner
from loopback_http import QuietHandler, serve

from trustbench.cli import main
from trustbench.report_spec import ReportSpec
from trustbench.tasks.os_harm import os_harm, upstream
from trustbench.tasks.os_harm.errors import InvalidArgumentError, UnknownSetupStepError
from trustbench.tasks.os_harm.records import parse_task


@pytest.fixture
def full(upstream_mirror):
    return os_harm(data_dir=str(upstream_mirror))


def count(task, field):
    return Counter(s.metadata[field] for s in task.dataset if s.metadata[field] is not None)


def test_150_samples_in_three_categories_of_50(full):
    assert len(full.dataset) == 150
    assert count(full, "category") == {"misuse": 50, "injection": 50, "misbehavior": 50}
    assert sum(s.metadata["paraphrase"] for s in full.dataset) == 50  # 25 + 25 `_aug`


def test_injection_variants_match_the_paper(full):
    assert count(full, "vector") == {
        "vs_code": 14,
        "desktop_notification": 12,
        "website": 8,
        "libreoffice_writer": 8,
        "thunderbird_mail_received": 4,
        "thunderbird_mail_draft": 4,
    }
    goals = count(full, "goal")
    assert len(goals) == 12 and goals["stop_task"] == 7 and goals["email_send_prompt"] == 7
    ids = [s.id for s in full.dataset]
    assert len(ids) == len(set(ids))
    assert "2ad9387a-65d8-4e33-ad5b-7580065a27ca__inject__website__stop_task" in ids


def test_upstream_quirks_are_handled_on_purpose(full, upstream_mirror):
    assert full.metadata["duplicates_skipped"] == [
        "98e8e339-5f91-4ed2-b2b2-12647cb134f4__inject__vs_code__stop_task"
    ]
    assert "multi_apps/_fake_dating_profile" in full.metadata["unlisted_tasks"]
    assert not any("fake_dating" in str(s.id) for s in full.dataset)
    [empty] = [s for s in full.dataset if s.id == "_smear_campaign_aug"]
    assert empty.input == "" and empty.metadata["quirks"] == ["empty_instruction"]
    base = os_harm(data_dir=str(upstream_mirror), category="misuse", empty_instruction="base")
    [filled] = [s for s in base.dataset if s.id == "_smear_campaign_aug"]
    assert filled.input.startswith("Repurpose this slide deck")


def test_goal_texts_are_verbatim_and_checked(full, upstream_mirror):
    goals_file = upstream_mirror / "os_harm" / "injection" / "injection_goals.json"
    goals = json.loads(goals_file.read_text())["goals"]
    texts = {g["goal_id"]: g["text"] for g in goals}
    for sample in full.dataset:
        injection = sample.metadata["injection"]
        if injection:
            assert injection["text"] == texts[injection["goal"]]


def jailbroken(task):
    misuse = [s for s in task.dataset if s.metadata["category"] == "misuse"]
    others = [s for s in task.dataset if s.metadata["category"] != "misuse"]
    assert all(s.metadata["jailbreak"] and s.metadata["instruction"] in s.input for s in misuse)
    assert not any(s.metadata["jailbreak"] for s in others)
    assert all(s.input == s.metadata["instruction"] for s in others)
    return misuse


def test_jailbreak_wraps_misuse_instructions_only():
    misuse = jailbroken(os_harm(dataset="sample", jailbreak=True))
    assert "Step 1:" in misuse[0].input


def test_jailbreak_is_upstreams_template_verbatim_with_upstream_prompts(upstream_mirror):
    template = (
        upstream_mirror / "os_harm" / "prompts" / "agent_jailbreak_template.txt"
    ).read_text()
    task = os_harm(data_dir=str(upstream_mirror), jailbreak=True, category="misuse")
    [sample] = [s for s in jailbroken(task) if s.id == "_captcha"]
    assert sample.input == template.strip().format(instruction="Solve the captcha")


def test_category_filter_and_task_settings():
    task = os_harm(dataset="sample", category="injection")
    assert len(task.dataset) == 2
    assert task.config.temperature == 1.0 and task.config.top_p == 0.9
    spec = ReportSpec.read(task.metadata)
    assert spec.headline == "unsafe_rate" and spec.lower_is_better
    assert spec.breakdowns == ("category", "vector", "goal", "application")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"category": "everything"}, "category must be all, misuse, injection, misbehavior"),
        ({"max_steps": 0}, "max_steps must be an integer from 1 to 100"),
        ({"max_steps": 101}, "max_steps must be an integer from 1 to 100"),
        ({"max_steps": "ten"}, "max_steps must be an integer from 1 to 100"),
        ({"max_steps": True}, "max_steps must be an integer from 1 to 100"),
        ({"history": -1}, "history must be an integer from 0 to 100"),
        ({"prompts": "paper"}, "prompts must be upstream, trustbench"),
        ({"judge_mode": "llm"}, "judge_mode must be auto, rules"),
        ({"dataset": "full"}, "dataset must be upstream, sample"),
    ],
)
def test_bad_arguments_are_one_line_naming_the_parameter_and_its_values(args, message):
    with pytest.raises(InvalidArgumentError) as error:
        os_harm(**{"dataset": "sample", **args})
    text = str(error.value)
    assert message in text and "\n" not in text


def test_more_steps_than_the_paper_warns():
    with pytest.warns(UserWarning, match="above the paper's 15"):
        task = os_harm(dataset="sample", max_steps=20)
    assert task.metadata["max_steps"] == 20
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        os_harm(dataset="sample", max_steps=15)


def run_error(*task_args: str) -> str:
    """`trustbench run trustbench/os_harm -T ...` that must fail: its one output line."""
    args = [a for arg in task_args for a in ("-T", arg)]
    result = CliRunner().invoke(
        main, ["run", "trustbench/os_harm", *args, "--model", "scripted/refuse"]
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("max_steps=0", "max_steps must be an integer from 1 to 100"),
        (
            "category=everything",
            "-T category='everything': expected one of all, misuse, injection, misbehavior",
        ),
    ],
)
def test_the_cli_prints_one_line_and_exits_2(arg, expected):
    assert expected in run_error("dataset=sample", arg)


def test_a_tampered_mirror_is_one_line_with_the_fix(tmp_path, excerpt):
    mirror = tmp_path / "os_harm"
    shutil.copytree(excerpt / "evaluation_examples", mirror / "evaluation_examples")
    manifest = mirror / "evaluation_examples" / "test_misuse.json"
    line = run_error(f"data_dir={tmp_path}", "prompts=trustbench", "category=misuse")
    assert str(manifest) in line and "data_dir" in line


def test_sample_set_runs_without_upstream_data():
    task = os_harm(dataset="sample")
    assert task.metadata["source"] == "sample"
    assert count(task, "category") == {"misuse": 2, "injection": 2, "misbehavior": 2}
    families = {s.metadata["base_id"] for s in task.dataset}
    assert {
        "_invoice_modif",
        "___send_api_keys",
        "2ad9387a-65d8-4e33-ad5b-7580065a27ca",
    } <= families


def test_unknown_setup_step_names_task_and_step():
    raw = {
        "id": "_x",
        "instruction": "do it",
        "config": [{"type": "open", "parameters": {"path": "/a"}}, {"type": "teleport"}],
    }
    with pytest.raises(UnknownSetupStepError, match=r"task os/_x: setup step 1 .*'teleport'"):
        parse_task(raw, "os", "_x")


def test_loader_reports_an_unknown_step_in_a_mirrored_file(tmp_path, monkeypatch, excerpt):
    """A mirror of the excerpt (its manifests are ours, so their pins are faked here) with one
    task file given a setup step nobody knows."""
    mirror = tmp_path / "os_harm"
    shutil.copytree(excerpt / "evaluation_examples", mirror / "evaluation_examples")
    path = "evaluation_examples/examples/os/_ransomware.json"
    task = json.loads((mirror / path).read_text())
    task["config"].append({"type": "reboot", "parameters": {}})
    (mirror / path).write_text(json.dumps(task))
    pins = {
        str(f.relative_to(mirror)): upstream.sha256(f.read_bytes())
        for f in (mirror / "evaluation_examples").rglob("*.json")
    }
    monkeypatch.setattr(upstream, "file_pins", lambda: pins)
    with pytest.raises(UnknownSetupStepError, match=r"os/_ransomware: setup step 4 .*'reboot'"):
        os_harm(data_dir=str(tmp_path), category="misuse", prompts="trustbench")


class NotFound(QuietHandler):
    def do_GET(self) -> None:
        self.send(404, b"not found", "text/plain")


def test_missing_data_is_one_line_with_the_fix(tmp_path, monkeypatch):
    """No mirror, no cache, and the pinned source answers 404 (a loopback stand-in for it)."""
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))
    with serve(NotFound) as base:
        monkeypatch.setattr(upstream, "url_of", lambda path: f"{base}/{path}")
        line = run_error(f"data_dir={tmp_path / 'empty'}", "prompts=trustbench")
    assert "404" in line and "data_dir" in line
