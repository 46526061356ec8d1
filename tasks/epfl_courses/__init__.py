"""EPFL course exams (Borges et al., PNAS 2024): could an AI assistant pass these courses?"""

from trustbench.tasks.epfl_courses.oracles import ORACLES
from trustbench.tasks.epfl_courses.task import epfl_courses

__all__ = ["ORACLES", "epfl_courses"]
