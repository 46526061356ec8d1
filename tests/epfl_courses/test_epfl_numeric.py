"""Numeric grading with pint: notations, units, signs, decimal commas, confidence, and whole exam
files graded with no grader bound (the reference oracle scores 100 %, an echo 0 %)."""

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inspect_ai import eval
from inspect_ai.model import get_model

import trustbench._registry  # noqa: F401 - registers scripted/ and every plugin's reference models
from trustbench.judges.rubric import grade_numeric, parse_quantity, read_answer
from trustbench.judges.rubric.quantities import AmbiguousNumber, number_value
from trustbench.tasks.epfl_courses import epfl_courses

FIXTURES = Path(__file__).parent / "fixtures"
NUMERIC_EXAM = FIXTURES / "numeric_exam" / "questions.json"
SHIPPED = Path(__file__).resolve().parents[2] / "tasks" / "epfl_courses" / "data"
EXAM_FILES = [
    (SHIPPED / "sample_questions.json", SHIPPED / "sample_courses.json"),
    (NUMERIC_EXAM, NUMERIC_EXAM.with_name("courses.json")),
]


def grade(reply: str, reference: str, language: str = "English"):
    quantity = parse_quantity(reference, language)
    assert quantity is not None, reference
    return grade_numeric(reply, quantity, language=language)


@pytest.mark.parametrize(
    ("reply", "reference", "outcome"),
    [
        # tiny values are not all equal: relative tolerance, no absolute floor
        ("E = 1.0e-20 J", "3.0e-19 J", "wrong"),
        ("E = 2.0e-20 J", "1.0e-20 J", "wrong"),
        ("E = -1.0e-20 J", "1.0e-20 J", "wrong"),
        # unit exponents belong to the unit
        ("The molar mass is 169 g mol^{-1}", "169 g/mol", "correct"),
        ("The volume is 0.5 m^3", "0.5 m^3", "correct"),
        ("so g is 9.8 m/s^2.", "9.8 m/s^2", "correct"),
        ("The escape speed is 11 km / s", "11000 m/s", "correct"),
        ("The escape speed is 11 km / s", "11 km", "wrong"),
        # signs survive spacing
        ("x = -\\,6.8", "-6.8", "correct"),
        ("the answer is - 6.8", "6.8", "wrong"),
        ("the answer is - 6.8", "-6.8", "correct"),
        # LaTeX units, fractions, a power of ten alone, unit spellings
        ("Final answer: $12.5\\mathrm{~kJ}$", "12500 J", "correct"),
        ("\\boxed{\\frac{3}{4}}", "0.75", "correct"),
        ("The concentration is 10^{-3} M", "1 mM", "correct"),
        ("ΔH = -6.8 kJ mol^-1", "-6.8 kJ/mol", "correct"),
        ("\\boxed{3.2 \\times 10^{-19}}\\,\\mathrm{J}", "2 eV", "correct"),
        ("The answer is 298.15 K", "25 °C", "correct"),
        ("The answer is 75 %", "0.75", "correct"),
        ("The answer is 12 m/s (43.2 km/h).", "12 m/s", "correct"),
        ("answer: 3 s", "3 m", "wrong"),
        # a bare fraction against a percentage; the speed of light as a unit in a reference
        ("Answer: 0.38", "38 %", "correct"),
        ("Answer: 0.38 %", "38 %", "wrong"),
        ("v = 0.8c", "0.8 c", "correct"),
        ("v = 2.4e8 m/s", "0.8 c", "correct"),
        # π, and a prefix set apart from its unit
        ("Answer: 0.785", "$\\frac{\\pi}{4}$", "correct"),
        ("\\boxed{2\\pi}", "6.283", "correct"),
        ("Answer: 4700 ohm", "4.7 $\\mathrm{k} \\Omega$", "correct"),
    ],
)
def test_the_reported_misreadings_are_fixed(reply, reference, outcome):
    assert grade(reply, reference).outcome == outcome


@pytest.mark.parametrize(
    ("raw", "language", "value"),
    [
        ("0,0245", "English", 0.0245),
        ("1,2345", "English", 1.2345),
        ("1,5", "English", 1.5),
        ("1,234", "English", 1234.0),
        ("1,234", "French", 1.234),
        ("1,234,567", "French", 1234567.0),
        ("1.234,5", "French", 1234.5),
        ("1,234.5", "English", 1234.5),
        ("12 345,6", "French", 12345.6),
        ("1'234", "English", 1234.0),
        ("2.5E-3", "English", 0.0025),
    ],
)
def test_decimal_commas_follow_the_language_and_the_digit_grouping(raw, language, value):
    quantity = parse_quantity(raw, language)
    assert quantity is not None and quantity.value == pytest.approx(value)


@pytest.mark.parametrize("raw", ["1.2.3", "1,23,4", "1.234,5,6"])
def test_numbers_that_read_two_ways_are_refused(raw):
    with pytest.raises(AmbiguousNumber):
        number_value(raw, "English")


@pytest.mark.parametrize(
    "reference",
    [
        "2 cm and 3 cm",
        "12 apples",
        "The answer is 42",
        "O(n log n)",
        "\\frac{1}{2} m v^2",
        "2^{10}",
    ],
)
def test_references_that_are_not_one_quantity_go_to_the_grader(reference):
    assert parse_quantity(reference) is None


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("I do not know.", "no number"),
        ("The energy is 2 \\sqrt{3} J", "part of a formula"),
        ("E = h c / 500 nm", "part of a formula"),
        ("We tried 3 m and then 5 m.", "several different values"),
        ("Final answer: 1.2.3", "cannot read the number"),
        ("x" * 300 + "\nThank you for the question!", "no final answer"),
    ],
)
def test_a_reply_without_a_confident_value_is_unreadable_never_guessed(reply, why):
    verdict = grade(reply, "3 m")
    assert verdict.outcome == "unreadable" and why in verdict.reason


def test_the_final_value_is_read_where_the_reply_states_it():
    long_work = "We use E = h c / λ with λ = 500 nm and h = 6.626e-34 J s. " * 80
    assert read_answer(long_work + "\nSo E = 3.97e-19 J.").quantity.value == pytest.approx(3.97e-19)
    closing = read_answer(long_work + "\nSo E = 3.97e-19 J.\n\nI hope this helps!\nGood luck.")
    assert closing.method == "last_line" and closing.quantity.value == pytest.approx(3.97e-19)
    reading = read_answer(long_work + "\n**Final answer:** 3.97 × 10⁻¹⁹ J\nHope this helps.")
    assert reading.method == "cue" and reading.quantity.value == pytest.approx(3.97e-19)
    reading = read_answer("Answer:\n\nE = hc/λ = 3.97e-19 J")
    assert reading.method == "cue" and reading.quantity.value == pytest.approx(3.97e-19)
    assert read_answer("\\boxed{E = 4.1 eV} since 3 < 4").method == "boxed"
    assert read_answer("La réponse est 0,0245 mol", "French").quantity.value == 0.0245


# --- properties: any value, any notation, at every magnitude


def superscript(n: int) -> str:
    return str(n).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


UNITS = [  # reference unit, another unit of the same kind, its factor to the reference unit
    ("J", "kJ", 1e3),
    ("m", "km", 1e3),
    ("Pa", "kPa", 1e3),
    ("g/mol", "kg/mol", 1e3),
    ("s", "ms", 1e-3),
    ("", "", 1.0),
]


def notations(mantissa: float, exponent: int, unit: str, other: str, factor: float) -> list:
    """The value mantissa × 10^exponent in `unit`, written 20 ways (and the language to read
    them in)."""
    m = f"{mantissa:.6f}"
    value = mantissa * 10.0**exponent
    minus = "−" if mantissa < 0 else ""
    a = f"{abs(mantissa):.6f}"
    tex_unit = f"\\,\\mathrm{{{unit}}}" if unit else ""
    sp = f" {unit}" if unit else ""
    converted = value / factor
    return [
        (f"{value:.6e}{sp}", "English"),
        (f"{value:.6E}{unit}", "English"),
        (f"${m} \\times 10^{{{exponent}}}{tex_unit}$", "English"),
        (f"{m} \\cdot 10^{{{exponent}}} \\text{{{sp}}}", "English"),
        (f"{minus}{a}×10{superscript(exponent)}{sp}", "English"),
        (f"{m}·10^{exponent}{sp}", "English"),
        (f"{m}*10**{exponent}{sp}", "English"),
        (f"\\boxed{{{m} \\times 10^{{{exponent}}}\\ \\mathrm{{{unit}}}}}", "English"),
        (f"The answer is {value:.6g}{sp}.", "English"),
        (f"La réponse est {m.replace('.', ',')} × 10^{{{exponent}}}{sp}.", "French"),
        (f"Working: 2 × 3 = 6, then 4.\n\nFinal answer: {value:.6e}{sp}", "English"),
        (f"x = {converted:.6e} {other}".rstrip(), "English"),
        (f"E ≈ {value:.6g}{sp}", "English"),
        (f"{m} 10^{{{exponent}}}{sp}", "English"),
        (f"{m}\u2009×\u200910^{exponent}{sp}", "English"),
        (f"$({m} \\pm 0.000001) \\times 10^{{{exponent}}}\\mathrm{{~{unit}}}$", "English"),
        (f"**Answer:** {value:.6e}{sp}", "English"),
        (f"Therefore\n\n\\[ {m} \\times 10^{{{exponent}}}{tex_unit} \\]", "English"),
        (f"{value:.6e} {other}".rstrip() if not unit else f"{converted:.6e} {other}", "English"),
        (f"Réponse : {minus}{a.replace('.', ',')}e{exponent}{sp}", "French"),
    ]


mantissas = st.integers(1000, 9999).map(lambda k: k / 1000) | st.integers(-9999, -1000).map(
    lambda k: k / 1000
)
exponents = st.integers(-30, 30)
units = st.sampled_from(UNITS)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(mantissas, exponents, units)
def test_the_same_value_in_twenty_notations_is_correct(mantissa, exponent, unit):
    symbol, other, factor = unit
    reference = parse_quantity(f"{mantissa:.6f}e{exponent} {symbol}".strip())
    written = notations(mantissa, exponent, symbol, other, factor)
    assert len(written) == 20
    for reply, language in written:
        verdict = grade_numeric(reply, reference, language=language)
        assert verdict.correct, (reply, verdict)


@PROPERTY
@given(mantissas, exponents, units, st.sampled_from([1.05, 0.95, -1.0, 10.0, 0.1, 1.02, 0.98]))
def test_values_off_by_5_percent_a_sign_or_ten_times_are_wrong(mantissa, exponent, unit, error):
    symbol, other, factor = unit
    reference = parse_quantity(f"{mantissa:.6f}e{exponent} {symbol}".strip())
    wrong = mantissa * error
    for reply, language in notations(wrong, exponent, symbol, other, factor):
        verdict = grade_numeric(reply, reference, language=language)
        assert verdict.outcome == "wrong", (reply, verdict)


def exam_references(questions: Path, courses: Path):
    languages = {
        str(c["course_id"]): c["course_language"]
        for c in json.loads(courses.read_text(encoding="utf-8"))
    }
    for q in json.loads(questions.read_text(encoding="utf-8")):
        if q["question_type"] != "open_answer":
            continue
        answer = q["question_answer"]
        yield (answer[0] if isinstance(answer, list) else answer), languages[str(q["course_id"])]


@pytest.mark.parametrize(("questions", "courses"), EXAM_FILES, ids=lambda p: p.parent.name)
def test_every_numeric_reference_graded_against_itself_is_correct(questions, courses):
    numeric = 0
    for reference, language in exam_references(questions, courses):
        quantity = parse_quantity(reference, language)
        if quantity is None:
            continue
        numeric += 1
        assert grade_numeric(reference, quantity, language=language).correct, reference
    assert numeric > 0


def test_every_reference_of_the_numeric_exam_is_read_as_a_quantity():
    unread = [
        ref
        for ref, lang in exam_references(NUMERIC_EXAM, NUMERIC_EXAM.with_name("courses.json"))
        if parse_quantity(ref, lang) is None
    ]
    assert unread == []


@pytest.fixture(scope="module")
def numeric_exam_logs():
    task = epfl_courses(data_file=str(NUMERIC_EXAM))
    logs = {}
    for model in ("scripted/epfl-reference", "scripted/echo", "scripted/epfl-wrong"):
        [log] = eval(task, model=get_model(model), display="none")
        assert log.status == "success", log.error
        logs[model] = log
    return logs


def test_a_numeric_exam_is_graded_right_with_no_grader(numeric_exam_logs):
    questions = json.loads(NUMERIC_EXAM.read_text(encoding="utf-8"))
    for model, expected in [
        ("scripted/epfl-reference", 1.0),
        ("scripted/echo", 0.0),
        ("scripted/epfl-wrong", 0.0),
    ]:
        log = numeric_exam_logs[model]
        results = log.results.scores[0]
        assert results.unscored_samples == 0, model
        assert results.scored_samples == len(questions)
        assert results.metrics["accuracy"].value == expected, model


def test_an_echo_is_a_format_failure_not_an_answer(numeric_exam_logs):
    log = numeric_exam_logs["scripted/echo"]
    assert log.results.scores[0].metrics["format_failure_rate"].value == 1.0
    scores = [s.scores["exam_scorer"] for s in log.samples]
    assert {s.metadata["scoring"] for s in scores} == {"echo"}
    assert all(not math.isnan(s.value) and s.value == 0.0 for s in scores)
