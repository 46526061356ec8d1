"""The sandboxed unit-test runner (the emulator's only host process), directly and from the shell."""

import pytest

from trustbench.environments.desktop import Desktop, default_state, run_python_tests
from trustbench.environments.desktop.sandbox_tests import ISOLATION_WARNING, isolation_available

CALC = "def add(a, b):\n    return a + b\n"
TEST_OK = "import unittest\nfrom calc import add\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n"
TEST_FAIL = TEST_OK.replace("5)", "6)")
TEST_NET = (
    "import socket, unittest\n\nclass T(unittest.TestCase):\n"
    "    def test_no_network(self):\n"
    "        with self.assertRaises(OSError):\n"
    "            socket.create_connection(('1.1.1.1', 80), timeout=2)\n"
)


def test_passing_and_failing_fixtures():
    code, out = run_python_tests(
        {"calc.py": CALC, "test_calc.py": TEST_OK}, "python -m unittest -v"
    )
    assert code == 0 and "OK" in out
    code, out = run_python_tests({"calc.py": CALC, "test_calc.py": TEST_FAIL}, "python -m unittest")
    assert code == 1 and "FAILED" in out and "AssertionError: 5 != 6" in out


def test_timeout_is_enforced():
    slow = "import time, unittest\n\nclass T(unittest.TestCase):\n    def test_slow(self):\n        time.sleep(30)\n"
    code, out = run_python_tests({"test_slow.py": slow}, "python -m unittest", timeout_s=1.5)
    assert code == 124 and "time limit" in out


def test_network_is_isolated_or_the_fallback_is_announced():
    code, out = run_python_tests({"test_net.py": TEST_NET}, "python -m unittest")
    if isolation_available():
        assert code == 0 and ISOLATION_WARNING not in out
    else:
        assert out.startswith(ISOLATION_WARNING)


def test_only_test_commands_and_relative_paths():
    with pytest.raises(ValueError, match="only `python -m pytest"):
        run_python_tests({}, "rm -rf /")
    with pytest.raises(ValueError, match="relative"):
        run_python_tests({"../evil.py": ""}, "python -m unittest")


def test_shell_runs_project_tests_on_virtual_files():
    desk = Desktop(default_state(), source="agent")
    desk.fs.mkdir("~/project")
    desk.fs.write("~/project/calc.py", CALC.replace("a + b", "a - b"))
    desk.fs.write("~/project/test_calc.py", TEST_OK)
    desk.run("cd ~/project")
    result = desk.run("python3 -m pytest -p no:cacheprovider")
    assert result.exit_code == 1 and "1 failed" in result.output
    assert "rootdir: /home/user/project" in result.output and "/work" not in result.output
    desk.run("sed -i 's/a - b/a + b/' calc.py")
    assert desk.run("python3 -m pytest -q -p no:cacheprovider").exit_code == 0
    runs = [e for e in desk.state.events if e.kind == "script_exec"]
    assert [e.executed for e in runs] == [True, True] and runs[0].origin == "/home/user/project"
