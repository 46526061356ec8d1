"""Failures expire: an outage stored by one run is fetched again by the next (or after the retry
interval), while permanent failures stay and replay mode replays exactly what was stored. The
site is a real server on loopback, down, then back on the same port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from click.testing import CliRunner
from loopback_http import QuietHandler

from trustbench.evidence_cli import evidence
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.snapshot import prune
from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import FetchError, FetchErrorKind, FetchResult

PAGE = b"<html><body><p>Back online.</p></body></html>"


class Site(QuietHandler):
    requests: list[str] = []
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        Site.requests.append(self.path)
        if self.path == "/gone":
            self.send(404, b"<html>Not found</html>", "text/html")
        else:
            self.send(Site.status, PAGE, "text/html")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def site_on(port: int) -> Iterator[None]:
    server = ThreadingHTTPServer(("127.0.0.1", port), Site)
    thread = Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def fresh_site() -> None:
    Site.requests = []
    Site.status = 200


async def fetch(store: EvidenceStore, url: str, mode: str = "live", **settings: object):
    config = FetchConfig(allow_networks=["127.0.0.1/32"], max_retries=0)
    async with Fetcher(config) as fetcher:
        return await Evidence(store, mode, fetcher=fetcher, **settings).fetch(url)


async def test_an_outage_is_retried_by_the_next_run_and_then_served(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/page"
    with EvidenceStore(tmp_path / "e.sqlite") as store:
        down = await fetch(store, url, run="run-1")  # nothing listens: connection refused
        assert down.error is not None and down.error.kind == FetchErrorKind.connection
        assert down.transient_failure
        with site_on(port):
            # The same run keeps its view of the outage within the retry interval…
            assert (await fetch(store, url, run="run-1")).error == down.error
            assert Site.requests == []
            # …a later run fetches again and stores the page in place of the failure…
            up = await fetch(store, url, run="run-2")
            assert up.ok and up.body == PAGE and Site.requests == ["/page"]
            assert store.get_fetch(url).body == PAGE
            # …which every run after it is then served from the store.
            assert (await fetch(store, url, run="run-3")).body == PAGE
            assert Site.requests == ["/page"]


async def test_the_same_run_retries_after_the_interval(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/page"
    with EvidenceStore(tmp_path / "e.sqlite") as store:
        with site_on(port):
            Site.status = 503
            busy = await fetch(store, url, run="run-1")
            assert busy.error is not None and busy.status == 503 and busy.transient_failure
            Site.status = 200
            assert (await fetch(store, url, run="run-1")).status == 503  # within the interval
            up = await fetch(store, url, run="run-1", retry_failures_after_s=0)
            assert up.ok and Site.requests == ["/page", "/page"]


async def test_permanent_failures_stay_and_replay_replays_exactly(tmp_path: Path) -> None:
    port = free_port()
    gone, down = f"http://127.0.0.1:{port}/gone", f"http://127.0.0.1:{port}/down"
    with EvidenceStore(tmp_path / "e.sqlite") as store:
        outage = await fetch(store, down, run="run-1")
        with site_on(port):
            missing = await fetch(store, gone, run="run-1")
            assert missing.status == 404 and not missing.transient_failure
            assert (await fetch(store, gone, run="run-2")).status == 404
            assert Site.requests == ["/gone"]  # a 404 is not asked again
            replayed = await Evidence(store, "replay").fetch(down)
            assert replayed.error == outage.error and Site.requests == ["/gone"]


def failures_store(path: Path) -> None:
    now = datetime.now(UTC)
    with EvidenceStore(path) as store:
        store.put_fetch(
            FetchResult(url="https://ok.example/", status=200, body=b"x", fetched_at=now)
        )
        for url, kind, status in [
            ("https://down.example/", FetchErrorKind.connection, None),
            ("https://busy.example/", FetchErrorKind.http_status, 503),
            ("https://gone.example/", FetchErrorKind.http_status, 404),
        ]:
            error = FetchError(kind=kind, reason="failed")
            store.put_fetch(
                FetchResult(url=url, status=status, fetched_at=now, error=error),
                run="kept" if url == "https://busy.example/" else None,
            )


def test_prune_failures_removes_stored_failures_but_what_a_kept_run_used(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    failures_store(path)
    with EvidenceStore(path) as store:
        assert prune(store, failures=True, keep_runs=["kept"])["fetches"] == 2
        assert store.get_fetch("https://ok.example/") is not None
        assert store.get_fetch("https://busy.example/") is not None
        assert store.get_fetch("https://down.example/") is None


def test_prune_failures_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    failures_store(path)
    result = CliRunner().invoke(evidence, ["prune", "--failures", "--store", str(path)])
    assert result.exit_code == 0 and "3 fetches" in result.output
    with EvidenceStore(path) as store:
        assert store.get_fetch("https://ok.example/") is not None
        assert store.get_fetch("https://gone.example/") is None
