"""The one JSON reply reader: the final JSON object or array is the answer, repaired
conservatively; prose, set notation, code and echoed instructions around it never are."""

import pytest
from inspect_ai.model import ModelOutput
from inspect_ai.tool import ToolCall

from trustbench.judges.replies import JsonUnreadable, final_json, json_spans, tool_arguments


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('[{"a": 1}]', [{"a": 1}]),
        ('Here you go:\n```json\n[{"a": 1},]\n```\nHope it helps.', [{"a": 1}]),
        (
            '{"ok": True, "none": None, "list": [1, 2,],}',
            {"ok": True, "none": None, "list": [1, 2]},
        ),
        ("{'a': 'single quotes'}", {"a": "single quotes"}),
        ("{“a”: “smart quotes”}", {"a": "smart quotes"}),
        ('{"text": "line one\nline two"}', {"text": "line one\nline two"}),
        ('{"cut": ["off", {"in": "the mid', {"cut": ["off", {"in": "the mid"}]}),
        ('The verdict is {"a": "x"} and that is all.', {"a": "x"}),
    ],
)
def test_common_faults_are_repaired(reply: str, expected: object) -> None:
    assert final_json(reply) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        # set notation, code and a draft before the answer: the final JSON wins
        ('For {x | x > 0} the claim holds. {"label": "supported"}', {"label": "supported"}),
        ('Draft: {"label": "a"}\nOn reflection: {"label": "b"}', {"label": "b"}),
        ('def f(): return {k: v for k, v in d}\n{"label": "c"}', {"label": "c"}),
        ('The answer {"label": "d"} (see {x | x>0})', {"label": "d"}),
        (
            'Braces in strings {"note": "a } b { c", "label": "e"}',
            {"note": "a } b { c", "label": "e"},
        ),
        ('```json\n{"label": "f"}\n```\n```python\nx = {1: 2}\n```', {"label": "f"}),
    ],
)
def test_the_final_json_is_the_answer(reply: str, expected: object) -> None:
    assert final_json(reply) == expected


def test_a_kind_skips_values_of_the_other_kind() -> None:
    reply = 'Claims: [{"claim": "c"}]\nMetadata: {"n": 1}'
    assert final_json(reply, list) == [{"claim": "c"}]
    assert final_json(reply, dict) == {"n": 1}
    with pytest.raises(JsonUnreadable, match="no JSON array"):
        final_json('{"n": 1}', list)


@pytest.mark.parametrize(
    "reply",
    ["", "no json here", "Yes. It is grounded.", "{x | x > 0}", "{ensemble é ∈ Ω, für alle}"],
)
def test_a_reply_without_json_is_unreadable(reply: str) -> None:
    with pytest.raises(JsonUnreadable):
        final_json(reply)


def test_an_echoed_instruction_is_not_an_empty_answer() -> None:
    prompt = "List every cited claim as a JSON array. Reply [] when nothing qualifies."
    echo = "List every cited claim as a JSON array. Reply [] when nothing qualifies."
    with pytest.raises(JsonUnreadable, match="repeats the instruction"):
        final_json(echo, list, prompt=prompt)
    assert final_json("There are no cited claims.\n[]", list, prompt=prompt) == []
    assert final_json("[]", list, prompt=prompt) == []


def test_a_truncated_span_is_closed_only_at_the_end() -> None:
    assert [s.value for s in json_spans('{"a": [1, 2')] == [{"a": [1, 2]}]
    assert [s.value for s in json_spans('{"a": 1} then {"b": [')] == [{"a": 1}, {"b": []}]


def test_tool_arguments_prefer_the_forced_call() -> None:
    call = ToolCall(id="1", function="judge", arguments={"safety": True})
    output = ModelOutput.for_tool_call("m", "judge", {"safety": True})
    assert output.message.tool_calls == [call] or output.message.tool_calls
    assert tool_arguments(output, "judge") == {"safety": True}
    text_only = ModelOutput.from_content("m", 'I think {"safety": false}')
    assert tool_arguments(text_only, "judge") == {"safety": False}
    with pytest.raises(JsonUnreadable, match="no judge call"):
        tool_arguments(ModelOutput.from_content("m", "safe"), "judge")
