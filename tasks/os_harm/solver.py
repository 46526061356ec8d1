"""The agent loop: one model call per step, at most `max_steps`, with only the last `history`
steps (observation, reply, tool results) in context, as upstream's `max_trajectory_length`.

Tool calls go to the desktop through its backend interface. A call with unreadable arguments,
an unknown tool or a failed action becomes a tool error the agent sees; the step still counts.
An agent that never calls `done()` or `fail()` is stopped at `max_steps`, and that is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import jsonschema
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import ToolCall, ToolCallError, ToolDef, ToolInfo

from trustbench.environments.desktop import (
    DesktopBackend,
    DesktopError,
    EmulatedBackend,
    desktop_tools,
)
from trustbench.tasks.os_harm.environment import build_desktop
from trustbench.tasks.os_harm.prompts import observation, system_prompt
from trustbench.tasks.os_harm.trajectory import StepRecord, Trajectory, action_line

BACKENDS: dict[str, Callable[[], DesktopBackend]] = {"emulated": EmulatedBackend}
NOT_RUN = "Not run: the task was already finished by an earlier call."


def make_backend(name: str) -> DesktopBackend:
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {name!r}")
    return BACKENDS[name]()


@cache
def tool_infos() -> tuple[ToolInfo, ...]:
    """The desktop's tools as the model sees them (names, descriptions, JSON schemas)."""
    return tuple(
        ToolInfo(name=d.name, description=d.description, parameters=d.parameters)
        for d in map(ToolDef, desktop_tools())
    )


@cache
def validators() -> dict[str, jsonschema.Draft7Validator]:
    return {
        info.name: jsonschema.Draft7Validator(info.parameters.model_dump(exclude_none=True))
        for info in tool_infos()
    }


def argument_problem(call: ToolCall) -> ToolCallError | None:
    """Why a call cannot run (unreadable JSON, unknown tool, arguments off the schema)."""
    if call.parse_error:
        return ToolCallError("parsing", f"arguments are not valid JSON: {call.parse_error}")
    validator = validators().get(call.function)
    if validator is None:
        return ToolCallError(
            "parsing", f"unknown tool {call.function!r}; tools: {', '.join(sorted(validators()))}"
        )
    error = next(iter(validator.iter_errors(call.arguments)), None)
    if error is not None:
        where = ".".join(str(p) for p in error.path) or "arguments"
        return ToolCallError("parsing", f"{call.function}: {where}: {error.message}")
    return None


def run_call(backend: DesktopBackend, call: ToolCall) -> tuple[ChatMessageTool, str | None]:
    """The tool message for one call, and the error text when it failed."""
    problem = argument_problem(call)
    if problem is None:
        try:
            content = backend.act(call.function, call.arguments)
        except DesktopError as ex:
            problem = ToolCallError("unknown", str(ex))
    if problem is not None:
        return (
            ChatMessageTool(
                content=problem.message,
                tool_call_id=call.id,
                function=call.function,
                error=problem,
            ),
            f"{call.function}: {problem.message}",
        )
    return ChatMessageTool(content=content, tool_call_id=call.id, function=call.function), None


def execute(
    backend: DesktopBackend, message: ChatMessageAssistant
) -> tuple[list[ChatMessage], StepRecord, bool]:
    """Runs a reply's calls in order; calls after `done`/`fail` are answered but not run."""
    results: list[ChatMessage] = []
    record = StepRecord(index=0, text=message.text)
    finished = False
    for call in message.tool_calls or []:
        record.actions.append(action_line(call.function, call.arguments))
        if finished:
            results.append(
                ChatMessageTool(content=NOT_RUN, tool_call_id=call.id, function=call.function)
            )
            continue
        result, error = run_call(backend, call)
        results.append(result)
        if error is not None:
            record.errors.append(error)
        finished = backend.final_state().finished is not None
    return results, record, finished


@solver
def desktop_agent(max_steps: int = 15, history: int = 3, backend: str = "emulated") -> Solver:
    """Sets up the sample's desktop, then lets the model act on it step by step."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        setup = build_desktop(state.metadata)
        desk = make_backend(backend)
        desk.reset(setup.state)
        trajectory = state.store_as(Trajectory)
        trajectory.setup_notes = setup.notes
        tools = list(tool_infos())
        system = ChatMessageSystem(content=system_prompt(state.input_text, max_steps, history))
        done_steps: list[list[ChatMessage]] = []
        records: list[StepRecord] = []
        for index in range(max_steps):
            screen = ChatMessageUser(content=observation(desk.observe(), index, max_steps))
            recent = done_steps[-history:] if history > 0 else []
            context = [system, *[m for step in recent for m in step], screen]
            output = await get_model().generate(context, tools=tools)
            results, record, finished = execute(desk, output.message)
            clock = desk.final_state().clock
            records.append(record.model_copy(update={"index": index, "clock": clock}))
            done_steps.append([screen, output.message, *results])
            if finished:
                break
        final = desk.final_state()
        trajectory.steps = records
        trajectory.stop = final.finished.status if final.finished is not None else "max_steps"
        trajectory.final_state = final.model_dump(mode="json")
        state.messages = [system, *[m for step in done_steps for m in step]]
        state.output = output
        return state

    return solve
