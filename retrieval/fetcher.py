"""Safe async page fetching: bounded in time, size and concurrency, and SSRF-proof.

Every hop of a redirect chain is parsed, resolved and checked by `ssrf`, and the connection goes
to the address that was checked (a pinning network backend under httpx), so DNS rebinding has no
window while the Host header, TLS SNI and certificate check keep the URL's hostname. Bodies are
read raw and decompressed here, so the size caps hold while decompressing. Faults come back as
`FetchResult.error` values: a judge records them and goes on.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated

import brotli
import certifi
import httpcore
import httpx
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    NonNegativeInt,
    PlainSerializer,
    PositiveFloat,
    PositiveInt,
)

from trustbench.retrieval.sniff import SNIFF_WINDOW, detect_charset, sniff_kind
from trustbench.retrieval.ssrf import (
    AllowedNetwork,
    BlockedAddress,
    InvalidURL,
    IPAddress,
    Resolver,
    Target,
    parse_target,
    resolve_and_check,
    system_resolver,
)
from trustbench.retrieval.types import FetchError, FetchErrorKind, FetchResult

USER_AGENT = "trustbench/0.1 (+evaluation harness)"
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5"
ACCEPT_ENCODING = "gzip, deflate, br"
"""Exactly the codings `_Decoder` undoes."""
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 503})
CROSS_ORIGIN_HEADERS = frozenset({"accept-language", "cache-control", "pragma"})
"""The only caller headers that follow a redirect to another origin: anything else (Authorization,
Cookie, X-Api-Key, a token under any name) goes only to the origin it was meant for."""
DECODE_STEP = 65536
"""Most bytes one decompression call may produce, so a bomb is caught within this much."""


class FetchConfig(BaseModel):
    """Limits of one `Fetcher`. Times are seconds, sizes bytes."""

    model_config = ConfigDict(extra="forbid")

    user_agent: str = USER_AGENT
    connect_timeout: PositiveFloat = 10.0
    """Per connection attempt (also bounds the DNS lookup)."""
    read_timeout: PositiveFloat = 20.0
    """Longest silence while waiting for the response or the next body chunk."""
    total_timeout: PositiveFloat = 45.0
    """Whole fetch: redirects, retries and their waits; time queued for a slot is not counted."""
    max_bytes: PositiveInt = 15_000_000
    """Body bytes on the wire (before decompression)."""
    max_decompressed_bytes: PositiveInt = 30_000_000
    max_redirects: NonNegativeInt = 5
    max_retries: NonNegativeInt = 2
    """Extra attempts after a connection error, a 429 or a 503."""
    backoff_base: PositiveFloat = 0.5
    """Wait before retry n (from 0) is backoff_base * 2**n unless Retry-After says otherwise."""
    max_retry_after: PositiveFloat = 30.0
    max_concurrency: PositiveInt = 16
    per_host_concurrency: PositiveInt = 4
    """Simultaneous requests to one host name (any port)."""
    allow_networks: list[
        Annotated[AllowedNetwork, BeforeValidator(AllowedNetwork.parse), PlainSerializer(str)]
    ] = []
    """Exceptions to the SSRF policy: addresses in these networks (on one port, if named) may be
    reached although they are private or loopback (tests use ["127.0.0.1/32"]; a deployment
    might admit ["10.2.0.7:8080"]); see `ssrf.AllowedNetwork` and `ssrf.refusal_reason`."""
    verify_tls: bool = True
    ca_file: Path | None = None
    """Extra trusted CA certificates (PEM), added to certifi's, e.g. for a TLS-inspecting proxy."""


class _Failure(Exception):
    """A fault on its way to becoming `FetchResult.error`."""

    def __init__(self, kind: FetchErrorKind, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.retryable = kind, reason, retryable


# --- connecting only to checked addresses -------------------------------------------------------

_PINS: ContextVar[Mapping[tuple[str, int], list[str]]] = ContextVar("trustbench_fetch_pins")


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens connections only to the addresses the SSRF check approved for (host, port) in the
    current task; never looks a name up itself."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = _PINS.get({}).get((host, port))
        if not addresses:
            raise BlockedAddress(f"connection to {host}:{port} was not checked; refused")
        options = (
            None if socket_options is None else list(socket_options)
        )  # read once, used per try

        async def connect(address: str) -> httpcore.AsyncNetworkStream:
            return await self._inner.connect_tcp(
                address, port, timeout=timeout, local_address=local_address, socket_options=options
            )

        for address in addresses[:-1]:
            with suppress(httpcore.ConnectError, httpcore.ConnectTimeout):
                return await connect(address)
        return await connect(addresses[-1])

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool that uses `_PinnedBackend`. httpx 0.28 takes no
    network backend, so the pool it builds (`_pool`, what its request method calls) is replaced."""

    def __init__(self, ssl_context: ssl.SSLContext, connections: int) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=connections,
            max_keepalive_connections=connections,
            network_backend=_PinnedBackend(),
        )


def _ssl_context(config: FetchConfig) -> ssl.SSLContext:
    if not config.verify_tls:
        return httpx.create_ssl_context(verify=False)
    context = ssl.create_default_context(cafile=certifi.where())
    if config.ca_file is not None:
        context.load_verify_locations(cafile=config.ca_file)
    return context


# --- time budget and decompression ---------------------------------------------------------------


class _Clock:
    """The total time budget of one fetch."""

    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._deadline - time.monotonic()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time queued for a concurrency slot is not the fetch's fault, so it is not counted."""
        start = time.monotonic()
        try:
            yield
        finally:
            self._deadline += time.monotonic() - start


class _Stage:
    """One content coding being undone; fails once its output passes the decompressed cap."""

    def __init__(self, coding: str, limit: int) -> None:
        self.coding, self.limit, self.produced = coding, limit, 0

    def counted(self, chunk: bytes) -> bytes:
        self.produced += len(chunk)
        if self.produced > self.limit:
            raise _Failure(
                FetchErrorKind.decompression_bomb,
                f"{self.coding} body decompresses to more than {self.limit} bytes",
            )
        return chunk


class _Inflate(_Stage):
    """gzip or deflate, decompressed in steps of at most DECODE_STEP output bytes."""

    def __init__(self, coding: str, limit: int) -> None:
        super().__init__(coding, limit)
        # gzip: several members may follow each other; deflate: zlib-wrapped, or raw as some send.
        self._wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data:
            if self._inflater.eof:
                if self.coding != "gzip" or not data.startswith(b"\x1f\x8b"):
                    break  # trailing garbage: ignored, as browsers do
                self._inflater = zlib.decompressobj(self._wbits)
            out += self._step(data)
            inflater = self._inflater
            data = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
        return bytes(out)

    def _step(self, data: bytes) -> bytes:
        try:
            return self.counted(self._inflater.decompress(data, DECODE_STEP))
        except zlib.error:
            if self.coding != "deflate" or self.produced or self._wbits < 0:
                raise
        self._wbits = -zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        return self.counted(self._inflater.decompress(data, DECODE_STEP))

    def flush(self) -> bytes:
        return self.counted(self._inflater.flush())


class _Brotli(_Stage):
    def __init__(self, limit: int) -> None:
        super().__init__("br", limit)
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> bytes:
        out = bytearray(self.counted(self._decompressor.process(data, DECODE_STEP)))
        while not self._decompressor.can_accept_more_data():
            out += self.counted(self._decompressor.process(b"", DECODE_STEP))
        return bytes(out)

    def flush(self) -> bytes:
        return b""


class _Decoder:
    """Undoes a Content-Encoding chain incrementally; each stage stops at the decompressed cap."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        unknown = [c for c in codings if c not in ("gzip", "x-gzip", "deflate", "br")]
        if unknown:
            raise _Failure(
                FetchErrorKind.unsupported_content, f"unsupported Content-Encoding {unknown[0]!r}"
            )
        self._stages = [
            _Brotli(limit) if c == "br" else _Inflate(c.removeprefix("x-"), limit)
            for c in reversed(codings)
        ]
        self._body = bytearray()

    def feed(self, data: bytes) -> None:
        for stage in self._stages:
            data = stage.feed(data)
        self._body += data

    def finish(self) -> bytes:
        data = b""
        for stage in self._stages:
            data = stage.feed(data) + stage.flush()
        self._body += data
        return bytes(self._body)


# --- the fetcher ---------------------------------------------------------------------------------


@dataclass
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    location: str | None
    """Set for a redirect (whose body is not read)."""
    retries: int


class Fetcher:
    """Fetches pages under one `FetchConfig`. Use `async with Fetcher(config) as fetcher:`; it
    owns the connection pool and the concurrency slots. `resolver` replaces DNS (tests)."""

    def __init__(self, config: FetchConfig | None = None, resolver: Resolver | None = None) -> None:
        self.config = config or FetchConfig()
        self._resolver = resolver or system_resolver
        self._slots = asyncio.Semaphore(self.config.max_concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._timeouts = httpx.Timeout(
            connect=self.config.connect_timeout,
            read=self.config.read_timeout,
            write=self.config.read_timeout,
            pool=self.config.connect_timeout,
        ).as_dict()
        self._transport: _PinnedTransport | None = None

    async def __aenter__(self) -> Fetcher:
        self._transport = _PinnedTransport(_ssl_context(self.config), self.config.max_concurrency)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None

    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResult:
        """GETs `url`, following redirects. Never raises for network, HTTP or content faults.
        `headers` are added to the request; on a redirect to another scheme, host or port only
        those in `CROSS_ORIGIN_HEADERS` follow (credentials in the URL never do)."""
        if self._transport is None:
            raise RuntimeError("Fetcher.fetch needs `async with Fetcher(...) as fetcher`")
        result = FetchResult(url=url, fetched_at=datetime.now(UTC))
        started = time.perf_counter()
        try:
            await self._follow(result, dict(headers or {}))
        except _Failure as failure:
            result.error = FetchError(kind=failure.kind, reason=failure.reason)
        except TimeoutError:
            result.error = FetchError(
                kind=FetchErrorKind.timeout,
                reason=f"gave up after the total time limit of {self.config.total_timeout} s",
            )
        result.elapsed_s = time.perf_counter() - started
        return result

    async def _follow(self, result: FetchResult, extra_headers: dict[str, str]) -> None:
        clock = _Clock(self.config.total_timeout)
        target = _parse(result.url)
        first = target
        cookies = httpx.Cookies()
        hops = 0
        while True:
            result.final_url = str(target.url)
            headers = self._headers(first, target, extra_headers)
            answer = await self._exchange(result, target, headers, cookies, clock)
            if answer.location is None:
                _record(result, answer)
                return
            result.redirects.append(str(target.url))
            if hops == self.config.max_redirects:
                raise _Failure(
                    FetchErrorKind.too_many_redirects,
                    f"more than {self.config.max_redirects} redirects (last from {target.url})",
                )
            hops += 1
            following = _redirect_target(target, answer.location)
            if following.origin != target.origin:
                cookies.clear()  # cookies never cross hosts, ports included
            target = following

    def _headers(self, first: Target, target: Target, extra: dict[str, str]) -> httpx.Headers:
        headers = httpx.Headers({"User-Agent": self.config.user_agent, "Accept": ACCEPT})
        trusted = target.origin == first.origin
        if trusted and first.userinfo:
            user, _, password = first.userinfo.partition(":")
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        for name, value in extra.items():
            if trusted or name.lower() in CROSS_ORIGIN_HEADERS:
                headers[name] = value
        headers["Accept-Encoding"] = ACCEPT_ENCODING
        return headers

    async def _exchange(
        self,
        result: FetchResult,
        target: Target,
        headers: httpx.Headers,
        cookies: httpx.Cookies,
        clock: _Clock,
    ) -> _Answer:
        """One URL, retried after connection errors, 429 and 503."""
        addresses = await self._check(target, clock)
        attempt = 0
        while True:
            try:
                async with self._open(target, addresses, headers, cookies, clock) as response:
                    result.status = response.status_code
                    result.content_type = response.headers.get("content-type")
                    wait = self._retry_wait(response, attempt, clock)
                    if wait is None:
                        return await self._answer(response, attempt)
            except httpx.TransportError as error:
                failure = _transport_failure(error, target, self.config)
                wait = self._backoff(attempt) if failure.retryable else None
                if wait is None or attempt == self.config.max_retries or wait > clock.remaining():
                    raise failure from error
            except BlockedAddress as error:
                raise _Failure(FetchErrorKind.blocked, str(error)) from error
            await asyncio.sleep(wait)
            attempt += 1

    async def _check(self, target: Target, clock: _Clock) -> list[IPAddress]:
        limit = min(self.config.connect_timeout, clock.remaining())
        try:
            async with asyncio.timeout(limit):
                return await resolve_and_check(
                    target.host,
                    target.port,
                    allow_networks=self.config.allow_networks,
                    resolver=self._resolver,
                )
        except BlockedAddress as error:
            raise _Failure(FetchErrorKind.blocked, f"{error} ({target.url})") from error
        except TimeoutError as error:
            reason = f"resolving {target.host} took longer than {limit:.1f} s"
            raise _Failure(FetchErrorKind.timeout, reason) from error
        except OSError as error:
            reason = f"cannot resolve {target.host}: {error}"
            raise _Failure(FetchErrorKind.connection, reason) from error
        except (UnicodeError, ValueError) as error:  # getaddrinfo cannot encode the name
            reason = f"{target.host} is not a name the resolver accepts: {error}"
            raise _Failure(FetchErrorKind.invalid_url, reason) from error

    @asynccontextmanager
    async def _open(
        self,
        target: Target,
        addresses: list[IPAddress],
        headers: httpx.Headers,
        cookies: httpx.Cookies,
        clock: _Clock,
    ) -> AsyncIterator[httpx.Response]:
        """An open response from one of the checked addresses, holding a per-host slot and a
        global slot (taken in that order, so a queue for one host never holds global slots)."""
        assert self._transport is not None
        host_slot = self._host_slots.setdefault(
            target.host, asyncio.Semaphore(self.config.per_host_concurrency)
        )
        async with AsyncExitStack() as stack:
            with clock.paused():
                await stack.enter_async_context(host_slot)
                await stack.enter_async_context(self._slots)
            pins = _PINS.set({(target.host, target.port): [str(a) for a in addresses]})
            try:
                async with asyncio.timeout(clock.remaining()):
                    request = httpx.Request(
                        "GET", target.url, headers=headers, extensions={"timeout": self._timeouts}
                    )
                    cookies.set_cookie_header(request)
                    response = await self._transport.handle_async_request(request)
                    response.request = request
                    try:
                        cookies.extract_cookies(response)
                        yield response
                    finally:
                        await response.aclose()
            finally:
                _PINS.reset(pins)

    def _retry_wait(self, response: httpx.Response, attempt: int, clock: _Clock) -> float | None:
        """Seconds to wait before retrying this response, or None to take it as it is."""
        if response.status_code not in RETRY_STATUSES or attempt == self.config.max_retries:
            return None
        asked = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
        wait = min(self._backoff(attempt) if asked is None else asked, self.config.max_retry_after)
        return wait if wait < clock.remaining() else None

    def _backoff(self, attempt: int) -> float:
        return self.config.backoff_base * 2**attempt

    async def _answer(self, response: httpx.Response, retries: int) -> _Answer:
        location = response.headers.get("location")
        if response.status_code not in REDIRECT_STATUSES or not location:
            location = None
        body = b"" if location else await self._read_body(response)
        return _Answer(response.status_code, response.headers, body, location, retries)

    async def _read_body(self, response: httpx.Response) -> bytes:
        cap = self.config.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            reason = f"Content-Length is {declared} bytes, over the {cap}-byte cap"
            raise _Failure(FetchErrorKind.too_large, reason)
        encoding = response.headers.get("content-encoding", "")
        decoder = _Decoder(encoding, self.config.max_decompressed_bytes)
        received = 0
        try:
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > cap:
                    reason = f"body is over the {cap}-byte cap (stopped reading)"
                    raise _Failure(FetchErrorKind.too_large, reason)
                decoder.feed(chunk)
            return decoder.finish()
        except (zlib.error, brotli.error) as error:
            reason = f"corrupt {encoding} body: {error}"
            raise _Failure(FetchErrorKind.unsupported_content, reason) from error


def _parse(url: str) -> Target:
    try:
        return parse_target(url)
    except BlockedAddress as error:
        raise _Failure(FetchErrorKind.blocked, f"{error}: {url}") from error
    except InvalidURL as error:
        raise _Failure(FetchErrorKind.invalid_url, str(error)) from error


def _redirect_target(target: Target, location: str) -> Target:
    try:
        joined = target.url.join(location)
    except httpx.InvalidURL as error:
        reason = f"{target.url} redirects to an invalid location {location!r}: {error}"
        raise _Failure(FetchErrorKind.invalid_url, reason) from error
    return _parse(str(joined))


def _record(result: FetchResult, answer: _Answer) -> None:
    content_type = answer.headers.get("content-type")
    result.status = answer.status
    result.content_type = content_type
    result.body = answer.body
    result.sha256 = hashlib.sha256(answer.body).hexdigest()
    result.kind = sniff_kind(content_type, answer.body[:SNIFF_WINDOW], result.final_url or "")
    if result.kind in ("html", "text"):
        result.charset = detect_charset(content_type, answer.body)
    if not 200 <= answer.status < 300:
        reason = f"HTTP {answer.status}"
        if answer.retries:
            reason += f" after {answer.retries} retr{'y' if answer.retries == 1 else 'ies'}"
        raise _Failure(FetchErrorKind.http_status, reason)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a Retry-After header (delay-seconds or an HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _transport_failure(
    error: httpx.TransportError, target: Target, config: FetchConfig
) -> _Failure:
    where = f"{target.host}:{target.port}"
    causes = _causes(error)
    tls = next((cause for cause in causes if isinstance(cause, ssl.SSLError)), None)
    if tls is not None:
        return _Failure(FetchErrorKind.tls, f"TLS with {where} failed: {tls}")
    if isinstance(error, httpx.ConnectTimeout):
        reason = f"connecting to {where} took longer than {config.connect_timeout} s"
        return _Failure(FetchErrorKind.timeout, reason, retryable=True)
    if isinstance(error, httpx.ReadTimeout):
        reason = f"{where} sent nothing for {config.read_timeout} s (read timeout)"
        return _Failure(FetchErrorKind.timeout, reason)
    if isinstance(error, httpx.TimeoutException):
        return _Failure(FetchErrorKind.timeout, f"{where}: {type(error).__name__}: {error}")
    if isinstance(error, httpx.ConnectError):
        reason = f"cannot connect to {where}: {causes[-1]}"
        return _Failure(FetchErrorKind.connection, reason, retryable=True)
    reason = f"connection to {where} failed: {type(error).__name__}: {causes[-1]}"
    return _Failure(FetchErrorKind.connection, reason)


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it was raised from (httpx and httpcore chain the original error), down
    to the root cause such as ConnectionRefusedError or ssl.SSLError."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain
