"""Visual planning OOD (Neuhaus et al., 2026): grid navigation in and out of distribution."""

from pathlib import Path

from trustbench.environments.gridworld import MapFormatError
from trustbench.plugins import Plugin
from trustbench.tasks.visual_planning.reference_models import REFERENCE_MODELS
from trustbench.tasks.visual_planning.task import visual_planning

plugin = Plugin(
    name="visual_planning",
    tasks=[visual_planning],
    reference_models=REFERENCE_MODELS,
    reference={visual_planning: "gridworld-bfs"},
    baseline={visual_planning: "gridworld-random"},
    views={visual_planning: f"{__name__}.report_view:planning_view"},
    suites=[Path(__file__).parent / "suite.yaml"],
    user_errors=(MapFormatError,),
)

__all__ = ["plugin", "visual_planning"]
