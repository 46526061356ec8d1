"""EPFL course exams (Borges et al., PNAS 2024): course assessment questions under one of eight
prompting strategies, graded against reference answers. Run once per strategy to compare them."""

from __future__ import annotations

from typing import Literal

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import accuracy, stderr

from trustbench.judges.rubric import DEFAULT_REL_TOL, label_score_map
from trustbench.report_spec import ReportSpec
from trustbench.tasks.epfl_courses.dataset import build_dataset, exam_files, load_exam
from trustbench.tasks.epfl_courses.errors import ExamDataError
from trustbench.tasks.epfl_courses.metrics import (
    BREAKDOWNS,
    breakdown_metrics,
    courses_passed,
    format_failure_rate,
)
from trustbench.tasks.epfl_courses.prompt_set import PromptSet
from trustbench.tasks.epfl_courses.prompts import TRUSTBENCH
from trustbench.tasks.epfl_courses.scorer import exam_scorer
from trustbench.tasks.epfl_courses.strategies import STRATEGIES
from trustbench.tasks.epfl_courses.upstream_prompts import load_upstream_prompts
from trustbench.tasks.upstream_data import mirror_root
from trustbench.tasks.upstream_text import PROMPTS

UPSTREAM_SAMPLING = GenerateConfig(
    temperature=0.8, top_p=1.0, frequency_penalty=0.8, presence_penalty=0.5, max_tokens=1024
)
"""Upstream's settings for every strategy (its scripts' sampling defaults; `max_tokens` as every
README example runs them); any of them can be overridden at eval time."""

StrategyName = Literal[
    "zero_shot",
    "one_shot",
    "cot_zero_shot",
    "cot_four_shot",
    "tree_of_thought",
    "metacog",
    "self_refine",
    "expert_prompting",
]


@task(needs={"data": "dataset=upstream"})
def epfl_courses(
    strategy: StrategyName = "zero_shot",
    dataset: Literal["upstream", "sample"] = "upstream",
    data_file: str | None = None,
    courses_file: str | None = None,
    data_dir: str | None = None,
    on_invalid: Literal["error", "skip"] = "error",
    prompts: Literal["upstream", "trustbench"] = "trustbench",
    pass_threshold: float = 0.5,
    label_scores: dict[str, float] | None = None,
    numeric_tolerance: float = DEFAULT_REL_TOL,
    refine_rounds: int = 1,
    demo_token_budget: int = 8192,
) -> Task:
    """Answer university STEM exam questions (MCQ and open, English and French) with one
    prompting strategy; accuracy overall and per course, program, language, level and type.

    `dataset=upstream` reads the pinned upstream questions (from `data_dir`, TRUSTBENCH_DATA, the
    cache, or a checked download); `sample` is our bundled 21-question set; `data_file` (plus
    `courses_file` or a courses.json beside it) evaluates any exam in the upstream schema.
    `prompts=upstream` loads the paper's own prompt texts the same way; `trustbench` is ours.
    """
    if strategy not in STRATEGIES:
        raise ExamDataError(
            f"Unknown strategy {strategy!r}; use -T strategy= one of: {', '.join(STRATEGIES)}"
        )
    if not 0.0 <= pass_threshold <= 1.0:
        raise ExamDataError(f"pass_threshold must be between 0 and 1, not {pass_threshold}.")
    if prompts not in PROMPTS:
        raise ExamDataError(f"prompts must be one of {', '.join(PROMPTS)}, not {prompts!r}.")
    if not 0.0 < numeric_tolerance < 1.0:
        raise ExamDataError(
            f"numeric_tolerance is relative: between 0 and 1, not {numeric_tolerance}."
        )
    wording: PromptSet = (
        load_upstream_prompts(mirror_root(data_dir)) if prompts == "upstream" else TRUSTBENCH
    )
    files = exam_files(dataset, data_file, courses_file, data_dir)
    questions, skipped = load_exam(files, on_invalid)
    if not questions:
        raise ExamDataError(f"No questions to evaluate in {files.questions}.")
    chosen = STRATEGIES[strategy]
    scores = label_score_map(label_scores)
    return Task(
        dataset=build_dataset(questions, chosen, demo_token_budget, wording),
        solver=chosen.solver(refine_rounds, wording),
        scorer=exam_scorer(label_scores, numeric_tolerance, wording),
        metrics=[
            accuracy(),
            stderr(),
            format_failure_rate(),
            courses_passed(pass_threshold),
            *breakdown_metrics(),
        ],
        config=UPSTREAM_SAMPLING,
        version=1,
        metadata={
            **ReportSpec(
                headline="accuracy", breakdowns=BREAKDOWNS, pass_threshold=pass_threshold
            ).metadata(),
            "strategy": strategy,
            "strategies": list(STRATEGIES),
            "compare_across": "strategy",
            "label_scores": {str(label): value for label, value in scores.items()},
            "numeric_tolerance": numeric_tolerance,
            "prompts": wording.record(),
            "source": files.origin,
            "questions": len(questions),
            "skipped_questions": len(skipped),
            "skipped": [{"question_id": s.question_id, "problem": s.problem} for s in skipped],
        },
    )
