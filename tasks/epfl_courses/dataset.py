"""Questions → Inspect samples for one strategy: its prompt messages and the grading facts."""

from __future__ import annotations

from inspect_ai.dataset import MemoryDataset, Sample

from trustbench.tasks.epfl_courses.metadata import sample_metadata
from trustbench.tasks.epfl_courses.prompt_set import PromptSet
from trustbench.tasks.epfl_courses.records import Question
from trustbench.tasks.epfl_courses.similarity import nearest_in_course
from trustbench.tasks.epfl_courses.strategies import Strategy


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
