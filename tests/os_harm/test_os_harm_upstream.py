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

EXCERPT = Path(__file__).parent / "fixtures" / "upstream_excerpt"
MANIFEST = "evaluation_examples/examples/libreoffice_calc/_invoice_modif.json"
"""A pinned upstream file the excerpt holds verbatim (the excerpt's manifests are ours)."""
DATA = (EXCERPT / MANIFEST).read_bytes()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))


def serving(files: dict[str, bytes], seen: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        path = str(request.url).split(f"{upstream.REVISION}/{upstream.PREFIX}/", 1)[1]
        return httpx.Response(200, content=files[path]) if path in files else httpx.Response(404)

    return httpx.MockTransport(handle)


def test_every_excerpted_task_file_matches_its_pin():
    files = list((EXCERPT / "evaluation_examples" / "examples").glob("*/*.json"))
    assert len(files) == 10
    for file in files:
        path = str(file.relative_to(EXCERPT))
        assert upstream.sha256(file.read_bytes()) == upstream.file_pins()[path], path


def test_every_mirrored_file_matches_its_pin(upstream_mirror):
    """Every task file and manifest (the mirror has no run.py: its goal texts are checked from
    the goal list)."""
    checked = 0
    for path, digest in upstream.file_pins().items():
        if path.startswith("evaluation_examples/"):
            data = (upstream_mirror / "os_harm" / path).read_bytes()
            assert upstream.sha256(data) == digest, path
            checked += 1
    assert checked == 114  # 3 manifests, 110 listed task files and the unlisted one


def test_mirror_files_are_verified(tmp_path):
    mirror = tmp_path / "os_harm" / MANIFEST
    mirror.parent.mkdir(parents=True)
    mirror.write_bytes(DATA)
    assert UpstreamFiles(tmp_path / "os_harm").read_json(MANIFEST)["id"] == "_invoice_modif"
    mirror.write_text('{"id": "_invoice_modif"}')
    with pytest.raises(ChecksumError, match="_invoice_modif.json"):
        UpstreamFiles(tmp_path / "os_harm").read(MANIFEST)


def test_download_is_checked_then_cached(tmp_path):
    seen: list[str] = []
    transport = serving({MANIFEST: DATA}, seen)
    files = UpstreamFiles(None, transport)
    assert json.loads(files.read(MANIFEST))["id"] == "_invoice_modif"
    assert seen == [upstream.url_of(MANIFEST)] and upstream.REVISION in seen[0]
    assert (upstream.cache_dir() / MANIFEST).is_file()
    files.read(MANIFEST)
    assert len(seen) == 1  # the second read comes from the cache


def test_a_tampered_download_is_never_kept():
    transport = serving({MANIFEST: b'{"id": "evil"}'}, [])
    with pytest.raises(ChecksumError, match="sha256"):
        UpstreamFiles(None, transport).read(MANIFEST)
    assert not (upstream.cache_dir() / MANIFEST).exists()


def test_a_damaged_cache_is_downloaded_again():
    cached = upstream.cache_dir() / MANIFEST
    cached.parent.mkdir(parents=True)
    cached.write_text("garbage")
    seen: list[str] = []
    UpstreamFiles(None, serving({MANIFEST: DATA}, seen)).read(MANIFEST)
    assert len(seen) == 1 and cached.read_bytes() == DATA


def test_unreachable_data_says_how_to_fix_it(tmp_path):
    with pytest.raises(DataUnavailableError, match="data_dir"):
        UpstreamFiles(tmp_path, serving({}, [])).read(MANIFEST)


def mirrored_goals(mirror: Path) -> dict[str, str]:
    return goals_from_json((mirror / "os_harm" / "injection" / "injection_goals.json").read_text())


def test_goals_come_from_run_py_without_running_it(upstream_mirror):
    texts = mirrored_goals(upstream_mirror)
    body = ",\n".join(f"    {k!r}: {v!r}" for k, v in texts.items())
    source = (
        f"import os\nos.system('never run')\ndef run():\n    all_injection_goals = {{\n{body}\n}}\n"
    )
    assert check_goals(goals_from_run_py(source), "run.py") == texts
    with pytest.raises(OsHarmDataError, match="all_injection_goals"):
        goals_from_run_py("x = 1")


def test_the_excerpts_goal_texts_are_upstreams():
    texts = goals_from_json((EXCERPT / "injection_goals.json").read_text())
    with pytest.raises(OsHarmDataError, match="missing"):
        check_goals(texts, "excerpt")
    expected = upstream.pins()["goals"]
    assert all(upstream.sha256(t.encode()) == expected[g] for g, t in texts.items())


def test_changed_goal_texts_are_rejected(upstream_mirror):
    texts = mirrored_goals(upstream_mirror)
    with pytest.raises(ChecksumError, match="stop_task"):
        check_goals({**texts, "stop_task": "Keep going."}, "run.py")
    with pytest.raises(OsHarmDataError, match="missing"):
        check_goals({"stop_task": texts["stop_task"]}, "run.py")
