"""Seed loading: the paper's row selection and what each sample carries, on a small authored
mirror in the upstream schemas (tests/halluhard/fixtures); the pinned-file checks (mirror,
cache, download); and, with TRUSTBENCH_DATA, the facts of the full upstream data."""

import hashlib
import json
from collections import Counter
from pathlib import Path

import httpx
import pytest

from trustbench.tasks.halluhard import dataset as dataset_module
from trustbench.tasks.halluhard import upstream
from trustbench.tasks.halluhard.dataset import load_seeds
from trustbench.tasks.halluhard.errors import ChecksumError, DataUnavailableError, SchemaError
from trustbench.tasks.halluhard.prompts import CITATION_REQUIREMENTS, DOMAINS, SYSTEM_PROMPTS
from trustbench.tasks.halluhard.records import read_rows
from trustbench.tasks.halluhard.upstream import LEGAL, MEDICAL, PinnedFile, pinned_file

FIXTURES = Path(__file__).parent / "fixtures"
FILES = {
    "legal_cases": "legal_cases_all.jsonl",
    "research_questions": "research_questions_all.jsonl",
    "medical_guidelines": "guidelines.jsonl",
    "coding": "coding_questions.jsonl",
}


def seeds(domains=DOMAINS, n=None, legal="v1", research="original", data_dir=None):
    return load_seeds(list(domains), "upstream", n, legal, research, str(data_dir))


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A mirror of our authored files under the upstream paths, pinned by their own sha256."""
    root = tmp_path / "data"
    pins = [
        ("legal_cases", LEGAL, "v1"),
        ("legal_cases", LEGAL, "v2"),
        ("research_questions", upstream.RESEARCH, "original"),
        ("research_questions", upstream.RESEARCH, "shuffled"),
    ]
    for domain, table, key in pins:
        monkeypatch.setitem(table, key, _authored(root, table[key], domain))
    monkeypatch.setattr(dataset_module, "MEDICAL", _authored(root, MEDICAL, "medical_guidelines"))
    monkeypatch.setattr(dataset_module, "CODING", _authored(root, upstream.CODING, "coding"))
    return root


def _authored(root: Path, pin: PinnedFile, domain: str) -> PinnedFile:
    data = (FIXTURES / FILES[domain]).read_bytes()
    target = root / "halluhard" / pin.mirror_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return PinnedFile(
        pin.label, pin.revision, pin.path, hashlib.sha256(data).hexdigest(), pin.mirror_path
    )


def test_selection_is_the_first_rows_in_file_order_per_language_for_coding(mirror):
    loaded = seeds(n=2, data_dir=mirror)
    assert {d: c["selected"] for d, c in loaded.counts.items()} == {
        "legal_cases": 2,
        "research_questions": 2,
        "medical_guidelines": 2,
        "coding": 8,
    }
    assert loaded.counts["legal_cases"] == {"rows": 5, "selected": 2, "unique_questions": 1}
    coding = [s.metadata["row"] for s in loaded.dataset if s.metadata["domain"] == "coding"]
    assert coding == [0, 1, 3, 4, 6, 7, 9, 10]
    everything = seeds(n=1000, data_dir=mirror)
    assert len(everything.dataset) == 5 + 3 + 2 + 12
    assert len({s.id for s in everything.dataset}) == len(everything.dataset)


def test_versions_are_recorded(mirror):
    assert seeds(n=1, data_dir=mirror).versions == {
        "legal_cases": "v1@95601e1",
        "research_questions": "original@7d03800",
        "medical_guidelines": "95601e1",
        "coding": "95601e1",
    }
    assert seeds(["legal_cases"], legal="v2", data_dir=mirror).versions == {
        "legal_cases": "v2@c8b8781"
    }


def test_samples_carry_the_system_prompt_and_the_citation_requirement(mirror):
    loaded = seeds(n=1, data_dir=mirror)
    assert len(loaded.dataset) == 3 + 4
    for sample in loaded.dataset:
        domain = sample.metadata["domain"]
        system, user = sample.input
        assert system.role == "system" and system.text == SYSTEM_PROMPTS[domain]
        assert user.text == sample.metadata["question"] + CITATION_REQUIREMENTS[domain]
    medical = next(s for s in loaded.dataset if s.metadata["domain"] == "medical_guidelines")
    assert medical.metadata["topic"] == "Snakebite first aid"
    assert "guideline_text" not in medical.metadata
    research = next(s for s in loaded.dataset if s.metadata["domain"] == "research_questions")
    assert research.metadata["paper_group"] == "niche"
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


def test_mirror_root_may_be_the_data_folder_or_its_halluhard_folder(mirror, monkeypatch):
    pin = dataset_module.MEDICAL
    assert pinned_file(pin, str(mirror / "halluhard")) == mirror / "halluhard" / pin.mirror_path
    assert pinned_file(pin, str(mirror)) == mirror / "halluhard" / pin.mirror_path
    monkeypatch.setenv("TRUSTBENCH_DATA", str(mirror))
    assert pinned_file(LEGAL["v2"], None) == mirror / "halluhard" / LEGAL["v2"].mirror_path


def test_a_damaged_mirror_file_is_a_clear_error(mirror):
    target = mirror / "halluhard" / LEGAL["v1"].mirror_path
    target.write_bytes(target.read_bytes().replace(b"Westlaw", b"Westlow", 1))
    with pytest.raises(ChecksumError, match=r"legal_cases_all.jsonl.*sha256.*dataset=sample"):
        seeds(["legal_cases"], data_dir=mirror)


# --- against the full upstream data (TRUSTBENCH_DATA) ----------------------------------------------


@pytest.fixture
def shared(upstream_mirror):
    return upstream_mirror / "halluhard"


def test_reference_copies_have_the_published_row_counts(shared):
    everything = seeds(n=1000, data_dir=shared)
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


def test_paper_selection_on_the_upstream_files(shared):
    loaded = seeds(data_dir=shared)
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
    medical = by_domain["medical_guidelines"][0]
    assert medical.metadata["topic"] == "Levator scapulae muscle"


def test_upstream_versions_and_orders(shared):
    v2 = seeds(["legal_cases"], n=1000, legal="v2", data_dir=shared)
    assert v2.counts["legal_cases"] == {"rows": 250, "selected": 250, "unique_questions": 250}
    assert Counter(s.metadata["question_category"] for s in v2.dataset) == {
        "Bar Exam": 160,
        "SCALR": 45,
        "Rule QA": 30,
        "Changes in Law": 15,
    }
    shuffled = seeds(["research_questions"], research="shuffled", data_dir=shared)
    assert Counter(s.metadata["paper_group"] for s in shuffled.dataset) == {
        "known": 50,
        "niche": 50,
    }


def test_every_pin_names_a_reference_copy_with_its_checksum(shared):
    pins = [
        *upstream.LEGAL.values(),
        *upstream.RESEARCH.values(),
        upstream.MEDICAL,
        upstream.CODING,
    ]
    for pin in pins:
        data = (shared / pin.mirror_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == pin.sha256, pin.mirror_path


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
    [row] = [
        r
        for r in read_rows(FIXTURES / FILES["research_questions"], "research_questions")
        if r.title.startswith("Grazing")
    ]
    assert (row.publication_year, row.cited_by_count, row.authors) == (
        2018,
        7,
        ["Kariuki J", "Holt R"],
    )
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
