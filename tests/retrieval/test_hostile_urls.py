"""Every URL is a value: whatever string a model cites (or a server redirects to), the fetcher and
the evidence a judge reads return a `FetchResult` with a typed error, never an exception.

Names are resolved by a stand-in for getaddrinfo that encodes the name as getaddrinfo does (so
the UnicodeError of a 64-character label would surface) and answers a documentation address,
which the SSRF policy refuses; a public IP literal gets as far as connecting, which is refused
below the fetcher unless it is loopback: nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import socket
import string
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpcore
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from loopback_http import QuietHandler, serve

from trustbench.retrieval import fetcher as fetcher_module
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.extract import extract
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.ssrf import system_resolver
from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import FetchErrorKind, FetchResult

T = TypeVar("T")
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections to anything but 127.0.0.1 fail as a refused connect would."""
    connect = fetcher_module._PinnedBackend.connect_tcp

    async def guarded(self, host: str, port: int, *args: object, **kwargs: object):
        if host != "127.0.0.1":
            raise httpcore.ConnectError(f"tests stay on loopback: not connecting to {host}")
        return await connect(self, host, port, *args, **kwargs)

    monkeypatch.setattr(fetcher_module._PinnedBackend, "connect_tcp", guarded)


async def getaddrinfo_stand_in(host: str, port: int) -> list[str]:
    """What getaddrinfo does to a name before asking DNS, then a TEST-NET-1 answer."""
    host.encode("idna")
    return ["192.0.2.1"]


def run(make: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(make())


async def fetch(url: str, resolver=getaddrinfo_stand_in) -> FetchResult:
    config = FetchConfig(allow_networks=["127.0.0.1/32"], max_retries=0, connect_timeout=2)
    async with Fetcher(config, resolver=resolver) as fetcher:
        return await fetcher.fetch(url)


def assert_is_a_value(result: FetchResult, url: str) -> None:
    assert isinstance(result, FetchResult) and result.url == url
    if result.error is not None:
        assert isinstance(result.error.kind, FetchErrorKind) and result.error.reason


# --- strings a model might cite ------------------------------------------------------------------

labels = st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=1, max_size=80)
unicode_labels = st.text(min_size=1, max_size=70).filter(lambda s: "." not in s)
numbers = st.one_of(
    st.text(alphabet=string.digits, min_size=1, max_size=12),
    st.text(alphabet=string.digits, min_size=4000, max_size=5000),
)
hosts = st.one_of(
    st.lists(labels, min_size=1, max_size=6).map(".".join),
    st.lists(unicode_labels, min_size=1, max_size=4).map(".".join),
    numbers,
    st.lists(numbers, min_size=2, max_size=5).map(".".join),
    st.from_regex(r"0x[0-9a-fA-F]{1,40}(\.0x[0-9a-f]{1,12}){0,3}", fullmatch=True),
    st.from_regex(r"\[[0-9a-fA-F:.%a-z]{0,60}\]?", fullmatch=True),
    st.just("x" * 64 + ".example"),
    st.just("a." * 130 + "example"),
    st.just("１２７．０．０．１"),
    st.just("xn--" + "a" * 70 + ".com"),
    st.just("xn--zz.example"),
)
ports = st.one_of(
    st.just(""), st.integers(0, 10**6).map(lambda n: f":{n}"), numbers.map(":{}".format)
)
urls = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda scheme, userinfo, host, port, path: f"{scheme}://{userinfo}{host}{port}{path}",
        st.sampled_from(["http", "https", "HTTP", "ftp", "file", "javascript", ""]),
        st.sampled_from(["", "user@", "u:p@", "a@b@", "%ff@"]),
        hosts,
        ports,
        st.text(max_size=40).map(lambda p: "/" + p),
    ),
)
REGRESSIONS = [
    "http://" + "a" * 64 + ".example/",
    "http://" + "1" * 4301 + "/",
    "http://127.0.0.1:" + "9" * 4301 + "/",
    "http://" + "0x" + "f" * 4301 + "/",
    "https://[::1/",
    "https://bü" + "c" * 70 + "her.example/",
    "http://\udcff.example/",
    "http://example.com/\x00\udcff",
    "http://" + "x" * 10_000,
]


@pytest.mark.parametrize("url", REGRESSIONS)
def test_known_killers_are_values(url: str) -> None:
    result = run(lambda: fetch(url))
    assert_is_a_value(result, url)
    assert result.error is not None and result.error.kind in (
        FetchErrorKind.invalid_url,
        FetchErrorKind.blocked,
    )


@PROPERTY
@given(urls)
@example("http://" + "a" * 64 + ".example/")
@example("http://" + "1" * 4301 + "/")
def test_any_string_is_a_fetch_result(url: str) -> None:
    assert_is_a_value(run(lambda: fetch(url)), url)


@pytest.mark.parametrize("error", [UnicodeError("label too long"), ValueError("bad name")])
def test_a_resolver_that_cannot_encode_the_name_gives_invalid_url(error: Exception) -> None:
    async def refusing(host: str, port: int) -> list[str]:
        raise error

    result = run(lambda: fetch("http://name.example/", resolver=refusing))
    assert result.error is not None and result.error.kind == FetchErrorKind.invalid_url
    assert str(error) in result.error.reason


# --- redirects to anything -----------------------------------------------------------------------


class Redirect(QuietHandler):
    location = "/"

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        self.send(302, b"", "text/plain", {"Location": Redirect.location})


@pytest.fixture(scope="module")
def redirector() -> Iterator[str]:
    with serve(Redirect) as base:
        yield base


locations = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=120,
)


@PROPERTY
@given(location=st.one_of(locations, st.sampled_from(REGRESSIONS[:5]).filter(str.isascii)))
def test_any_redirect_location_is_a_fetch_result(redirector: str, location: str) -> None:
    Redirect.location = location
    result = run(lambda: fetch(redirector + "/start"))
    assert_is_a_value(result, redirector + "/start")


# --- the judge's evidence step -------------------------------------------------------------------


@pytest.fixture(scope="module")
def store() -> Iterator[EvidenceStore]:
    with tempfile.TemporaryDirectory() as folder, EvidenceStore(Path(folder) / "e.sqlite") as s:
        yield s


async def judge_reads(store: EvidenceStore, url: str) -> tuple[FetchResult, object]:
    """What the judge does with a cited URL: its document, and the fetch that says why not."""
    config = FetchConfig(allow_networks=["127.0.0.1/32"], max_retries=0)
    async with Fetcher(config, resolver=getaddrinfo_stand_in) as fetcher:
        evidence = Evidence(store, "live", fetcher=fetcher, extractor=extract, run="hostile")
        document = await evidence.document(url)
        return await evidence.fetch(url), document


@PROPERTY
@given(st.one_of(urls, st.sampled_from(REGRESSIONS)))
def test_any_cited_string_is_evidence_that_failed(store: EvidenceStore, url: str) -> None:
    result, document = run(lambda: judge_reads(store, url))
    assert document is None
    assert result.error is not None and result.error.kind in (
        FetchErrorKind.invalid_url,
        FetchErrorKind.blocked,
        FetchErrorKind.connection,
    )
    replayed = run(lambda: Evidence(store, "replay").fetch(url))  # the same, from the store
    assert replayed.error == result.error


def test_slow_dns_does_not_hold_up_store_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight lookups that hang take DNS threads only: a store read on the default executor and
    a fetch bounded by its connect timeout still finish (each would wait for the lookups to
    end if they shared the default executor)."""
    release = threading.Event()

    def hanging_getaddrinfo(*args: object, **kwargs: object) -> list[object]:
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "released")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)

    async def scenario() -> tuple[int, FetchResult]:
        hung = [asyncio.create_task(system_resolver(f"hang{i}.example", 80)) for i in range(8)]
        await asyncio.sleep(0.1)
        read = await asyncio.wait_for(asyncio.to_thread(lambda: 42), timeout=10)
        config = FetchConfig(connect_timeout=0.5, max_retries=0)
        async with Fetcher(config) as fetcher:
            result = await asyncio.wait_for(fetcher.fetch("http://slow.example/"), timeout=10)
        release.set()
        await asyncio.gather(*hung, return_exceptions=True)
        return read, result

    try:
        read, result = run(scenario)
    finally:
        release.set()
    assert read == 42
    assert result.error is not None and result.error.kind == FetchErrorKind.timeout
    assert "resolving slow.example took longer than 0.5 s" in result.error.reason
