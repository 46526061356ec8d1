"""Seed questions → Inspect samples: which file per domain, which rows, and what each sample
carries for the conversation (system prompt, first user turn, the simulated user's context)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser

from trustbench.tasks.halluhard.errors import HalluHardDataError
from trustbench.tasks.halluhard.prompts import DOMAINS, TRUSTBENCH_TARGET, TargetPrompts
from trustbench.tasks.halluhard.records import (
    CodingRow,
    LegalRow,
    MedicalRow,
    ResearchRow,
    Row,
    read_rows,
)
from trustbench.tasks.halluhard.upstream import CODING, LEGAL, MEDICAL, RESEARCH, pinned_file

SAMPLE_DIR = Path(__file__).parent / "data" / "sample"
PAPER_N = {"legal_cases": 100, "research_questions": 100, "medical_guidelines": 100, "coding": 50}
"""The paper judged the first 100 conversations per citation domain, and the first 50 per
language for coding (200 in all)."""

Dataset = Literal["upstream", "sample"]


@dataclass(frozen=True)
class SeedFile:
    domain: str
    path: Path
    version: str
    """What the log records: the upstream label (`v1@95601e1`) or `sample@<sha256 prefix>`."""


def seed_file(
    domain: str, dataset: Dataset, legal_version: str, research_order: str, data_dir: str | None
) -> SeedFile:
    if dataset == "sample":
        path = SAMPLE_DIR / f"{domain}.jsonl"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return SeedFile(domain, path, f"sample@{digest[:12]}")
    pins = {
        "legal_cases": LEGAL.get(legal_version),
        "research_questions": RESEARCH.get(research_order),
        "medical_guidelines": MEDICAL,
        "coding": CODING,
    }
    pin = pins[domain]
    if pin is None:
        raise HalluHardDataError(
            f"legal_version must be v1 or v2 (got {legal_version!r}); research_order must be "
            f"original or shuffled (got {research_order!r})."
        )
    return SeedFile(domain, pinned_file(pin, data_dir), pin.label)


def first_rows(domain: str, rows: list[Row], n: int | None) -> list[tuple[int, Row]]:
    """The first `n` rows in file order (per language for coding), as upstream's `--n`;
    `None` takes every row."""
    indexed = list(enumerate(rows))
    if n is None:
        return indexed
    if domain != "coding":
        return indexed[:n]
    taken: Counter[str] = Counter()
    chosen: list[tuple[int, Row]] = []
    for index, row in indexed:
        assert isinstance(row, CodingRow)
        if taken[row.language] < n:
            taken[row.language] += 1
            chosen.append((index, row))
    return chosen


def sample_metadata(domain: str, index: int, row: Row) -> dict[str, Any]:
    """What the conversation and the report need; bulky upstream fields (abstracts, guideline
    texts) stay out of the log."""
    meta: dict[str, Any] = {"domain": domain, "row": index, "question": row.seed}
    if isinstance(row, LegalRow):
        meta |= {
            "question_category": row.question_category,
            "legal_source": row.source,
            "case_id": row.case_id,
        }
    elif isinstance(row, ResearchRow):
        meta |= {
            "title": row.title,
            "doi": row.doi,
            "publication_year": row.publication_year,
            "cited_by_count": row.cited_by_count,
            "paper_group": row.paper_group,
            "arxiv_id": row.arxiv_id,
        }
    elif isinstance(row, MedicalRow):
        meta |= {
            "guideline_source": row.source,
            "topic": row.topic,
            "topic_line": row.guideline_text.split("\n")[0][:1000],
        }
    else:
        meta |= {"language": row.language, "task": row.task, "prompt_template": row.prompt_template}
    return meta


def to_sample(
    domain: str, index: int, row: Row, prompts: TargetPrompts = TRUSTBENCH_TARGET
) -> Sample:
    return Sample(
        id=f"{domain}-{index:03d}",
        input=[
            ChatMessageSystem(content=prompts.system[domain]),
            ChatMessageUser(content=row.seed + prompts.instruction[domain]),
        ],
        metadata=sample_metadata(domain, index, row),
    )


@dataclass(frozen=True)
class LoadedSeeds:
    dataset: MemoryDataset
    versions: dict[str, str]
    counts: dict[str, dict[str, int]]
    """Per domain: rows in the file, rows selected, unique seed questions among them."""


def load_seeds(
    domains: list[str],
    dataset: Dataset,
    n_per_domain: int | None,
    legal_version: str,
    research_order: str,
    data_dir: str | None,
    prompts: TargetPrompts = TRUSTBENCH_TARGET,
) -> LoadedSeeds:
    """Every file is checked (sha256, schema) before any sample is built."""
    unknown = [d for d in domains if d not in DOMAINS]
    if unknown or not domains:
        raise HalluHardDataError(f"domains must be among {', '.join(DOMAINS)}; got {domains}.")
    if n_per_domain is not None and n_per_domain < 1:
        raise HalluHardDataError(f"n_per_domain must be at least 1, not {n_per_domain}.")
    samples: list[Sample] = []
    versions: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for domain in domains:
        file = seed_file(domain, dataset, legal_version, research_order, data_dir)
        rows = read_rows(file.path, domain)
        n = PAPER_N[domain] if n_per_domain is None and dataset == "upstream" else n_per_domain
        chosen = first_rows(domain, rows, n)
        versions[domain] = file.version
        counts[domain] = {
            "rows": len(rows),
            "selected": len(chosen),
            "unique_questions": len({row.seed for _, row in chosen}),
        }
        samples += [to_sample(domain, index, row, prompts) for index, row in chosen]
    return LoadedSeeds(MemoryDataset(samples, name="halluhard"), versions, counts)
