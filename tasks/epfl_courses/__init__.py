"""EPFL course exams (Borges et al., PNAS 2024): could an AI assistant pass these courses?"""

from pathlib import Path

from trustbench.plugins import Plugin
from trustbench.tasks.epfl_courses.errors import ExamDataError
from trustbench.tasks.epfl_courses.reference_models import REFERENCE_MODELS
from trustbench.tasks.epfl_courses.task import epfl_courses

plugin = Plugin(
    name="epfl_courses",
    tasks=[epfl_courses],
    reference_models=REFERENCE_MODELS,
    reference={epfl_courses: "epfl-reference"},
    baseline={epfl_courses: "refuse"},
    views={epfl_courses: f"{__name__}.report_view:strategy_view"},
    suites=[Path(__file__).parent / "suite.yaml"],
    user_errors=(ExamDataError,),
)

__all__ = ["epfl_courses", "plugin"]
