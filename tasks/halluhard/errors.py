"""Typed errors for the HalluHard data; each message names the file and the fix."""

from __future__ import annotations

from trustbench.tasks import upstream_data


class HalluHardDataError(ValueError):
    """The seed questions cannot be used as given (raised at task construction, before a run)."""


class ChecksumError(HalluHardDataError, upstream_data.ChecksumError):
    """A data file is not the pinned upstream version."""


class SchemaError(HalluHardDataError):
    """A row of a data file breaks the domain's schema; the message names file and line."""


class DataUnavailableError(HalluHardDataError, upstream_data.DataUnavailableError):
    """A pinned file is neither mirrored, cached nor downloadable."""
