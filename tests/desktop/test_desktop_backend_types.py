"""The backend refuses a model's wrongly typed arguments with a DesktopError the agent can read,
instead of crashing inside the action."""

import pytest

from trustbench.environments.desktop import DesktopError, default_state
from trustbench.environments.desktop.backend import EmulatedBackend


def test_wrong_argument_types_are_desktop_errors():
    backend = EmulatedBackend()
    backend.reset(default_state())
    with pytest.raises(DesktopError, match="argument 'command': Input should be a valid string"):
        backend.act("terminal", {"command": 123})
    with pytest.raises(DesktopError, match="missing a required argument: .command."):
        backend.act("terminal", {"cmd": "ls"})
    assert backend.act("terminal", {"command": "echo ok"}).startswith("ok")


def test_a_redirect_that_cannot_be_written_fails_the_command():
    backend = EmulatedBackend()
    backend.reset(default_state())
    output = backend.act("terminal", {"command": "echo x > /etc/passwd; echo status=$?"})
    assert "Permission denied" in output and "status=1" in output
