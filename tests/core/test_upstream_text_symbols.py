"""The symbol grammar of pinned upstream texts beyond plain names: subscript paths into dict and
list literals, the n-th binding of a variable (`+=` included), sources written for Python 3.12,
fields filled by their text, and a JSON Lines field inside a `.tar.gz`. No network."""

import hashlib
import io
import json
import tarfile

import httpx
import pytest

from trustbench.tasks.upstream_text import (
    PinnedText,
    PromptExtractionError,
    archive_field,
    fill_template,
    load_text,
    python_string,
)

SOURCE = '''
TEXTS = {
    "English": {"mcq": {"single": "Pick one."}, "labels": ["Question", "Answer"]},
}


def build(question, names):
    options = "\\nChoose one:\\n"
    options += "Here they are:\\n"
    messages = [{"role": "system", "content": f"You are {names[0]}."}]
    prompt = f"""Question: {question['body']}"""
    return prompt
'''
NEWER_PYTHON = 'def chat(p):\n    system = f"You teach {p["course"]["name"]}."\n    return system\n'


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ('TEXTS["English"]["mcq"]["single"]', "Pick one."),
        ('TEXTS["English"]["labels"][1]', "Answer"),
        ("build:options", "\nChoose one:\n"),
        ("build:options@1", "Here they are:\n"),
        ('build:messages[0]["content"]', "You are {names[0]}."),
        ("build:prompt", "Question: {question['body']}"),
    ],
)
def test_subscripts_and_bindings_reach_every_string(symbol, expected):
    assert python_string(SOURCE, symbol) == expected


@pytest.mark.parametrize(
    ("symbol", "problem"),
    [
        ('TEXTS["French"]', "no item 'French'"),
        ("build:options@2", "no string at"),
        ('TEXTS["English"]["labels"][5]', "no item 5"),
        ("build:not a symbol", "not a symbol"),
    ],
)
def test_a_path_that_leads_nowhere_is_an_error(symbol, problem):
    with pytest.raises(PromptExtractionError, match=problem):
        python_string(SOURCE, symbol)


def test_a_source_for_a_newer_python_is_read_all_the_same():
    assert python_string(NEWER_PYTHON, "chat:system") == "You teach {p['course']['name']}."


def test_templates_are_filled_by_the_text_of_each_field():
    template = python_string(NEWER_PYTHON, "chat:system")
    assert fill_template(template, {"p['course']['name']": "Optics"}) == "You teach Optics."
    assert fill_template("{i + 1}: {{literal}}", {"i + 1": "2"}) == "2: {literal}"
    with pytest.raises(PromptExtractionError, match="no value for the field"):
        fill_template(template, {})


def archive(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


RECORDS = "\n".join(json.dumps({"text_input": f"Plan number {i}.", "map_id": i}) for i in (1, 2))


def test_a_json_lines_field_is_read_from_an_archive():
    data = archive({"test.jsonl": RECORDS, "other.txt": "x"})
    assert archive_field(data, "test.jsonl:2:text_input") == "Plan number 2."
    for symbol, problem in [
        ("test.jsonl:3:text_input", "no line 3"),
        ("test.jsonl:1:map_id", "no string field"),
        ("missing.jsonl:1:text_input", "cannot read missing.jsonl"),
    ]:
        with pytest.raises(PromptExtractionError, match=problem):
            archive_field(data, symbol)


def test_an_archived_text_is_downloaded_extracted_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))
    pin = PinnedText(
        name="demo/plan",
        url="https://example.invalid/owner/repo/abc1234/data/test.tar.gz",
        sha256=hashlib.sha256(b"Plan number 1.").hexdigest(),
        mirror_path="demo/plan.txt",
        symbol="test.jsonl:1:text_input",
    )
    body = archive({"test.jsonl": RECORDS})
    loaded = load_text(
        pin, None, httpx.MockTransport(lambda r: httpx.Response(200, content=body)), hint=""
    )
    assert loaded.text == "Plan number 1." and loaded.origin.startswith("download:")
