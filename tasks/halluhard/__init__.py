"""HalluHard (Fan et al., 2026): hallucinated citations in multi-turn conversations."""

from trustbench.tasks.halluhard.scorer import halluhard_judge
from trustbench.tasks.halluhard.task import halluhard

__all__ = ["halluhard", "halluhard_judge"]
