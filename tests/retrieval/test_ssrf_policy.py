"""The SSRF policy on its own: host normalisation and address checks. Nothing here connects; the
resolver is a table, so no name is looked up either."""

from __future__ import annotations

import socket

import pytest
from pydantic import ValidationError

from trustbench.retrieval.fetcher import FetchConfig
from trustbench.retrieval.ssrf import (
    BlockedAddress,
    InvalidURL,
    parse_host,
    parse_target,
    resolve_and_check,
    system_resolver,
)


class TableResolver:
    def __init__(self, **table: list[str]) -> None:
        self.table = {name.replace("_", "."): answers for name, answers in table.items()}
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return self.table.get(host, [])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://2130706433/", ("http", "127.0.0.1", 80)),
        ("http://0177.0.0.1/", ("http", "127.0.0.1", 80)),
        ("http://0x7f.1/", ("http", "127.0.0.1", 80)),
        ("http://0X7F.0X0.0X0.0X1/", ("http", "127.0.0.1", 80)),
        ("http://127.1/", ("http", "127.0.0.1", 80)),
        ("http://10.1/", ("http", "10.0.0.1", 80)),
        ("http://192.168.257/", ("http", "192.168.1.1", 80)),
        ("http://0/", ("http", "0.0.0.0", 80)),
        ("http://0x/", ("http", "0.0.0.0", 80)),
        ("http://127.0.0.1./", ("http", "127.0.0.1", 80)),
        ("http://%31%32%37%2e0.0.1/", ("http", "127.0.0.1", 80)),
        ("http://\uff11\uff12\uff17\uff0e\uff10\u3002\uff10.\uff11/", ("http", "127.0.0.1", 80)),
        ("https://[::1]/", ("https", "::1", 443)),
        ("http://[0:0:0:0:0:0:0:1]:8080/", ("http", "::1", 8080)),
        ("http://[::ffff:127.0.0.1]/", ("http", "::ffff:7f00:1", 80)),
        ("http://[::ffff:7f00:1]/", ("http", "::ffff:7f00:1", 80)),
        ("http://[fe80::1%25eth0]/", ("http", "fe80::1", 80)),
        ("http://localhost./", ("http", "localhost", 80)),
        ("HTTP://LOCALHOST:80/", ("http", "localhost", 80)),
        ("http://%6c%6f%63%61%6c%68%6f%73%74/", ("http", "localhost", 80)),
        ("http://example.com@127.0.0.1/", ("http", "127.0.0.1", 80)),
        ("http://user:pass@127.0.0.1:81@example.com/", ("http", "example.com", 80)),
        ("http://Example.COM.:443/", ("http", "example.com", 443)),
        ("https://bücher.example/", ("https", "xn--bcher-kva.example", 443)),
        ("  https://example.com  ", ("https", "example.com", 443)),
    ],
)
def test_parse_host_normalises_every_spelling(url: str, expected: tuple[str, str, int]) -> None:
    assert parse_host(url) == expected


def test_parse_target_rebuilds_the_url_without_userinfo_or_fragment() -> None:
    target = parse_target("http://u:p%40ss@0x7f.1:8080/a/b?c=1#frag")
    assert str(target.url) == "http://127.0.0.1:8080/a/b?c=1"
    assert target.userinfo == "u:p@ss"
    assert target.origin == ("http", "127.0.0.1", 8080)


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "http:///path",
        "http://1.2.3.256/",
        "http://1.2.3.4.5/",
        "http://0x100000000/",
        "http://08.0.0.1/",  # 8 is not an octal digit
        "http://foo.123/",  # ends in a number, so must be an IPv4 address
        "http://a..b/",
        "http://exa mple.com/",
        "http://exa%00mple.com/",
        "http://[::1/",
        "http://[127.0.0.1]/",
        "http://example.com:http/",
        "http://example.com:65536/",
        "http://%ff%fe/",
    ],
)
def test_unparseable_urls_are_invalid(url: str) -> None:
    with pytest.raises(InvalidURL):
        parse_host(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/", "javascript:1", "//x.com/"]
)
def test_only_http_and_https_are_allowed(url: str) -> None:
    with pytest.raises(BlockedAddress, match="only http and https"):
        parse_host(url)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "private or special-purpose"),
        ("100.64.0.1", "shared address space"),
        ("192.0.2.10", "private or special-purpose"),
        ("198.18.0.1", "private or special-purpose"),
        ("240.0.0.1", "private or special-purpose"),
        ("255.255.255.255", "private or special-purpose"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("feff:ffff::1", "site-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "private or special-purpose"),
        ("::ffff:127.0.0.1", "loopback address (127.0.0.1) in an IPv6 form"),
        ("::ffff:10.0.0.1", "(10.0.0.1) in an IPv6 form"),
        ("::ffff:169.254.169.254", "link-local address (169.254.169.254) in an IPv6 form"),
        ("2002:7f00:1::", "loopback address (127.0.0.1) in an IPv6 form"),
        ("2002:a9fe:a9fe::1", "link-local address (169.254.169.254) in an IPv6 form"),
        ("64:ff9b::7f00:1", "loopback address (127.0.0.1) in an IPv6 form"),
        ("64:ff9b::c0a8:101", "(192.168.1.1) in an IPv6 form"),
        ("::7f00:1", "reserved"),  # IPv4-compatible, deprecated
    ],
)
async def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    with pytest.raises(BlockedAddress, match="refused") as refused:
        await resolve_and_check(address, 80, resolver=TableResolver())
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:808:808", "64:ff9b::808:808"],
)
async def test_public_addresses_pass(address: str) -> None:
    resolver = TableResolver()
    assert [str(a) for a in await resolve_and_check(address, 443, resolver=resolver)] == [address]
    assert resolver.calls == []


async def test_one_private_answer_taints_the_name() -> None:
    resolver = TableResolver(example_test=["93.184.216.34", "10.0.0.1"])
    with pytest.raises(BlockedAddress, match=r"example.test \(resolves to 10.0.0.1\): private"):
        await resolve_and_check("example.test", 80, resolver=resolver)
    assert resolver.calls == ["example.test"]


async def test_resolved_public_addresses_are_returned_once_each_in_order() -> None:
    resolver = TableResolver(example_test=["2606:4700::1111", "93.184.216.34", "2606:4700::1111"])
    addresses = await resolve_and_check("example.test", 80, resolver=resolver)
    assert [str(a) for a in addresses] == ["2606:4700::1111", "93.184.216.34"]


@pytest.mark.parametrize("host", ["localhost", "api.localhost"])
async def test_localhost_names_are_loopback_without_asking_the_resolver(host: str) -> None:
    resolver = TableResolver(localhost=["93.184.216.34"], api_localhost=["93.184.216.34"])
    with pytest.raises(BlockedAddress, match="loopback"):
        await resolve_and_check(host, 80, resolver=resolver)
    assert resolver.calls == []


async def test_allow_list_makes_exceptions_and_keeps_the_policy_for_the_rest() -> None:
    allow = ["127.0.0.1/32"]
    resolver = TableResolver(site_test=["127.0.0.1"], public_test=["93.184.216.34"])

    async def check(host: str) -> list[str]:
        found = await resolve_and_check(host, 80, allow_networks=allow, resolver=resolver)
        return [str(a) for a in found]

    assert await check("site.test") == ["127.0.0.1"]
    assert await check("public.test") == ["93.184.216.34"]
    for host in ("127.0.0.2", "::1", "::ffff:127.0.0.1", "10.0.0.1"):
        with pytest.raises(BlockedAddress, match="loopback|private"):
            await check(host)


async def test_resolver_faults() -> None:
    with pytest.raises(socket.gaierror, match="no addresses"):
        await resolve_and_check("empty.test", 80, resolver=TableResolver())
    with pytest.raises(BlockedAddress, match="not an IP"):
        await resolve_and_check("odd.test", 80, resolver=TableResolver(odd_test=["localhost"]))


async def test_system_resolver_uses_getaddrinfo() -> None:
    assert await system_resolver("127.0.0.1", 80) == ["127.0.0.1"]


def test_allow_networks_are_validated() -> None:
    written = ["127.0.0.1/32", "10.2.0.7:8080", "10.1.0.0/16:443", "::1", "[fd00::/8]:443"]
    config = FetchConfig(allow_networks=[*written, "[::1]"])
    assert [str(n) for n in config.allow_networks] == [
        "127.0.0.1/32",
        "10.2.0.7/32:8080",
        "10.1.0.0/16:443",
        "::1/128",
        "[fd00::/8]:443",
        "::1/128",
    ]
    assert config.model_dump()["allow_networks"][1] == "10.2.0.7/32:8080"
    for bad in ["not a network", "10.0.0.1:0", "10.0.0.1:70000", "[::1", "[::1]x", "1.2.3.4:http"]:
        with pytest.raises(ValidationError):
            FetchConfig(allow_networks=[bad])


async def test_an_allowed_network_may_be_limited_to_one_port() -> None:
    resolver = TableResolver(intranet_test=["10.2.0.7"])
    allow = ["10.2.0.7:8080"]
    found = await resolve_and_check("intranet.test", 8080, allow_networks=allow, resolver=resolver)
    assert [str(a) for a in found] == ["10.2.0.7"]
    with pytest.raises(BlockedAddress, match="private"):
        await resolve_and_check("intranet.test", 22, allow_networks=allow, resolver=resolver)
