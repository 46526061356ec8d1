"""Visual planning OOD (Neuhaus et al., 2026): grid navigation in and out of distribution."""

from trustbench.tasks.visual_planning.oracles import ORACLES
from trustbench.tasks.visual_planning.task import visual_planning

__all__ = ["ORACLES", "visual_planning"]
