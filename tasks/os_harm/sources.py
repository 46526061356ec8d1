"""Where the task files come from: the pinned upstream files (mirror, cache or download), or
the small sample set we authored in the upstream format (`data/`), which needs no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Protocol

from trustbench.tasks.os_harm.goals import goals_from_json, load_goals
from trustbench.tasks.os_harm.upstream import UpstreamFiles, mirror_root

SAMPLE_DIR = Path(__file__).with_name("data")


class TaskFiles(Protocol):
    origin: str

    def read_json(self, path: str) -> object: ...

    def goals(self) -> dict[str, str]: ...


class UpstreamSource:
    """The pinned upstream files; every file and goal text is checked against its sha256."""

    def __init__(self, files: UpstreamFiles) -> None:
        self.files = files
        self.origin = files.origin

    def read_json(self, path: str) -> object:
        return self.files.read_json(path)

    def goals(self) -> dict[str, str]:
        return load_goals(self.files)


class SampleSource:
    """Our authored sample tasks and goal texts (no checksums: they are ours)."""

    origin = "sample"

    def __init__(self, root: Path = SAMPLE_DIR) -> None:
        self.root = root

    def read_json(self, path: str) -> object:
        return json.loads((self.root / path).read_text(encoding="utf-8"))

    def goals(self) -> dict[str, str]:
        return goals_from_json((self.root / "injection_goals.json").read_text(encoding="utf-8"))


def open_source(dataset: Literal["upstream", "sample"], data_dir: str | None) -> TaskFiles:
    if dataset == "sample":
        return SampleSource()
    return UpstreamSource(UpstreamFiles(mirror_root(data_dir)))
