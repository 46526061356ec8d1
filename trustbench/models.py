"""Model names: the embedded default, and checks that fail before a run instead of inside it."""

from __future__ import annotations

from inspect_ai._util.entrypoints import ensure_entry_points
from inspect_ai._util.registry import registry_find, registry_info, registry_unqualified_name

from trustbench.errors import TrustbenchError, UnknownNameError

DEFAULT_MODEL = "local/gemma-3-270m"

TEXT_ONLY_PROVIDERS = ("local", "hf")
"""Providers whose models take text only, so a task that needs vision cannot run on them."""


def provider_names() -> list[str]:
    """Every Inspect model provider, built-in or from an installed package (Inspect private API)."""
    ensure_entry_points()
    found = registry_find(lambda info: info.type == "modelapi")
    return sorted({registry_unqualified_name(registry_info(api)) for api in found})


def provider_of(model: str) -> str:
    return model.split("/", 1)[0]


def check_models(models: list[str]) -> None:
    providers = provider_names()
    for model in models:
        if "/" not in model:
            raise TrustbenchError(
                f"Model '{model}' needs a provider prefix, e.g. openai/gpt-4o, "
                f"scripted/echo or {DEFAULT_MODEL}."
            )
        if provider_of(model) not in providers:
            raise UnknownNameError("model provider", provider_of(model), providers)
