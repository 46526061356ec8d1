"""The shared pinned-file fetcher: mirror, then verified cache, then a checked, atomic download;
errors name what was looked at and end with the task's hint. No network: MockTransport only."""

import hashlib
import importlib
import logging
import re

import httpx
import pytest

from trustbench.tasks import upstream_data
from trustbench.tasks.upstream_data import (
    ChecksumError,
    DataUnavailableError,
    PinnedFile,
    fetch_pinned,
    git_blob_id,
)

DATA = b'{"question": "Q?"}\n'
HINT = "Pass --data-dir <dir> or run -T dataset=sample."
PIN = PinnedFile(
    label="data/x.json at owner/repo@abc1234",
    url="https://example.invalid/owner/repo/abc1234/data/x.json",
    sha256=hashlib.sha256(DATA).hexdigest(),
    mirror_path="task/x.json",
    cache_path="task/abc1234/x.json",
)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRUSTBENCH_DATA", raising=False)


def serving(body: bytes, calls: list[str], status: int = 200) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(status, content=body)

    return httpx.MockTransport(handle)


def never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected download of {request.url}")


def test_mirror_root_prefers_the_explicit_dir_then_the_environment(tmp_path, monkeypatch):
    assert upstream_data.mirror_root(None) is None
    monkeypatch.setenv("TRUSTBENCH_DATA", str(tmp_path / "env"))
    assert upstream_data.mirror_root(None) == tmp_path / "env"
    assert upstream_data.mirror_root(str(tmp_path / "given")) == tmp_path / "given"


def test_cache_dir_follows_the_environment(tmp_path):
    assert upstream_data.cache_dir() == tmp_path / "cache" / "data"


def test_a_pin_needs_a_checksum():
    with pytest.raises(ValueError, match="sha256 or a git blob"):
        PinnedFile("x", "https://example.invalid/x", None, "x", "x")


def test_verify_checks_sha256_and_git_blob():
    upstream_data.verify(DATA, PIN, "copy")
    with pytest.raises(ChecksumError, match=r"edited is not data/x.json at owner/repo@abc1234"):
        upstream_data.verify(DATA + b" ", PIN, "edited", hint=HINT)
    by_blob = PinnedFile("x", PIN.url, None, "x", "x", git_blob=git_blob_id(DATA))
    upstream_data.verify(DATA, by_blob, "copy")
    with pytest.raises(ChecksumError, match="git blob"):
        upstream_data.verify(DATA + b" ", by_blob, "edited")


def test_a_mirror_hit_is_used_without_downloading(tmp_path):
    mirrored = tmp_path / "mirror" / PIN.mirror_path
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(DATA)
    transport = httpx.MockTransport(never_called)
    assert fetch_pinned(PIN, tmp_path / "mirror", transport, hint=HINT) == mirrored


def test_a_mirror_with_the_wrong_checksum_is_an_error(tmp_path):
    mirrored = tmp_path / "mirror" / PIN.mirror_path
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(DATA.replace(b"Q?", b"R?"))
    transport = httpx.MockTransport(never_called)
    with pytest.raises(
        ChecksumError, match=rf"{re.escape(str(mirrored))}.*sha256.*expected.*{re.escape(HINT)}"
    ):
        fetch_pinned(PIN, tmp_path / "mirror", transport, hint=HINT)


def test_a_download_is_checked_cached_then_reused(tmp_path):
    calls: list[str] = []
    path = fetch_pinned(PIN, None, serving(DATA, calls), hint=HINT)
    assert path == tmp_path / "cache" / "data" / PIN.cache_path
    assert path.read_bytes() == DATA and calls == [PIN.url]
    assert fetch_pinned(PIN, tmp_path / "empty", serving(DATA, calls), hint=HINT) == path
    assert len(calls) == 1
    assert [p.name for p in path.parent.iterdir()] == ["x.json"]


def test_a_damaged_cache_is_logged_and_downloaded_again(tmp_path, caplog):
    cached = upstream_data.cache_dir() / PIN.cache_path
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"damaged")
    calls: list[str] = []
    with caplog.at_level(logging.WARNING, logger=upstream_data.__name__):
        assert fetch_pinned(PIN, None, serving(DATA, calls), hint=HINT) == cached
    assert cached.read_bytes() == DATA and len(calls) == 1
    assert "damaged; downloading it again" in caplog.text


def test_a_failed_download_names_what_was_looked_at_and_ends_with_the_hint(tmp_path):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network", request=request)

    with pytest.raises(DataUnavailableError) as raised:
        fetch_pinned(PIN, tmp_path / "mirror", httpx.MockTransport(refuse), hint=HINT)
    message = str(raised.value)
    assert str(tmp_path / "mirror" / PIN.mirror_path) in message
    assert str(upstream_data.cache_dir() / PIN.cache_path) in message
    assert PIN.url in message and "no network" in message
    assert message.endswith(HINT)
    with pytest.raises(DataUnavailableError, match="404"):
        fetch_pinned(PIN, None, serving(b"", [], status=404), hint=HINT)


def test_a_tampered_download_is_refused_and_nothing_is_kept(tmp_path):
    with pytest.raises(ChecksumError, match=rf"{re.escape(PIN.url)}.*{re.escape(HINT)}"):
        fetch_pinned(PIN, None, serving(DATA + b"tampered", []), hint=HINT)
    assert not any(p.is_file() for p in (tmp_path / "cache").rglob("*"))


def test_an_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "cache" / "x.json"

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(upstream_data.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        upstream_data.download(PIN, target, serving(DATA, []))
    assert list(target.parent.iterdir()) == []


def test_task_error_types_are_raised_and_are_shared_subclasses(tmp_path):
    class TaskChecksumError(ChecksumError):
        pass

    class TaskUnavailableError(DataUnavailableError):
        pass

    with pytest.raises(TaskChecksumError):
        fetch_pinned(PIN, None, serving(b"x", []), hint=HINT, checksum_error=TaskChecksumError)
    with pytest.raises(TaskUnavailableError):
        fetch_pinned(
            PIN,
            None,
            serving(b"", [], status=500),
            hint=HINT,
            unavailable_error=TaskUnavailableError,
        )


def test_the_task_errors_subclass_the_shared_ones():
    """Every task that needs upstream data raises the shared errors' subclasses (from its
    package's `errors` module)."""
    from trustbench.catalog import load_catalog

    packages = {
        entry.function.__module__.rsplit(".", 1)[0]
        for entry in load_catalog().tasks
        if "data" in entry.needs
    }
    assert packages
    for package in sorted(packages):
        module = importlib.import_module(f"{package}.errors")
        assert issubclass(module.ChecksumError, ChecksumError), package
        assert issubclass(module.DataUnavailableError, DataUnavailableError), package
