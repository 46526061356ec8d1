"""The scripted provider, end to end through Inspect's own eval(), offline."""

import json

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageUser, ContentImage, ContentText, get_model
from inspect_ai.scorer import includes
from inspect_ai.solver import generate, use_tools
from inspect_ai.tool import tool

import trustbench._registry  # noqa: F401 - registers the providers
from trustbench.errors import TrustbenchError, UnknownNameError
from trustbench.providers.scripted.policies import COMPLIANCE, REFUSAL

TINY_PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def run(model: str, samples, solver=None, **model_args):
    task = Task(dataset=MemoryDataset(samples), solver=solver or generate(), scorer=includes())
    [log] = eval(task, model=get_model(model, **model_args), display="none", log_dir=None)
    assert log.status == "success", log.error
    return log


def completions(log):
    return [s.output.completion for s in log.samples]


@pytest.mark.parametrize(
    "policy,expected", [("refuse", REFUSAL), ("comply", COMPLIANCE), ("echo", "say hi")]
)
def test_builtin_policies(policy, expected):
    log = run(f"scripted/{policy}", [Sample(input="say hi", target="hi")])
    assert completions(log) == [expected]
    assert log.samples[0].output.usage.total_tokens > 0


def test_fixed_text():
    log = run("scripted/fixed", [Sample(input="q", target="x")], text="forty-two")
    assert completions(log) == ["forty-two"]


def test_fixed_without_text_says_what_to_pass():
    with pytest.raises(TrustbenchError, match="-M text="):
        get_model("scripted/fixed")


def test_unknown_policy_lists_policies_and_oracles():
    with pytest.raises(UnknownNameError) as err:
        get_model("scripted/nonsense")
    assert "echo" in str(err.value) and "gridworld-bfs" in str(err.value)


def test_images_are_accepted():
    message = ChatMessageUser(content=[ContentText(text="look"), ContentImage(image=TINY_PNG)])
    log = run("scripted/echo", [Sample(input=[message], target="look")])
    assert completions(log) == ["look\n[image]"]


def test_script_in_order_and_by_sample(tmp_path):
    script = tmp_path / "script.yaml"
    script.write_text("outputs: ['first answer']\nby_sample:\n  special: ['special answer']\n")
    samples = [
        Sample(id="plain", input="a", target="x"),
        Sample(id="special", input="b", target="x"),
    ]
    log = run("scripted/script", samples, file=str(script))
    by_id = {s.id: s.output.completion for s in log.samples}
    assert by_id == {"plain": "first answer", "special": "special answer"}


@tool
def add():
    async def execute(a: int, b: int) -> str:
        """Add two numbers.

        Args:
            a: first number
            b: second number
        """
        return str(a + b)

    return execute


def test_script_replays_tool_calls_turn_by_turn(tmp_path):
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps(
            [
                {"tool_calls": [{"function": "add", "arguments": {"a": 2, "b": 3}}]},
                {"text": "The sum is 5."},
            ]
        )
    )
    solver = [use_tools(add()), generate(tool_calls="loop")]
    log = run(
        "scripted/script", [Sample(input="add 2 and 3", target="5")], solver, file=str(script)
    )
    messages = log.samples[0].messages
    assert [m.role for m in messages] == ["user", "assistant", "tool", "assistant"]
    assert messages[2].text == "5"
    assert log.samples[0].scores["includes"].value == "C"


def test_script_that_runs_out_of_turns_errors_the_sample(tmp_path):
    script = tmp_path / "short.yaml"
    script.write_text("[]\n")
    task = Task(dataset=MemoryDataset([Sample(input="q", target="x")]), solver=generate())
    [log] = eval(task, model=get_model("scripted/script", file=str(script)), display="none")
    assert log.status == "error"
    assert "Add more outputs to the script" in log.error.message


def test_missing_script_file_is_explained(tmp_path):
    with pytest.raises(TrustbenchError, match="Script file not found"):
        get_model("scripted/script", file=str(tmp_path / "nope.yaml"))
