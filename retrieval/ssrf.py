"""Which URLs and addresses the fetcher may reach (SSRF protection).

URLs come from model outputs, so they are hostile: a host is normalised the way a browser reads it
(numeric IPv4 forms, percent-encoding, Unicode dots and digits, case, trailing dots), every address
it resolves to is checked, and the fetcher then connects only to an address checked here.
"""

from __future__ import annotations

import asyncio
import socket
import string
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)
from urllib.parse import unquote, urlsplit

import httpx

from trustbench.retrieval.types import RetrievalError

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]
"""Maps (host, port) to IP address strings; injected by tests so no DNS query leaves the machine."""

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 8192
"""Longer strings are refused as URLs: servers reject them anyway, and the store keys on them."""
MAX_LABEL_LENGTH = 63
MAX_HOST_LENGTH = 253
"""DNS limits (RFC 1035); longer names make getaddrinfo raise instead of answering."""
MAX_IPV4_DIGITS = 11
"""The most significant digits a part of an IPv4 address can have (2**32 - 1 in octal)."""
DNS_THREADS = 16
"""Lookups in flight at once; a hung resolver ties up these threads and nothing else."""
SHARED_ADDRESS_SPACE = IPv4Network("100.64.0.0/10")
NAT64_PREFIX = IPv6Network("64:ff9b::/96")
SITE_LOCAL = IPv6Network("fec0::/10")
LOOPBACK_NAMES = ("localhost",)
# Characters no host may contain once percent-decoded (the WHATWG forbidden domain code points).
FORBIDDEN_HOST_CHARS = frozenset(" #%/:<>?@[\\]^|\x7f") | {chr(c) for c in range(0x20)}
# Unicode full stops that IDNA treats as label separators.
UNICODE_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
DIGITS = {8: set(string.octdigits), 10: set(string.digits), 16: set(string.hexdigits)}


class BlockedAddress(RetrievalError):
    """The URL's scheme or one of its host's addresses is not allowed; says which and why."""


class InvalidURL(RetrievalError):
    """The URL cannot be parsed into scheme, host and port."""


@dataclass(frozen=True)
class AllowedNetwork:
    """An exception to the SSRF policy: a network, and optionally the one port allowed in it.
    Written `10.0.0.0/8`, `127.0.0.1:8080`, `10.1.0.0/16:443`, `::1`, `[::1]:8080` or
    `[fd00::/8]:443`."""

    network: IPNetwork
    port: int | None = None

    @classmethod
    def parse(cls, value: object) -> AllowedNetwork:
        """From its text, an `ipaddress` network or address, or itself; `ValueError` names what
        is wrong."""
        if isinstance(value, AllowedNetwork):
            return value
        if isinstance(value, IPv4Network | IPv6Network | IPv4Address | IPv6Address):
            return cls(ip_network(value))
        if not isinstance(value, str):
            raise ValueError(f"an allowed network is a string like 10.0.0.0/8:443, not {value!r}")
        text, port = value.strip(), None
        if text.startswith("["):
            text, closed, rest = text[1:].partition("]")
            if not closed or (rest and not rest.startswith(":")):
                raise ValueError(f"{value!r}: a bracketed IPv6 network needs a closing ]")
            port = rest[1:] or None
        elif text.count(":") == 1:
            text, _, port = text.partition(":")
        try:
            network = ip_network(text, strict=False)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a network like 10.0.0.0/8 or [::1]:8080") from error
        if port is None:
            return cls(network)
        if not (port.isascii() and port.isdigit() and len(port) <= 5 and 0 < int(port) < 65536):
            raise ValueError(f"{value!r}: the port must be a number from 1 to 65535")
        return cls(network, int(port))

    def admits(self, address: IPAddress, port: int | None) -> bool:
        return address in self.network and (self.port is None or self.port == port)

    def __str__(self) -> str:
        if self.port is None:
            return str(self.network)
        text = str(self.network) if self.network.version == 4 else f"[{self.network}]"
        return f"{text}:{self.port}"


@dataclass(frozen=True)
class Target:
    """A parsed URL: `url` is what gets requested (canonical host, no userinfo, no fragment)."""

    url: httpx.URL
    scheme: str
    host: str
    """ASCII, lower-case, no trailing dot; IP literals in canonical form, IPv6 without brackets."""
    port: int
    userinfo: str
    """Percent-decoded `user:password` from the URL, or ""."""

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port


def parse_target(url: str) -> Target:
    """Parses `url`; raises `BlockedAddress` for a scheme other than http(s), else `InvalidURL`
    for anything that is not a URL the network could serve (whatever the string holds)."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL of {len(url)} characters, over the {MAX_URL_LENGTH}-character cap")
    try:
        parts = urlsplit(url.strip())
    except ValueError as error:
        raise InvalidURL(f"cannot parse URL {url!r}: {error}") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BlockedAddress(f"scheme {scheme or '(none)'!r} is not allowed, only http and https")
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host_text, bracketed, explicit_port = _split_port(hostport, url)
    port = DEFAULT_PORTS[scheme] if explicit_port is None else explicit_port
    netloc = _canonical_host(host_text, bracketed, url)
    if port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    try:
        rebuilt = httpx.URL(f"{scheme}://{netloc}{parts.path or '/'}{query}")
    except (httpx.InvalidURL, UnicodeError) as error:
        raise InvalidURL(f"invalid URL {url!r}: {error}") from error
    host = rebuilt.raw_host.decode("ascii")
    if not bracketed:
        _check_dns_name(host, url)
    return Target(
        url=rebuilt,
        scheme=scheme,
        host=host,
        port=port,
        userinfo=unquote(userinfo),
    )


def parse_host(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the host normalised from any spelling, e.g. `http://0x7f.1/`
    gives ("http", "127.0.0.1", 80)."""
    target = parse_target(url)
    return target.scheme, target.host, target.port


def _split_port(hostport: str, url: str) -> tuple[str, bool, int | None]:
    """Host text, whether it was bracketed (IPv6), and the explicit port if any."""
    if hostport.startswith("["):
        host, closed, rest = hostport[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            raise InvalidURL(f"malformed IPv6 host in {url!r}")
        port_text, bracketed = rest[1:], True
    else:
        host, _, port_text = hostport.partition(":")
        bracketed = False
    if not port_text:
        return host, bracketed, None
    digits = port_text.lstrip("0") or "0"
    if not (port_text.isascii() and port_text.isdigit()) or len(digits) > 5 or int(digits) > 65535:
        raise InvalidURL(f"invalid port {port_text!r} in {url!r}")
    return host, bracketed, int(port_text)


def _canonical_host(text: str, bracketed: bool, url: str) -> str:
    """The host as it goes into the rebuilt URL: IPv4 dotted-decimal, [IPv6], or a domain name."""
    try:
        text = unquote(text, errors="strict")
    except UnicodeDecodeError as error:
        raise InvalidURL(f"host of {url!r} is not valid percent-encoded UTF-8") from error
    if bracketed:
        try:
            # A zone id (fe80::1%eth0) only makes sense for non-global addresses: drop it.
            return f"[{IPv6Address(text.split('%')[0])}]"
        except ValueError as error:
            raise InvalidURL(f"invalid IPv6 address in {url!r}: {error}") from error
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(UNICODE_DOTS)
    text = text.lower().rstrip(".")
    labels = text.split(".")
    if not text or "" in labels or FORBIDDEN_HOST_CHARS.intersection(text):
        raise InvalidURL(f"invalid host {text!r} in {url!r}")
    if _ends_in_number(labels[-1]):
        return str(_parse_ipv4(labels, url))
    return text


def _check_dns_name(host: str, url: str) -> None:
    """A name the resolver can take: labels of 1 to 63 characters, 253 in all (IP literals pass)."""
    if len(host) > MAX_HOST_LENGTH:
        raise InvalidURL(
            f"host name of {len(host)} characters (at most {MAX_HOST_LENGTH}) in {url!r}"
        )
    if any(not 0 < len(label) <= MAX_LABEL_LENGTH for label in host.split(".")):
        raise InvalidURL(
            f"host name with a label longer than {MAX_LABEL_LENGTH} characters in {url!r}"
        )


def _ends_in_number(label: str) -> bool:
    """Browsers read a host whose last label is numeric as an IPv4 address in some spelling."""
    if not label.isascii():
        return False
    if label.startswith("0x"):
        return set(label[2:]) <= DIGITS[16]
    return label.isdigit()


def _parse_ipv4(labels: list[str], url: str) -> IPv4Address:
    """The WHATWG IPv4 parser: 1 to 4 parts, each decimal, 0-octal or 0x-hex; the last part fills
    the remaining bytes, so 127.1, 2130706433, 0177.0.0.1 and 0x7f.1 are all 127.0.0.1."""
    numbers = [_ipv4_number(label, url) for label in labels]
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]):
        raise InvalidURL(f"invalid IPv4 address in {url!r}")
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        raise InvalidURL(f"invalid IPv4 address in {url!r}")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return IPv4Address(value)


def _ipv4_number(label: str, url: str) -> int:
    if label.startswith("0x"):
        digits, base = label[2:], 16
    elif len(label) > 1 and label.startswith("0"):
        digits, base = label[1:], 8
    else:
        digits, base = label, 10
    if not set(digits) <= DIGITS[base] or len(digits.lstrip("0")) > MAX_IPV4_DIGITS:
        raise InvalidURL(f"invalid IPv4 address in {url!r}")
    return int(digits, base) if digits else 0


_dns_pool: ThreadPoolExecutor | None = None


def _dns_executor() -> ThreadPoolExecutor:
    """Lookups get threads of their own, so a hung resolver never delays the store reads and
    other work queued on the event loop's default executor."""
    global _dns_pool
    if _dns_pool is None:
        _dns_pool = ThreadPoolExecutor(DNS_THREADS, thread_name_prefix="trustbench-dns")
    return _dns_pool


async def system_resolver(host: str, port: int) -> list[str]:
    """The default resolver: getaddrinfo on the DNS threads. The caller bounds the wait (a
    queued lookup counts against it too)."""
    lookup = partial(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    infos = await asyncio.get_running_loop().run_in_executor(_dns_executor(), lookup)
    return [str(info[4][0]) for info in infos]


async def resolve_and_check(
    host: str,
    port: int,
    *,
    allow_networks: Iterable[AllowedNetwork | IPNetwork | str] = (),
    resolver: Resolver = system_resolver,
) -> list[IPAddress]:
    """The addresses of `host` (as `parse_host` returns it), all of them allowed, or
    `BlockedAddress` naming the first refused one: one bad answer taints the name. IP literals and
    `localhost` are not sent to the resolver. Resolver failures (OSError, and the UnicodeError or
    ValueError getaddrinfo raises for a name it cannot encode) propagate."""
    allowed = [AllowedNetwork.parse(n) for n in allow_networks]
    addresses = await _addresses(host, port, resolver)
    for address in addresses:
        reason = refusal_reason(address, allowed, port)
        if reason is not None:
            name = host if str(address) == host else f"{host} (resolves to {address})"
            raise BlockedAddress(f"refused {name}: {reason}")
    return addresses


async def _addresses(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    try:
        return [ip_address(host)]
    except ValueError:
        pass
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return [IPv4Address("127.0.0.1"), IPv6Address("::1")]
    answers = await resolver(host, port)
    if not answers:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} resolved to no addresses")
    addresses: list[IPAddress] = []
    for answer in answers:
        try:
            address = ip_address(answer.split("%")[0])
        except ValueError as error:
            raise BlockedAddress(f"resolver answered {answer!r} for {host}, not an IP") from error
        if address not in addresses:
            addresses.append(address)
    return addresses


def refusal_reason(
    address: IPAddress, allow_networks: Iterable[AllowedNetwork], port: int | None = None
) -> str | None:
    """Why `address` (on `port`) may not be reached, or None. The allow-list makes explicit
    exceptions to the policy (tests admit 127.0.0.1/32, a deployment its intranet or one service
    on it); everything else is judged as usual, so public addresses stay reachable and unlisted
    private ones stay refused."""
    if any(allowed.admits(address, port) for allowed in allow_networks):
        return None
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = _special_use(embedded)
        return None if reason is None else f"{reason} ({embedded}) in an IPv6 form"
    return _special_use(address)


def _embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv6 address reaches: IPv4-mapped, 6to4 or NAT64 (64:ff9b::/96)."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _special_use(address: IPAddress) -> str | None:
    if address.is_unspecified:
        return "unspecified address"
    if address.is_loopback:
        return "loopback address"
    if address.is_link_local:
        return "link-local address"
    if address in SITE_LOCAL:
        return "site-local address (fec0::/10, deprecated)"
    if address.is_multicast:
        return "multicast address"
    if address.is_private:
        return "private or special-purpose address"
    if address.is_reserved:
        return "reserved address"
    if address in SHARED_ADDRESS_SPACE:
        return "shared address space (100.64.0.0/10)"
    if not address.is_global:
        return "not a globally routable address"
    return None
