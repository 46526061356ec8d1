"""The two strategies that take several calls: self-refine and expert prompting."""

from __future__ import annotations

import re
from collections import Counter

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from trustbench.judges.asking import Unreadable
from trustbench.judges.replies import final_json
from trustbench.tasks.epfl_courses.extraction import extract_choices
from trustbench.tasks.epfl_courses.metadata import question_from_metadata
from trustbench.tasks.epfl_courses.prompt_set import PromptSet

EXPERTS = 3


@solver
def self_refine(rounds: int, prompts: PromptSet) -> Solver:
    """Draft, then `rounds` times: the model critiques its answer and revises it (after Madaan
    et al., 2023). The last revision is what gets scored, for MCQ and open answers alike."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        question = question_from_metadata(state.metadata)
        state = await generate(state)
        for _ in range(rounds):
            state.messages.append(ChatMessageUser(content=prompts.critique()))
            state = await generate(state)
            state.messages.append(ChatMessageUser(content=prompts.revise(question)))
            state = await generate(state)
        return state

    return solve


def parse_experts(text: str) -> list[str] | None:
    """Three expert descriptions from a JSON object or list, or from numbered lines."""
    names: list[str] = []
    try:
        data = final_json(text)
    except Unreadable:
        data = None
    if data is not None:
        values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
        names = [str(v).strip() for v in values if isinstance(v, str | int | float)]
    if not names:
        names = re.findall(r"(?m)^\s*(?:\d+[.:)]|[-*•])\s*(.+?)\s*$", text)
    names = [n.strip(" .\"'") for n in names if n.strip(" .\"'")][:EXPERTS]
    return names if len(names) == EXPERTS else None


def majority_answer(answers: list[str], options: list[str]) -> tuple[int, str]:
    """Index of the expert whose option set most experts share (the earliest on a tie)."""
    picks = [extract_choices(a, options).choices for a in answers]
    counts = Counter(p for p in picks if p is not None)
    if not counts:
        return 0, "no expert answer could be read; the first expert's answer is scored"
    top = max(counts.values())
    winner = next(i for i, p in enumerate(picks) if p is not None and counts[p] == top)
    return winner, f"{top} of {len(answers)} experts agree"


def picked_expert(text: str, count: int) -> tuple[int, str]:
    found = re.search(rf"\b([1-{count}])\b", text)
    if found is None:
        return 0, "the choice could not be read; the first expert's answer is scored"
    return int(found.group(1)) - 1, "chosen by the model"


@solver
def expert_prompting(prompts: PromptSet) -> Solver:
    """Ask for three experts, let each answer, then keep the majority answer (MCQ) or the
    one the model judges best (open answers). Each call is in the transcript."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        question = question_from_metadata(state.metadata)
        model = get_model()
        professor = ChatMessageSystem(content=prompts.professor_system(question.course.name))
        naming = await model.generate(
            [professor, ChatMessageUser(content=prompts.name_experts(question))]
        )
        named = parse_experts(naming.completion)
        experts = named or prompts.fallback_experts(question.course.name)
        asked = ChatMessageUser(content=prompts.base(question))
        outputs: list[ModelOutput] = []
        for expert in experts:
            persona = ChatMessageSystem(content=prompts.expert_system(expert))
            outputs.append(await model.generate([persona, asked]))
        answers = [o.completion for o in outputs]
        if question.kind == "mcq":
            chosen, how = majority_answer(answers, list(question.options))
        else:
            pick = await model.generate(
                [professor, ChatMessageUser(content=prompts.pick_best(question, answers))]
            )
            chosen, how = picked_expert(pick.completion, len(answers))
        state.metadata["strategy_trace"] = {
            "experts": experts,
            "experts_named_by_model": named is not None,
            "chosen_expert": chosen + 1,
            "how": how,
        }
        final = outputs[chosen]
        persona = ChatMessageSystem(content=prompts.expert_system(experts[chosen]))
        state.messages = [persona, asked, final.message]
        state.output = final
        return state

    return solve
