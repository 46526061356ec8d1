"""Accuracy and throughput of the EPFL multiple-choice answer extractor, and throughput of the
numeric grader on long chain-of-thought replies.

Run `python benchmarks/epfl_extraction.py [--baseline REV]`. With `--baseline`, the numeric
grader of git revision REV (one from before the pint grader, e.g. 3615527, whose API was
`grade_numeric(reply, parse_reference(reference), rel_tol)`) is timed on the same replies in the
same run, and the ratio printed. The MCQ corpus is ours: model-style replies in English
and French (tests/epfl_courses/fixtures/extraction_corpus.json), each with the option set a
careful human reads it as choosing, or null when no choice can be read. A reply counts as
right when the extractor returns exactly that set (or also finds nothing). The `tuning` split
was used while writing the extractor; the `heldout` split was written afterwards and never
tuned on, so it is the fairer estimate. Single-process wall-clock on the current machine (a
few seconds).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trustbench.judges.rubric import grade_numeric, parse_reference
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


REPO = Path(__file__).resolve().parents[1]
WORKING = (
    "We start from the photon energy, $E = h c / \\lambda$, with $h = 6.626 \\times 10^{-34}"
    "\\,\\mathrm{J\\,s}$ and $c = 3.00 \\times 10^{8}\\,\\mathrm{m\\,s^{-1}}$. For "
    "$\\lambda = 500\\,\\mathrm{nm}$ the product $h c = 1.99 \\times 10^{-25}$ J m, so we "
    "divide by 5.00e-7 m. Checking units: J s × m/s / m = J.\n"
)
FINALS = [  # how chain-of-thought replies end: (ending, reference)
    ("\n\nTherefore the answer is {v} × 10^{{-19}} J.", "{v} × 10^-19 J"),
    ("\n\n**Final answer:** $\\boxed{{{v} \\times 10^{{-19}}\\,\\mathrm{{J}}}}$", "{v}e-19 J"),
    ("\n\nSo E = {v}e-19 J", "{v} × 10⁻¹⁹ J"),
    ("\n\nLa réponse est {c} × 10^{{-19}} J.", "{v}e-19 J"),
    ("\n\nIn electronvolts: E ≈ {ev} eV", "{v}e-19 J"),
]


def numeric_replies(count: int = 100, size: int = 6000) -> list[tuple[str, str, str]]:
    """(reply, reference, language): about `size` characters of working, then a final value."""
    body = (WORKING * (size // len(WORKING) + 1))[:size]
    replies = []
    for i in range(count):
        value = 3.90 + (i % 9) * 0.01
        ending, reference = FINALS[i % len(FINALS)]
        fields = {"v": f"{value:.2f}", "c": f"{value:.2f}".replace(".", ","), "ev": value / 1.602}
        fields["ev"] = f"{fields['ev']:.3f}"
        language = "French" if "réponse" in ending else "English"
        replies.append((body + ending.format(**fields), reference.format(**fields), language))
    return replies


Grader = Callable[[str, str, str], bool]


def current_grader(reply: str, reference: str, language: str) -> bool:
    quantity = parse_reference(reference, language)
    assert quantity is not None, reference
    return grade_numeric(reply, quantity, language=language).correct


def baseline_grader(revision: str) -> Grader:
    """The numeric grader as it was at `revision` (its own module, loaded from git)."""
    source = subprocess.run(
        ["git", "show", f"{revision}:judges/rubric/numeric.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("baseline_numeric")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:judges/rubric/numeric.py", "exec"), module.__dict__)

    def grade(reply: str, reference: str, language: str) -> bool:
        quantity = module.parse_quantity(reference)
        return quantity is not None and module.grade_numeric(reply, quantity, 0.01).correct

    return grade


def answers_per_second(
    grader: Grader, replies: list[tuple[str, str, str]], seconds: float
) -> float:
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for reply, reference, language in replies:
            grader(reply, reference, language)
        done += len(replies)
    return done / elapsed


def numeric_throughput(baseline: str | None, seconds: float = 2.0) -> None:
    replies = numeric_replies()
    size = sum(len(r) for r, _, _ in replies) / len(replies)
    right = sum(current_grader(*r) for r in replies)
    now = answers_per_second(current_grader, replies, seconds)
    print(f"numeric grading on ~{size / 1000:.1f} kB chain-of-thought replies:")
    print(f"  pint grader:     {now:,.0f} answers/s, {right}/{len(replies)} graded correct")
    if baseline:
        old = baseline_grader(baseline)
        old_right = sum(old(*r) for r in replies)
        before = answers_per_second(old, replies, seconds)
        print(
            f"  grader at {baseline}: {before:,.0f} answers/s, {old_right}/{len(replies)} correct"
        )
        print(f"  ratio (pint / {baseline}): {now / before:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="git revision whose numeric grader to time as well")
    args = parser.parse_args()
    items = load_corpus()
    accuracy_report(items)
    throughput(items)
    long_reply_throughput(items)
    numeric_throughput(args.baseline)


if __name__ == "__main__":
    main()
