"""Batched generation with transformers, for model directories (imports torch: load it lazily).

Concurrent requests with equal settings are gathered by the `Batcher` into one left-padded
`generate()` call. Dtype: decoding a 270M model with a 262k vocabulary is bound by reading the
weights, so bfloat16 decodes about twice as fast as float32 on a CPU with avx512_bf16. But in
bfloat16 a left-padded batch gives different greedy text than the same prompt alone (2 of 8
test prompts diverged), which would make a sample's answer depend on which other samples
happened to share its batch. float32 keeps batched and single greedy output equal, so it is
the default; `-M dtype=bfloat16` trades that for speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, cast

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    GenerationConfig,
    PreTrainedTokenizerBase,
    StoppingCriteria,
)

from trustbench.errors import TrustbenchError
from trustbench.providers.local.batcher import Batcher
from trustbench.providers.local.engine import EngineName, EngineOptions
from trustbench.providers.local.generation import Completion, Request, truncate_at_stop
from trustbench.providers.local.weights import transformers_dir

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


class CausalLM(Protocol):
    """What the engine uses of a transformers causal LM: a `PreTrainedModel` that has the
    `GenerationMixin` (which transformers 5 declares on each model class, not on the base)."""

    generation_config: GenerationConfig

    def generate(self, *args: Any, **kwargs: Any) -> torch.Tensor: ...


class _StopSequences(StoppingCriteria):
    """Marks each row finished once its own stop sequences appear in its generated text.

    Generation ends when every row is finished (by this or by EOS); `finished_at` records how
    many tokens each row had generated when its stop sequence appeared. Each step decodes only
    the newest tokens of a row (enough to hold its longest stop sequence, as every token that
    is not special decodes to at least one character): decoding the whole row every step made
    the check cost more than the forward pass on long generations.
    """

    def __init__(
        self, tokenizer: PreTrainedTokenizerBase, prompt_length: int, stops: list[tuple[str, ...]]
    ) -> None:
        self.tokenizer = tokenizer
        self.prompt_length = prompt_length
        self.stops = stops
        self.windows = [max((len(s) for s in row), default=0) + 2 for row in stops]
        self.finished_at: list[int | None] = [None] * len(stops)

    def __call__(
        self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: object
    ) -> torch.BoolTensor:
        generated = input_ids[:, self.prompt_length :]
        for row, stops in enumerate(self.stops):
            if stops and self.finished_at[row] is None:
                newest = generated[row, -self.windows[row] :]
                text = self.tokenizer.decode(newest, skip_special_tokens=True)
                if any(stop in text for stop in stops):
                    self.finished_at[row] = generated.shape[1]
        finished = torch.tensor([n is not None for n in self.finished_at], device=input_ids.device)
        # A bool tensor is a BoolTensor at run time; torch's annotations know no constructor for one.
        return cast(torch.BoolTensor, finished)


@dataclass
class TorchEngine:
    """A transformers model and tokenizer in memory, shared by every API instance naming them."""

    path: Path
    model: CausalLM
    tokenizer: PreTrainedTokenizerBase
    device: str
    batcher: Batcher[Request, Completion] = field(init=False)
    batch_size: int = 8
    batch_wait: float = 0.02
    name: ClassVar[EngineName] = "transformers"

    def __post_init__(self) -> None:
        self.batcher = Batcher(
            self.generate_batch,
            key=lambda request: request.settings,
            max_batch_size=self.batch_size,
            max_wait=self.batch_wait,
        )

    @property
    def has_chat_template(self) -> bool:
        return bool(getattr(self.tokenizer, "chat_template", None))

    @property
    def max_concurrency(self) -> int:
        """Enough concurrent calls to fill a batch while the previous one runs."""
        return 2 * self.batch_size

    async def complete(self, request: Request) -> Completion:
        return await self.batcher.submit(request)

    def tokenize(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False)

    def input_ids(self, request: Request) -> list[int]:
        """The prompt's tokens; a rendered chat template already starts with BOS."""
        if isinstance(request.prompt, str):
            return self.tokenizer(request.prompt)["input_ids"]
        messages = [{"role": role, "content": text} for role, text in request.prompt]
        rendered = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        return self.tokenizer(rendered, add_special_tokens=False)["input_ids"]

    def generate_batch(self, requests: list[Request]) -> list[Completion]:
        """One left-padded `generate()` for requests that share their settings."""
        settings = requests[0].settings
        if any(r.settings != settings for r in requests):
            raise ValueError("a batch must share one set of generation settings")
        tokenizer = self.tokenizer
        rows = [self.input_ids(r) for r in requests]
        padded = tokenizer.pad({"input_ids": rows}, padding=True, return_tensors="pt")
        inputs = {name: tensor.to(self.device) for name, tensor in padded.items()}
        prompt_length = inputs["input_ids"].shape[1]
        stopper = _StopSequences(tokenizer, prompt_length, [r.stop_seqs for r in requests])
        sampling: dict[str, object] = {"do_sample": False}
        if not settings.greedy:
            sampling = {"do_sample": True, "temperature": settings.temperature}
            sampling |= {"top_p": settings.top_p} if settings.top_p is not None else {}
            sampling |= {"top_k": settings.top_k} if settings.top_k is not None else {}
        with torch.inference_mode():
            if settings.seed is not None:
                torch.manual_seed(settings.seed)
            output = self.model.generate(
                **inputs,
                **sampling,
                max_new_tokens=settings.max_new_tokens,
                stopping_criteria=[stopper],
                pad_token_id=tokenizer.pad_token_id,
            )
        eos = self._eos_ids()
        return [
            self._completion(
                request,
                len(row),
                output[i, prompt_length:].tolist(),
                eos,
                stopper.finished_at[i],
                {"batch_size": len(requests)},
            )
            for i, (request, row) in enumerate(zip(requests, rows, strict=True))
        ]

    def _completion(
        self,
        request: Request,
        input_tokens: int,
        generated: list[int],
        eos: set[int],
        finished_at: int | None,
        details: dict[str, object],
    ) -> Completion:
        """Cut a row of the batch output at EOS or its stop sequence, and count its tokens."""
        ended = next((i + 1 for i, token in enumerate(generated) if token in eos), None)
        length = min(n for n in (ended, finished_at, len(generated)) if n is not None)
        # One sequence of ids decodes to one string (a list only for a batch of sequences).
        raw = cast(str, self.tokenizer.decode(generated[:length], skip_special_tokens=True))
        text, stopped = truncate_at_stop(raw, request.stop_seqs)
        hit_limit = ended is None and not stopped and length >= request.settings.max_new_tokens
        return Completion(
            text=text,
            input_tokens=input_tokens,
            output_tokens=length,
            stop_reason="max_tokens" if hit_limit else "stop",
            details=details,
        )

    def _eos_ids(self) -> set[int]:
        configured = self.model.generation_config.eos_token_id
        ids = configured if isinstance(configured, list) else [configured]
        return {i for i in [*ids, self.tokenizer.eos_token_id] if i is not None}


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def load_torch_engine(model: Path, options: EngineOptions) -> TorchEngine:
    """Load a transformers directory (or a GGUF file, converted once) for batched generation."""
    if options.dtype not in DTYPES:
        raise TrustbenchError(f"dtype must be one of {', '.join(DTYPES)}, not '{options.dtype}'")
    path = transformers_dir(model)
    device = options.device or default_device()
    loaded = AutoModelForCausalLM.from_pretrained(
        path, dtype=DTYPES[options.dtype], local_files_only=True
    ).to(device)  # type: ignore[arg-type]  # mypy binds no self through the functools.wraps on PreTrainedModel.to
    loaded.eval()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return TorchEngine(
        model,
        loaded,
        tokenizer,
        device,
        batch_size=options.batch_size,
        batch_wait=options.batch_wait,
    )
