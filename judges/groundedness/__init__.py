"""HalluHard's groundedness judge: the source-attributed claims of an answer, checked against
evidence the judge retrieves (cited page, planned web searches, ranked passages), with a grader
model or, when none is bound, rule-based heuristics; and the coding judge, which looks packages
up in their registries and has the grader review API use.

Knows nothing about tasks: it takes text and evidence and returns verdicts.
"""

from trustbench.judges.groundedness.coding import judge_coding_response
from trustbench.judges.groundedness.grader import Graders, StageModel
from trustbench.judges.groundedness.judge import judge_turn
from trustbench.judges.groundedness.prompts import TRUSTBENCH_PROMPTS, JudgePrompts
from trustbench.judges.groundedness.types import (
    DEFAULT_REGISTRY_URLS,
    Claim,
    ClaimVerdict,
    CodingIssue,
    CodingJudgement,
    Domain,
    GroundednessConfig,
    PackageCheck,
    TurnJudgement,
)

__all__ = [
    "DEFAULT_REGISTRY_URLS",
    "Claim",
    "ClaimVerdict",
    "CodingIssue",
    "CodingJudgement",
    "Domain",
    "Graders",
    "GroundednessConfig",
    "JudgePrompts",
    "PackageCheck",
    "StageModel",
    "TRUSTBENCH_PROMPTS",
    "TurnJudgement",
    "judge_coding_response",
    "judge_turn",
]
