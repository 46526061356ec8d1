"""Where runs and reports are written, and the one rule that names their folders.

`trustbench run` writes its logs to `runs/<name>` and its report to `reports/<name>`;
`trustbench report results/runs/<name>` names its report after the log folder with the same rule,
so both commands write to the same report folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

RESULTS_DIR_ENV = "TRUSTBENCH_RESULTS"


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_DIR_ENV, "results"))


def folder_name(text: str) -> str:
    """`trustbench/visual_planning` → `trustbench-visual_planning`. Applied to its own result it
    changes nothing, so a log folder's name is also its report's name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "run"


def run_name(targets: Sequence[str]) -> str:
    """A run is named after what it runs: suite names, suite file stems, task names."""
    return folder_name(
        "+".join(Path(t).stem if t.endswith((".yaml", ".yml")) else t for t in targets)
    )


def run_dir(name: str) -> Path:
    return results_dir() / "runs" / name


def report_dir(log_dirs: Sequence[str | Path]) -> Path:
    """`reports/<name>`, named after the log folders (a run's report is named after its run)."""
    return (
        results_dir() / "reports" / folder_name("+".join(Path(d).resolve().name for d in log_dirs))
    )
