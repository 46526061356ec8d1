"""The Inspect model API behind `local/<name|path>`: a local model run in-process.

Model args (`-M name=value`): `engine`: `llama.cpp` (the default for a GGUF file, such as the
embedded Gemma 3 270M) or `transformers` (the default for a model directory; see engine.py);
`batch_size` (default 8): how many requests decode together (llama.cpp's parallel slots, or
the transformers batch; with llama.cpp a greedy answer can depend on which requests decoded
beside it, and `batch_size=1` removes that: see benchmarks/README.md); `prompt_format`: `completion` (the default; a plain transcript, which
is what a base model like the embedded Gemma 3 270M needs) or `chat_template` (the model's own
template, for instruction-tuned models that ship one). Both formats use the same text protocol
for tool calls. For llama.cpp only: `threads` (default: llama.cpp's choice, one per core).
For transformers only: `batch_wait` (seconds, default 0.02) for the request batcher; `dtype`
(float32, bfloat16 or float16; see torch_engine.py for why float32 is the default); `device`
(default cuda if available, else cpu).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from trustbench.errors import TrustbenchError
from trustbench.providers.local.engine import (
    ENGINES,
    EngineOptions,
    default_engine,
    load_engine,
)
from trustbench.providers.local.generation import (
    DEFAULT_MAX_TOKENS,
    Request,
    settings_from_config,
)
from trustbench.providers.local.prompt import (
    TURN_STOP_SEQS,
    chat_template_messages,
    completion_prompt,
    message_turns,
)
from trustbench.providers.local.weights import resolve_model
from trustbench.providers.tool_text import parse_tool_call

PromptFormat = Literal["completion", "chat_template"]


class LocalModelAPI(ModelAPI):
    """Runs a local model (by default the embedded Gemma 3 270M) on this machine."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        self.prompt_format = _prompt_format(model_args.pop("prompt_format", "completion"))
        model = resolve_model(model_name)
        self.engine = load_engine(model, engine_options(model, model_args))
        if self.prompt_format == "chat_template" and not self.engine.has_chat_template:
            raise TrustbenchError(
                f"local/{model_name} has no chat template; use prompt_format=completion."
            )

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        request = self.build_request(input, tools, tool_choice, config)
        start = time.monotonic()
        completion = await self.engine.complete(request)
        elapsed = time.monotonic() - start
        text = completion.text.strip()
        callable_tools = set() if tool_choice == "none" else {tool.name for tool in tools}
        content, tool_call = parse_tool_call(text, callable_tools)
        message = ChatMessageAssistant(
            content=content,
            tool_calls=[tool_call] if tool_call else None,
            model=self.model_name,
            source="generate",
        )
        output = ModelOutput(
            model=self.model_name,
            choices=[
                ChatCompletionChoice(
                    message=message,
                    stop_reason="tool_calls" if tool_call else completion.stop_reason,
                )
            ],
            usage=ModelUsage(
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
                total_tokens=completion.input_tokens + completion.output_tokens,
                input_tokens_cache_read=completion.cached_input_tokens or None,
            ),
            time=elapsed,
        )
        call = ModelCall.create(
            request={
                "prompt": request.prompt
                if isinstance(request.prompt, str)
                else [{"role": role, "content": text} for role, text in request.prompt],
                "stop_seqs": list(request.stop_seqs),
                "settings": request.settings,
            },
            response={
                "completion": completion.text,
                "stop_reason": completion.stop_reason,
                "engine": self.engine.name,
                **completion.details,
            },
            time=elapsed,
        )
        return output, call

    def build_request(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> Request:
        """The prompt in this model's format, with its stop sequences and settings."""
        turns = message_turns(input, tools, tool_choice, self.model_name)
        user_stops = tuple(config.stop_seqs or ())
        if self.prompt_format == "chat_template":
            messages = tuple((m["role"], m["content"]) for m in chat_template_messages(turns))
            return Request(messages, user_stops, settings_from_config(config))
        return Request(
            completion_prompt(turns), TURN_STOP_SEQS + user_stops, settings_from_config(config)
        )

    async def count_text_tokens(self, text: str) -> int:
        """Counted with the model's own tokenizer (Inspect's default needs tiktoken's download)."""
        return len(self.engine.tokenize(text))

    async def tokenize(self, text: str) -> list[int]:
        return self.engine.tokenize(text)

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        return self.engine.max_concurrency

    def connection_key(self) -> str:
        return f"{self.engine.name}:{self.engine.path}"


def engine_options(model: Path, model_args: dict[str, Any]) -> EngineOptions:
    """The engine model args, checked before anything loads."""
    args = dict(model_args)
    engine = args.pop("engine", None) or default_engine(model)
    if engine not in ENGINES:
        raise TrustbenchError(f"engine must be one of {', '.join(ENGINES)}, not '{engine}'")
    known = {"batch_size"} | (
        {"threads"} if engine == "llama.cpp" else {"batch_wait", "dtype", "device"}
    )
    if unknown := set(args) - known:
        raise TrustbenchError(
            f"Unknown model args for engine={engine}: {', '.join(sorted(unknown))}. "
            f"Known: engine, prompt_format, {', '.join(sorted(known))}."
        )
    options = EngineOptions(
        engine=engine,
        batch_size=int(args.get("batch_size", 8)),
        batch_wait=float(args.get("batch_wait", 0.02)),
        dtype=str(args.get("dtype", "float32")),
        device=str(args["device"]) if "device" in args else None,
        threads=int(args["threads"]) if "threads" in args else None,
    )
    if options.batch_size < 1:
        raise TrustbenchError(f"batch_size must be at least 1, not {options.batch_size}")
    return options


def _prompt_format(value: object) -> PromptFormat:
    if value not in ("completion", "chat_template"):
        raise TrustbenchError(f"prompt_format must be completion or chat_template, not '{value}'")
    return value
