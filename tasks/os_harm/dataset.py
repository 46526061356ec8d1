"""Samples from the upstream manifests: 50 misuse, 50 injection variants, 50 misbehaviour tasks.

Injection base tasks expand to one sample per (vector, goal) they list, as upstream's run loop
does. Upstream quirks are handled on purpose:
- `98e8e339…` lists `stop_task` twice for its vs_code vector; upstream skipped the repeat (its
  result folder already existed), so we keep the first and count the skip (51 → 50).
- `_smear_campaign_aug` has an empty instruction; by default it is kept as upstream ran it
  (`empty_instruction="keep"`), or it takes its base task's instruction (`"base"`).
- `multi_apps/_fake_dating_profile` is in no manifest, so upstream never ran it: it is left out
  and named in the task metadata.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from inspect_ai.dataset import MemoryDataset, Sample

from trustbench.tasks.os_harm.errors import InvalidArgumentError, OsHarmDataError
from trustbench.tasks.os_harm.goals import goals_from_json, load_goals
from trustbench.tasks.os_harm.records import (
    CATEGORIES,
    MANIFESTS,
    Category,
    InjectionSpec,
    UpstreamTask,
    parse_manifest,
    parse_task,
    task_path,
)
from trustbench.tasks.os_harm.upstream import UpstreamFiles, mirror_root

SAMPLE_DIR = Path(__file__).with_name("data")
UNLISTED = {"multi_apps/_fake_dating_profile": "in no upstream manifest, so never run upstream"}
AUG_SUFFIX = "_aug"


class TaskFiles(Protocol):
    origin: str

    def read_json(self, path: str) -> object: ...

    def goals(self) -> dict[str, str]: ...


class UpstreamTaskFiles:
    """The pinned upstream files; every file and goal text is checked against its sha256."""

    def __init__(self, files: UpstreamFiles) -> None:
        self.files = files
        self.origin = files.origin

    def read_json(self, path: str) -> object:
        return self.files.read_json(path)

    def goals(self) -> dict[str, str]:
        return load_goals(self.files)


class SampleTaskFiles:
    """Our authored sample tasks and goal texts (no checksums: they are ours)."""

    origin = "sample"

    def __init__(self, root: Path = SAMPLE_DIR) -> None:
        self.root = root

    def read_json(self, path: str) -> object:
        return json.loads((self.root / path).read_text(encoding="utf-8"))

    def goals(self) -> dict[str, str]:
        return goals_from_json((self.root / "injection_goals.json").read_text(encoding="utf-8"))


def open_files(dataset: Literal["upstream", "sample"], data_dir: str | None) -> TaskFiles:
    """Where the task files come from: the pinned upstream files (mirror, cache or download),
    or the small sample set we authored in the upstream format (`data/`), with no network."""
    if dataset == "sample":
        return SampleTaskFiles()
    return UpstreamTaskFiles(UpstreamFiles(mirror_root(data_dir)))


@dataclass(frozen=True)
class Variant:
    """One sample-to-be: a task, and for injection tasks one vector and goal."""

    category: Category
    domain: str
    task: UpstreamTask
    injection: InjectionSpec | None = None
    goal: str | None = None
    goal_text: str | None = None

    @property
    def sample_id(self) -> str:
        if self.injection is None:
            return self.task.id
        return f"{self.task.id}__inject__{self.injection.type}__{self.goal}"

    @property
    def base_id(self) -> str:
        """The task family: a paraphrase shares its base task's (our sample tasks name theirs)."""
        return self.task.family or self.task.id.removesuffix(AUG_SUFFIX)


@dataclass(frozen=True)
class Loaded:
    variants: list[Variant]
    duplicates_skipped: list[str]


def _expand(
    category: Category, domain: str, task: UpstreamTask, goals: dict[str, str]
) -> list[Variant]:
    if category != "injection":
        return [Variant(category, domain, task)]
    return [
        Variant(category, domain, task, spec, goal, goals[goal])
        for spec in task.injections
        for goal in spec.goals
    ]


def load_variants(files: TaskFiles, categories: tuple[Category, ...]) -> Loaded:
    goals = files.goals() if "injection" in categories else {}
    variants: list[Variant] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for category in categories:
        manifest = MANIFESTS[category]
        for domain, task_id in parse_manifest(files.read_json(manifest), manifest):
            raw = files.read_json(task_path(domain, task_id))
            for variant in _expand(category, domain, parse_task(raw, domain, task_id), goals):
                if variant.sample_id in seen:
                    duplicates.append(variant.sample_id)
                    continue
                seen.add(variant.sample_id)
                variants.append(variant)
    return Loaded(variants, duplicates)


def instruction_of(
    variant: Variant, by_id: dict[str, Variant], empty_instruction: Literal["keep", "base"]
) -> tuple[str, list[str]]:
    """The instruction the agent gets, and the quirks that shaped it."""
    text = variant.task.instruction
    if text.strip():
        return text, []
    if empty_instruction == "base" and variant.base_id in by_id:
        return by_id[variant.base_id].task.instruction, ["empty_instruction_replaced_by_base"]
    return text, ["empty_instruction"]


def injection_metadata(variant: Variant) -> dict[str, Any] | None:
    if variant.injection is None:
        return None
    return {
        "vector": variant.injection.type,
        "goal": variant.goal,
        "text": variant.goal_text,
        "params": variant.injection.params or {},
        "additional_config": variant.injection.additional_config,
    }


Jailbreak = Callable[[str], str]
"""Wraps a misuse instruction in the jailbreak template of the prompts in use."""


def to_sample(
    variant: Variant,
    by_id: dict[str, Variant],
    jailbreak: Jailbreak | None,
    empty_instruction: Literal["keep", "base"],
) -> Sample:
    instruction, quirks = instruction_of(variant, by_id, empty_instruction)
    wrapped = jailbreak is not None and variant.category == "misuse"
    task = variant.task
    return Sample(
        id=variant.sample_id,
        input=jailbreak(instruction) if jailbreak is not None and wrapped else instruction,
        metadata={
            "category": variant.category,
            "domain": variant.domain,
            "application": variant.domain,
            "vector": variant.injection.type if variant.injection else None,
            "goal": variant.goal,
            "task_id": task.id,
            "base_id": variant.base_id,
            "paraphrase": task.id.endswith(AUG_SUFFIX),
            "instruction": instruction,
            "jailbreak": wrapped,
            "explanation": task.explanation,
            "related_apps": task.related_apps,
            "evaluator": task.evaluator_func,
            "config": [step.model_dump() for step in task.config],
            "injection": injection_metadata(variant),
            "quirks": quirks,
        },
    )


def build_dataset(
    loaded: Loaded, jailbreak: Jailbreak | None, empty_instruction: Literal["keep", "base"]
) -> MemoryDataset:
    by_id = {v.task.id: v for v in loaded.variants if v.injection is None}
    if not loaded.variants:
        raise OsHarmDataError("No tasks to evaluate: check category and the data source.")
    samples = [to_sample(v, by_id, jailbreak, empty_instruction) for v in loaded.variants]
    return MemoryDataset(samples, name="os_harm")


def categories_of(category: str) -> tuple[Category, ...]:
    if category == "all":
        return CATEGORIES
    for known in CATEGORIES:
        if category == known:
            return (known,)
    raise InvalidArgumentError("category", category, ("all", *CATEGORIES))
