"""A fake OpenAI-compatible chat server on loopback, to test how runs behave against a real
model server: one that answers, answers with tool calls, drops the tools, fails with 500
forever, rejects with 400 (context length), hangs, or dies in the middle of a run.

`FakeServer` is started with `fake_openai_server(...)`; its behaviour can be changed while a
run uses it (`server.behaviour = "hang"`), and it records every request body it received.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, Literal

from loopback_http import QuietHandler

Behaviour = Literal["answer", "error_500", "context_400", "reject_422", "hang", "die"]
"""`die`: stop listening, as `kill -9` of the server would."""
SERVED_MODEL = "fake-gguf-served-model"
"""The model name the fake server reports in its responses (a real server reports its file)."""
CONTEXT_MESSAGE = "the request exceeds the available context size, try increasing it"


def text_reply(request: dict[str, Any]) -> str:
    """Default answer: a fixed text, so runs are deterministic."""
    return "I cannot tell."


@dataclass
class FakeServer:
    behaviour: Behaviour = "answer"
    reply: Callable[[dict[str, Any]], str] = text_reply
    """The assistant text for a request (when answering)."""
    native_tools: bool = True
    """False: the server ignores the `tools` field, as a GGUF without a tool template does."""
    tool_call: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda request: None
    """With native tools: the call to return for a request, `{"name": ..., "arguments": {...}}`."""
    switch_after: int | None = None
    """After this many answered requests, behave as `then` (e.g. die in the middle of a run)."""
    then: Behaviour = "die"
    requests: list[dict[str, Any]] = field(default_factory=list)
    """The requests answered with a completion."""
    received: int = 0
    """Every request received, whatever the answer."""
    error_message: str = "internal server error: failed to process the request"
    """The message of `error_500` answers."""
    url: str = ""
    released: threading.Event = field(default_factory=threading.Event)
    _httpd: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def answered(self) -> int:
        with self._lock:
            return len(self.requests)

    def kill(self) -> None:
        """Stop accepting connections, as `kill -9` of the server would."""
        if self._httpd is not None:
            httpd, self._httpd = self._httpd, None
            threading.Thread(target=_stop, args=(httpd,), daemon=True).start()

    def respond(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.behaviour == "error_500":
            return 500, _error(self.error_message, 500)
        if self.behaviour == "context_400":
            return 400, {
                "error": {
                    "code": 400,
                    "message": CONTEXT_MESSAGE,
                    "type": "exceed_context_size_error",
                }
            }
        if self.behaviour == "reject_422":
            return 422, _error("unsupported parameter: logit_bias", 422)
        with self._lock:
            self.requests.append(request)
        call = self.tool_call(request) if self.native_tools and request.get("tools") else None
        message: dict[str, Any] = {"role": "assistant", "content": None if call else ""}
        if call:
            message["tool_calls"] = [
                {
                    "id": f"call_{len(self.requests)}",
                    "type": "function",
                    "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
                }
            ]
        else:
            message["content"] = self.reply(request)
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": SERVED_MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if call else "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }


def _error(message: str, code: int) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "type": "server_error"}}


def _stop(httpd: ThreadingHTTPServer) -> None:
    httpd.shutdown()
    httpd.server_close()


def _handler(server: FakeServer) -> type[QuietHandler]:
    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            with server._lock:
                server.received += 1
            if server.behaviour == "hang":
                server.released.wait(timeout=600)
                return
            status, body = server.respond(request)
            self.send(status, json.dumps(body).encode())
            if server.switch_after is not None and server.answered() >= server.switch_after:
                server.switch_after = None
                server.behaviour = server.then
                if server.then == "die":
                    server.kill()

        def do_GET(self) -> None:
            models = {"object": "list", "data": [{"id": SERVED_MODEL, "object": "model"}]}
            self.send(200, json.dumps(models).encode())

    return Handler


@contextmanager
def fake_openai_server(**settings: Any) -> Iterator[FakeServer]:
    """A `FakeServer` listening on 127.0.0.1 in a thread, stopped (and unhung) at the end."""
    server = FakeServer(**settings)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server._httpd = httpd
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        server.kill()
