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
from trustbench.judges.rubric import expects_range, grade_numeric, parse_reference, read_answer
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
    quantity = parse_reference(reference, language)
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
        ("Answer: 0.38", "38 %", "unreadable"),
        ("Answer: 38", "38 %", "correct"),
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


FINAL_T = "What is the final temperature?"
RISE = "By how much does the temperature rise?"


@pytest.mark.parametrize(
    ("reply", "reference", "question", "outcome"),
    [
        # a unit's capitals are part of it: an unknown word is unreadable, another unit wrong
        ("m = 12 Kg", "12 kg", "", "unreadable"),
        ("m = 7 KG", "7 kg", "", "unreadable"),
        ("E = 4.2 KJ", "4.2 kJ", "", "unreadable"),
        ("σ = 200 Mpa", "200 MPa", "", "unreadable"),
        ("f = 50 hz", "50 Hz", "", "unreadable"),
        ("d = 3 Mm", "3 mm", "", "wrong"),
        ("P = 5 mW", "5 MW", "", "wrong"),
        ("G = 3 ms", "3 mS", "", "wrong"),
        ("V = 2 l", "2 L", "", "correct"),
        # a short unit name that is also its symbol takes a prefix of either style
        ("p = 3 mbar", "0.003 bar", "", "correct"),
        ("p = 3 mbar", "3 bar", "", "wrong"),
        ("p = 2 kilobars", "2000 bar", "", "correct"),
        # temperatures: levels in kelvin, differences as differences
        ("T = 273.15 K", "0 °C", "At what temperature does ice melt?", "correct"),
        ("T = 0 K", "0 °C", "At what temperature does ice melt?", "wrong"),
        ("T = 25 K", "25 °C", FINAL_T, "wrong"),
        ("T = 25 °C", "298 K", FINAL_T, "correct"),
        ("T = 5 °C", "-5 °C", FINAL_T, "wrong"),
        ("T = 41 °F", "5 °C", FINAL_T, "correct"),
        ("T = 1 °C", "0 °C", FINAL_T, "wrong"),
        ("ΔT = 30 °C", "30 K", RISE, "correct"),
        ("ΔT = 303.15 K", "30 °C", RISE, "wrong"),
        # a zero reference is exact, in any scale of its unit
        ("The net force is 1e-9 N", "0 N", "", "wrong"),
        ("The net force is 0 mN", "0 N", "", "correct"),
        ("ΔG = -0.5 kJ/mol", "0 kJ/mol", "", "wrong"),
        # percentages, per mille and fractions
        ("The yield is 0.8 %", "80 %", "", "wrong"),
        ("The yield is 80 %", "0.8", "", "correct"),
        ("The yield is 8 %", "0.8", "", "wrong"),
        ("The efficiency is 0.4", "40 %", "What is the efficiency in %?", "wrong"),
        ("The efficiency is 0.4", "40 %", "What is the efficiency as a fraction?", "correct"),
        ("The error is 40 ‰", "4 %", "", "correct"),
        ("The error is 4 ‰", "4 %", "", "wrong"),
        # siunitx
        ("\\SI{-285.8}{\\kilo\\joule\\per\\mole}", "-285.8 kJ/mol", "", "correct"),
        ("\\SI{285.8}{\\kilo\\joule\\per\\mole}", "-285.8 kJ/mol", "", "wrong"),
        ("\\SI{-285.8}{\\joule\\per\\mole}", "-285.8 kJ/mol", "", "wrong"),
        ("\\qty{2.5}{\\mega\\ampere}", "2.5 mA", "", "wrong"),
        ("\\num{3.2e3}", "0.0032", "", "wrong"),
        ("\\SI{9.81}{\\metre\\per\\second}", "9.81 m/s^2", "", "wrong"),
        ("$2.5\\,\\si{\\milli\\metre}$", "2.5 µm", "", "wrong"),
        ("$2.5\\,\\si{\\micro\\metre}$", "2.5 µm", "", "correct"),
        # look-alike signs: minus, multiplication and micro signs of other code points
        ("ΔH = ‒92 kJ", "92 kJ", "", "wrong"),
        ("ΔH = ﹣92 kJ", "92 kJ", "", "wrong"),
        ("ΔH = －92 kJ", "-92 kJ", "", "correct"),
        ("c = 3 ✕ 10⁸ m/s", "3e8 m/s", "", "correct"),
        ("c = 3 ⋅ 10⁷ m/s", "3e8 m/s", "", "wrong"),
        ("d = 5 μm", "5 µm", "", "correct"),
        ("x = ‐5 m", "5 m", "", "wrong"),
        ("x = ‑5 m", "5 m", "", "wrong"),
        ("x = ⁻5 m", "5 m", "", "wrong"),
        ("v = 5 m∕s", "5 m", "", "wrong"),
        ("x = 1⁄2 m", "0.5 m", "", "correct"),
        ("d = 5 μm", "5 mm", "", "wrong"),
        # two signs before a number: neither sign can be taken for the answer's
        ("x = --5", "-5", "", "unreadable"),
        ("x = - -5 m", "-5 m", "", "unreadable"),
        ("x = −-5 m", "5 m", "", "unreadable"),
        ("x = -+5 m", "-5 m", "", "unreadable"),
        # rotation: a hertz is a turn per second, a radian per second is not
        ("n = 1500 rpm", "25 Hz", "", "correct"),
        ("n = 150 rpm", "25 Hz", "", "wrong"),
        ("ω = 25 rad/s", "25 Hz", "", "wrong"),
        ("ω = 157 rad/s", "25 Hz", "", "correct"),
        ("ω = 1500 rpm", "1500 rad/s", "", "wrong"),
        ("f = 1500 min^-1", "1500 rpm", "", "unreadable"),
        # compound symbols
        ("M = 12 kNm", "12 kN·m", "", "correct"),
        ("M = 12 Nm", "12 kN·m", "", "wrong"),
        ("M = 12 kN/m", "12 kN·m", "", "wrong"),
        ("M = 12 kN-m", "12 kN", "", "wrong"),
        ("M = 12 kN-m", "12 kN·m", "", "correct"),
        ("E = 12 kW", "12 kWh", "", "wrong"),
        ("c = 2 mM", "2 M", "", "wrong"),
        ("c = 2 mol/m^3", "2 mM", "", "correct"),
        # a hertz is one per second; a unit of one over others
        ("f = 440 s^-1", "440 Hz", "", "correct"),
        ("f = 2765 s^-1", "440 Hz", "", "wrong"),
        ("k = 5 1/s", "5 s^-1", "", "correct"),
        ("k = 5 1/s", "5 s", "", "wrong"),
        # degree signs of other code points, and signs spelled as words
        ("T = 25 ˚C", "25 K", FINAL_T, "wrong"),
        ("T = 25⁰C", "298.15 K", FINAL_T, "correct"),
        ("T = 25^oC", "25 K", FINAL_T, "wrong"),
        ("x = minus 5 m", "5 m", "", "wrong"),
        ("x = moins 5 m", "-5 m", "", "correct"),
        # a number followed by another: a mixed number, a power of ten with its sign lost
        ("The answer is 2 1/2 kg", "2 kg", "", "unreadable"),
        ("The answer is 1.5 10-3 m", "1.5 m", "", "unreadable"),
        # a unit of two sizes: tons are short tons to pint, metric tons to most writers
        ("m = 5 tons", "5 t", "", "unreadable"),
        ("m = 5 tons", "50 t", "", "wrong"),
        # values of one kind offered as a choice commit to none of them
        ("The answer is 5 m or -5 m", "5 m", "", "unreadable"),
        ("Answer: 5 m (or possibly 50 m)", "5 m", "", "unreadable"),
        ("x = 5 m or x = 50 m", "50 m", "", "unreadable"),
        ("The answer is 5 m or, in centimetres, 500 cm", "5 m", "", "correct"),
        ("The answer is 25 m/s, or about 2.5 s of flight", "25 m/s", "", "correct"),
        # the confidence interval beside an estimate: the estimate is the answer
        ("OR = 2.3 (95% CI 1.4 to 3.8)", "OR = 2.3 (95 % CI 1.4–3.8)", "", "correct"),
        ("OR = 1.4", "OR = 2.3 (95 % CI 1.4–3.8)", "", "wrong"),
        # a range whose ends are reversed is no range
        ("[13.2 ; 11.6] mm", "12 mm", "", "unreadable"),
        ("between 20 and 10 °C", "15 °C", "", "unreadable"),
    ],
)
def test_each_class_of_answer_is_graded_by_its_rule(reply, reference, question, outcome):
    expected = parse_reference(reference, "English")
    assert expected is not None, reference
    verdict = grade_numeric(reply, expected, language="English", question=question)
    assert verdict.outcome == outcome, verdict.reason


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
    quantity = parse_reference(raw, language)
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
    assert parse_reference(reference) is None


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("I do not know.", "no number"),
        ("The speed is 2 \\sqrt{g h} m/s", "part of a formula"),
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
    assert read_answer(long_work + "\nSo E = 3.97e-19 J.").answer.value == pytest.approx(3.97e-19)
    closing = read_answer(long_work + "\nSo E = 3.97e-19 J.\n\nI hope this helps!\nGood luck.")
    assert closing.method == "last_line" and closing.answer.value == pytest.approx(3.97e-19)
    reading = read_answer(long_work + "\n**Final answer:** 3.97 × 10⁻¹⁹ J\nHope this helps.")
    assert reading.method == "cue" and reading.answer.value == pytest.approx(3.97e-19)
    reading = read_answer("Answer:\n\nE = hc/λ = 3.97e-19 J")
    assert reading.method == "cue" and reading.answer.value == pytest.approx(3.97e-19)
    assert read_answer("\\boxed{E = 4.1 eV} since 3 < 4").method == "boxed"
    assert read_answer("La réponse est 0,0245 mol", "French").answer.value == 0.0245


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
    reference = parse_reference(f"{mantissa:.6f}e{exponent} {symbol}".strip())
    written = notations(mantissa, exponent, symbol, other, factor)
    assert len(written) == 20
    for reply, language in written:
        verdict = grade_numeric(reply, reference, language=language)
        assert verdict.correct, (reply, verdict)


@PROPERTY
@given(mantissas, exponents, units, st.sampled_from([1.05, 0.95, -1.0, 10.0, 0.1, 1.02, 0.98]))
def test_values_off_by_5_percent_a_sign_or_ten_times_are_wrong(mantissa, exponent, unit, error):
    symbol, other, factor = unit
    reference = parse_reference(f"{mantissa:.6f}e{exponent} {symbol}".strip())
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
        reference = answer[0] if isinstance(answer, list) else answer
        yield reference, languages[str(q["course_id"])], q["question_body"]


@pytest.mark.parametrize(("questions", "courses"), EXAM_FILES, ids=lambda p: p.parent.name)
def test_every_numeric_reference_graded_against_itself_is_correct(questions, courses):
    numeric = 0
    for reference, language, question in exam_references(questions, courses):
        quantity = parse_reference(reference, language, pairs=expects_range(question))
        if quantity is None:
            continue
        numeric += 1
        verdict = grade_numeric(reference, quantity, language=language, question=question)
        assert verdict.correct, reference
    assert numeric > 0


def test_every_reference_of_the_numeric_exam_is_read_as_a_quantity():
    unread = [
        ref
        for ref, lang, question in exam_references(
            NUMERIC_EXAM, NUMERIC_EXAM.with_name("courses.json")
        )
        if parse_reference(ref, lang, pairs=expects_range(question)) is None
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
