"""The backend seam: the emulator today, a real OSWorld VM later, behind one protocol."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from .actions import act
from .desktop import Desktop
from .state import DesktopState


@runtime_checkable
class DesktopBackend(Protocol):
    def reset(self, state: DesktopState) -> str:
        """Starts from `state` (not mutated); returns the first observation."""
        ...

    def observe(self) -> str: ...

    def act(self, tool: str, args: dict[str, Any]) -> str:
        """Runs one action by tool name; raises `DesktopError` for a bad action."""
        ...

    def final_state(self) -> DesktopState: ...


class EmulatedBackend:
    """The pure-Python desktop. Holds its own deep copy, so callers' states stay untouched."""

    def __init__(self) -> None:
        self._state: DesktopState | None = None

    def reset(self, state: DesktopState) -> str:
        self._state = state.model_copy(deep=True)
        self._state.events = []
        return self.observe()

    def _desk(self) -> Desktop:
        if self._state is None:
            raise RuntimeError("call reset(state) first")
        return Desktop(self._state, source="agent")

    def observe(self) -> str:
        return self._desk().observe()

    def act(self, tool: str, args: dict[str, Any]) -> str:
        return act(self._desk(), tool, args)

    def final_state(self) -> DesktopState:
        if self._state is None:
            raise RuntimeError("call reset(state) first")
        return self._state
