"""Visual planning OOD (Neuhaus et al., 2026): grid navigation in and out of distribution."""

from trustbench.tasks.visual_planning.reference_models import REFERENCE_MODELS
from trustbench.tasks.visual_planning.task import visual_planning

__all__ = ["REFERENCE_MODELS", "visual_planning"]
