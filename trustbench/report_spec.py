"""What a task tells the report about its numbers, written into its log (`Task(metadata=...)`).

Beside `trustbench.plugins.Plugin` in the core, for built-in and plugin tasks alike: the report
imports this module and never a task. The report reads logs only, so everything it needs to
present a task's results travels in the log as one typed record:

    Task(..., metadata={**ReportSpec(headline="unsafe_rate", lower_is_better=True).metadata()})

The headline is the metric the overview shows, `lower_is_better` its direction (which value is
marked best, which way a paired difference points), `breakdowns` the sample fields its results
are grouped by, `cluster_by` the sample field whose samples are not independent. The report
recomputes the headline on resampled samples for its 95 % intervals, so the task also says how
the headline aggregates: an interval computed any other way (a mean of per-sample counts for a
pooled rate) can leave the metric's range. Agent tasks name the score field that counts a
sample's tool calls, so a run in which the agent never called a tool is flagged instead of
reported as a plain result.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

METADATA_KEY = "report"
CLUSTER_BY = "seed_question"
"""Samples that share this metadata field are one cluster unless a task names another field."""


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
    """A task's declarations for the report, one per log."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    headline: str | None = None
    """The metric the overview shows (a name among the task's metrics); None: Inspect's own
    headline. A metric the run did not report falls back to Inspect's choice."""
    headline_note: str | None = None
    """What a reader must know about the headline (shown beside it), e.g. when it changes."""
    lower_is_better: bool = False
    """The headline's direction: a rate of failures (unsafe, hallucinated) is better lower."""
    breakdowns: tuple[str, ...] = ()
    """Sample metadata fields the headline is broken down by, one report section each."""
    cluster_by: str = CLUSTER_BY
    """Sample metadata field whose samples are one cluster for the intervals (samples built
    from one seed question are not independent); a field no sample carries means none."""
    pass_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    """The score that passes a unit the task judges as a whole (an exam's course), if any."""
    aggregation: Aggregation | None = Field(default_factory=Aggregation)
    """How the headline is computed from the samples; None when the report cannot recompute it
    (then it shows the logged value without an interval)."""
    tool_calls: str | None = None
    """Score metadata field with the number of tool calls the agent made in the sample."""

    @field_validator("breakdowns", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    def better(self, value: float, other: float) -> bool:
        """Whether `value` is strictly better than `other` in the headline's direction."""
        return value < other if self.lower_is_better else value > other

    def metadata(self) -> dict[str, Any]:
        return {METADATA_KEY: self.model_dump(mode="json")}

    @classmethod
    def read(cls, metadata: dict[str, Any] | None) -> ReportSpec | None:
        """The declaration in a log's task metadata; None when the task made none."""
        raw = (metadata or {}).get(METADATA_KEY)
        return None if raw is None else cls.model_validate(raw)
