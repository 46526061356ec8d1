"""Upstream prompt texts: read from Python sources without running them, and loaded from a
mirror, the verified cache or a checked download, always the pinned bytes. No network:
MockTransport only."""

import dataclasses
import hashlib

import httpx
import pytest

from trustbench.tasks.upstream_data import ChecksumError, DataUnavailableError
from trustbench.tasks.upstream_text import (
    PinnedText,
    PromptExtractionError,
    load_text,
    python_string,
)

SOURCE = '''
PLACEHOLDER = "[QUERIES]"
SYSTEM = (
    "You are a careful judge. "
    "Reply in JSON."
)
PLANNER = f"""Plan the next query.
Output {{"query": "..."}}
Previous: {PLACEHOLDER}"""


class Strategy:
    HEADER = "Header text"

    def judgment(self, claim: str, evidence: str) -> str:
        return f"""Claim: {claim}
Evidence: {evidence!r:>10}
Answer {{"label": ...}}"""


def follow_up(history):
    unused = 1
    prompt = "Ask one question about:\\n" + f"{history}"
    return prompt


def get_instruction(source):
    return "\\n\\nCite every statement."
'''
HINT = "Pass --data-dir <dir> or -T prompts=trustbench."


def pin_for(text: str, symbol: str | None = "SYSTEM") -> PinnedText:
    return PinnedText(
        name="demo/system",
        url="https://example.invalid/owner/repo/abc1234/judge.py",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        mirror_path="demo/system.txt",
        symbol=symbol,
    )


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))


def serving(body: bytes, calls: list[str], status: int = 200) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(status, content=body)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("SYSTEM", "You are a careful judge. Reply in JSON."),
        ("PLACEHOLDER", "[QUERIES]"),
        # every field a module constant: the runtime text, braces single
        ("PLANNER", 'Plan the next query.\nOutput {"query": "..."}\nPrevious: [QUERIES]'),
        ("HEADER", "Header text"),
        # fields that are not constants stay fields; literal braces doubled
        ("judgment", 'Claim: {claim}\nEvidence: {evidence!r:>10}\nAnswer {{"label": ...}}'),
        ("follow_up:prompt", "Ask one question about:\n{history}"),
        ("get_instruction", "\n\nCite every statement."),
    ],
)
def test_python_string_reads_each_kind_of_symbol(symbol, expected):
    assert python_string(SOURCE, symbol) == expected


def test_a_format_template_round_trips_through_str_format():
    template = python_string(SOURCE, "judgment")
    assert template.format(claim="c", evidence="e") == (
        "Claim: c\nEvidence:        'e'\nAnswer {\"label\": ...}"
    )


@pytest.mark.parametrize("symbol", ["MISSING", "follow_up:missing", "nowhere:prompt"])
def test_a_missing_symbol_is_an_error(symbol):
    with pytest.raises(PromptExtractionError, match=symbol):
        python_string(SOURCE, symbol, origin="judge.py")


def test_a_computed_value_is_refused_not_guessed():
    with pytest.raises(PromptExtractionError, match="not a plain string"):
        python_string("X = load_prompt('a')\n", "X")


def test_the_mirror_copy_is_used_and_must_match(tmp_path):
    text = "You are a careful judge. Reply in JSON."
    pin = pin_for(text)
    mirrored = tmp_path / "mirror" / pin.mirror_path
    mirrored.parent.mkdir(parents=True)
    mirrored.write_text(text, encoding="utf-8")
    calls: list[str] = []
    loaded = load_text(pin, tmp_path / "mirror", serving(b"", calls), hint=HINT)
    assert (loaded.text, calls) == (text, [])
    assert loaded.record() == {
        "name": "demo/system",
        "sha256": pin.sha256,
        "origin": f"mirror:{mirrored}",
    }
    mirrored.write_text(text + " Edited.", encoding="utf-8")
    with pytest.raises(ChecksumError, match=r"not demo/system as pinned.*prompts=trustbench"):
        load_text(pin, tmp_path / "mirror", serving(b"", calls), hint=HINT)


def test_a_download_is_extracted_checked_and_cached(tmp_path):
    text = "You are a careful judge. Reply in JSON."
    pin = pin_for(text)
    calls: list[str] = []
    first = load_text(pin, None, serving(SOURCE.encode(), calls), hint=HINT)
    assert first.text == text and first.origin == f"download:{pin.url}"
    second = load_text(pin, None, serving(b"", calls), hint=HINT)
    assert second.text == text and second.origin.startswith("cache:")
    assert calls == [pin.url]


def test_a_plain_text_file_needs_no_symbol():
    text = "System prompt as a file.\n"
    calls: list[str] = []
    loaded = load_text(pin_for(text, symbol=None), None, serving(text.encode(), calls), hint=HINT)
    assert loaded.text == text


def test_a_changed_upstream_is_refused_and_not_cached(tmp_path):
    pin = pin_for("the text as it was pinned")
    calls: list[str] = []
    with pytest.raises(ChecksumError, match="expected"):
        load_text(pin, None, serving(SOURCE.encode(), calls), hint=HINT)
    assert not (tmp_path / "cache" / "data" / "texts").exists()


def test_a_damaged_cache_copy_is_downloaded_again(tmp_path):
    text = "You are a careful judge. Reply in JSON."
    pin = pin_for(text)
    cached = tmp_path / "cache" / "data" / "texts" / f"{pin.sha256}.txt"
    cached.parent.mkdir(parents=True)
    cached.write_text("tampered", encoding="utf-8")
    calls: list[str] = []
    loaded = load_text(pin, None, serving(SOURCE.encode(), calls), hint=HINT)
    assert loaded.origin.startswith("download:") and cached.read_text() == text


def test_no_route_names_what_was_tried_and_the_fix(tmp_path):
    pin = pin_for("x")
    calls: list[str] = []
    with pytest.raises(DataUnavailableError) as raised:
        load_text(pin, tmp_path / "mirror", serving(b"", calls, status=404), hint=HINT)
    message = str(raised.value)
    assert "demo/system" in message and "mirror" in message and message.endswith(HINT)


def test_a_non_utf8_download_is_a_checksum_error():
    calls: list[str] = []
    with pytest.raises(ChecksumError, match="not UTF-8"):
        load_text(pin_for("x", symbol=None), None, serving(b"\xff\xfe", calls), hint=HINT)


def test_strip_calls_are_applied_as_python_would():
    source = 'A = """\nYou act.\n""".strip()\nB = "  x  ".lstrip()\nC = "x  ".rstrip()\n'
    assert [python_string(source, s) for s in "ABC"] == ["You act.", "x  ", "x"]
    with pytest.raises(PromptExtractionError, match="not a plain string"):
        python_string('D = "x".strip("x")\n', "D")


def test_a_stripped_pin_reads_the_same_text_by_every_route(tmp_path):
    """Upstream strips the string where it uses it; a mirror may add a final newline."""
    source = 'SYSTEM = """\nYou are a careful judge.\n"""\n'
    pin = dataclasses.replace(pin_for("You are a careful judge."), strip=True)
    downloaded = load_text(pin, None, serving(source.encode(), []), hint=HINT)
    mirrored = tmp_path / "mirror" / pin.mirror_path
    mirrored.parent.mkdir(parents=True)
    mirrored.write_text("You are a careful judge.\n", encoding="utf-8")
    from_mirror = load_text(pin, tmp_path / "mirror", serving(b"", []), hint=HINT)
    assert downloaded.text == from_mirror.text == "You are a careful judge."
