"""Generation with llama.cpp, in-process, through the `xllamacpp` bindings (a prebuilt wheel).

xllamacpp embeds llama.cpp's own server: requests are decoded together by continuous batching
in `batch_size` slots, and each slot keeps the KV cache of the prompt it last ran, so a request
that repeats a prefix (an agent's next step, or another sample with the same tool
descriptions) only pays for its new tokens. A slot is picked by the longest common prefix, and
the state of a slot given to another prompt is kept in a RAM cache for later.

Requests go straight to the server's handlers (no HTTP); each runs in a worker thread while the
GIL is released, and streams its tokens so that a cancelled request stops at its next token.

Greedy text is not bit-for-bit independent of the cache and of the other requests in a batch:
llama.cpp's arithmetic differs slightly between a prompt computed whole and one computed after a
cached prefix, and between batch shapes, which can tip a near-tie between two tokens. How often
it does is measured in benchmarks/README.md (greedy fidelity); the same requests from the same
cache state give the same text.

The embedded server also listens for HTTP, which xllamacpp cannot turn off: here it listens on
a Unix socket in a private temporary directory and requires a random key, so nothing else on
the machine can use it. It answers the one thing the handlers lack: tokenization.
"""

from __future__ import annotations

import functools
import os
import secrets
import tempfile
import threading
from pathlib import Path
from typing import Any, ClassVar

import anyio.to_thread
import httpx

from trustbench.errors import TrustbenchError
from trustbench.providers.local.engine import EngineName
from trustbench.providers.local.generation import Completion, Request
from trustbench.providers.local.weights import require

CHAT_TEMPLATE_KEY = "tokenizer.chat_template"
OMP_WAIT_POLICY = "OMP_WAIT_POLICY"
"""llama.cpp's threads meet at a barrier after every operation, and OpenMP's default is to spin
there. On a machine shared with other work, a spinning thread burns the time slice its
preempted partner needs: on the 2-CPU development machine at load 12, 2 threads decoded 0.2
tokens/s spinning and 5.9 tokens/s sleeping (PASSIVE), against 3.8 for 1 thread. So unless the
user set it, waiting threads sleep. OpenMP reads it once, when llama.cpp's library loads."""


class LlamaCppError(TrustbenchError, RuntimeError):
    """llama.cpp refused a request (for example, a prompt longer than the context)."""


class LlamaCppEngine:
    """A GGUF model served by llama.cpp inside this process."""

    name: ClassVar[EngineName] = "llama.cpp"

    def __init__(self, gguf: Path, parallel: int, threads: int | None) -> None:
        os.environ.setdefault(OMP_WAIT_POLICY, "PASSIVE")
        xllamacpp = require("xllamacpp")
        self.path = gguf
        self.max_concurrency = 2 * parallel
        """Twice the slots, so a finished slot finds the next request already waiting."""
        self._private = tempfile.TemporaryDirectory(prefix="trustbench-llamacpp-")
        socket = str(Path(self._private.name) / "server.sock")
        key = secrets.token_urlsafe(32)
        params = xllamacpp.CommonParams()
        params.model.path = str(gguf)
        params.n_parallel = parallel
        params.kv_unified = True
        params.n_ctx = 0
        """The model's own context length, shared by all slots."""
        if threads:
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
        params.hostnames = [socket]
        params.api_keys = [key]
        params.verbosity = 1
        """Errors only: llama.cpp logs to stderr, under Inspect's display."""
        try:
            self._server = xllamacpp.Server(params)
        except RuntimeError as error:
            raise TrustbenchError(
                f"llama.cpp could not load '{gguf}' (its reason is printed above). Check that "
                "it is a complete GGUF of an architecture llama.cpp supports, or try "
                "-M engine=transformers."
            ) from error
        self._http = httpx.Client(
            transport=httpx.HTTPTransport(uds=socket),
            base_url="http://localhost",
            headers={"Authorization": f"Bearer {key}"},
        )

    @functools.cached_property
    def has_chat_template(self) -> bool:
        """Whether the GGUF carries a chat template (else llama.cpp would fall back to ChatML).

        Read from the GGUF's metadata only when asked: parsing it takes seconds.
        """
        reader = require("gguf").GGUFReader(self.path)
        return CHAT_TEMPLATE_KEY in reader.fields

    def tokenize(self, text: str) -> list[int]:
        response = self._http.post("/tokenize", json={"content": text, "add_special": False})
        response.raise_for_status()
        return response.json()["tokens"]

    async def complete(self, request: Request) -> Completion:
        cancelled = threading.Event()
        try:
            return await anyio.to_thread.run_sync(
                self._generate, request, cancelled, abandon_on_cancel=True
            )
        finally:
            # a cancelled request leaves its thread behind: stop it at its next token
            cancelled.set()

    def _generate(self, request: Request, cancelled: threading.Event) -> Completion:
        chat = not isinstance(request.prompt, str)
        stream = _Stream(chat, cancelled)
        body = _body(request)
        if chat:
            self._server.handle_chat_completions(body, stream.receive)
        else:
            self._server.handle_completions(body, stream.receive)
        return stream.completion()


def _body(request: Request) -> dict[str, Any]:
    """An OpenAI-style request for llama.cpp: sampling exactly as asked, nothing added.

    llama.cpp's defaults would add top-k 40, top-p 0.95 and min-p 0.05 to a sampled request;
    a greedy one (temperature 0) takes the most likely token whatever they are.
    """
    settings = request.settings
    body: dict[str, Any] = {
        "max_tokens": settings.max_new_tokens,
        "temperature": settings.temperature,
        "top_p": 1.0 if settings.top_p is None else settings.top_p,
        "top_k": settings.top_k or 0,
        "min_p": 0.0,
        "stop": list(request.stop_seqs),
        "cache_prompt": True,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if settings.seed is not None:
        body["seed"] = settings.seed
    if isinstance(request.prompt, str):
        body["prompt"] = request.prompt
    else:
        body["messages"] = [{"role": role, "content": text} for role, text in request.prompt]
    return body


class _Stream:
    """Collects a streamed completion; asks llama.cpp to stop once the request is cancelled."""

    def __init__(self, chat: bool, cancelled: threading.Event) -> None:
        self.chat = chat
        self.cancelled = cancelled
        self.pieces: list[str] = []
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] = {}
        self.timings: dict[str, Any] = {}
        self.error: dict[str, Any] | None = None

    def receive(self, chunk: dict[str, Any]) -> bool:
        """Called by llama.cpp for each chunk; True stops the generation."""
        if "error" in chunk:
            self.error = chunk["error"]
            return True
        for choice in chunk.get("choices", ()):
            text = choice.get("delta", {}).get("content") if self.chat else choice.get("text")
            self.pieces.append(text or "")
            self.finish_reason = choice.get("finish_reason") or self.finish_reason
        self.usage = chunk.get("usage", self.usage)
        self.timings = chunk.get("timings", self.timings)
        return self.cancelled.is_set()

    def completion(self) -> Completion:
        if self.error is not None:
            raise LlamaCppError(f"llama.cpp: {self.error.get('message', self.error)}")
        if not self.usage:
            raise LlamaCppError("llama.cpp ended the stream without a result")
        details = self.usage.get("prompt_tokens_details") or {}
        return Completion(
            text="".join(self.pieces),
            input_tokens=self.usage["prompt_tokens"],
            output_tokens=self.usage["completion_tokens"],
            stop_reason="max_tokens" if self.finish_reason == "length" else "stop",
            cached_input_tokens=details.get("cached_tokens", 0),
            details={"timings": self.timings},
        )
