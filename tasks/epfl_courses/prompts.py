"""Prompt text for the eight strategies, in our own words (`-T prompts=trustbench`).

The structure follows upstream (which strategies have a system message, how options are laid
out, what answer line is asked for); the wording is ours. Prompts are in English for every
course, as upstream's default. No prompt shows an answer the scorer would accept: the answer
lines asked for use placeholders the extractor refuses (`[option letter]`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trustbench.judges.rubric import OUR_GRADING, GradingWording
from trustbench.tasks.epfl_courses.prompt_set import (
    Layout,
    PromptSet,
    lettered_answer,
    options_block,
    variant,
)
from trustbench.tasks.epfl_courses.records import Question

# Zero-shot, one-shot and the expert answers: instruction, body, numbered options.
BASE = {
    "single": "Below is a question followed by its answer options. Exactly one option is "
    "correct. Give the correct option.",
    "multi": "Below is a question followed by its answer options. More than one option may be "
    "correct. Give every correct option.",
    "open": "Answer the following question.",
}


# Chain of thought (zero- and four-shot).
COT = {
    "single": "Below is a question followed by its answer options. Exactly one option is "
    "correct. Reason step by step first, then give the correct option.",
    "multi": "Below is a question followed by its answer options. More than one option may be "
    "correct. Reason step by step first, then give every correct option.",
    "open": "Answer the following question. Reason step by step first, then give your answer.",
}


# Tree of thought and metacognitive prompting share the answer line and bracketed options.
FINAL_LINE = {
    "single": 'End your reply with "Final answer is [option letter]", with the letter of the '
    "option you chose.",
    "multi": 'End your reply with "Final correct answers are [option letters]", listing the '
    "letter of every option you chose.",
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
    'right. End with a line "Final answer: [option letters]", giving the letter of every option '
    "you chose.",
    "open_answer": "Now write an improved answer that fixes the problems you found and keeps "
    'what was right. End with a line "Final answer: " followed by your answer.',
}


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


class TrustbenchPrompts(PromptSet):
    """Our wording; the layout around it follows upstream's code."""

    name = "trustbench"

    def record(self) -> dict[str, Any]:
        return {"prompts": self.name}

    def base(self, question: Question) -> str:
        return _with_options(f"{BASE[variant(question)]}\n{question.body}", question, "numbered")

    def cot_system(self, course: str) -> str:
        return f"You are an expert in {course}."

    def cot(self, question: Question) -> str:
        text = f"{COT[variant(question)]}\nQuestion: {question.body}"
        if question.kind == "mcq":
            text += "\nAnswer options:\n" + options_block(question.options, "lettered")
        return text

    def cot_demo_answer(self, question: Question) -> str:
        """Worked reasoning when the record has an explanation; otherwise the answer alone."""
        answer = lettered_answer(question)
        if question.explanation:
            return f"Explanation: {question.explanation}\nAnswer: {answer}"
        return f"Answer: {answer}"

    tot_system = metacog_system = refine_system = cot_system

    def tree_of_thought(self, question: Question) -> str:
        open_answer = question.kind == "open_answer"
        intro = TREE_OF_THOUGHT.format(
            kind="open-answer" if open_answer else "multiple-choice",
            physics=" and the laws of physics" if open_answer else "",
            final=FINAL_LINE[variant(question)],
        )
        return f"{intro}\n\n{_question_with_choices(question)}"

    def metacognitive(self, question: Question) -> str:
        kind = variant(question)
        parts = [METACOGNITIVE_TASK[kind], _question_with_choices(question)]
        return "\n\n".join([*parts, METACOGNITIVE_STEPS, FINAL_LINE[kind]])

    def draft(self, question: Question) -> str:
        text = f"{DRAFT[variant(question)]}\nQuestion: {question.body}"
        return _with_options(text, question, "lettered")

    def critique(self) -> str:
        return CRITIQUE

    def revise(self, question: Question) -> str:
        return REVISE[question.kind]

    def professor_system(self, course: str) -> str:
        return f"You are a professor of {course}."

    def name_experts(self, question: Question) -> str:
        return _with_options(f"{NAME_EXPERTS}\nQuestion: {question.body}", question, "numbered")

    def expert_system(self, expert: str) -> str:
        return f"You are {expert}."

    def fallback_experts(self, course: str) -> list[str]:
        return [expert.format(course=course) for expert in FALLBACK_EXPERTS]

    def pick_best(self, question: Question, answers: Sequence[str]) -> str:
        lines = [
            f"Three experts answered the question below.\nQuestion: {question.body}",
            *(f"Expert {i + 1}: {answer}" for i, answer in enumerate(answers)),
            "Which expert gave the best answer? Reply with that expert's number.",
        ]
        return "\n".join(lines)

    @property
    def grading(self) -> GradingWording:
        return OUR_GRADING


def _with_options(text: str, question: Question, layout: Layout) -> str:
    if question.kind == "mcq":
        text += "\n" + options_block(question.options, layout)
    return text


def _question_with_choices(question: Question) -> str:
    text = f"The question is:\n{question.body}"
    if question.kind == "mcq":
        text += f"\n{CHOOSE[variant(question)]}\n" + options_block(question.options, "bracketed")
    return text


TRUSTBENCH = TrustbenchPrompts()
