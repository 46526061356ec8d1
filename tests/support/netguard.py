"""Refuses any socket connection or name lookup that is not loopback, before it happens.

Installed as an audit hook: in-process by tests/conftest.py, and in subprocesses that the tests
start through the `sitecustomize` module next to this file (see `guarded_env`).
"""

from __future__ import annotations

import ipaddress
import socket
import sys

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}

violations: list[str] = []


class NonLoopbackConnection(ConnectionRefusedError):
    """Raised instead of opening a socket to anything but loopback."""


def _is_loopback(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _hook(event: str, args: tuple) -> None:
    if event == "socket.connect" or event == "socket.sendto":
        sock, address = args[0], args[-1]
        if getattr(sock, "family", None) == socket.AF_UNIX:
            return
        host = address[0] if isinstance(address, tuple) else address
        if not _is_loopback(host):
            _refuse(f"{event} to {address!r}")
    elif event == "socket.getaddrinfo":
        if not _is_loopback(args[0]):
            _refuse(f"name lookup of {args[0]!r}")


def _refuse(what: str) -> None:
    violations.append(what)
    raise NonLoopbackConnection(f"network guard: refused {what} (tests stay on loopback)")


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
