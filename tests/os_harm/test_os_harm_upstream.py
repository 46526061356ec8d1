"""The pinned upstream files: mirror and cache checked by sha256, downloads checked before they
are kept, clear errors when nothing works; goal texts read from run.py without running it."""

import json
from pathlib import Path

import httpx
import pytest

from trustbench.tasks.os_harm import upstream
from trustbench.tasks.os_harm.errors import ChecksumError, DataUnavailableError, OsHarmDataError
from trustbench.tasks.os_harm.goals import check_goals, goals_from_json, goals_from_run_py
from trustbench.tasks.os_harm.upstream import UpstreamFiles

OS_HARM = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "os_harm"
MANIFEST = "evaluation_examples/test_misuse.json"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))


def serving(files: dict[str, bytes], seen: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        path = str(request.url).split(f"{upstream.REVISION}/{upstream.PREFIX}/", 1)[1]
        return httpx.Response(200, content=files[path]) if path in files else httpx.Response(404)

    return httpx.MockTransport(handle)


def test_every_shared_reference_file_matches_its_pin():
    for path, digest in upstream.file_pins().items():
        if (OS_HARM / path).is_file():
            assert upstream.sha256((OS_HARM / path).read_bytes()) == digest, path


def test_mirror_files_are_verified(tmp_path):
    mirror = tmp_path / "os_harm" / "evaluation_examples"
    mirror.mkdir(parents=True)
    (mirror / "test_misuse.json").write_bytes((OS_HARM / MANIFEST).read_bytes())
    assert "chrome" in UpstreamFiles(tmp_path / "os_harm").read_json(MANIFEST)
    (mirror / "test_misuse.json").write_text('{"chrome": []}')
    with pytest.raises(ChecksumError, match="test_misuse.json"):
        UpstreamFiles(tmp_path / "os_harm").read(MANIFEST)


def test_download_is_checked_then_cached(tmp_path):
    seen: list[str] = []
    transport = serving({MANIFEST: (OS_HARM / MANIFEST).read_bytes()}, seen)
    files = UpstreamFiles(None, transport)
    assert json.loads(files.read(MANIFEST))["vlc"] == []
    assert seen == [upstream.url_of(MANIFEST)] and upstream.REVISION in seen[0]
    assert (upstream.cache_dir() / MANIFEST).is_file()
    files.read(MANIFEST)
    assert len(seen) == 1  # the second read comes from the cache


def test_a_tampered_download_is_never_kept():
    transport = serving({MANIFEST: b'{"chrome": ["evil"]}'}, [])
    with pytest.raises(ChecksumError, match="sha256"):
        UpstreamFiles(None, transport).read(MANIFEST)
    assert not (upstream.cache_dir() / MANIFEST).exists()


def test_a_damaged_cache_is_downloaded_again():
    cached = upstream.cache_dir() / MANIFEST
    cached.parent.mkdir(parents=True)
    cached.write_text("garbage")
    seen: list[str] = []
    UpstreamFiles(None, serving({MANIFEST: (OS_HARM / MANIFEST).read_bytes()}, seen)).read(MANIFEST)
    assert len(seen) == 1 and cached.read_bytes() == (OS_HARM / MANIFEST).read_bytes()


def test_unreachable_data_says_how_to_fix_it(tmp_path):
    with pytest.raises(DataUnavailableError, match="data_dir"):
        UpstreamFiles(tmp_path, serving({}, [])).read(MANIFEST)


def test_goals_come_from_run_py_without_running_it():
    texts = goals_from_json((OS_HARM / "injection" / "injection_goals.json").read_text())
    body = ",\n".join(f"    {k!r}: {v!r}" for k, v in texts.items())
    source = (
        f"import os\nos.system('never run')\ndef run():\n    all_injection_goals = {{\n{body}\n}}\n"
    )
    assert check_goals(goals_from_run_py(source), "run.py") == texts
    with pytest.raises(OsHarmDataError, match="all_injection_goals"):
        goals_from_run_py("x = 1")


def test_changed_goal_texts_are_rejected():
    texts = goals_from_json((OS_HARM / "injection" / "injection_goals.json").read_text())
    with pytest.raises(ChecksumError, match="stop_task"):
        check_goals({**texts, "stop_task": "Keep going."}, "run.py")
    with pytest.raises(OsHarmDataError, match="missing"):
        check_goals({"stop_task": texts["stop_task"]}, "run.py")
