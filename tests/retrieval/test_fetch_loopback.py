"""The fetcher against servers on 127.0.0.1 that misbehave on purpose: slow, huge, compressed
bombs, redirect loops and redirects to private addresses, retries, TLS faults, mislabelled
content, concurrency. Other host names map to loopback through an injected resolver, so nothing
here leaves the machine (the network guard in tests/conftest.py checks)."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import socket
import ssl
import subprocess
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path

import brotli
import pytest

from trustbench.retrieval.fetcher import FetchConfig, Fetcher, parse_retry_after
from trustbench.retrieval.sniff import decode_text
from trustbench.retrieval.types import FetchErrorKind

# --- a raw loopback server -----------------------------------------------------------------------


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    """Lower-case names."""


Route = Callable[[Seen, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """HTTP/1.1 on 127.0.0.1:0 where each route writes whatever bytes it likes; it records the
    requests, counts connections and the peak number of requests in progress per Host."""

    def __init__(self, routes: dict[str, Route], tls: ssl.SSLContext | None = None) -> None:
        self.routes = routes
        self.tls = tls
        self.requests: list[Seen] = []
        self.connections = 0
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Server:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def url(self, path: str = "/", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(seen.path == path for seen in self.requests)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            first = await reader.read(1)
            if first == b"\x16":  # a TLS ClientHello sent to plain HTTP
                writer.write(b"HTTP/1.0 400 Bad Request\r\n\r\n")
                return
            if not first:
                return
            head = (first + await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            request_line, *fields = head.split("\r\n")[:-2]
            headers = {}
            for field in fields:
                name, _, value = field.partition(":")
                headers[name.strip().lower()] = value.strip()
            seen = Seen(request_line.split(" ")[1], headers)
            self.requests.append(seen)
            await self._serve(seen, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the fetcher hung up, as it should on a timeout or a cap
        finally:
            writer.close()
            self._tasks.discard(task)

    async def _serve(self, seen: Seen, writer: asyncio.StreamWriter) -> None:
        host = seen.headers.get("host", "")
        for key in (host, "*"):
            self.active[key] += 1
            self.peak[key] = max(self.peak[key], self.active[key])
        try:
            await self.routes.get(seen.path, respond(404, b"not found"))(seen, writer)
        finally:
            for key in (host, "*"):
                self.active[key] -= 1


async def reply(
    writer: asyncio.StreamWriter,
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    length: bool = True,
) -> None:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()


def respond(
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    length: bool = True,
    delay: float = 0.0,
) -> Route:
    async def route(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(delay)
        await reply(writer, status, body, headers, length=length)

    return route


def in_turn(*routes: Route) -> Route:
    """The n-th request gets the n-th route; the last one repeats."""
    served = 0

    async def route(seen: Seen, writer: asyncio.StreamWriter) -> None:
        nonlocal served
        served += 1
        await routes[min(served, len(routes)) - 1](seen, writer)

    return route


def redirect(location: str, status: int = 302, headers: dict[str, str] | None = None) -> Route:
    return respond(status, headers={"Location": location, **(headers or {})})


class MapResolver:
    """Injected DNS: a fixed table, recording every lookup."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the test table")
        return self.table[host]


def make_fetcher(resolver: MapResolver | None = None, **settings: object) -> Fetcher:
    """Loopback allowed (only 127.0.0.1) and quick retries unless a test says otherwise."""
    config = {"allow_networks": ["127.0.0.1/32"], "backoff_base": 0.01, **settings}
    return Fetcher(FetchConfig.model_validate(config), resolver=resolver)


HTML = b"<!doctype html><html><head><title>t</title></head><body><p>hello</p></body></html>"

# --- success and what is recorded --------------------------------------------------------------


async def test_records_a_successful_fetch() -> None:
    routes = {"/": respond(200, HTML, {"Content-Type": "text/html; charset=utf-8"})}
    async with Server(routes) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.ok, result.error
    assert (result.status, result.kind, result.charset) == (200, "html", "utf-8")
    assert result.final_url == server.url("/")
    assert result.content_type == "text/html; charset=utf-8"
    assert result.body == HTML
    assert result.sha256 == hashlib.sha256(HTML).hexdigest()
    assert result.redirects == []
    assert 0 < result.elapsed_s < 5
    assert result.fetched_at.tzinfo is not None and result.fetched_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("agent", [None, "custom-agent/2.0"])
async def test_sends_the_configured_user_agent(agent: str | None) -> None:
    settings = {} if agent is None else {"user_agent": agent}
    async with Server({"/": respond(200, HTML)}) as server, make_fetcher(**settings) as fetcher:
        await fetcher.fetch(server.url("/"))
    assert server.requests[0].headers["user-agent"] == (agent or FetchConfig().user_agent)
    assert FetchConfig().user_agent.startswith("trustbench/")


async def test_empty_page_is_ok_with_an_empty_body() -> None:
    routes = {"/": respond(200, b"", {"Content-Type": "text/html"})}
    async with Server(routes) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.ok and result.body == b"" and result.kind == "html"
    assert result.sha256 == hashlib.sha256(b"").hexdigest()


# --- timeouts ------------------------------------------------------------------------------------


async def test_read_timeout_before_the_response() -> None:
    async with Server({"/": respond(200, HTML, delay=30)}) as server:
        async with make_fetcher(read_timeout=0.3, total_timeout=10) as fetcher:
            started = time.monotonic()
            result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.timeout
    assert "read timeout" in result.error.reason
    assert time.monotonic() - started < 3


async def test_read_timeout_in_the_middle_of_the_body() -> None:
    async def stall(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100)
        await writer.drain()
        await asyncio.sleep(30)

    async with Server({"/": stall}) as server:
        async with make_fetcher(read_timeout=0.3, total_timeout=10) as fetcher:
            result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.timeout
    assert result.status == 200 and result.elapsed_s < 3


async def test_total_timeout_stops_a_slow_drip() -> None:
    async def drip(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(1000):
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.05)

    async with Server({"/": drip}) as server:
        async with make_fetcher(read_timeout=1, total_timeout=0.8) as fetcher:
            result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.timeout
    assert "total time limit" in result.error.reason
    assert 0.7 < result.elapsed_s < 3


# --- size caps and decompression bombs ----------------------------------------------------------


async def test_declared_length_over_the_cap_is_refused_without_reading() -> None:
    routes = {"/": respond(200, b"x" * 50_000)}
    async with Server(routes) as server, make_fetcher(max_bytes=10_000) as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.too_large
    assert "Content-Length is 50000" in result.error.reason


@pytest.mark.parametrize("framing", ["close-delimited", "chunked"])
async def test_undeclared_length_over_the_cap_stops_while_streaming(framing: str) -> None:
    async def endless(seen: Seen, writer: asyncio.StreamWriter) -> None:
        chunked = framing == "chunked"
        extra = "Transfer-Encoding: chunked\r\n" if chunked else ""
        writer.write(f"HTTP/1.1 200 OK\r\nConnection: close\r\n{extra}\r\n".encode())
        piece = b"y" * 4096
        for _ in range(10_000):  # 40 MB if nobody stops reading
            writer.write(b"1000\r\n" + piece + b"\r\n" if chunked else piece)
            await writer.drain()

    async with Server({"/": endless}) as server, make_fetcher(max_bytes=100_000) as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.too_large
    assert "stopped reading" in result.error.reason


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", lambda data: gzip.compress(data, 9)),
        ("br", lambda data: brotli.compress(data, quality=5)),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data), quality=5)),
    ],
)
async def test_decompression_bomb_is_stopped_at_the_cap(
    coding: str, compress: Callable[[bytes], bytes]
) -> None:
    bomb = compress(b"\0" * 20_000_000)
    assert len(bomb) < 50_000
    routes = {"/": respond(200, bomb, {"Content-Encoding": coding})}
    settings = {"max_bytes": 100_000, "max_decompressed_bytes": 1_000_000}
    async with Server(routes) as server, make_fetcher(**settings) as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.decompression_bomb
    assert "1000000 bytes" in result.error.reason


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("br", brotli.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate, as some send
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
)
async def test_compressed_bodies_are_decoded(
    coding: str, compress: Callable[[bytes], bytes]
) -> None:
    page = HTML * 2000
    routes = {"/": respond(200, compress(page), {"Content-Encoding": coding})}
    async with Server(routes) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.ok, result.error
    assert result.body == page
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate, br"


async def test_unknown_and_corrupt_encodings_are_reported() -> None:
    routes = {
        "/zstd": respond(200, b"\x28\xb5\x2f\xfd", {"Content-Encoding": "zstd"}),
        "/corrupt": respond(200, b"not gzip at all", {"Content-Encoding": "gzip"}),
    }
    async with Server(routes) as server, make_fetcher() as fetcher:
        unknown = await fetcher.fetch(server.url("/zstd"))
        corrupt = await fetcher.fetch(server.url("/corrupt"))
    assert unknown.error and unknown.error.kind == FetchErrorKind.unsupported_content
    assert "zstd" in unknown.error.reason
    assert corrupt.error and corrupt.error.kind == FetchErrorKind.unsupported_content
    assert "corrupt gzip" in corrupt.error.reason


# --- redirects -----------------------------------------------------------------------------------


async def test_redirects_are_followed_and_recorded() -> None:
    routes = {
        "/a": redirect("/b", 301),
        "/b": redirect("c?x=1", 307),
        "/c?x=1": respond(200, HTML),
    }
    async with Server(routes) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/a"))
    assert result.ok, result.error
    assert result.redirects == [server.url("/a"), server.url("/b")]
    assert result.final_url == server.url("/c?x=1")


async def test_redirect_loop_stops_after_max_redirects() -> None:
    async with Server({"/loop": redirect("/loop")}) as server:
        async with make_fetcher(max_redirects=3) as fetcher:
            result = await fetcher.fetch(server.url("/loop"))
    assert result.error and result.error.kind == FetchErrorKind.too_many_redirects
    assert server.hits("/loop") == 4  # the first request and 3 redirects followed
    assert len(result.redirects) == 4


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/",
        "http://[::1]:{port}/",  # loopback, but not in the allow-list
        "http://127.0.0.2:{port}/",
        "http://2130706434:{port}/",  # 127.0.0.2 spelled in decimal
        "http://internal.test/",  # the resolver says 192.168.1.10
        "http://metadata.test/latest/meta-data/",  # the resolver says 169.254.169.254
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
    ],
)
async def test_redirect_to_a_private_address_is_blocked_before_connecting(location: str) -> None:
    resolver = MapResolver(
        {"internal.test": ["192.168.1.10"], "metadata.test": ["169.254.169.254"]}
    )
    async with Server({}) as server:
        server.routes["/go"] = redirect(location.format(port=server.port))
        async with make_fetcher(resolver) as fetcher:
            result = await fetcher.fetch(server.url("/go"))
    assert result.error and result.error.kind == FetchErrorKind.blocked, result.error
    assert result.redirects == [server.url("/go")]
    # The server on 127.0.0.1 was reached once; a connection to 127.0.0.2 or ::1 would have been
    # refused (kind `connection`), and one to 10/8, 192.168/16 or 169.254/16 stopped by the guard.
    assert server.connections == 1


async def test_cross_host_redirect_sends_only_allow_listed_headers() -> None:
    async with Server({}) as first, Server({"/landing": respond(200, HTML)}) as second:
        first.routes["/start"] = redirect("/next", headers={"Set-Cookie": "a=1; Path=/"})
        first.routes["/next"] = redirect(second.url("/landing"))
        url = f"http://user:s%3Acret@127.0.0.1:{first.port}/start"
        headers = {
            "Cookie": "session=1",
            "Proxy-Authorization": "Basic eDp5",
            "X-Api-Key": "secret",
            "X-Trace": "t",
            "Accept-Language": "de",
        }
        async with make_fetcher() as fetcher:
            result = await fetcher.fetch(url, headers=headers)
    assert result.ok, result.error
    token = base64.b64encode(b"user:s:cret").decode()
    start, following = first.requests
    assert start.headers["authorization"] == f"Basic {token}"
    assert following.headers["authorization"] == f"Basic {token}"  # same host: kept
    assert following.headers["cookie"] == "session=1"  # the caller's Cookie wins over the jar
    assert following.headers["x-api-key"] == "secret"  # same origin: every header
    landing = second.requests[0].headers
    assert not {"authorization", "cookie", "proxy-authorization"} & landing.keys()
    assert not {"x-api-key", "x-trace"} & landing.keys()  # not on the allow-list
    assert landing["accept-language"] == "de"
    assert "user" not in (result.final_url or "")


async def test_same_host_redirect_keeps_the_cookies_it_was_given() -> None:
    async with Server({}) as server:
        server.routes["/start"] = redirect("/next", headers={"Set-Cookie": "a=1; Path=/"})
        server.routes["/next"] = respond(200, HTML)
        async with make_fetcher() as fetcher:
            result = await fetcher.fetch(
                server.url("/start"), headers={"Authorization": "Bearer k"}
            )
            again = await fetcher.fetch(server.url("/next"))
    assert result.ok, result.error
    assert server.requests[1].headers["cookie"] == "a=1"
    assert server.requests[1].headers["authorization"] == "Bearer k"
    assert "cookie" not in server.requests[2].headers  # cookies do not outlive a fetch
    assert again.ok


# --- retries -------------------------------------------------------------------------------------


async def test_429_with_retry_after_is_retried_after_the_wait() -> None:
    routes = {"/": in_turn(respond(429, headers={"Retry-After": "1"}), respond(200, HTML))}
    async with Server(routes) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.ok, result.error
    assert server.hits("/") == 2
    assert result.elapsed_s >= 0.95  # the backoff alone would have been 0.01 s


async def test_retry_after_is_capped() -> None:
    routes = {"/": in_turn(respond(503, headers={"Retry-After": "3600"}), respond(200, HTML))}
    async with Server(routes) as server, make_fetcher(max_retry_after=0.2) as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.ok and server.hits("/") == 2
    assert 0.2 <= result.elapsed_s < 2


async def test_503_twice_then_200_succeeds() -> None:
    routes = {"/": in_turn(respond(503), respond(503), respond(200, HTML))}
    async with Server(routes) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.ok and result.body == HTML
    assert server.hits("/") == 3


async def test_429_gives_up_after_max_retries_and_keeps_the_answer() -> None:
    routes = {"/": respond(429, b"slow down", {"Content-Type": "text/plain"})}
    async with Server(routes) as server, make_fetcher(max_retries=2) as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.http_status
    assert result.error.reason == "HTTP 429 after 2 retries"
    assert (result.status, result.body) == (429, b"slow down")
    assert server.hits("/") == 3


@pytest.mark.parametrize("status", [500, 404])
async def test_other_error_statuses_are_not_retried_and_keep_the_body(status: int) -> None:
    page = b"<html><body>gone</body></html>"
    async with Server({"/": respond(status, page)}) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.http_status
    assert result.error.reason == f"HTTP {status}"
    assert (result.status, result.body, result.kind) == (status, page, "html")
    assert server.hits("/") == 1


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert parse_retry_after(format_datetime(now - timedelta(days=1), usegmt=True), now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


# --- connection and TLS faults -------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_connection_refused_is_retried_then_reported() -> None:
    async with make_fetcher(max_retries=1) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{closed_port()}/")
    assert result.error and result.error.kind == FetchErrorKind.connection
    assert "cannot connect to 127.0.0.1" in result.error.reason


async def test_malformed_response_is_a_connection_error() -> None:
    async def garbage(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SMTP ready\r\n\r\n")

    async with Server({"/": garbage}) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.error and result.error.kind == FetchErrorKind.connection
    assert "RemoteProtocolError" in result.error.reason


async def test_https_to_a_plain_http_server_is_a_tls_error() -> None:
    async with Server({"/": respond(200, HTML)}) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/", scheme="https"))
    assert result.error and result.error.kind == FetchErrorKind.tls
    assert result.error.reason.startswith(f"TLS with 127.0.0.1:{server.port} failed")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A test CA and a certificate it signed for site.test (made with the openssl CLI)."""
    folder = tmp_path_factory.mktemp("tls")
    paths = {name: folder / name for name in ("ca.pem", "ca.key", "leaf.pem", "leaf.key")}
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (folder / "leaf.ext").write_text(
        "subjectAltName=DNS:site.test\nextendedKeyUsage=serverAuth\n"
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    )
    commands = [
        ["req", "-x509", *key, "-keyout", paths["ca.key"], "-out", paths["ca.pem"]]
        + ["-days", "2", "-subj", "/CN=trustbench test CA"]
        + ["-addext", "basicConstraints=critical,CA:TRUE"]
        + ["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", *key, "-keyout", paths["leaf.key"], "-out", folder / "leaf.csr"]
        + ["-subj", "/CN=site.test"],
        ["x509", "-req", "-in", folder / "leaf.csr", "-CA", paths["ca.pem"]]
        + ["-CAkey", paths["ca.key"], "-CAcreateserial", "-out", paths["leaf.pem"]]
        + ["-days", "2", "-extfile", folder / "leaf.ext"],
    ]
    for command in commands:
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
    return paths


async def test_tls_is_verified_for_the_url_hostname_on_the_pinned_address(
    certificates: dict[str, Path],
) -> None:
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certificates["leaf.pem"], certificates["leaf.key"])
    names: list[str | None] = []
    server_tls.sni_callback = lambda sock, name, context: names.append(name)
    resolver = MapResolver({"site.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    async with Server({"/": respond(200, HTML)}, tls=server_tls) as server:
        async with make_fetcher(resolver, ca_file=certificates["ca.pem"]) as fetcher:
            good = await fetcher.fetch(server.url("/", host="site.test", scheme="https"))
            wrong_name = await fetcher.fetch(server.url("/", host="other.test", scheme="https"))
        async with make_fetcher(resolver) as untrusting:
            unknown_ca = await untrusting.fetch(server.url("/", host="site.test", scheme="https"))
    assert good.ok, good.error
    assert server.requests[0].headers["host"] == f"site.test:{server.port}"
    assert names[:2] == ["site.test", "other.test"]
    assert wrong_name.error and wrong_name.error.kind == FetchErrorKind.tls
    assert "other.test" in wrong_name.error.reason
    assert unknown_ca.error and unknown_ca.error.kind == FetchErrorKind.tls
    assert "certificate verify failed" in unknown_ca.error.reason


# --- content kinds and charsets -----------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


@pytest.mark.parametrize(
    ("content_type", "body", "path", "kind"),
    [
        ("application/octet-stream", PDF, "/download", "pdf"),
        (None, PDF, "/paper", "pdf"),
        ("text/html", PDF, "/mislabelled", "pdf"),
        (None, HTML, "/page", "html"),
        ("text/plain", HTML, "/page", "html"),
        ("application/octet-stream", b"<HTML><BODY>x</BODY></HTML>", "/page", "html"),
        ("text/plain; charset=utf-8", b"just words", "/notes", "text"),
        ("application/json", b'{"a": 1}', "/api", "text"),
        (None, b"plain words without markup", "/readme", "text"),
        ("image/png", b"\x89PNG\r\n\x1a\n\0\0", "/logo", "other"),
        (None, b"\x89PNG\r\n\x1a\n\0\0", "/logo", "other"),
        (None, b"", "/paper.pdf", "pdf"),
    ],
)
async def test_content_kind_is_sniffed(
    content_type: str | None, body: bytes, path: str, kind: str
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    async with Server({path: respond(200, body, headers)}) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url(path))
    assert result.ok, result.error
    assert result.kind == kind
    assert (result.charset is None) == (kind in ("pdf", "other"))


FRENCH = (
    "<html><body><p>Le café est une boisson très appréciée en France. On le déguste souvent "
    "après le déjeuner, accompagné d'un petit gâteau. À Paris, les cafés sont des lieux de "
    "rencontre où l'on discute de tout et de rien, été comme hiver.</p></body></html>"
)
JAPANESE = (
    "<html><body><p>東京は日本の首都であり、世界でも有数の大都市です。多くの人々が毎日電車で"
    "通勤しています。春には桜が咲き、公園は花見を楽しむ人でいっぱいになります。</p></body></html>"
)


@pytest.mark.parametrize(
    ("text", "encoding", "content_type"),
    [
        (FRENCH, "latin-1", "text/html; charset=ISO-8859-1"),
        (FRENCH.replace("<html>", '<html><meta charset="iso-8859-1">'), "latin-1", "text/html"),
        (FRENCH, "latin-1", None),
        (JAPANESE, "shift_jis", "text/html; charset=Shift_JIS"),
        (JAPANESE.replace("<html>", '<html><meta charset="shift_jis">'), "shift_jis", None),
        (JAPANESE, "shift_jis", "text/html"),
        (JAPANESE, "utf-8", "text/html"),
    ],
)
async def test_non_utf8_pages_are_decoded(
    text: str, encoding: str, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    body = text.encode(encoding)
    async with Server({"/": respond(200, body, headers)}) as server, make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/"))
    assert result.ok and result.body == body
    assert decode_text(result.body, result.charset) == text


# --- concurrency ---------------------------------------------------------------------------------


async def test_global_concurrency_limit_is_respected() -> None:
    async with Server({"/": respond(200, HTML, delay=0.15)}) as server:
        async with make_fetcher(max_concurrency=3, per_host_concurrency=10) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(server.url("/")) for _ in range(9)))
    assert all(result.ok for result in results)
    assert server.peak["*"] == 3


async def test_per_host_concurrency_limit_is_respected() -> None:
    resolver = MapResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    async with Server({"/": respond(200, HTML, delay=0.15)}) as server:
        async with make_fetcher(resolver, per_host_concurrency=2) as fetcher:
            urls = [server.url("/", host=host) for host in ("a.test", "b.test") for _ in range(6)]
            results = await asyncio.gather(*map(fetcher.fetch, urls))
    assert all(result.ok for result in results)
    assert server.peak[f"a.test:{server.port}"] == 2
    assert server.peak[f"b.test:{server.port}"] == 2
    assert server.peak["*"] == 4


async def test_queueing_for_a_slot_does_not_count_against_the_total_timeout() -> None:
    async with Server({"/": respond(200, HTML, delay=0.3)}) as server:
        async with make_fetcher(max_concurrency=1, total_timeout=1) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(server.url("/")) for _ in range(5)))
    assert all(result.ok for result in results), [r.error for r in results]


# --- SSRF at the fetch level ---------------------------------------------------------------------

LOOPBACK_SPELLINGS = [
    "http://127.0.0.1:{port}/",
    "http://2130706433:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://0x7f.1:{port}/",
    "http://0x7f000001:{port}/",
    "http://017700000001:{port}/",
    "http://127.1:{port}/",
    "http://127.0.1:{port}/",
    "http://127.000.000.001:{port}/",
    "http://127.0.0.1.:{port}/",
    "http://%31%32%37.0.0.1:{port}/",
    "http://\uff11\uff12\uff17\u3002\uff10.0.1:{port}/",
    "http://0:{port}/",
    "http://[::1]:{port}/",
    "http://[::]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://[::ffff:7f00:1]:{port}/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/",
    "http://[64:ff9b::7f00:1]:{port}/",
    "http://[2002:7f00:1::]:{port}/",
    "http://localhost:{port}/",
    "http://LOCALHOST:{port}/",
    "http://localhost.:{port}/",
    "http://LocalHost..:{port}/",
    "http://%6c%6f%63%61%6c%68%6f%73%74:{port}/",
    "http://api.localhost:{port}/",
    "http://example.com@127.0.0.1:{port}/",
    "http://example.com:80@127.0.0.1:{port}/",
    "https://127.0.0.1:{port}/",
    "  http://127.0.0.1:{port}/  ",
]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
async def test_every_spelling_of_loopback_is_refused_before_connecting(spelling: str) -> None:
    resolver = MapResolver({})
    async with Server({"/": respond(200, HTML)}) as server:
        async with Fetcher(FetchConfig(), resolver=resolver) as fetcher:  # the default policy
            result = await fetcher.fetch(spelling.format(port=server.port))
    assert result.error and result.error.kind == FetchErrorKind.blocked, result.error
    assert "refused" in result.error.reason
    assert server.connections == 0
    assert resolver.calls == []  # IP literals and localhost never reach DNS


@pytest.mark.parametrize(
    ("answers", "allow", "reason"),
    [
        (["10.0.0.1"], [], "evil.test (resolves to 10.0.0.1): private"),
        (["93.184.216.34", "10.0.0.1"], [], "(resolves to 10.0.0.1): private"),
        (["::ffff:10.0.0.1"], [], "private or special-purpose address (10.0.0.1) in an IPv6 form"),
        (["127.0.0.1", "10.0.0.1"], ["127.0.0.1/32"], "(resolves to 10.0.0.1): private"),
        (["not-an-address"], [], "not an IP"),
    ],
)
async def test_resolved_addresses_are_checked_before_connecting(
    answers: list[str], allow: list[str], reason: str
) -> None:
    resolver = MapResolver({"evil.test": answers})
    async with Server({"/": respond(200, HTML)}) as server:
        async with make_fetcher(resolver, allow_networks=allow) as fetcher:
            result = await fetcher.fetch(server.url("/", host="evil.test"))
    assert result.error and result.error.kind == FetchErrorKind.blocked
    assert reason in result.error.reason and "evil.test" in result.error.reason
    assert server.connections == 0 and resolver.calls == ["evil.test"]


async def test_connection_goes_to_the_checked_address_with_the_original_host_header() -> None:
    class Rebinding(MapResolver):
        """Answers loopback once, then a private address (a DNS-rebinding attack)."""

        async def __call__(self, host: str, port: int) -> list[str]:
            self.calls.append(host)
            return ["127.0.0.1"] if len(self.calls) == 1 else ["10.0.0.1"]

    resolver = Rebinding({})
    async with Server({"/": respond(200, HTML)}) as server, make_fetcher(resolver) as fetcher:
        result = await fetcher.fetch(server.url("/", host="site.test"))
    assert result.ok, result.error
    assert server.requests[0].headers["host"] == f"site.test:{server.port}"
    assert result.final_url == server.url("/", host="site.test")
    assert resolver.calls == ["site.test"]


async def test_allow_list_admits_the_listed_networks_and_no_other_private_one() -> None:
    settings = {"allow_networks": ["127.0.0.1/32", "::1/128"]}
    async with Server({"/": respond(200, HTML)}) as server, make_fetcher(**settings) as fetcher:
        by_name = await fetcher.fetch(server.url("/", host="localhost"))
        by_spelling = await fetcher.fetch(server.url("/", host="0x7f.1"))
    assert by_name.ok and by_spelling.ok
    async with make_fetcher() as fetcher:  # only 127.0.0.1/32
        v6 = await fetcher.fetch("http://[::1]:9/")
        other_loopback = await fetcher.fetch("http://127.0.0.2:9/")
    for result in (v6, other_loopback):
        assert result.error and result.error.kind == FetchErrorKind.blocked
        assert "loopback address" in result.error.reason


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("file:///etc/passwd", FetchErrorKind.blocked),
        ("ftp://127.0.0.1/", FetchErrorKind.blocked),
        ("javascript:alert(1)", FetchErrorKind.blocked),
        ("//127.0.0.1/", FetchErrorKind.blocked),
        ("http://", FetchErrorKind.invalid_url),
        ("http://exa mple.com/", FetchErrorKind.invalid_url),
        ("http://1.2.3.256/", FetchErrorKind.invalid_url),
        ("http://[::1/", FetchErrorKind.invalid_url),
        ("http://127.0.0.1:99999/", FetchErrorKind.invalid_url),
    ],
)
async def test_bad_schemes_and_urls_are_refused(url: str, kind: FetchErrorKind) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(url)
    assert result.error and result.error.kind == kind, result.error


async def test_unresolvable_host_is_a_connection_error() -> None:
    async with make_fetcher(MapResolver({})) as fetcher:
        result = await fetcher.fetch("http://nowhere.test/")
    assert result.error and result.error.kind == FetchErrorKind.connection
    assert "cannot resolve nowhere.test" in result.error.reason


async def test_an_allow_list_entry_with_a_port_admits_that_port_only() -> None:
    async with (
        Server({"/": respond(200, HTML)}) as allowed,
        Server({"/": respond(200, HTML)}) as other,
    ):
        async with make_fetcher(allow_networks=[f"127.0.0.1:{allowed.port}"]) as fetcher:
            ok = await fetcher.fetch(allowed.url("/"))
            refused = await fetcher.fetch(other.url("/"))
    assert ok.ok, ok.error
    assert refused.error is not None and refused.error.kind == FetchErrorKind.blocked
    assert other.connections == 0
