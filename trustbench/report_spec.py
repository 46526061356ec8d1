"""What a task declares, in its `Task(metadata=...)`, for the report to read back from the log.

Beside `trustbench.plugins.Plugin` in the core, for built-in and plugin tasks alike: the report
imports this module and never a task.

The report reads logs only, so a task says there how its headline metric is computed from its
samples: the report recomputes the metric on resampled samples for its 95 % intervals, and an
interval computed any other way (a mean of per-sample counts for a pooled rate) can leave the
metric's range. Agent tasks also name the score field that counts a sample's tool calls, so a
run in which the agent never called a tool is flagged instead of reported as a plain result.

    Task(..., metadata={"headline": "unsafe_rate", **ReportSpec(tool_calls="tool_calls").metadata()})
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

METADATA_KEY = "report"


class Aggregation(BaseModel):
    """How the headline metric is computed from the samples' scores.

    `mean`: the mean of the samples' headline score values (accuracy, a rate of 0/1 values).
    `ratio`: pooled, sum of `numerator` over sum of `denominator` (numeric fields of the
    headline score's metadata), never a mean of per-sample ratios; with `strata` (a sample
    metadata field), the unweighted mean over its values of each stratum's pooled ratio, a
    stratum with nothing to divide by left out.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["mean", "ratio"] = "mean"
    numerator: str | None = None
    denominator: str | None = None
    strata: str | None = None
    bounds: tuple[float, float] | None = (0.0, 1.0)
    """The metric's range (None: unbounded); an interval outside it is a bug."""

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Aggregation:
        pooled = (self.numerator, self.denominator)
        if self.kind == "ratio" and None in pooled:
            raise ValueError("a ratio needs its numerator and denominator fields")
        if self.kind == "mean" and pooled != (None, None):
            raise ValueError("a mean takes no numerator or denominator")
        return self


class ReportSpec(BaseModel):
    """A task's declarations for the report (issue 17 extends this with the rest)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    aggregation: Aggregation = Field(default_factory=Aggregation)
    tool_calls: str | None = None
    """Score metadata field with the number of tool calls the agent made in the sample."""

    def metadata(self) -> dict[str, Any]:
        return {METADATA_KEY: self.model_dump(mode="json")}

    @classmethod
    def read(cls, metadata: dict[str, Any] | None) -> ReportSpec | None:
        """The declaration in a log's task metadata; None when the task made none."""
        raw = (metadata or {}).get(METADATA_KEY)
        return None if raw is None else cls.model_validate(raw)
