"""HalluHard (Fan et al., 2026): hallucinated citations in multi-turn conversations, and an
audit of its judge against gold labels."""

from pathlib import Path

from trustbench.plugins import Plugin
from trustbench.retrieval.types import RetrievalError
from trustbench.tasks.halluhard.audit import halluhard_audit
from trustbench.tasks.halluhard.errors import HalluHardDataError
from trustbench.tasks.halluhard.reference_models import REFERENCE_MODELS
from trustbench.tasks.halluhard.scorer import halluhard_judge
from trustbench.tasks.halluhard.task import halluhard

plugin = Plugin(
    name="halluhard",
    tasks=[halluhard, halluhard_audit],
    reference_models=REFERENCE_MODELS,
    reference={halluhard: "halluhard-cited"},
    baseline={halluhard: "halluhard-invented"},
    views={halluhard: f"{__name__}.report_view:halluhard_view"},
    suites=[Path(__file__).parent / "suite.yaml", Path(__file__).parent / "audit_suite.yaml"],
    user_errors=(HalluHardDataError, RetrievalError),
)

__all__ = ["halluhard", "halluhard_audit", "halluhard_judge", "plugin"]
