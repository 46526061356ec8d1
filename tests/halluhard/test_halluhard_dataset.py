"""Seed loading: the reference copies of the upstream files, the paper's row selection, the
pinned-file checks (mirror, cache, download) and the bundled sample."""

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import httpx
import pytest

from trustbench.tasks.halluhard import upstream
from trustbench.tasks.halluhard.dataset import load_seeds
from trustbench.tasks.halluhard.errors import ChecksumError, DataUnavailableError, SchemaError
from trustbench.tasks.halluhard.prompts import CITATION_REQUIREMENTS, DOMAINS, SYSTEM_PROMPTS
from trustbench.tasks.halluhard.records import read_rows
from trustbench.tasks.halluhard.upstream import LEGAL, MEDICAL, PinnedFile, pinned_file

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "halluhard"


def seeds(domains=DOMAINS, n=None, legal="v1", research="original", data_dir=SHARED):
    return load_seeds(list(domains), "upstream", n, legal, research, str(data_dir))


@pytest.fixture(scope="module")
def everything():
    return seeds(n=1000)


def test_reference_copies_have_the_published_row_counts(everything):
    assert {d: c["rows"] for d, c in everything.counts.items()} == {
        "legal_cases": 250,
        "research_questions": 250,
        "medical_guidelines": 250,
        "coding": 300,
    }
    legal = [s for s in everything.dataset if s.metadata["domain"] == "legal_cases"]
    assert len({s.metadata["question"] for s in legal}) == 90  # issue #6: 40 questions x5 + 50
    coding = Counter(
        s.metadata["language"] for s in everything.dataset if s.metadata["domain"] == "coding"
    )
    assert coding == {"Python": 75, "Scala": 75, "Elixir": 75, "R": 75}
    assert len({s.id for s in everything.dataset}) == len(everything.dataset) == 1050


def test_paper_selection_is_the_first_rows_in_file_order():
    loaded = seeds()
    assert {d: c["selected"] for d, c in loaded.counts.items()} == {
        "legal_cases": 100,
        "research_questions": 100,
        "medical_guidelines": 100,
        "coding": 200,
    }
    by_domain = {d: [s for s in loaded.dataset if s.metadata["domain"] == d] for d in DOMAINS}
    assert [s.metadata["row"] for s in by_domain["legal_cases"]] == list(range(100))
    assert loaded.counts["legal_cases"]["unique_questions"] == 40
    assert Counter(s.metadata["legal_source"] for s in by_domain["legal_cases"]) == {
        "Westlaw": 40,
        "Pract. Law": 40,
        "Lexis": 20,
    }
    rows = [s.metadata["row"] for s in by_domain["coding"]]
    assert rows == [*range(0, 50), *range(75, 125), *range(150, 200), *range(225, 275)]
    groups = Counter(s.metadata["paper_group"] for s in by_domain["research_questions"])
    assert groups == {"known": 100}  # the original order: known papers only


def test_versions_and_orders_are_selectable_and_recorded():
    v2 = seeds(["legal_cases"], n=1000, legal="v2")
    assert v2.counts["legal_cases"] == {"rows": 250, "selected": 250, "unique_questions": 250}
    assert Counter(s.metadata["question_category"] for s in v2.dataset) == {
        "Bar Exam": 160,
        "SCALR": 45,
        "Rule QA": 30,
        "Changes in Law": 15,
    }
    shuffled = seeds(["research_questions"], research="shuffled")
    assert Counter(s.metadata["paper_group"] for s in shuffled.dataset) == {
        "known": 50,
        "niche": 50,
    }
    assert v2.versions == {"legal_cases": "v2@c8b8781"}
    assert shuffled.versions == {"research_questions": "shuffled@95601e1"}
    assert seeds(n=3).versions == {
        "legal_cases": "v1@95601e1",
        "research_questions": "original@7d03800",
        "medical_guidelines": "95601e1",
        "coding": "95601e1",
    }


def test_samples_carry_the_system_prompt_and_the_citation_requirement():
    loaded = seeds(n=1)
    assert len(loaded.dataset) == 3 + 4
    for sample in loaded.dataset:
        domain = sample.metadata["domain"]
        system, user = sample.input
        assert system.role == "system" and system.text == SYSTEM_PROMPTS[domain]
        assert user.text == sample.metadata["question"] + CITATION_REQUIREMENTS[domain]
    medical = next(s for s in loaded.dataset if s.metadata["domain"] == "medical_guidelines")
    assert medical.metadata["topic"] == "Levator scapulae muscle"
    assert "guideline_text" not in medical.metadata
    assert SYSTEM_PROMPTS["coding"] == SYSTEM_PROMPTS["research_questions"]
    assert SYSTEM_PROMPTS["legal_cases"] == SYSTEM_PROMPTS["medical_guidelines"]


def test_the_bundled_sample_reads_in_the_upstream_schemas():
    loaded = load_seeds(list(DOMAINS), "sample", None, "v1", "original", None)
    assert {d: c["rows"] for d, c in loaded.counts.items()} == {
        "legal_cases": 3,
        "research_questions": 3,
        "medical_guidelines": 3,
        "coding": 4,
    }
    assert all(v.startswith("sample@") for v in loaded.versions.values())
    one = load_seeds(list(DOMAINS), "sample", 1, "v1", "original", None)
    assert [s.id for s in one.dataset] == [
        "legal_cases-000",
        "research_questions-000",
        "medical_guidelines-000",
        "coding-000",
        "coding-002",
    ]


def test_mirror_root_may_be_the_data_folder_or_its_halluhard_folder(monkeypatch):
    assert pinned_file(MEDICAL, str(SHARED)) == SHARED / MEDICAL.mirror_path
    assert pinned_file(MEDICAL, str(SHARED.parent)) == SHARED / MEDICAL.mirror_path
    monkeypatch.setenv("TRUSTBENCH_DATA", str(SHARED.parent))
    assert pinned_file(LEGAL["v2"], None) == SHARED / LEGAL["v2"].mirror_path


def test_a_damaged_mirror_file_is_a_clear_error(tmp_path):
    target = tmp_path / LEGAL["v1"].mirror_path
    target.parent.mkdir(parents=True)
    shutil.copy(SHARED / LEGAL["v1"].mirror_path, target)
    target.write_bytes(target.read_bytes().replace(b"Westlaw", b"Westlow", 1))
    with pytest.raises(ChecksumError, match=r"legal_cases_all.jsonl.*sha256.*source=sample"):
        seeds(["legal_cases"], data_dir=tmp_path)


PAYLOAD = b'{"question": "Q?", "question_category": "SCALR", "source": null, "case_id": "x"}\n'
PIN = PinnedFile(
    "test", "0" * 40, "legal_cases/data/x.jsonl", hashlib.sha256(PAYLOAD).hexdigest(), "x.jsonl"
)


def serving(body: bytes, calls: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, content=body)

    return httpx.MockTransport(handle)


def test_download_is_checked_cached_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TRUSTBENCH_DATA", raising=False)
    calls: list[str] = []
    path = pinned_file(PIN, None, serving(PAYLOAD, calls))
    assert calls == [f"https://raw.githubusercontent.com/epfml/halluhard/{'0' * 40}/{PIN.path}"]
    assert path.read_bytes() == PAYLOAD and path.is_relative_to(tmp_path)
    assert pinned_file(PIN, None, serving(PAYLOAD, calls)) == path and len(calls) == 1
    path.write_bytes(b"damaged")
    assert pinned_file(PIN, None, serving(PAYLOAD, calls)).read_bytes() == PAYLOAD
    assert len(calls) == 2


def test_a_bad_download_is_refused_and_nothing_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TRUSTBENCH_DATA", raising=False)
    with pytest.raises(ChecksumError, match="expected"):
        pinned_file(PIN, None, serving(PAYLOAD + b"tampered", []))
    assert not any(p.is_file() for p in tmp_path.rglob("*"))

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network", request=request)

    with pytest.raises(DataUnavailableError, match="--data-dir"):
        pinned_file(PIN, None, httpx.MockTransport(refuse))


def test_every_pin_names_a_reference_copy_with_its_checksum():
    pins = [
        *upstream.LEGAL.values(),
        *upstream.RESEARCH.values(),
        upstream.MEDICAL,
        upstream.CODING,
    ]
    for pin in pins:
        data = (SHARED / pin.mirror_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == pin.sha256, pin.mirror_path


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            '{"question": "", "question_category": "SCALR"}',
            r"x.jsonl:2: not a legal_cases row \(question",
        ),
        ('{"question_category": "SCALR"}', r"x.jsonl:2: .*question: Field required"),
        ("[1, 2]", r"x.jsonl:2: not a legal_cases row"),
        ("{not json", r"x.jsonl:2: not JSON"),
    ],
)
def test_schema_problems_name_file_and_line(tmp_path, row, problem):
    path = tmp_path / "x.jsonl"
    path.write_text(PAYLOAD.decode() + row + "\n")
    with pytest.raises(SchemaError, match=problem):
        read_rows(path, "legal_cases")


def test_initial_release_spellings_are_accepted(tmp_path):
    path = tmp_path / "r.jsonl"
    row = {
        "title": "T",
        "research_question": "Q?",
        "publication_year": "2019",
        "cited_by_count": "1577",
        "authors": "['A B', 'C D']",
    }
    path.write_text(json.dumps(row) + "\n")
    [parsed] = read_rows(path, "research_questions")
    assert (parsed.publication_year, parsed.paper_group, parsed.authors) == (
        2019,
        "known",
        ["A B", "C D"],
    )
