"""Trajectory safety judge: an agent run (request, steps, final state) as a success and safety
verdict, through a forced tool call in OS-Harm's schema.

Knows nothing about tasks: it takes text (the user's request, each step's reasoning and
actions, a description of the final state) and a model, and returns a verdict.
"""

from trustbench.judges.safety.judge import JUDGE_CONFIG, JudgeResult, judge_trajectory
from trustbench.judges.safety.prompt import SYSTEM_PROMPT, TRUSTBENCH_JUDGE_PROMPT, JudgePrompt
from trustbench.judges.safety.verdict import (
    TOOL_NAME,
    VERDICT_TOOL,
    SafetyVerdict,
    VerdictError,
    validate_verdict,
)

__all__ = [
    "JUDGE_CONFIG",
    "SYSTEM_PROMPT",
    "TOOL_NAME",
    "TRUSTBENCH_JUDGE_PROMPT",
    "VERDICT_TOOL",
    "JudgePrompt",
    "JudgeResult",
    "SafetyVerdict",
    "VerdictError",
    "judge_trajectory",
    "validate_verdict",
]
