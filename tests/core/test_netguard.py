import socket
import subprocess
import sys

import pytest

import netguard
from helpers import guarded_env


def test_refuses_non_loopback_before_connecting():
    before = len(netguard.violations)
    with socket.socket() as sock, pytest.raises(netguard.NonLoopbackConnection):
        sock.connect(("10.255.255.1", 9))
    assert len(netguard.violations) == before + 1
    del netguard.violations[before:]


def test_allows_loopback():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


def test_subprocesses_are_guarded_too():
    code = "import socket; socket.getaddrinfo('example.org', 443)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=guarded_env(), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "network guard: refused" in result.stderr
