"""The conversation solver on scripted models: turns, the citation requirement, who plays the
user, conversations that end early, and provider citations rendered inline."""

from types import SimpleNamespace

import pytest
from inspect_ai import Task, eval
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageUser,
    ContentText,
    ModelOutput,
    UrlCitation,
    get_model,
)

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.providers.scripted import register_reference_model
from trustbench.tasks.halluhard.citations import rendered_text
from trustbench.tasks.halluhard.dataset import load_seeds
from trustbench.tasks.halluhard.prompts import CITATION_REQUIREMENTS
from trustbench.tasks.halluhard.solver import follow_up, halluhard_conversation

SIMULATOR_MARK = "=== Begin ==="
PROMPTS: list[str] = []


def _last_user(messages) -> str:
    return [m for m in messages if isinstance(m, ChatMessageUser)][-1].text


def curious_user(messages, metadata, rng) -> str:
    PROMPTS.append(_last_user(messages))
    return f'"Follow-up {_last_user(messages).count("Assistant:")}?"'


def self_playing(messages, metadata, rng) -> str:
    """Answers as the target, and writes follow-ups when shown the simulator's prompt."""
    if SIMULATOR_MARK in _last_user(messages):
        return "What about the dissent?"
    answers = sum(isinstance(m, ChatMessageAssistant) for m in messages)
    return f"Answer {answers + 1} [Case](https://law.example/{answers + 1})."


register_reference_model("halluhard-test-user", curious_user)
register_reference_model("halluhard-test-self", self_playing)
register_reference_model("halluhard-test-silent", lambda messages, metadata, rng: "   ")
register_reference_model(
    "halluhard-test-refuser", lambda m, meta, rng: "I'm sorry, but I can't do that."
)


def conversation_task(turns: int = 3, domains=("legal_cases",)) -> Task:
    seeds = load_seeds(list(domains), "sample", 1, "v1", "original", None)
    return Task(dataset=seeds.dataset, solver=halluhard_conversation(turns=turns))


def run(task: Task, model: str, **roles: str):
    [log] = eval(
        task,
        model=model,
        model_roles={k: get_model(v) for k, v in roles.items()} or None,
        display="none",
    )
    assert log.status == "success", log.error
    return log.samples


def test_three_turns_with_a_bound_user_role():
    PROMPTS.clear()
    [sample] = run(
        conversation_task(), "scripted/halluhard-test-self", user="scripted/halluhard-test-user"
    )
    users = [m for m in sample.messages if isinstance(m, ChatMessageUser)]
    assistants = [m for m in sample.messages if isinstance(m, ChatMessageAssistant)]
    requirement = CITATION_REQUIREMENTS["legal_cases"]
    assert [u.text for u in users[1:]] == [
        "Follow-up 1?" + requirement,
        "Follow-up 2?" + requirement,
    ]
    assert users[0].text.endswith(requirement)
    assert [a.text for a in assistants] == [
        f"Answer {i} [Case](https://law.example/{i})." for i in (1, 2, 3)
    ]
    assert sample.metadata["user_simulator"] == "role"
    assert sample.metadata["user_model"] == "scripted/halluhard-test-user"
    assert sample.metadata["turns_completed"] == 3
    assert sample.metadata["ended_early_reason"] is None
    first, second = PROMPTS
    assert "Question category: SCALR" in first and "law student" in first
    assert "User: What procedural safeguards" in first
    assert "Assistant: Answer 1 [Case](https://law.example/1)." in first
    assert requirement not in first and "User: Follow-up 1?\n" in second


def test_without_a_user_role_the_model_under_test_plays_the_user():
    [sample] = run(conversation_task(turns=2), "scripted/halluhard-test-self")
    assert sample.metadata["user_simulator"] == "self"
    assert sample.metadata["user_model"] == "scripted/halluhard-test-self"
    assert sample.metadata["turns_completed"] == 2
    follow_up = [m for m in sample.messages if isinstance(m, ChatMessageUser)][1]
    assert follow_up.text.startswith("What about the dissent?")


def test_a_follow_up_that_cannot_be_had_ends_the_conversation_and_is_recorded():
    task = conversation_task(domains=("legal_cases", "coding"))
    for user, reason in [
        ("halluhard-test-silent", "follow_up_empty"),
        ("halluhard-test-refuser", "follow_up_refused"),
    ]:
        samples = run(task, "scripted/halluhard-test-self", user=f"scripted/{user}")
        assert len(samples) == 3
        for sample in samples:
            assert sample.metadata["turns_completed"] == 1
            assert sample.metadata["ended_early_reason"] == reason


def test_coding_follow_ups_get_the_language_and_task():
    PROMPTS.clear()
    run(
        conversation_task(turns=2, domains=("coding",)),
        "scripted/halluhard-test-self",
        user="scripted/halluhard-test-user",
    )
    assert {p.split("Context:\n")[1].split("\n\n")[0] for p in PROMPTS} == {
        "Language: Python\nTask: parse a CSV file and compute the average of each numeric column",
        "Language: R\nTask: fit a linear regression and plot its residuals",
    }


def test_web_search_citations_are_rendered_inline():
    ranged = ContentText(
        text="Miranda requires warnings. Later cases agree.",
        citations=[
            UrlCitation(url="https://a.example/m", title="Miranda", cited_text=(0, 26)),
            UrlCitation(url="https://a.example/m", title="Miranda again", cited_text=(27, 45)),
        ],
    )
    blocks = [
        ContentText(text="The rule is old, "),
        ContentText(
            text="dating from 1966.",
            citations=[
                UrlCitation(url="https://b.example/", title=None, cited_text="decided 1966")
            ],
        ),
        ContentText(
            text=" See https://c.example/.", citations=[UrlCitation(url="https://c.example/")]
        ),
    ]
    assert rendered_text(ChatMessageAssistant(content=[ranged])) == (
        "Miranda requires warnings. [Miranda](https://a.example/m) Later cases agree."
    )
    assert rendered_text(ChatMessageAssistant(content=blocks)) == (
        "The rule is old, dating from 1966. [https://b.example/](https://b.example/)"
        " See https://c.example/."
    )
    assert rendered_text(ChatMessageAssistant(content="plain")) == "plain"


def test_web_search_puts_the_builtin_search_tool_on_the_state():
    seeds = load_seeds(["legal_cases"], "sample", 1, "v1", "original", None)
    task = Task(dataset=seeds.dataset, solver=halluhard_conversation(turns=1, web_search=True))
    [sample] = run(task, "scripted/halluhard-test-self")
    [event] = [e for e in sample.events if e.event == "model"]
    assert [t.name for t in event.tools] == ["web_search"]


class StubSimulator:
    def __init__(self, output: ModelOutput) -> None:
        self.output = output

    async def generate(self, messages):
        return self.output


def stub_state(stop_reason: str = "stop") -> SimpleNamespace:
    seed = load_seeds(["legal_cases"], "sample", 1, "v1", "original", None).dataset[0]
    output = ModelOutput.from_content("m", "An answer.", stop_reason=stop_reason)
    return SimpleNamespace(
        output=output,
        metadata=seed.metadata,
        messages=[*seed.input, ChatMessageAssistant(content="An answer.")],
    )


@pytest.mark.parametrize(
    ("stop_reason", "reply", "expected"),
    [
        ("content_filter", ModelOutput.from_content("m", "Q?"), (None, "target_refused")),
        (
            "stop",
            ModelOutput.from_content("m", "", error="quota"),
            (None, "follow_up_error: quota"),
        ),
        (
            "stop",
            ModelOutput.from_content("m", "x", stop_reason="content_filter"),
            (None, "follow_up_refused"),
        ),
        ("stop", ModelOutput.from_content("m", ' "Why?" '), ("Why?", None)),
    ],
)
async def test_why_a_follow_up_is_not_had(stop_reason, reply, expected):
    assert await follow_up(StubSimulator(reply), stub_state(stop_reason)) == expected
