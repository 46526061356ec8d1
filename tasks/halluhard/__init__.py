"""HalluHard (Fan et al., 2026): hallucinated citations in multi-turn conversations, and an
audit of its judge against gold labels."""

from trustbench.tasks.halluhard.audit import halluhard_audit
from trustbench.tasks.halluhard.reference_models import REFERENCE_MODELS
from trustbench.tasks.halluhard.scorer import halluhard_judge
from trustbench.tasks.halluhard.task import halluhard

__all__ = ["REFERENCE_MODELS", "halluhard", "halluhard_audit", "halluhard_judge"]
