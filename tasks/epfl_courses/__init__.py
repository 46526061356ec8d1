"""EPFL course exams (Borges et al., PNAS 2024): could an AI assistant pass these courses?"""

from trustbench.tasks.epfl_courses.reference_models import REFERENCE_MODELS
from trustbench.tasks.epfl_courses.task import epfl_courses

__all__ = ["REFERENCE_MODELS", "epfl_courses"]
