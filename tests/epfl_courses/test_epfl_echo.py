"""Parsers read only the model's answer: a reply that repeats its prompt scores 0 as a format
failure under every strategy, and what a reply copied is removed before its answer is read."""

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.judges.echo import own_words
from trustbench.tasks.epfl_courses import epfl_courses
from trustbench.tasks.epfl_courses.extraction import extract_choices
from trustbench.tasks.epfl_courses.prompts import TRUSTBENCH
from trustbench.tasks.epfl_courses.records import Course, Question
from trustbench.tasks.epfl_courses.scorer import names_an_option
from trustbench.tasks.epfl_courses.strategies import STRATEGIES

PROMPT = """Below is a question followed by its answer options. Exactly one option is correct.
Which property of an ideal gas stays the same when it expands at constant temperature?
A: Its pressure
B: Its volume
C: Its internal energy
D: Its entropy"""
OPTIONS = ["Its pressure", "Its volume", "Its internal energy", "Its entropy"]


def test_a_repeated_prompt_leaves_nothing_to_read():
    own = own_words(PROMPT, [PROMPT], names_an_answer=names_an_option(OPTIONS))
    assert own.only_echo and own.copied_lines == 6


def test_an_answer_after_a_repeated_prompt_is_still_read():
    reply = PROMPT + "\n\nThe internal energy depends on temperature only.\nAnswer: C"
    own = own_words(reply, [PROMPT], names_an_answer=names_an_option(OPTIONS))
    assert not own.only_echo
    assert extract_choices(own.text, OPTIONS).letters() == ["C"]


def test_a_quoted_option_is_the_choice_not_an_echo():
    own = own_words("C: Its internal energy", [PROMPT], names_an_answer=names_an_option(OPTIONS))
    assert own.copied_lines == 0 and own.text == "C: Its internal energy"
    short = own_words("Its volume", ["Its volume"])
    assert short.text == "Its volume"  # a copied run under 20 characters stays


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_an_echo_scores_zero_under_every_strategy(strategy):
    """`scripted/echo` repeats the last user message (the critique or revision request under
    self-refine, the question under expert prompting): every sample scores 0, none is left
    unscored, every one is a format failure."""
    task = epfl_courses(dataset="sample", strategy=strategy)
    [log] = eval(task, model=get_model("scripted/echo"), display="none")
    assert log.status == "success", log.error
    results = log.results.scores[0]
    assert results.unscored_samples == 0
    assert results.metrics["accuracy"].value == 0.0
    assert results.metrics["format_failure_rate"].value == 1.0


COURSE = Course("c", "Optics", "Physics", "English", "bachelor")
NEUTRAL = [f"item number {i}" for i in range(26)]
"""26 options: every letter is an option, so a placeholder like `[X]` would be read as one."""


def question(kind: str, multiple: bool = False) -> Question:
    mcq = kind == "mcq"
    return Question(
        "q", COURSE, kind, "BODY", tuple(NEUTRAL) if mcq else (), (0, 2) if multiple else (1,),
        multiple, NEUTRAL[1] if mcq else "42", None, None, None,
    )  # fmt: skip


def instruction_lines(text: str) -> str:
    """The prompt without the question and its options: what the wording itself says."""
    return "\n".join(
        line
        for line in text.splitlines()
        if "BODY" not in line and not any(o in line for o in NEUTRAL)
    )


@pytest.mark.parametrize(
    "q", [question("mcq"), question("mcq", multiple=True)], ids=["single", "multi"]
)
def test_no_instruction_shows_an_answer_the_extractor_accepts(q):
    """Answer lines are asked for with placeholders (`[option letter]`), never an example."""
    p = TRUSTBENCH
    texts = [
        p.base(q), p.cot(q), p.tree_of_thought(q), p.metacognitive(q), p.draft(q), p.critique(),
        p.revise(q), p.name_experts(q), p.pick_best(q, ["one", "two", "three"]),
    ]  # fmt: skip
    for text in texts:
        wording = instruction_lines(text)
        assert not extract_choices(wording, NEUTRAL).parsed, wording
    assert "[option letter]" in p.tree_of_thought(q) or "[option letters]" in p.tree_of_thought(q)
