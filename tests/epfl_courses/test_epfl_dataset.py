"""Loading exams: the sample set, files of your own, bad records, and the pinned upstream files."""

import codecs
import hashlib
import json
from pathlib import Path

import httpx
import pytest

from trustbench.errors import TrustbenchError
from trustbench.tasks.epfl_courses import epfl_courses, upstream
from trustbench.tasks.epfl_courses.errors import (
    ChecksumError,
    DataUnavailableError,
    ExamDataError,
    ExamFileEncodingError,
    InvalidQuestionError,
)
from trustbench.tasks.epfl_courses.upstream import PinnedFile, git_blob_id, upstream_file

COURSES = [
    {
        "course_id": 1,
        "course_name": "Mechanics",
        "course_program": "Physics",
        "course_language": "English",
        "course_year": "bachelor",
    },
    {
        "course_id": 2,
        "course_name": "Analyse",
        "course_program": None,
        "course_language": "French",
        "course_year": "online",
    },
]
MCQ = {
    "question_id": "q1",
    "course_id": 1,
    "question_type": "mcq",
    "question_body": "Pick one.",
    "question_options": ["x", "y", "z"],
    "mcq_answer_index": 1,
    "multiple_correct_answers": 0,
}
OPEN = {
    "question_id": "q2",
    "course_id": 2,
    "question_type": "open_answer",
    "question_body": "Combien ?",
    "question_answer": ["3 m", "trois mètres"],
}


def write_exam(folder: Path, questions, courses=COURSES) -> Path:
    (folder / "courses.json").write_text(json.dumps(courses))
    path = folder / "questions.json"
    path.write_text(json.dumps(questions))
    return path


def test_the_sample_set_covers_courses_languages_and_types():
    samples = epfl_courses(dataset="sample").dataset
    meta = [s.metadata for s in samples]
    assert len(samples) == 21
    assert {m["course"] for m in meta} == {"9101", "9102", "9103"}
    assert {m["language"] for m in meta} == {"English", "French"}
    assert {m["level"] for m in meta} == {"bachelor", "master", "online"}
    assert {m["question_type"] for m in meta} == {"mcq", "open_answer"}
    assert any(m["multiple_correct"] for m in meta) and not all(m["multiple_correct"] for m in meta)
    assert {m["program"] for m in meta} == {"Physics", "Computer Science", "none"}


def test_a_file_of_your_own_is_read_in_the_upstream_schema(tmp_path):
    path = write_exam(tmp_path, [MCQ, OPEN])
    task = epfl_courses(data_file=str(path))
    mcq, open_answer = task.dataset
    assert mcq.target == ["B"] and mcq.metadata["options"] == ["x", "y", "z"]
    assert open_answer.target == "3 m"  # upstream grades against the first listed answer
    assert (
        open_answer.metadata["program"] == "none" and open_answer.metadata["language"] == "French"
    )
    assert task.metadata["source"] == f"file:{path}" and task.metadata["skipped_questions"] == 0


def test_upstream_course_metadata_is_usable(tmp_path, upstream_mirror):
    """The verbatim upstream courses.json, with questions of our own on two of its courses."""
    questions = [{**MCQ, "course_id": 10}, {**OPEN, "course_id": 4}]
    path = tmp_path / "questions.json"
    path.write_text(json.dumps(questions))
    task = epfl_courses(
        data_file=str(path), courses_file=str(upstream_mirror / "epfl_courses" / "courses.json")
    )
    first, second = (s.metadata for s in task.dataset)
    assert (first["program"], first["language"], first["level"]) == (
        "Physics",
        "French",
        "bachelor",
    )
    assert (second["course_name"], second["level"]) == ("CS course #13", "master")


def test_upstream_value_variants_are_accepted(tmp_path):
    variants = [
        {**MCQ, "question_id": 1, "mcq_answer_index": "[0, 2]", "multiple_correct_answers": 1.0},
        {**MCQ, "question_id": 2, "mcq_answer_index": None, "question_answer": "z"},
        {**MCQ, "question_id": 3, "question_options": "['x', 'y']", "mcq_answer_index": [1.0]},
    ]
    task = epfl_courses(data_file=str(write_exam(tmp_path, variants)))
    assert [s.target for s in task.dataset] == [["A", "C"], ["C"], ["B"]]
    assert task.dataset[0].metadata["multiple_correct"] is True


BAD = [
    ({**MCQ, "question_type": "essay"}, "unknown question_type 'essay'"),
    ({**MCQ, "mcq_answer_index": 3}, "mcq_answer_index 3 is out of range for 3 options"),
    ({**MCQ, "mcq_answer_index": None}, "no answer key"),
    ({**MCQ, "question_options": ["only one"]}, "at least two options"),
    ({k: v for k, v in MCQ.items() if k != "question_body"}, "missing question_body"),
    ({**MCQ, "course_id": 99}, "course_id 99 is not in the courses file"),
    ({**OPEN, "question_answer": ""}, "needs a non-empty question_answer"),
]


@pytest.mark.parametrize(("record", "problem"), BAD)
def test_bad_records_name_the_question(tmp_path, record, problem):
    path = write_exam(tmp_path, [record])
    with pytest.raises(InvalidQuestionError, match=rf"question q\d: .*{problem}.*on_invalid=skip"):
        epfl_courses(data_file=str(path))


def test_bad_records_can_be_skipped_and_counted(tmp_path):
    path = write_exam(tmp_path, [MCQ, OPEN, *(r for r, _ in BAD), MCQ])
    task = epfl_courses(data_file=str(path), on_invalid="skip")
    assert [s.id for s in task.dataset] == ["q1", "q2"]
    assert task.metadata["skipped_questions"] == len(BAD) + 1  # and the duplicate q1
    assert task.metadata["skipped"][-1] == {"question_id": "q1", "problem": "duplicate question_id"}


def test_exam_files_are_utf8_with_or_without_a_byte_order_mark(tmp_path):
    (tmp_path / "courses.json").write_bytes(codecs.BOM_UTF8 + json.dumps(COURSES).encode())
    path = tmp_path / "questions.json"
    path.write_bytes(codecs.BOM_UTF8 + json.dumps([OPEN], ensure_ascii=False).encode())
    assert [s.id for s in epfl_courses(data_file=str(path)).dataset] == ["q2"]


@pytest.mark.parametrize(
    ("data", "found"),
    [
        ('[{"question_body": "Énergie ?"}]'.encode("latin-1"), "byte 0xc9 at offset 20"),
        ('[{"question_body": "x"}]'.encode("utf-16"), "UTF-16 text"),
        (b"[1, 2]\x81", "byte 0x81 at offset 6"),
    ],
)
def test_any_other_encoding_names_the_file_and_the_byte(tmp_path, data, found):
    path = write_exam(tmp_path, [])
    path.write_bytes(data)
    with pytest.raises(ExamFileEncodingError) as raised:
        epfl_courses(data_file=str(path))
    message = str(raised.value)
    assert message.startswith(f"{path}: {found}") and "Save the file as UTF-8" in message
    assert "\n" not in message and isinstance(raised.value, TrustbenchError)


def test_missing_files_say_what_to_do(tmp_path):
    lonely = tmp_path / "exam.json"
    lonely.write_text("[]")
    with pytest.raises(ExamDataError, match="put a courses.json beside it"):
        epfl_courses(data_file=str(lonely))
    with pytest.raises(ExamDataError, match="pass -T data_file=<questions> too"):
        epfl_courses(courses_file=str(lonely))
    with pytest.raises(ExamDataError, match="Unknown strategy 'magic'"):
        epfl_courses(dataset="sample", strategy="magic")


def pin_for(data: bytes, name="questions.json", with_sha=True) -> PinnedFile:
    sha = hashlib.sha256(data).hexdigest() if with_sha else None
    return PinnedFile(name, f"data/{name}", git_blob_id(data), sha)


def test_git_blob_ids_match_git():
    assert git_blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_the_mirrored_upstream_courses_file_matches_the_pin(upstream_mirror):
    data = (upstream_mirror / "epfl_courses" / "courses.json").read_bytes()
    upstream.verify(data, upstream.COURSES, "shared copy")
    with pytest.raises(
        ChecksumError, match="is not courses.json at epfl-nlp/NLP4Education@6330c50"
    ):
        upstream.verify(data + b" ", upstream.COURSES, "edited copy")


def test_a_mirror_is_checked_before_use(tmp_path):
    data = json.dumps([MCQ]).encode()
    pin = pin_for(data)
    (tmp_path / "epfl_courses").mkdir()
    mirrored = tmp_path / "epfl_courses" / "questions.json"
    mirrored.write_bytes(data)
    assert upstream_file(pin, tmp_path) == mirrored
    mirrored.write_bytes(data.replace(b"Pick", b"Take"))
    with pytest.raises(ChecksumError, match="pass your own questions with -T data_file"):
        upstream_file(pin, tmp_path)


def test_downloads_are_checked_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))
    data = json.dumps([MCQ]).encode()
    served = []

    def serve(request: httpx.Request) -> httpx.Response:
        served.append(str(request.url))
        return httpx.Response(200, content=data)

    pin = pin_for(data, with_sha=False)
    path = upstream_file(pin, None, httpx.MockTransport(serve))
    assert path.read_bytes() == data and served == [pin.url]
    assert "6330c50cff782c93433f10e8cbf031f5b9e78b09" in pin.url
    assert upstream_file(pin, None, httpx.MockTransport(serve)) == path and len(served) == 1
    path.write_bytes(b"damaged")
    assert upstream_file(pin, None, httpx.MockTransport(serve)).read_bytes() == data
    assert len(served) == 2


def test_a_wrong_or_failed_download_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))
    pin = pin_for(b"[]")
    tampered = httpx.MockTransport(lambda r: httpx.Response(200, content=b"[ ]"))
    with pytest.raises(ChecksumError):
        upstream_file(pin, None, tampered)
    offline = httpx.MockTransport(lambda r: httpx.Response(404))
    with pytest.raises(DataUnavailableError, match="--data-dir <dir>.*dataset=sample"):
        upstream_file(pin, tmp_path, offline)
    assert not any((tmp_path / "cache").rglob("*.json*"))
