"""The coding judge (HalluHard §4), per response: every package the answer installs or imports
is looked up in its registry's public metadata through `evidence.fetch` (so lookups are stored
and replayable; a 404, or no Maven hit, means it does not exist), and a bound grader judges the
function calls, with the lookups given to it as facts. Hallucinated = any install, import or
function-call issue (the paper's Eq. 2)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any
from urllib.parse import quote

from inspect_ai.model import Model
from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter

from trustbench.judges.groundedness.fencing import fence, make_code
from trustbench.judges.groundedness.grader import Graders
from trustbench.judges.groundedness.packages import (
    REGISTRY_NAMES,
    Mention,
    PackageRef,
    Registry,
    find_packages,
    maven_query,
    pypi_name,
)
from trustbench.judges.groundedness.prompts import coding_system
from trustbench.judges.groundedness.types import (
    DEFAULT_CONFIG,
    CodingIssue,
    CodingJudgement,
    GroundednessConfig,
    IssueType,
    PackageCheck,
)
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.types import EvidenceMissing, FetchErrorKind, RetrievalError

# --- registry lookups -----------------------------------------------------------------------------


def registry_url(ref: PackageRef, urls: dict[str, str]) -> str:
    template = urls[ref.registry]
    if ref.registry == "maven":
        return template.format(query=quote(maven_query(ref.name), safe=""))
    return template.format(name=quote(ref.name, safe=""))


async def check_package(evidence: Evidence, ref: PackageRef, urls: dict[str, str]) -> PackageCheck:
    url = registry_url(ref, urls)
    unknown = PackageCheck(name=ref.name, registry=ref.registry, exists=None)
    try:
        result = await evidence.fetch(url)
    except EvidenceMissing as ex:
        return unknown.model_copy(update={"error": str(ex)})
    except RetrievalError as ex:  # Evidence without a fetcher
        return unknown.model_copy(update={"error": f"{url}: {ex}"})
    if result.error is not None:
        if result.error.kind == FetchErrorKind.http_status and result.status == 404:
            return unknown.model_copy(update={"exists": False})
        return unknown.model_copy(update={"error": f"{url}: {result.error.reason}"})
    if ref.registry != "maven":
        return unknown.model_copy(update={"exists": True})
    try:
        found = json.loads(result.body)["response"]["numFound"]
    except (ValueError, KeyError, TypeError):
        return unknown.model_copy(update={"error": f"{url}: not a Maven search answer"})
    return unknown.model_copy(update={"exists": int(found) > 0})


def _registry_issues(
    refs: list[PackageRef], checks: dict[tuple[Registry, str], PackageCheck]
) -> list[CodingIssue]:
    issues = []
    for ref in refs:
        if checks[(ref.registry, ref.name)].exists is False:
            where = REGISTRY_NAMES[ref.registry]
            issues.append(
                CodingIssue(type=ref.kind, detail=f"{ref.name} is not on {where} ({ref.code})")
            )
    return list({(i.type, i.detail): i for i in issues}.values())


# --- the grader's review --------------------------------------------------------------------------


def _item(value: Any) -> Any:
    return {"code": value} if isinstance(value, str) else value


class _Flagged(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    package: str = ""
    function: str = ""
    code: str = ""
    reason: str = ""


Flagged = Annotated[_Flagged, BeforeValidator(_item)]


class _Review(BaseModel):
    model_config = ConfigDict(extra="ignore")

    has_hallucination: bool
    hallucinated_imports: list[Flagged] = []
    hallucinated_installs: list[Flagged] = []
    hallucinated_function_calls: list[Flagged] = []
    reasoning: Annotated[str, BeforeValidator(lambda v: "" if v is None else v)] = ""


_REVIEW: TypeAdapter[_Review] = TypeAdapter(_Review)


def _review_user(question: str, response: str, lookups: str, seed: int) -> str:
    code = make_code(seed, "coding", question, response, lookups)
    return "\n\n".join(
        [
            "The programming question:",
            fence("QUESTION", question, code),
            "The answer to review:",
            fence("ANSWER", response, code),
            "Registry lookups already done:",
            fence("LOOKUPS", lookups, code),
            "Review the answer and reply with the JSON object.",
        ]
    )


def _grader_issues(
    review: _Review, confirmed: set[str], flagged: set[tuple[Mention, str]]
) -> list[CodingIssue]:
    """Issues from the review that the lookups did not already report. An install the registry
    found is not a hallucinated install (package existence is the registry's call); an import
    of it may still name a missing module."""
    kinds: list[tuple[IssueType, list[_Flagged]]] = [
        ("install", review.hallucinated_installs),
        ("import", review.hallucinated_imports),
        ("function_call", review.hallucinated_function_calls),
    ]
    issues = []
    for kind, items in kinds:
        for f in items:
            package = pypi_name(f.package)
            if (kind, package) in flagged or (kind == "install" and package in confirmed):
                continue
            what = " ".join(x for x in (f.package, f.function) if x) or f.code
            detail = f"{what}: {f.reason}" if f.reason else what
            if f.code and f.code not in detail:
                detail += f" ({f.code})"
            issues.append(CodingIssue(type=kind, detail=detail))
    return issues


def _lookups(checks: list[PackageCheck]) -> str:
    def state(c: PackageCheck) -> str:
        return (
            "exists" if c.exists else "not found" if c.exists is False else f"unknown ({c.error})"
        )

    return (
        "\n".join(f"{REGISTRY_NAMES[c.registry]} {c.name}: {state(c)}" for c in checks) or "(none)"
    )


# --- the judgement --------------------------------------------------------------------------------


async def judge_coding_response(
    *,
    response: str,
    question: str,
    language: str,
    evidence: Evidence,
    grader: Model | None,
    config: GroundednessConfig = DEFAULT_CONFIG,
) -> CodingJudgement:
    refs = find_packages(response, language)
    unique = list({(r.registry, r.name): r for r in refs or []}.values())
    looked_up = await asyncio.gather(
        *(check_package(evidence, r, config.registry_urls) for r in unique)
    )
    checks = {(r.registry, r.name): c for r, c in zip(unique, looked_up, strict=True)}
    issues = _registry_issues(refs or [], checks)
    unknown = [c for c in looked_up if c.exists is None]
    if refs is None:
        notes = [f"No package rules for {language!r}: no registry lookups."]
    else:
        missing = sum(c.exists is False for c in looked_up)
        notes = [
            f"{len(looked_up)} package(s) looked up: {missing} not found, {len(unknown)} unknown."
        ]

    review_error = raw = None
    calls = 0
    if grader is None:
        notes.append("Function calls are not checked without a grader.")
    else:
        session = Graders.single(grader)
        user = _review_user(question, response, _lookups(looked_up), config.seed)
        answer = await session.ask("verdict", coding_system(), user, _REVIEW)
        calls, raw = session.total_calls, answer.raw
        if answer.value is None:
            review_error = answer.error
        else:
            confirmed = {pypi_name(c.name) for c in looked_up if c.exists}
            flagged = {
                (r.kind, pypi_name(r.name))
                for r in refs or []
                if checks[(r.registry, r.name)].exists is False
            }
            issues += _grader_issues(answer.value, confirmed, flagged)
            notes.append(f"Grader: {answer.value.reasoning}")

    error = None
    if issues:
        notes.insert(0, "Issues: " + "; ".join(f"[{i.type}] {i.detail}" for i in issues) + ".")
    elif review_error:
        error = review_error
    elif unknown:
        error = "could not look up " + "; ".join(
            f"{c.registry} {c.name}: {c.error}" for c in unknown
        )
    elif refs is None and grader is None:
        error = f"heuristic mode has no package rules for {language!r}; bind a grader to judge it"
    return CodingJudgement(
        mode="heuristic" if grader is None else "llm",
        language=language,
        packages=looked_up,
        issues=issues,
        hallucinated=bool(issues),
        verification_error=error,
        explanation=" ".join(notes),
        grader_calls=calls,
        raw_grader_output=raw,
    )
