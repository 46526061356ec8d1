"""What `LocalModelAPI` asks of an inference engine, and the process-wide engine cache.

Two engines run local models. llama.cpp (through the `xllamacpp` bindings, a prebuilt wheel)
runs GGUF files in-process: it decodes a quantized model on a CPU at llama-server's speed,
batches concurrent requests continuously, and reuses the KV cache of a prompt prefix it has
seen before (an agent re-sends its tool descriptions every step). transformers runs model
directories (and GGUF files, converted once) in float32, bfloat16 or float16 on a CPU or a GPU.
A GGUF file runs on llama.cpp unless `engine=transformers` is asked for.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from trustbench.errors import TrustbenchError
from trustbench.providers.local.generation import Completion, Request
from trustbench.providers.local.weights import require

EngineName = Literal["llama.cpp", "transformers"]
ENGINES: tuple[EngineName, ...] = ("llama.cpp", "transformers")


class Engine(Protocol):
    """A loaded model that completes requests, any number of them concurrently."""

    @property
    def name(self) -> EngineName: ...

    @property
    def path(self) -> Path: ...

    @property
    def has_chat_template(self) -> bool: ...

    @property
    def max_concurrency(self) -> int:
        """How many requests are worth keeping in flight (the rest wait in Inspect)."""
        ...

    async def complete(self, request: Request) -> Completion: ...

    def tokenize(self, text: str) -> list[int]: ...


@dataclass(frozen=True)
class EngineOptions:
    """The model args that pick and shape an engine (see api.py for their meaning)."""

    engine: EngineName
    batch_size: int = 8
    batch_wait: float = 0.02
    dtype: str = "float32"
    device: str | None = None
    threads: int | None = None


def default_engine(model: Path) -> EngineName:
    return "transformers" if model.is_dir() else "llama.cpp"


_engines: dict[tuple[Path, EngineOptions], Engine] = {}
_engines_lock = threading.Lock()


def load_engine(model: Path, options: EngineOptions) -> Engine:
    """The process-wide engine for (model, options), loading it on first use."""
    with _engines_lock:
        key = (model, options)
        if key not in _engines:
            _engines[key] = _load(model, options)
        return _engines[key]


def _load(model: Path, options: EngineOptions) -> Engine:
    if options.engine == "llama.cpp":
        if model.is_dir():
            raise TrustbenchError(
                f"engine=llama.cpp reads GGUF files, and '{model}' is a transformers directory: "
                "use engine=transformers (the default for a directory) or give a .gguf file."
            )
        from trustbench.providers.local.llamacpp_engine import LlamaCppEngine

        return LlamaCppEngine(model, parallel=options.batch_size, threads=options.threads)
    require("torch")
    require("transformers")
    from trustbench.providers.local.torch_engine import load_torch_engine

    return load_torch_engine(model, options)
