"""Prompt text for the eight strategies, in our own words.

The structure follows upstream (which strategies have a system message, how options are laid
out, what answer line is asked for); the wording is ours. Prompts are in English for every
course, as upstream's default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from trustbench.tasks.epfl_courses.records import LETTERS, Question

Layout = Literal["numbered", "lettered", "bracketed"]
"""Upstream's three option layouts: `1. text` (zero/one-shot, experts), `A: text` (CoT,
self-refine), `[A]: text` (tree of thought, metacognitive)."""


def options_block(options: Sequence[str], layout: Layout) -> str:
    if layout == "numbered":
        return "\n".join(f"{i + 1}. {text}" for i, text in enumerate(options))
    if layout == "lettered":
        return "\n".join(f"{LETTERS[i]}: {text}" for i, text in enumerate(options))
    return "\n".join(f"[{LETTERS[i]}]: {text}" for i, text in enumerate(options))


def expert_system(course_name: str) -> str:
    return f"You are an expert in {course_name}."


def professor_system(course_name: str) -> str:
    return f"You are a professor of {course_name}."


# Zero-shot, one-shot and the expert answers: instruction, body, numbered options.
BASE = {
    "single": "Below is a question followed by its answer options. Exactly one option is "
    "correct. Give the correct option.",
    "multi": "Below is a question followed by its answer options. More than one option may be "
    "correct. Give every correct option.",
    "open": "Answer the following question.",
}


def variant(question: Question) -> str:
    if question.kind == "open_answer":
        return "open"
    return "multi" if question.multiple else "single"


def base_prompt(question: Question) -> str:
    text = f"{BASE[variant(question)]}\n{question.body}"
    if question.kind == "mcq":
        text += "\n" + options_block(question.options, "numbered")
    return text


def numbered_answer(question: Question) -> str:
    """A demonstration's answer: the reference, or the correct options as numbered lines."""
    if question.kind == "open_answer":
        return question.reference
    return "\n".join(f"{i + 1}. {question.options[i]}" for i in question.answer_index)


# Chain of thought (zero- and four-shot).
COT = {
    "single": "Below is a question followed by its answer options. Exactly one option is "
    "correct. Reason step by step first, then give the correct option.",
    "multi": "Below is a question followed by its answer options. More than one option may be "
    "correct. Reason step by step first, then give every correct option.",
    "open": "Answer the following question. Reason step by step first, then give your answer.",
}


def cot_prompt(question: Question) -> str:
    text = f"{COT[variant(question)]}\nQuestion: {question.body}"
    if question.kind == "mcq":
        text += "\nAnswer options:\n" + options_block(question.options, "lettered")
    return text


def cot_demo_answer(question: Question) -> str:
    """Worked reasoning when the record has an explanation; otherwise the answer alone."""
    if question.kind == "open_answer":
        answer = question.reference
    else:
        answer = "\n".join(f"{LETTERS[i]}. {question.options[i]}" for i in question.answer_index)
    if question.explanation:
        return f"Explanation: {question.explanation}\nAnswer: {answer}"
    return f"Answer: {answer}"


# Tree of thought and metacognitive prompting share the answer line and bracketed options.
FINAL_LINE = {
    "single": 'End your reply with "Final answer is [X]", where X is the option you chose.',
    "multi": 'End your reply with "Final correct answers are [X, Y]", listing every option '
    "you chose.",
    "open": 'End your reply with "Final answer is " followed by your answer.',
}

CHOOSE = {
    "single": "Choose one of these options:",
    "multi": "You may choose more than one of these options:",
}

TREE_OF_THOUGHT = """\
Picture three experts working together on this {kind} question. They reason step by step, \
carefully, taking every relevant fact into account. Each expert writes down one step of their \
reasoning and shares it with the group; each then critiques their own step and everyone else's, \
and checks it against established science{physics}. Then they all move on to the next step. An \
expert who finds a flaw in their reasoning goes back to where it went wrong; an expert who \
realises they are wrong leaves the discussion, and the others may start a fresh line of thought. \
Each expert says how likely they think their current answer is to be right. They continue until \
they agree on the single most likely answer. {final}"""


def _question_with_choices(question: Question) -> str:
    text = f"The question is:\n{question.body}"
    if question.kind == "mcq":
        text += f"\n{CHOOSE[variant(question)]}\n" + options_block(question.options, "bracketed")
    return text


def tree_of_thought_prompt(question: Question) -> str:
    open_answer = question.kind == "open_answer"
    intro = TREE_OF_THOUGHT.format(
        kind="open-answer" if open_answer else "multiple-choice",
        physics=" and the laws of physics" if open_answer else "",
        final=FINAL_LINE[variant(question)],
    )
    return f"{intro}\n\n{_question_with_choices(question)}"


METACOGNITIVE_TASK = {
    "single": "Answer the following multiple-choice question. Choose exactly one option.",
    "multi": "Answer the following multiple-choice question. You may choose several options.",
    "open": "Answer the following open-answer question.",
}

METACOGNITIVE_STEPS = """\
Work through it in four steps:
1. Restate the question in your own words, to be sure you understand it.
2. Identify the concepts and methods that apply, and propose a first answer.
3. Review that first analysis critically. If you are not sure it is right, work through the \
problem again.
4. Settle on your final answer and explain why you chose it."""


def metacognitive_prompt(question: Question) -> str:
    v = variant(question)
    return "\n\n".join(
        [
            METACOGNITIVE_TASK[v],
            _question_with_choices(question),
            METACOGNITIVE_STEPS,
            FINAL_LINE[v],
        ]
    )


# Self-refine: a reasoned draft, the model's own critique, a revision.
DRAFT = {
    "single": "Below is a question followed by its answer options. Exactly one option is "
    "correct. Give your reasoning first, then the correct option.",
    "multi": "Below is a question followed by its answer options. More than one option may be "
    "correct. Give your reasoning first, then every correct option.",
    "open": "Answer the following question. Give your reasoning first, then your answer.",
}

CRITIQUE = (
    "Review the answer you just gave, as a strict examiner would. Point out every error in "
    "reasoning, in calculation or in the choice of option, and anything that is missing. Do "
    "not write a new answer yet."
)

REVISE = {
    "mcq": "Now write an improved answer that fixes the problems you found and keeps what was "
    'right. End with a line "Final answer: " followed by the letter(s) of the option(s) you '
    "chose.",
    "open_answer": "Now write an improved answer that fixes the problems you found and keeps "
    'what was right. End with a line "Final answer: " followed by your answer.',
}


def draft_prompt(question: Question) -> str:
    text = f"{DRAFT[variant(question)]}\nQuestion: {question.body}"
    if question.kind == "mcq":
        text += "\n" + options_block(question.options, "lettered")
    return text


# Expert prompting: name three experts, let each answer, then pick (open) or vote (MCQ).
NAME_EXPERTS = (
    "Name the three kinds of expert best placed to answer the question below. Reply with a "
    'JSON object only, mapping "1", "2" and "3" to a short description of each expert, with no '
    "explanation."
)

FALLBACK_EXPERTS = (
    "a professor of {course}",
    "a teaching assistant for {course}",
    "a researcher working in {course}",
)
"""Used when the model's list of experts cannot be read."""


def name_experts_prompt(question: Question) -> str:
    text = f"{NAME_EXPERTS}\nQuestion: {question.body}"
    if question.kind == "mcq":
        text += "\n" + options_block(question.options, "numbered")
    return text


def expert_system_for(expert: str) -> str:
    return f"You are {expert}."


def pick_best_prompt(question: Question, answers: Sequence[str]) -> str:
    lines = [
        f"Three experts answered the question below.\nQuestion: {question.body}",
        *(f"Expert {i + 1}: {answer}" for i, answer in enumerate(answers)),
        "Which expert gave the best answer? Reply with that expert's number.",
    ]
    return "\n".join(lines)
