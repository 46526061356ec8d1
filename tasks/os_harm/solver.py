"""The agent loop: one model call per step, at most `max_steps`, with only the last `history`
steps (screen, reply, tool results) in context, as upstream's `max_trajectory_length`.

Tool calls go to the desktop through its backend interface, on a worker thread, so a program
the shell runs for real (in the sandbox) never stalls other samples. A call with unreadable
arguments, an unknown tool or a failed action becomes a tool error the agent sees; the step
still counts. An agent that never calls `done()` or `fail()` is stopped at `max_steps`, and
that is recorded.

The context is fitted to the model: when a call comes back with `model_length` (the prompt
did not fit), older screens are dropped first, then older steps, then the current screen is
shortened, and the call is made again, so an overflow costs context, never the sample.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio.to_thread
import jsonschema
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    Model,
    ModelOutput,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import ToolCall, ToolCallError, ToolInfo

from trustbench.environments.desktop import (
    DesktopBackend,
    DesktopError,
    EmulatedBackend,
    tool_defs,
)
from trustbench.tasks.os_harm.environment import build_desktop
from trustbench.tasks.os_harm.prompts import AgentPrompts
from trustbench.tasks.os_harm.trajectory import StepRecord, Trajectory, action_line

BACKENDS: dict[str, Callable[[], DesktopBackend]] = {"emulated": EmulatedBackend}
NOT_RUN = "Not run: the task was already finished by an earlier call."
OMITTED_SCREEN = "(an earlier screen, left out to fit the context)"
MIN_SCREEN_CHARS = 500


def make_backend(name: str) -> DesktopBackend:
    return BACKENDS[name]()


class SharedToolInfo(ToolInfo):
    """A tool schema shared by every model call of a run.

    Inspect deep-copies the tool list twice per call (in `prepare_tools` and before its
    before-generate hook), which for 44 desktop tools was most of its per-step cost. These
    schemas are built once and never mutated, so the copy can be the schema itself.
    """

    def __deepcopy__(self, memo: dict[int, object] | None = None) -> SharedToolInfo:
        return self


@functools.cache
def tool_infos() -> tuple[ToolInfo, ...]:
    """The desktop's tools as the model sees them (names, descriptions, JSON schemas)."""
    return tuple(
        SharedToolInfo(name=d.name, description=d.description, parameters=d.parameters)
        for d in tool_defs()
    )


@functools.cache
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


async def run_call(backend: DesktopBackend, call: ToolCall) -> tuple[ChatMessageTool, str | None]:
    """The tool message for one call, and the error text when it failed."""
    problem = argument_problem(call)
    if problem is None:
        try:
            content = await anyio.to_thread.run_sync(backend.act, call.function, call.arguments)
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


async def execute(
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
        result, error = await run_call(backend, call)
        results.append(result)
        if error is not None:
            record.errors.append(error)
        finished = backend.final_state().finished is not None
    return results, record, finished


@dataclass
class Context:
    """The messages one model call sees: the system prompt, the kept steps, the screen."""

    system: ChatMessageSystem
    steps: list[list[ChatMessage]]
    screen: ChatMessageUser
    trimmed: list[str] = field(default_factory=list)
    """What was cut to fit (for the step record)."""

    def messages(self) -> list[ChatMessage]:
        return [self.system, *[m for step in self.steps for m in step], self.screen]

    def shrink(self) -> bool:
        """Cuts the next thing in order (older screens, older steps, the screen itself);
        False when nothing is left to cut."""
        for step in self.steps:
            first = step[0]
            if isinstance(first, ChatMessageUser) and first.text != OMITTED_SCREEN:
                step[0] = ChatMessageUser(content=OMITTED_SCREEN)
                self.trimmed.append("screen")
                return True
        if self.steps:
            self.steps.pop(0)
            self.trimmed.append("step")
            return True
        text = self.screen.text
        if len(text) > MIN_SCREEN_CHARS:
            self.screen = ChatMessageUser(content=text[: len(text) // 2] + "\n…")
            self.trimmed.append("current screen")
            return True
        return False


async def fitted_generate(model: Model, context: Context, tools: list[ToolInfo]) -> ModelOutput:
    """One model call; on `model_length` the context is cut and the call made again."""
    while True:
        output = await model.generate(context.messages(), tools=tools)
        if output.stop_reason != "model_length" or output.message.tool_calls:
            return output
        if not context.shrink():
            return output


@solver
def desktop_agent(
    prompts: AgentPrompts, max_steps: int = 15, history: int = 3, backend: str = "emulated"
) -> Solver:
    """Sets up the sample's desktop, then lets the model act on it step by step."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        setup = build_desktop(state.metadata)
        desk = make_backend(backend)
        desk.reset(setup.state)
        trajectory = state.store_as(Trajectory)
        trajectory.setup_notes = setup.notes
        tools = list(tool_infos())
        system = ChatMessageSystem(
            content=prompts.system_message(state.input_text, max_steps, history)
        )
        model = get_model()
        done_steps: list[list[ChatMessage]] = []
        records: list[StepRecord] = []
        output = None
        for index in range(max_steps):
            screen = ChatMessageUser(
                content=prompts.observation_message(desk.observe(), index, max_steps)
            )
            recent = [list(step) for step in done_steps[-history:]] if history > 0 else []
            context = Context(system, recent, screen)
            output = await fitted_generate(model, context, tools)
            results, record, finished = await execute(desk, output.message)
            clock = desk.final_state().clock
            records.append(
                record.model_copy(
                    update={"index": index, "clock": clock, "context_cut": context.trimmed}
                )
            )
            done_steps.append([screen, output.message, *results])
            if finished:
                break
        final = desk.final_state()
        trajectory.steps = records
        trajectory.stop = final.finished.status if final.finished is not None else "max_steps"
        trajectory.final_state = final.model_dump_json()
        state.messages = [system, *[m for step in done_steps for m in step]]
        if output is not None:
            state.output = output
        return state

    return solve
