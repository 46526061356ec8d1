"""The exam as an Inspect dataset: where the questions come from (the bundled sample, a file of
your own, or upstream), and the questions as samples for one strategy (its prompt messages and
the grading facts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from inspect_ai.dataset import MemoryDataset, Sample

from trustbench.tasks.epfl_courses.errors import ExamDataError
from trustbench.tasks.epfl_courses.metadata import sample_metadata
from trustbench.tasks.epfl_courses.prompt_set import PromptSet
from trustbench.tasks.epfl_courses.records import (
    Question,
    Skipped,
    parse_courses,
    parse_questions,
    read_json_list,
)
from trustbench.tasks.epfl_courses.similarity import nearest_in_course
from trustbench.tasks.epfl_courses.strategies import Strategy
from trustbench.tasks.epfl_courses.upstream import (
    COURSES,
    QUESTIONS,
    REPOSITORY,
    REVISION,
    upstream_file,
)
from trustbench.tasks.upstream_data import mirror_root

SAMPLE_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class ExamFiles:
    questions: Path
    courses: Path
    origin: str


def exam_files(
    dataset: Literal["upstream", "sample"],
    data_file: str | None,
    courses_file: str | None,
    data_dir: str | None,
) -> ExamFiles:
    """`data_file` (with `courses_file`, or a courses.json beside it) wins over `dataset`."""
    if courses_file is not None and data_file is None:
        raise ExamDataError(
            "courses_file describes the courses of a data_file: pass -T data_file=<questions> too."
        )
    if data_file is not None:
        questions = Path(data_file)
        courses = Path(courses_file) if courses_file else questions.with_name("courses.json")
        if not courses.is_file():
            raise ExamDataError(
                f"No courses file for {questions}: put a courses.json beside it, or pass "
                "-T courses_file=<path> (the upstream courses.json schema)."
            )
        return ExamFiles(questions, courses, f"file:{questions}")
    if dataset == "sample":
        return ExamFiles(
            SAMPLE_DIR / "sample_questions.json", SAMPLE_DIR / "sample_courses.json", "sample"
        )
    root = mirror_root(data_dir)
    return ExamFiles(
        upstream_file(QUESTIONS, root), upstream_file(COURSES, root), f"{REPOSITORY}@{REVISION}"
    )


def load_exam(
    files: ExamFiles, on_invalid: Literal["error", "skip"]
) -> tuple[list[Question], list[Skipped]]:
    courses = parse_courses(read_json_list(files.courses, "courses"), str(files.courses))
    records = read_json_list(files.questions, "questions")
    return parse_questions(records, courses, on_invalid)


def build_dataset(
    questions: list[Question], strategy: Strategy, demo_token_budget: int, prompts: PromptSet
) -> MemoryDataset:
    neighbours = nearest_in_course(questions, strategy.shots) if strategy.shots else {}
    samples = []
    for question in questions:
        demos = neighbours.get(question.id, [])
        messages = strategy.messages(prompts, question, demos, demo_token_budget)
        used = len([m for m in messages if m.role == "assistant"])
        samples.append(
            Sample(
                id=question.id,
                input=messages,
                target=question.answer_letters if question.kind == "mcq" else question.reference,
                metadata={
                    **sample_metadata(question),
                    "strategy": strategy.name,
                    "demo_ids": [d.id for d in demos[:used]],
                },
            )
        )
    return MemoryDataset(samples, name="epfl_courses")
