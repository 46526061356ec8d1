"""Which metric is a log's headline, and what each sample contributed to it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog, EvalScore
from inspect_ai.scorer import value_to_float

from trustbench.report_spec import ReportSpec

_to_float = value_to_float()


@dataclass(frozen=True)
class Headline:
    scorer: str
    """Key of the sample's score (`score_<scorer>` in `samples_df`)."""
    score: str
    """Name of the score: differs from `scorer` when a scorer returns a dict of values."""
    metric: str
    value: float | None
    """The value the log reports; None when the run never finished scoring."""


def _pick(score: EvalScore, metric: str) -> Headline:
    value = score.metrics[metric].value if metric in score.metrics else None
    return Headline(score.scorer, score.name, metric, value)


def resolve_headline(log: EvalLog, spec: ReportSpec | None) -> Headline | None:
    """The task's own choice (its `ReportSpec.headline`), else Inspect's resolved headline, else
    the first metric of the first score; for a log without results, the first declared scorer."""
    wanted = spec.headline if spec else None
    scores = log.results.scores if log.results else []
    for score in scores:
        if wanted in score.metrics:
            return _pick(score, wanted)
    inspect_choice = log.results.headline if log.results else None
    if inspect_choice is not None:
        for score in scores:
            if inspect_choice.scorer in (None, score.scorer) and inspect_choice.score in (
                None,
                score.name,
            ):
                metric = inspect_choice.metric or next(iter(score.metrics), None)
                if metric in score.metrics:
                    return _pick(score, metric)
    for score in scores:
        if score.metrics:
            return _pick(score, next(iter(score.metrics)))
    if log.eval.scorers:
        name = log.eval.scorers[0].name
        return Headline(name, name, str(wanted or "mean"), None)
    return None


def sample_value(raw: Any, headline: Headline) -> float:
    """A sample's score as a float, converted the way Inspect's metrics convert it (C=1, I=0,
    P=0.5, …); NaN when the sample has no usable score. `samples_df` keeps dict-valued scores
    as JSON text, from which the headline's key is taken."""
    if raw is None or (not isinstance(raw, (str, dict, list)) and pd.isna(raw)):
        return math.nan
    if isinstance(raw, str) and raw[:1] in "{[":
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return math.nan
    if isinstance(raw, dict):
        raw = raw.get(headline.score)
    if raw is None or isinstance(raw, (dict, list)):
        return math.nan
    return float(_to_float(raw))
