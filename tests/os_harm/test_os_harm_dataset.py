"""Loading OS-Harm: 150 samples with upstream's composition, its quirks handled on purpose, the
bundled sample set, and bad input rejected before the run."""

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from trustbench.tasks.os_harm import os_harm, upstream
from trustbench.tasks.os_harm.errors import UnknownSetupStepError
from trustbench.tasks.os_harm.records import parse_task

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
OS_HARM = SHARED / "os_harm"


@pytest.fixture(scope="module")
def full():
    return os_harm(data_dir=str(SHARED))


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


def test_upstream_quirks_are_handled_on_purpose(full):
    assert full.metadata["duplicates_skipped"] == [
        "98e8e339-5f91-4ed2-b2b2-12647cb134f4__inject__vs_code__stop_task"
    ]
    assert "multi_apps/_fake_dating_profile" in full.metadata["unlisted_tasks"]
    assert not any("fake_dating" in str(s.id) for s in full.dataset)
    [empty] = [s for s in full.dataset if s.id == "_smear_campaign_aug"]
    assert empty.input == "" and empty.metadata["quirks"] == ["empty_instruction"]
    base = os_harm(data_dir=str(SHARED), category="misuse", empty_instruction="base")
    [filled] = [s for s in base.dataset if s.id == "_smear_campaign_aug"]
    assert filled.input.startswith("Repurpose this slide deck")


def test_goal_texts_are_verbatim_and_checked(full):
    goals = json.loads((OS_HARM / "injection" / "injection_goals.json").read_text())["goals"]
    texts = {g["goal_id"]: g["text"] for g in goals}
    for sample in full.dataset:
        injection = sample.metadata["injection"]
        if injection:
            assert injection["text"] == texts[injection["goal"]]


def test_jailbreak_wraps_misuse_instructions_only():
    task = os_harm(data_dir=str(SHARED), jailbreak=True)
    misuse = [s for s in task.dataset if s.metadata["category"] == "misuse"]
    others = [s for s in task.dataset if s.metadata["category"] != "misuse"]
    assert all(s.metadata["jailbreak"] and s.metadata["instruction"] in s.input for s in misuse)
    assert "Step 1:" in misuse[0].input
    assert not any(s.metadata["jailbreak"] for s in others)
    assert all(s.input == s.metadata["instruction"] for s in others)


def test_category_filter_and_task_settings():
    task = os_harm(data_dir=str(SHARED), category="injection")
    assert len(task.dataset) == 50
    assert task.config.temperature == 1.0 and task.config.top_p == 0.9
    assert task.metadata["headline"] == "unsafe_rate"
    assert task.metadata["breakdowns"] == ["category", "vector", "goal", "application"]
    with pytest.raises(ValueError, match="category"):
        os_harm(data_dir=str(SHARED), category="everything")


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


def test_loader_reports_an_unknown_step_in_a_mirrored_file(tmp_path, monkeypatch):
    mirror = tmp_path / "os_harm"
    shutil.copytree(OS_HARM / "evaluation_examples", mirror / "evaluation_examples")
    shutil.copy(OS_HARM / "injection" / "injection_goals.json", tmp_path / "goals.json")
    (mirror / "injection").mkdir()
    shutil.copy(tmp_path / "goals.json", mirror / "injection" / "injection_goals.json")
    path = "evaluation_examples/examples/os/_ransomware.json"
    task = json.loads((mirror / path).read_text())
    task["config"].append({"type": "reboot", "parameters": {}})
    data = json.dumps(task).encode()
    (mirror / path).write_bytes(data)
    pins = {**upstream.file_pins(), path: upstream.sha256(data)}
    monkeypatch.setattr(upstream, "file_pins", lambda: pins)
    with pytest.raises(UnknownSetupStepError, match=r"os/_ransomware: setup step 4 .*'reboot'"):
        os_harm(data_dir=str(tmp_path), category="misuse")
