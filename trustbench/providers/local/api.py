"""The Inspect model API behind `local/<name|path>`: a transformers model run in-process.

Model args (`-M name=value`): `batch_size` (default 8) and `batch_wait` (seconds, default 0.02)
for the request batcher; `dtype` (float32, bfloat16 or float16; see engine.py for why float32
is the default); `device` (default cuda if available, else cpu); `prompt_format`: `completion`
(the default; a plain transcript, which is what a base model like the embedded Gemma 3 270M
needs) or `chat_template` (the tokenizer's own template, for instruction-tuned model
directories that ship one). Both formats use the same text protocol for tool calls.
"""

from __future__ import annotations

import time
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
from trustbench.providers.local.batcher import Batcher
from trustbench.providers.local.generation import (
    DEFAULT_MAX_TOKENS,
    Completion,
    Request,
    settings_from_config,
)
from trustbench.providers.local.prompt import (
    TURN_STOP_SEQS,
    chat_template_messages,
    completion_prompt,
    message_turns,
)
from trustbench.providers.local.weights import require, resolve_model_dir
from trustbench.providers.tool_text import parse_tool_call

PromptFormat = Literal["completion", "chat_template"]


class LocalModelAPI(ModelAPI):
    """Runs a local transformers model (by default the embedded Gemma 3 270M) on this machine."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        batch_size = int(model_args.pop("batch_size", 8))
        batch_wait = float(model_args.pop("batch_wait", 0.02))
        dtype = str(model_args.pop("dtype", "float32"))
        device = model_args.pop("device", None)
        self.prompt_format = _prompt_format(model_args.pop("prompt_format", "completion"))
        if model_args:
            raise TrustbenchError(
                f"Unknown model args for local/{model_name}: {', '.join(sorted(model_args))}. "
                "Known: batch_size, batch_wait, dtype, device, prompt_format."
            )
        require("torch")
        require("transformers")
        path = resolve_model_dir(model_name)
        from trustbench.providers.local.engine import default_device, load_engine

        self.engine = load_engine(path, dtype, str(device or default_device()))
        if self.prompt_format == "chat_template" and not self.engine.has_chat_template:
            raise TrustbenchError(
                f"local/{model_name} has no chat template; use prompt_format=completion."
            )
        self.batcher: Batcher[Request, Completion] = Batcher(
            self.engine.generate_batch,
            key=lambda request: request.settings,
            max_batch_size=batch_size,
            max_wait=batch_wait,
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
        completion = await self.batcher.submit(request)
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
            ),
            time=elapsed,
        )
        call = ModelCall.create(
            request={
                "prompt": request.prompt,
                "stop_seqs": list(request.stop_seqs),
                "settings": request.settings,
            },
            response={
                "completion": completion.text,
                "stop_reason": completion.stop_reason,
                "batch_size": completion.batch_size,
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
            prompt = self.engine.apply_chat_template(chat_template_messages(turns))
            return Request(prompt, user_stops, settings_from_config(config), False)
        return Request(
            completion_prompt(turns), TURN_STOP_SEQS + user_stops, settings_from_config(config)
        )

    async def count_text_tokens(self, text: str) -> int:
        """Counted with the model's own tokenizer (Inspect's default needs tiktoken's download)."""
        return self.engine.count_tokens(text)

    async def tokenize(self, text: str) -> list[int]:
        return self.engine.tokenizer.encode(text, add_special_tokens=False)

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        """Enough concurrent calls to fill a batch while the previous one runs."""
        return 2 * self.batcher.max_batch_size

    def connection_key(self) -> str:
        return str(self.engine.path)


def _prompt_format(value: object) -> PromptFormat:
    if value not in ("completion", "chat_template"):
        raise TrustbenchError(f"prompt_format must be completion or chat_template, not '{value}'")
    return value  # type: ignore[return-value]
