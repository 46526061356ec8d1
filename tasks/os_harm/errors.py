"""Typed errors for the OS-Harm data; each message names the file or task and the fix."""

from __future__ import annotations

from trustbench.tasks import upstream_data


class OsHarmDataError(ValueError):
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
