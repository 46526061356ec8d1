"""Accuracy and throughput of the EPFL multiple-choice answer extractor.

Run `python benchmarks/epfl_extraction.py`. The corpus is ours: model-style replies in English
and French (tests/epfl_courses/fixtures/extraction_corpus.json), each with the option set a
careful human reads it as choosing, or null when no choice can be read. A reply counts as
right when the extractor returns exactly that set (or also finds nothing). The `tuning` split
was used while writing the extractor; the `heldout` split was written afterwards and never
tuned on, so it is the fairer estimate. Single-process wall-clock on the current machine (a
few seconds).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from trustbench.tasks.epfl_courses.extraction import extract_choices

CORPUS = Path(__file__).resolve().parents[1] / "tests/epfl_courses/fixtures/extraction_corpus.json"


def load_corpus() -> list[dict[str, Any]]:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    return [{**item, "options": data["option_sets"][item["options"]]} for item in data["items"]]


def expected(item: dict[str, Any]) -> list[str] | None:
    return None if item["expected"] is None else sorted(item["expected"].split(","))


def read(item: dict[str, Any]) -> list[str] | None:
    extraction = extract_choices(item["output"], item["options"])
    return extraction.letters() if extraction.parsed else None


def accuracy_report(items: list[dict[str, Any]]) -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for item in items:
        multi = item["expected"] is not None and "," in item["expected"]
        groups = [
            "all",
            f"split={item['split']}",
            f"lang={item['lang']}",
            "unparseable" if item["expected"] is None else ("multi" if multi else "single"),
        ]
        ok = read(item) == expected(item)
        for group in groups:
            total[group] += 1
            right[group] += ok
        if not ok:
            misses.append(item)
    print(f"extraction accuracy on {len(items)} replies (exact option set, or both unparseable):")
    for group in sorted(total, key=lambda g: (g != "all", g)):
        print(f"  {group:<16} {right[group] / total[group]:7.1%}  ({right[group]}/{total[group]})")
    false_alarms = sum(1 for i in items if i["expected"] is None and read(i) is not None)
    missed = sum(1 for i in items if i["expected"] is not None and read(i) is None)
    print(
        f"  read as unparseable though answerable: {missed}; read as an answer though not: {false_alarms}"
    )
    for item in misses:
        print(f"  MISS {item['output'][:70]!r}: expected {expected(item)}, got {read(item)}")


def throughput(items: list[dict[str, Any]], min_seconds: float = 2.0) -> None:
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < min_seconds:
        for item in items:
            extract_choices(item["output"], item["options"])
        done += len(items)
    chars = sum(len(i["output"]) for i in items) * done / len(items)
    print(
        f"throughput: {done / elapsed:,.0f} replies/s ({chars / elapsed / 1e6:.2f} MB/s of reply text)"
    )


def long_reply_throughput(items: list[dict[str, Any]], min_seconds: float = 1.0) -> None:
    """Long chain-of-thought replies (about 6 kB) stress the cue search."""
    long = [
        {**i, "output": ("Let us reason about each option in turn. " * 150) + i["output"]}
        for i in items[:50]
    ]
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < min_seconds:
        for item in long:
            extract_choices(item["output"], item["options"])
        done += len(long)
    print(f"throughput on ~6 kB replies: {done / elapsed:,.0f} replies/s")


def main() -> None:
    items = load_corpus()
    accuracy_report(items)
    throughput(items)
    long_reply_throughput(items)


if __name__ == "__main__":
    main()
