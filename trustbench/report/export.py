"""Tidy rows for analysis elsewhere: CSV (rows only) and JSON (rows, with the run facts and
warnings that say whether the rows are comparable)."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from trustbench.report.facts import RunFacts
from trustbench.report.model import Report, TidyRow
from trustbench.report.results import ResultRow

COLUMNS = [field.name for field in dataclasses.fields(TidyRow)]


def _clean(value: Any) -> Any:
    """NaN is not JSON, and an empty CSV cell reads back as missing."""
    return None if isinstance(value, float) and math.isnan(value) else value


def write_csv(report: Report, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for row in report.rows():
            writer.writerow(["" if (v := _clean(getattr(row, c))) is None else v for c in COLUMNS])


def write_json(
    report: Report, path: Path, overview: list[ResultRow], facts: list[RunFacts]
) -> None:
    runs = [
        {**dataclasses.asdict(row), **dataclasses.asdict(fact)}
        for row, fact in zip(overview, facts, strict=True)
    ]
    payload = {
        "title": report.title,
        "sources": report.sources,
        "warnings": report.warnings,
        "runs": [{k: _clean(v) for k, v in run.items()} for run in runs],
        "rows": [{c: _clean(getattr(row, c)) for c in COLUMNS} for row in report.rows()],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
