"""Models as `trustbench run` hands them to tasks: one failure policy, one tool protocol, and
the facts that tell two model servers apart.

Inspect's providers talk to the model; a long unattended run against a model server needs a
little more, built here on Inspect's own mechanisms (`GenerateConfig.timeout`,
`attempt_timeout`, `max_retries`, the provider's `should_retry`):

- **Failures end.** A request may take `timeout` seconds, retries included, and is retried at
  most `max_retries` times. What cannot succeed on a retry is not retried: Inspect already
  leaves 4xx answers other than 429 alone, and a server error that says the input is not
  supported (an image sent to a text-only server) joins them. The sample fails at once with the
  server's message and the run goes on. A server that has answered nothing for `timeout`
  seconds (dead, hung, or failing every request) ends the run as Ctrl-C would: the logs are
  closed as cancelled, so re-running the same command resumes, and the runner reports why.
- **Tools arrive.** `-M tool_protocol=auto|native|text`: `native` sends Inspect's tools,
  `text` describes them in the prompt and reads `CALL {...}` lines back
  (`trustbench.providers.tool_text`), `auto` asks the provider or, for a model server, sends
  one probe call with a forced tool and keeps native tools only if a tool call comes back.
- **Facts.** The resolved base URL, the name the server reports for its model and the tool
  protocol in effect (`ServedFacts`), for the log and the report.
"""

from __future__ import annotations

import _thread
import asyncio
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import anyio
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import (
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelAPI,
    get_model,
)
from inspect_ai.tool import ToolChoice, ToolFunction, ToolInfo, ToolParam, ToolParams
from rich.errors import MarkupError
from rich.text import Text

from trustbench.errors import TrustbenchError
from trustbench.providers.tool_text import (
    TOOL_PROTOCOLS,
    ToolProtocol,
    ToolProtocolArg,
    text_protocol_input,
    with_parsed_call,
)

DEFAULT_TIMEOUT = 300
"""Seconds one request may take, retries included. Long enough for a CPU server writing a long
answer; a server silent for this long is considered down."""
DEFAULT_MAX_RETRIES = 5
"""Retries of one request (Inspect backs off 3 s, 6 s, 12 s, ...)."""
PING_MAX_TOKENS = 16

SERVER_PROVIDERS = frozenset(
    {"openai-api", "ollama", "vllm", "sglang", "llama-cpp-python", "hf-inference-providers"}
)
"""Providers whose models run on a server the user points at: whether tools arrive depends on
the server's chat template, so `auto` probes; and the server is pinged before a run."""
OPENAI_SDK_SERVERS = frozenset({"openai-api", "ollama", "vllm", "sglang", "llama-cpp-python"})
"""Server providers built on the OpenAI SDK, whose client retries on its own unless told not
to: their retries are left to Inspect, so that `--max-retries` is the only retry policy."""
TEXT_PROVIDERS = frozenset({"local"})
"""Providers that always use the text protocol (it is built into the embedded provider)."""

_UNSUPPORTED_INPUT = re.compile(r"not supported|unsupported|cannot (?:read|process) image", re.I)


class ModelServerDown(TrustbenchError):
    """The model (or its server) stopped answering; re-running resumes the run."""


class ModelRequestRejected(TrustbenchError):
    """The server answered a request with an error that a retry cannot fix: the sample fails
    with the server's message (Inspect would lead the message with the whole request)."""


@dataclass(frozen=True)
class RequestLimits:
    """How long a request may take and how often it is retried (`--timeout`, `--max-retries`)."""

    timeout: int = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES

    def config(self) -> GenerateConfig:
        """One attempt may use the whole budget (a slow server writing a long answer)."""
        return GenerateConfig(
            timeout=self.timeout, attempt_timeout=self.timeout, max_retries=self.max_retries
        )


@dataclass(frozen=True)
class ServedFacts:
    """What the log records about a model, beyond its name and args."""

    base_url: str | None
    served_model: str | None
    """The model name the server reported in its answer to the ping (None: not pinged)."""
    tool_protocol: ToolProtocol
    tool_protocol_source: Literal["requested", "provider", "probe"]
    """How the protocol was chosen."""

    def record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ServerHealth:
    """Whether a model's server still answers; opens (and ends the run) after `budget` seconds
    of nothing but failed requests, and from then on fails every request at once."""

    model: str
    base_url: str | None
    budget: float
    on_down: Callable[[ModelServerDown], None]
    down: ModelServerDown | None = None
    _failing_since: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self) -> None:
        if self.down is not None:
            raise self.down

    def answered(self) -> None:
        self._failing_since = None

    def failed(self, started: float, reason: str) -> None:
        with self._lock:
            since = self._failing_since
            self._failing_since = started if since is None else min(since, started)
            if self.down is not None or time.monotonic() - self._failing_since < self.budget:
                return
            where = f" at {self.base_url}" if self.base_url else ""
            self.down = ModelServerDown(
                f"The model {self.model}{where} has not answered for {self.budget:.0f} s "
                f"(last failure: {reason}). Start it again and re-run the same command to "
                "resume; --timeout sets how long a request may take."
            )
        self.on_down(self.down)


def end_run_once() -> Callable[[ModelServerDown], None]:
    """Ends the run the way Ctrl-C does (Inspect closes the logs as cancelled), once."""
    fired = threading.Event()

    def end(_: ModelServerDown) -> None:
        if not fired.is_set():
            fired.set()
            _thread.interrupt_main()

    return end


def tool_protocol_arg(model: str, value: object) -> ToolProtocolArg:
    chosen = next((p for p in TOOL_PROTOCOLS if p == value), None)
    if chosen is None:
        raise TrustbenchError(
            f"-M tool_protocol={value}: use one of {', '.join(TOOL_PROTOCOLS)} (for {model})."
        )
    if provider(model) in TEXT_PROVIDERS and chosen == "native":
        raise TrustbenchError(
            f"{model} takes tools through trustbench's text protocol only: "
            "use -M tool_protocol=text or auto."
        )
    return chosen


def provider(model: str) -> str:
    return model.split("/", 1)[0]


def server_base_url(model: str) -> str | None:
    """For `openai-api/<service>/...`, the `<SERVICE>_BASE_URL` the provider would read, passed
    on explicitly so that Inspect records it in the log."""
    parts = model.split("/")
    if parts[0] != "openai-api" or len(parts) < 3:
        return None
    return os.environ.get(f"{parts[1].upper().replace('-', '_')}_BASE_URL")


def load_model(name: str, config: GenerateConfig, model_args: dict[str, Any]) -> Model:
    """The model, or a `TrustbenchError` in plain text when its provider cannot start (a
    missing package or environment variable: Inspect's message, without its console markup)."""
    base_url = server_base_url(name)
    extra: dict[str, Any] = {"base_url": base_url} if base_url else {}
    sdk_retries = provider(name) in OPENAI_SDK_SERVERS and "max_retries" not in model_args
    if sdk_retries:
        extra["max_retries"] = 0
    try:
        model = get_model(name, config=config, memoize=False, **extra, **model_args)
    except PrerequisiteError as ex:
        raise ProviderNotReady(f"{name}: {' '.join(plain_text(str(ex)).split())}") from ex
    if sdk_retries:  # the log keeps the args the user chose
        model.model_args.pop("max_retries", None)
    return model


class ProviderNotReady(TrustbenchError):
    """A provider's package or environment variable is missing."""

    @property
    def fix(self) -> str:
        """The command or variable the message names."""
        found = re.search(r"pip install [\w.\[\]<>=,' -]+\w|No (\S+) defined", str(self))
        if found is None:
            return ""
        return found.group(0) if found.group(1) is None else f"export {found.group(1)}=..."


def plain_text(message: str) -> str:
    """Inspect's console markup (`[bold]...[/bold]`) taken out of a message."""
    try:
        return Text.from_markup(message).plain
    except MarkupError:
        return message


_PROBE_TOOL = ToolInfo(
    name="report_number",
    description="Reports a number.",
    parameters=ToolParams(
        properties={"number": ToolParam(type="integer", description="The number.")},
        required=["number"],
    ),
)


async def ping(model: Model, probe_tools: bool, limits: RequestLimits) -> tuple[str | None, bool]:
    """One short request: the model name the server reports, and (with `probe_tools`) whether
    a forced call of a probe tool came back as a native tool call."""
    config = limits.config().merge(GenerateConfig(max_tokens=PING_MAX_TOKENS, temperature=0))
    if not probe_tools:
        output = await model.generate("Say OK.", config=config)
        return output.model or None, False
    prompt = "Call the report_number tool with the number 7."
    output = await model.generate(
        [ChatMessageUser(content=prompt)],
        tools=[_PROBE_TOOL],
        tool_choice=ToolFunction(name=_PROBE_TOOL.name),
        config=config,
    )
    native = any(c.function == _PROBE_TOOL.name for c in output.message.tool_calls or [])
    return output.model or None, native


def preflight(
    name: str, model_args: dict[str, Any], limits: RequestLimits, probe_tools: bool
) -> tuple[str | None, bool]:
    """Pings a model server before the run, with a model of its own that is closed afterwards
    (its connections belong to this event loop, not the run's)."""

    async def check() -> tuple[str | None, bool]:
        async with load_model(name, limits.config(), model_args) as model:
            return await ping(model, probe_tools, limits)

    try:
        return asyncio.run(check())
    except TrustbenchError:
        raise
    except Exception as ex:  # noqa: BLE001 - every provider failure is reported the same way
        where = f" at {server_base_url(name)}" if server_base_url(name) else ""
        raise ModelServerDown(
            f"The model {name}{where} did not answer a test request: {error_message(ex)}. "
            "Check that the server runs, the base URL and the API key variable "
            "(`trustbench doctor --model ...`)."
        ) from ex


def error_message(ex: BaseException) -> str:
    """The innermost error's message (Inspect wraps retried failures in tenacity's RetryError)."""
    cause = ex
    while cause.__cause__ is not None:
        cause = cause.__cause__
    last = getattr(cause, "last_attempt", None)
    if last is not None and last.exception() is not None:
        cause = last.exception()
    return f"{type(cause).__name__}: {cause}"


@dataclass(frozen=True)
class Served:
    """A model as a run uses it, with its facts and its health watch."""

    model: Model
    facts: ServedFacts
    health: ServerHealth


def serve(
    name: str,
    model_args: dict[str, Any],
    limits: RequestLimits,
    *,
    needs_tools: bool,
    on_down: Callable[[ModelServerDown], None],
) -> Served:
    """The model a run uses (pinged first when it runs on a server), its facts and health."""
    args = dict(model_args)
    requested = tool_protocol_arg(name, args.pop("tool_protocol", "auto"))
    served_model: str | None = None
    native = True
    if provider(name) in SERVER_PROVIDERS:
        probe = needs_tools and requested != "text"
        served_model, native = preflight(name, args, limits, probe)
        if probe and requested == "native" and not native:
            raise TrustbenchError(
                f"{name} answered a forced tool call with text: its server drops native tools "
                "(no tool-capable chat template). Use -M tool_protocol=text (or auto)."
            )
    protocol: ToolProtocol
    source: Literal["requested", "provider", "probe"]
    if requested != "auto":
        protocol, source = requested, "requested"
    elif provider(name) in TEXT_PROVIDERS:
        protocol, source = "text", "provider"
    elif provider(name) in SERVER_PROVIDERS and needs_tools:
        protocol, source = ("native" if native else "text"), "probe"
    else:
        protocol, source = "native", "provider"
    model = load_model(name, limits.config(), args)
    if "tool_protocol" in model_args:
        model.model_args["tool_protocol"] = requested
    health = ServerHealth(name, model.api.base_url, float(limits.timeout), on_down)
    _watch(
        model.api, health, text_tools=protocol == "text" and provider(name) not in TEXT_PROVIDERS
    )
    facts = ServedFacts(model.api.base_url, served_model, protocol, source)
    return Served(model, facts, health)


def _watch(api: ModelAPI, health: ServerHealth, *, text_tools: bool) -> None:
    """Wraps this API instance's `generate` (and `should_retry`) with the health watch and, for
    `text_tools`, the text protocol. The instance keeps its class, so Inspect's registry and
    everything else it reads from the provider stay as they are."""
    generate = api.generate
    should_retry = api.should_retry

    def retryable(ex: Exception) -> Any:
        if _UNSUPPORTED_INPUT.search(str(ex)):
            return False
        return should_retry(ex)

    async def watched(
        input: list[Any], tools: list[ToolInfo], tool_choice: ToolChoice, config: GenerateConfig
    ) -> Any:
        health.check()
        started = time.monotonic()
        use_text = text_tools and bool(tools) and tool_choice != "none"
        sent = text_protocol_input(input, tools, tool_choice) if use_text else input
        try:
            result = await generate(sent, [] if use_text else tools, "none" if use_text else tool_choice, config)  # fmt: skip
        except anyio.get_cancelled_exc_class():
            if time.monotonic() - started >= health.budget:  # the attempt timeout, not Ctrl-C
                health.failed(started, f"no answer within {health.budget:.0f} s")
            raise
        except Exception as ex:
            if retryable(ex):
                health.failed(started, error_message(ex))
            else:
                health.answered()
            raise
        health.answered()
        output, call = result if isinstance(result, tuple) else (result, None)
        if isinstance(output, Exception):
            raise ModelRequestRejected(
                f"The model server rejected the request: {output}"
            ) from output
        if use_text:
            output = with_parsed_call(output, tools)
        return (output, call) if call is not None else output

    # This instance's methods are wrapped in place, so that it keeps its class (see above).
    api.generate = watched  # type: ignore[method-assign]  # wrapped on the instance, on purpose
    api.should_retry = retryable  # type: ignore[method-assign]  # wrapped on the instance, on purpose
