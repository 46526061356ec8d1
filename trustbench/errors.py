"""Typed errors whose messages tell the user what to do next."""

from __future__ import annotations

from collections.abc import Iterable


class TrustbenchError(Exception):
    """Base class: the CLI prints these as one clear message, without a traceback."""


class MissingExtraError(TrustbenchError, ImportError):
    """An optional dependency group is not installed."""

    def __init__(self, extra: str, feature: str, missing: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the '{extra}' extra ({missing} is not installed). "
            f"Install it with: pip install 'trustbench[{extra}]'"
        )


class UnknownNameError(TrustbenchError, LookupError):
    """A task, suite, model, provider or policy name that does not exist."""

    def __init__(self, kind: str, name: str, available: Iterable[str]) -> None:
        names = sorted(available)
        listing = ", ".join(names) if names else "(none)"
        super().__init__(f"Unknown {kind} '{name}'. Available: {listing}")


class TaskArgumentError(TrustbenchError, ValueError):
    """A task argument with an unknown name, or a value the task's signature does not accept."""
