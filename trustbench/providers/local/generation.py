"""What one generation asks for and what it returns: plain data shared by the API and the engine.

Kept free of torch so the API module (and its tests) can build requests without the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from inspect_ai.model import GenerateConfig

DEFAULT_MAX_TOKENS = 256
"""A small model rarely says anything useful past this; Inspect's own default is 2048."""


@dataclass(frozen=True)
class Settings:
    """Sampling settings; requests are only batched together when these are equal."""

    max_new_tokens: int
    temperature: float = 0.0
    """0 means greedy decoding."""
    top_p: float | None = None
    top_k: int | None = None
    seed: int | None = None

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0


def settings_from_config(config: GenerateConfig) -> Settings:
    """Greedy requests drop the sampling-only fields so they all share one batch key."""
    max_new_tokens = config.max_tokens or DEFAULT_MAX_TOKENS
    if not config.temperature:
        return Settings(max_new_tokens=max_new_tokens)
    return Settings(
        max_new_tokens=max_new_tokens,
        temperature=config.temperature,
        top_p=config.top_p,
        top_k=config.top_k,
        seed=config.seed,
    )


ChatMessages = tuple[tuple[str, str], ...]
"""(role, content) pairs, for a model's own chat template."""


@dataclass(frozen=True)
class Request:
    """One prompt to complete; each row of a batch keeps its own stop sequences.

    `prompt` is either the text to continue, or the conversation as (role, content) pairs,
    which the engine renders with the model's chat template.
    """

    prompt: str | ChatMessages
    stop_seqs: tuple[str, ...]
    settings: Settings


@dataclass(frozen=True)
class Completion:
    text: str
    """The generated text, cut before the first stop sequence."""
    input_tokens: int
    output_tokens: int
    stop_reason: Literal["stop", "max_tokens"]
    cached_input_tokens: int = 0
    """Prompt tokens whose KV cache was reused from an earlier request (a shared prefix)."""
    details: dict[str, object] = field(default_factory=dict)
    """What the engine reports about this generation (recorded in the model call)."""


def truncate_at_stop(text: str, stop_seqs: tuple[str, ...] | list[str]) -> tuple[str, bool]:
    """Cut `text` before the earliest stop sequence; say whether one was found.

    Generation only stops after a whole token, which may run past the stop sequence, so the
    text is always cut afterwards.
    """
    cut = min((i for i in (text.find(s) for s in stop_seqs if s) if i >= 0), default=-1)
    if cut < 0:
        return text, False
    return text[:cut], True
