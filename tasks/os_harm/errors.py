"""Typed errors for OS-Harm's arguments and data; each message names the thing and the fix.

They are `TrustbenchError`s, so the CLI prints them as one line and exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable

from trustbench.errors import TrustbenchError
from trustbench.tasks import upstream_data


class OsHarmError(TrustbenchError, ValueError):
    """Base of every error a user can cause in OS-Harm."""


class InvalidArgumentError(OsHarmError):
    """A task argument outside its allowed values."""

    def __init__(self, parameter: str, value: object, allowed: str | Iterable[str]) -> None:
        self.parameter = parameter
        listing = allowed if isinstance(allowed, str) else ", ".join(allowed)
        super().__init__(
            f"os_harm: -T {parameter}={value!r} is not allowed; {parameter} must be {listing}."
        )


class OsHarmDataError(OsHarmError):
    """The upstream task data cannot be used as given."""


class ChecksumError(OsHarmDataError, upstream_data.ChecksumError):
    """A data file is not the pinned upstream version."""


class DataUnavailableError(OsHarmDataError, upstream_data.DataUnavailableError):
    """The upstream files are neither mirrored, cached nor downloadable."""


class UnknownSetupStepError(OsHarmDataError):
    """A task's `config` holds a step type the emulated desktop cannot reproduce."""

    def __init__(self, task_id: str, index: int, step_type: str, known: list[str]) -> None:
        self.task_id = task_id
        self.step_type = step_type
        super().__init__(
            f"task {task_id}: setup step {index} has the unknown type {step_type!r}; the "
            f"emulated desktop knows {', '.join(known)}. Remove the step or map it in "
            "tasks/os_harm/provision.py."
        )


class UnsupportedSetupError(OsHarmDataError):
    """A known step type whose parameters the translation layer has no mapping for."""

    def __init__(self, task_id: str, step_type: str, detail: str) -> None:
        super().__init__(
            f"task {task_id}: cannot reproduce the {step_type!r} setup step ({detail}). Add a "
            "stand-in to tasks/os_harm/fixtures/manifest.yaml or a mapping in provision.py."
        )
