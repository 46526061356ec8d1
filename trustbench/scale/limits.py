"""Per-provider limits that hold across a whole cluster: connections in flight, requests and
tokens per minute, and one back-off for everybody after a provider says 429.

`ProviderGate` is the bookkeeping, with time passed in, so that it can be tested without
waiting; a Ray actor (`actors.py`) holds one for the cluster and every worker asks it before
each provider call.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from trustbench.errors import TrustbenchError

IN_PROCESS = ("scripted", "local", "hf", "mockllm")
"""Providers whose models run inside the worker and call no service: nothing to share."""
WINDOW_S = 60.0
BACKOFF_START_S = 1.0
BACKOFF_MAX_S = 60.0


@dataclass(frozen=True)
class ProviderLimit:
    max_connections: int | None = None
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None


LIMIT_KEYS = {
    "connections": "max_connections",
    "rpm": "requests_per_minute",
    "tpm": "tokens_per_minute",
}


def parse_limit(text: str) -> tuple[str, ProviderLimit]:
    """`openai:connections=20,rpm=500,tpm=200000` → ("openai", its limit)."""
    provider, sep, settings = text.partition(":")
    values: dict[str, int] = {}
    for item in settings.split(",") if sep else []:
        key, _, value = item.partition("=")
        if key.strip() not in LIMIT_KEYS or not value.strip().isdigit() or int(value) < 1:
            break
        values[LIMIT_KEYS[key.strip()]] = int(value)
    else:
        if provider.strip() and values:
            return provider.strip(), ProviderLimit(**values)
    raise TrustbenchError(
        f"--rate-limit {text!r}: write PROVIDER:KEY=N[,KEY=N…] with keys "
        f"{', '.join(LIMIT_KEYS)} and positive whole numbers, e.g. openai:connections=20,rpm=500."
    )


@dataclass
class _Provider:
    limit: ProviderLimit
    in_flight: int = 0
    requests: deque[float] = field(default_factory=deque)
    tokens: deque[tuple[float, int]] = field(default_factory=deque)
    paused_until: float = 0.0
    strikes: int = 0
    """429s in a row: each doubles the shared back-off, a success resets it."""
    peak_in_flight: int = 0
    admitted: int = 0
    rate_limited: int = 0


class ProviderGate:
    """Admission decisions for every provider of a run, from one shared state."""

    def __init__(self, limits: dict[str, ProviderLimit]) -> None:
        self._limits = limits
        self._providers: dict[str, _Provider] = {}

    def _state(self, provider: str, default_connections: int | None = None) -> _Provider:
        """A provider without a configured connection limit gets the one its API declares for
        one process (`default_connections`): the cluster together opens no more than that."""
        if provider not in self._providers:
            limit = self._limits.get(provider, ProviderLimit())
            if limit.max_connections is None and default_connections:
                limit = ProviderLimit(
                    default_connections, limit.requests_per_minute, limit.tokens_per_minute
                )
            self._providers[provider] = _Provider(limit)
        return self._providers[provider]

    def wait_time(
        self, provider: str, now: float, default_connections: int | None = None
    ) -> float | None:
        """0 when a call may start now, else seconds until one may (None: until a call ends)."""
        state = self._state(provider, default_connections)
        self._expire(state, now)
        limit = state.limit
        waits = [state.paused_until - now]
        if limit.requests_per_minute and len(state.requests) >= limit.requests_per_minute:
            waits.append(state.requests[0] + WINDOW_S - now)
        if limit.tokens_per_minute and sum(n for _, n in state.tokens) >= limit.tokens_per_minute:
            waits.append(state.tokens[0][0] + WINDOW_S - now)
        wait = max(waits)
        if wait > 0:
            return wait
        if limit.max_connections and state.in_flight >= limit.max_connections:
            return None
        return 0.0

    def admit(self, provider: str, now: float) -> None:
        state = self._state(provider)
        state.in_flight += 1
        state.admitted += 1
        state.peak_in_flight = max(state.peak_in_flight, state.in_flight)
        state.requests.append(now)

    def release(
        self,
        provider: str,
        now: float,
        *,
        tokens: int = 0,
        rate_limited: bool = False,
        retry_after: float | None = None,
    ) -> None:
        """A call ended: count its tokens; after a 429, pause the provider for every worker."""
        state = self._state(provider)
        state.in_flight = max(0, state.in_flight - 1)
        if tokens:
            state.tokens.append((now, tokens))
        if rate_limited:
            state.rate_limited += 1
            state.strikes += 1
            backoff = min(BACKOFF_MAX_S, BACKOFF_START_S * 2 ** (state.strikes - 1))
            state.paused_until = max(state.paused_until, now + max(backoff, retry_after or 0.0))
        else:
            state.strikes = 0

    def stats(self) -> dict[str, dict[str, int]]:
        return {
            name: {
                "admitted": state.admitted,
                "in_flight": state.in_flight,
                "peak_in_flight": state.peak_in_flight,
                "rate_limited": state.rate_limited,
            }
            for name, state in self._providers.items()
        }

    @staticmethod
    def _expire(state: _Provider, now: float) -> None:
        while state.requests and state.requests[0] <= now - WINDOW_S:
            state.requests.popleft()
        while state.tokens and state.tokens[0][0] <= now - WINDOW_S:
            state.tokens.popleft()
