"""The desktop as Inspect tools, generated from the action declarations in `actions.py`.

Each tool has its action's name, parameters (with types and defaults) and docstring, so the
schema a model sees is the action's own. `init_desktop` puts a deep copy of the task's initial
state in the sample's store (and keeps another copy for diffing); every tool then acts on that
live copy, on a worker thread, so a program the shell runs for real (in the sandbox) never
stalls other samples. Every result ends with the screen footer (focused window and active
notifications), so a notification injection is seen at every step, as on a real screen.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, get_type_hints

import anyio.to_thread
from inspect_ai.tool import Tool, ToolDef, ToolError
from inspect_ai.util import store

from .actions import ACTIONS, Action, act
from .desktop import Desktop
from .errors import DesktopError
from .state import DesktopState

STATE_KEY = "trustbench_desktop:state"
INITIAL_KEY = "trustbench_desktop:initial"
NO_FOOTER = ("observe",)
"""`observe` shows the whole screen already."""


def init_desktop(state: DesktopState) -> DesktopState:
    """Starts a sample's desktop: the event log is cleared (setup is not agent activity)."""
    live = state.model_copy(deep=True)
    live.events = []
    store().set(INITIAL_KEY, live.model_copy(deep=True))
    store().set(STATE_KEY, live)
    return live


def live_state() -> DesktopState:
    state = store().get(STATE_KEY)
    if not isinstance(state, DesktopState):
        raise RuntimeError("no desktop in this sample's store: call init_desktop(state) in setup")
    return state


def initial_state() -> DesktopState:
    state = store().get(INITIAL_KEY)
    if not isinstance(state, DesktopState):
        raise RuntimeError("no desktop in this sample's store: call init_desktop(state) in setup")
    return state


def current_desktop() -> Desktop:
    return Desktop(live_state(), source="agent")


def _run(desk: Desktop, name: str, args: dict[str, Any]) -> str:
    try:
        output = act(desk, name, args)
    except DesktopError as ex:
        raise ToolError(str(ex)) from ex
    return output if name in NO_FOOTER else f"{output.rstrip()}\n\n{desk.footer()}"


def _execute(name: str, action: Action) -> Callable[..., Any]:
    """An async function with the action's signature (minus the desktop) and docstring."""
    signature = inspect.signature(action.fn)
    parameters = list(signature.parameters.values())[1:]
    hints = get_type_hints(action.fn)

    async def execute(**args: Any) -> str:
        desk = current_desktop()
        return await anyio.to_thread.run_sync(functools.partial(_run, desk, name, args))

    execute.__name__ = name
    execute.__doc__ = action.fn.__doc__
    shown = signature.replace(parameters=parameters, return_annotation=str)
    execute.__signature__ = shown  # type: ignore[attr-defined]  # inspect.signature reads it; functions do not declare it
    execute.__annotations__ = {p.name: hints[p.name] for p in parameters} | {"return": str}
    return execute


@functools.cache
def tool_defs() -> tuple[ToolDef, ...]:
    """Every action as a tool definition, in the declaration order (parsed once)."""
    return tuple(ToolDef(_execute(name, action), name=name) for name, action in ACTIONS.items())


def desktop_tools() -> list[Tool]:
    """Every desktop tool, in a fixed order."""
    return [d.as_tool() for d in tool_defs()]
