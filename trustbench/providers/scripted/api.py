"""The Inspect model API behind `scripted/<policy>`."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import anyio
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
from inspect_ai.solver._task_state import sample_state
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from trustbench.providers.scripted.policies import PolicyRequest, ScriptedTurn, resolve_policy


def _approx_tokens(text: str) -> int:
    """A tokenizer-free estimate (4 characters a token): Inspect's default needs a download."""
    return max(1, len(text) // 4)


class ScriptedModelAPI(ModelAPI):
    """Answers from a policy: built-in, a script file, or a task's reference model. Never touches the network."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        self.args = model_args
        self.seed = int(model_args.get("seed", 0))
        self.delay = float(model_args.get("delay", 0))
        """Seconds to wait before each answer: makes a run slow enough to interrupt in tests."""
        self.policy = resolve_policy(model_name, model_args)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        if self.delay:
            await anyio.sleep(self.delay)
        state = sample_state()
        sample_id = None if state is None else str(state.sample_id)
        metadata = {} if state is None else dict(state.metadata)
        rng_key = f"{self.model_name}:{self.seed}:{sample_id}:{len(input)}"
        rng = random.Random(int(hashlib.sha256(rng_key.encode()).hexdigest()[:16], 16))
        request = PolicyRequest(input, tools, sample_id, metadata, rng, self.args)
        turn = self.policy(request)
        output = self._output(turn, input)
        call = ModelCall.create(
            request={"policy": self.model_name, "sample_id": sample_id, "turn": request.turn_index},
            response=turn.model_dump(),
        )
        return output, call

    def _output(self, turn: ScriptedTurn, input: list[ChatMessage]) -> ModelOutput:
        tool_calls = [
            ToolCall(id=f"call_{i}", function=c.function, arguments=c.arguments)
            for i, c in enumerate(turn.tool_calls)
        ]
        message = ChatMessageAssistant(
            content=turn.text,
            tool_calls=tool_calls or None,
            model=self.model_name,
            source="generate",
        )
        input_tokens = sum(_approx_tokens(m.text) for m in input)
        output_tokens = _approx_tokens(turn.text)
        return ModelOutput(
            model=self.model_name,
            choices=[
                ChatCompletionChoice(
                    message=message, stop_reason="tool_calls" if tool_calls else "stop"
                )
            ],
            usage=ModelUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=input_tokens + output_tokens,
            ),
        )

    async def count_text_tokens(self, text: str) -> int:
        return _approx_tokens(text)

    def connection_key(self) -> str:
        return f"scripted/{self.model_name}"

    def max_connections(self) -> int:
        return 32
