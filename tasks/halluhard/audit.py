"""`halluhard_audit`: the groundedness judge, with whatever grader is bound (or none: heuristic
mode), over a labelled audit set, offline on the set's own corpus; each gold citation is matched
to the claim the judge found for it and the two labels are compared.

A gold citation the judge found no claim for is *missing* and counts as a disagreement; a claim
with a verification error counts as one too; a claim that matches no gold citation is *extra*.
Content labels the judge did not assess (heuristic mode) are reported as not assessed, never as
agreement. Run it with `trustbench judge-audit` (which adds bootstrap intervals) or as a suite:
`trustbench run halluhard_audit --grader <model>`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageAssistant, ModelOutput
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, Value, metric, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver

from trustbench.judges.groundedness import TRUSTBENCH_PROMPTS, Claim, judge_turn
from trustbench.judges.groundedness.references import fold
from trustbench.report_spec import ReportSpec
from trustbench.tasks.halluhard.audit_set import AuditItem, corpus_folder, read_audit_set
from trustbench.tasks.halluhard.evidence import EvidenceSource
from trustbench.tasks.halluhard.graders import stage_configs, stage_graders
from trustbench.tasks.halluhard.scorer import judge_config
from trustbench.tasks.halluhard.upstream_prompts import judge_prompts

ALL_CLAIMS = 10_000
"""The audit judges every claim (no sampling)."""
MIN_TEXT_MATCH = 0.5


def to_sample(item: AuditItem) -> Sample:
    return Sample(
        id=item.id,
        input=item.question,
        metadata={
            "domain": item.domain,
            "answer": item.answer,
            "citations": [c.model_dump() for c in item.citations],
        },
    )


@solver
def given_answer() -> Solver:
    """The audit's answer stands in for a model's: nothing is generated."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        answer = state.metadata["answer"]
        state.messages.append(ChatMessageAssistant(content=answer, source="generate"))
        state.output = ModelOutput.from_content(model="audit", content=answer)
        return state

    return solve


# --- matching judged claims to gold citations -----------------------------------------------------


def _text_match(judged: str, gold: str) -> float:
    a, b = fold(judged), fold(gold)
    if a and b and (a in b or b in a):
        return 1.0
    words_a, words_b = set(a.split()), set(b.split())
    return len(words_a & words_b) / len(words_a | words_b) if words_a | words_b else 0.0


def _marker_match(claim: Claim, marker: str) -> float:
    wanted = fold(marker)
    details = [v for k, v in claim.fields.items() if k != "holding"]  # not the sentence itself
    described = fold(" ".join([claim.marker, claim.cited_url or "", *details]))
    if wanted and wanted in described:
        return 1.0
    return 0.5 if wanted and wanted in fold(claim.text) else 0.0


def match_claims(
    claims: list[dict[str, Any]], gold: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Gold citation id → the judged claim record for it (one each, best first), and the judged
    claims left over. Equally good pairs go in reading order, so the members of one marker
    ("[1, 2]": two gold citations with the same marker and claim) meet the judged claims of
    its members in turn."""
    pairs = []
    for i, record in enumerate(claims):
        claim = Claim.model_validate(record["claim"])
        for k, g in enumerate(gold):
            text = _text_match(claim.text, g["claim"])
            if text >= MIN_TEXT_MATCH:
                pairs.append((_marker_match(claim, g["marker"]) + text, i, k, g["id"]))
    matched: dict[str, dict[str, Any]] = {}
    used: set[int] = set()
    for _, i, _, gold_id in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i not in used and gold_id not in matched:
            matched[gold_id] = claims[i]
            used.add(i)
    return matched, [c for i, c in enumerate(claims) if i not in used]


def _reference(record: dict[str, Any] | None) -> str | None:
    if record is None or record.get("verification_error"):
        return None
    return {"yes": "grounded", "no": "not_grounded"}.get(record["reference_grounding"])


def _content(record: dict[str, Any] | None, mode: str) -> str | None:
    """The judged content label; a citation the judge found no claim for (or could not verify)
    is a disagreement where the judge assesses content, and not assessed where it never does."""
    if record is None or record.get("verification_error"):
        return "not_assessed" if mode == "heuristic" else None
    if record.get("mode") == "heuristic":
        return "not_assessed"
    value = record["content_grounding"]
    return {"yes": "supported", "no": "not_supported", "not_assessed": "not_assessed"}.get(value)


def gold_span(answer: str, claim: str, marker: str) -> tuple[int, int] | None:
    """Where a gold citation's marker is in the answer: inside its claim (the set is checked to
    have each claim in its answer and each marker in its claim)."""
    at = answer.find(claim)
    if at < 0 or (offset := claim.find(marker)) < 0:
        return None
    return at + offset, at + offset + len(marker)


def shown_unparsed(span: tuple[int, int] | None, unparsed: list[tuple[int, int]]) -> bool:
    """Whether the judge showed the citation at `span` of the answer among those it could not
    read: an unparsed entry overlaps it."""
    return span is not None and any(a < span[1] and span[0] < b for a, b in unparsed)


def compare(
    metadata: dict[str, Any],
    claims: list[dict[str, Any]],
    unparsed: list[tuple[int, int]] | None = None,
    mode: str = "llm",
) -> dict[str, Any]:
    """One row per gold citation (gold and judged labels), plus the extra claims. A gold
    citation with no claim is `missing`; it is `silently_dropped` unless one of the judge's
    unparsed entries (their spans in the answer) overlaps it."""
    gold = metadata["citations"]
    matched, extra = match_claims(claims, gold)
    rows = []
    for g in gold:
        record = matched.get(g["id"])
        missing = record is None
        rows.append(
            {
                "id": g["id"],
                "domain": metadata["domain"],
                "kind": g["kind"],
                "gold_reference": g["reference"],
                "gold_content": g["content"],
                "reference": _reference(record),
                "content": _content(record, mode),
                "marker": g["marker"],
                "missing": missing,
                "silently_dropped": missing
                and not shown_unparsed(
                    gold_span(metadata["answer"], g["claim"], g["marker"]), unparsed or []
                ),
                "verification_error": record.get("verification_error") if record else None,
                "mode": record.get("mode") if record else None,
                "explanation": record.get("explanation", "") if record else "",
            }
        )
    return {"rows": rows, "extra_claims": [c["claim"]["text"] for c in extra]}


# --- agreement ------------------------------------------------------------------------------------


def agreement(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Accuracy and F1 of the negative class (not grounded / not supported), for reference and
    content; every gold citation counts (missing and errored ones as disagreements), except that
    content the judge did not assess is left out and reported as a share."""
    out: dict[str, float] = {"citations": float(len(rows))}
    if not rows:
        return out
    out["reference_accuracy"] = sum(r["reference"] == r["gold_reference"] for r in rows) / len(rows)
    _put_f1(out, "reference_f1_not_grounded", rows, "reference", "gold_reference", "not_grounded")
    assessed = [r for r in rows if r["content"] != "not_assessed"]
    out["content_assessed"] = len(assessed) / len(rows)
    if assessed:
        out["content_accuracy"] = sum(r["content"] == r["gold_content"] for r in assessed) / len(
            assessed
        )
        _put_f1(
            out, "content_f1_not_supported", assessed, "content", "gold_content", "not_supported"
        )
    out["missing_claims"] = float(sum(r["missing"] for r in rows))
    out["silently_dropped"] = float(sum(r.get("silently_dropped", False) for r in rows))
    out["verification_errors"] = float(sum(bool(r["verification_error"]) for r in rows))
    return out


def _put_f1(
    out: dict[str, float],
    name: str,
    rows: list[dict[str, Any]],
    judged: str,
    gold: str,
    positive: str,
) -> None:
    """F1 of `positive`; left out when neither the gold nor the judge has any (undefined)."""
    tp = sum(r[judged] == positive and r[gold] == positive for r in rows)
    fp = sum(r[judged] == positive and r[gold] != positive for r in rows)
    fn = sum(r[judged] != positive and r[gold] == positive for r in rows)
    if tp + fp + fn:
        out[name] = 2 * tp / (2 * tp + fp + fn)


def audit_rows(scores: list[SampleScore]) -> list[dict[str, Any]]:
    return [row for s in scores for row in (s.score.metadata or {}).get("rows", [])]


@metric
def audit_agreement() -> Metric:
    """Overall agreement, then `domain/<d>/…` and `kind/<k>/…`, and `extra_claims`."""

    def compute(scores: list[SampleScore]) -> Value:
        rows = audit_rows(scores)
        result = agreement(rows)
        for field in ("domain", "kind"):
            for value in sorted({r[field] for r in rows}):
                group = agreement([r for r in rows if r[field] == value])
                for name in ("reference_accuracy", "content_accuracy", "citations"):
                    if name in group:
                        result[f"{field}/{value}/{name}"] = group[name]
        result["extra_claims"] = float(
            sum(len((s.score.metadata or {}).get("extra_claims", [])) for s in scores)
        )
        return result

    return compute


@scorer(metrics=[audit_agreement()])
def audit_judge(
    audit_set: str | None = None,
    judge_mode: str = "auto",
    prompts: str = "trustbench",
    grader_config: dict[str, dict[str, Any]] | None = None,
    search_steps: int = 3,
    judge_options: dict[str, Any] | None = None,
    evidence_store: str | None = None,
    data_dir: str | None = None,
) -> Scorer:
    store = evidence_store or str(Path(tempfile.mkdtemp(prefix="audit-")) / "evidence.sqlite")
    source = EvidenceSource("offline", "corpus", None, str(corpus_folder(audit_set)), store, None)
    config = judge_config(ALL_CLAIMS, search_steps, 0, judge_options)
    texts = judge_prompts(data_dir) if prompts == "upstream" else TRUSTBENCH_PROMPTS

    async def score(state: TaskState, target: Target) -> Score:
        graders = stage_graders(judge_mode, grader_config)
        async with source.open() as evidence:
            judged = await judge_turn(
                response=state.metadata["answer"],
                domain=state.metadata["domain"],
                evidence=evidence,
                grader=graders,
                prompts=texts,
                config=config,
            )
        claims = [v.model_dump(mode="json") for v in judged.verdicts]
        compared = compare(state.metadata, claims, judged.unparsed_spans, judged.mode)
        agreed = sum(r["reference"] == r["gold_reference"] for r in compared["rows"])
        return Score(
            value=agreed,
            explanation=f"{agreed} of {len(compared['rows'])} reference labels agree",
            metadata={
                **compared,
                "judge_mode": judged.mode,
                "grader_calls": judged.grader_calls,
                "unparsed_citations": judged.unparsed_citations,
                "claims": claims,
            },
        )

    return score


@task(needs={"grader": "judge_mode=llm"})
def halluhard_audit(
    audit_set: str | None = None,
    judge_mode: Literal["auto", "llm", "heuristic"] = "auto",
    prompts: Literal["trustbench", "upstream"] = "trustbench",
    grader_config: dict[str, dict[str, Any]] | None = None,
    search_steps: int = 3,
    judge_options: dict[str, Any] | None = None,
    data_dir: str | None = None,
) -> Task:
    """How well the HalluHard groundedness judge (with the bound grader, or none) agrees with
    gold labels: the authored set we ship, or `audit_set`, a folder in the same layout."""
    items = read_audit_set(audit_set)
    stage_configs(grader_config)
    return Task(
        dataset=MemoryDataset([to_sample(i) for i in items], name="halluhard_audit"),
        solver=given_answer(),
        scorer=audit_judge(
            audit_set=audit_set,
            judge_mode=judge_mode,
            prompts=prompts,
            grader_config=grader_config,
            search_steps=search_steps,
            judge_options=judge_options,
            data_dir=data_dir,
        ),
        metadata={
            **ReportSpec(
                headline="reference_accuracy", breakdowns=("domain",), aggregation=None
            ).metadata(),
            "audit_set": str(audit_set or "packaged"),
            "citations": sum(len(i.citations) for i in items),
            "judge_mode_requested": judge_mode,
            "prompts": prompts,
        },
    )
