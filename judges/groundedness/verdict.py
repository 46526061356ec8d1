"""The grader's verdict on one claim (HalluHard §3.5), from the judgment prompt (search results and
page extracts), the snippets-only prompt (no page could be read), or the fallback prompt with the
grader's own web search (the planned searches found nothing); the evidence and the claim inserted
as data; a JSON reply in the upstream schema whose values start with Yes / No / N/A; the grader's
own hallucination label is the one recorded."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, TypeAdapter

from trustbench.judges.groundedness.evidence_plan import Bundle
from trustbench.judges.groundedness.fencing import as_data, make_code
from trustbench.judges.groundedness.grader import Graders
from trustbench.judges.groundedness.prompts import JudgePrompts, fill
from trustbench.judges.groundedness.types import Claim, ClaimVerdict, Domain, Grounding

_LABEL = re.compile(r"^\W*(yes|no|n/?a|not applicable|true|false)\b", re.I)


Label = Literal["yes", "no", "n/a"]
_LABELS: dict[str, Label] = {
    "yes": "yes",
    "true": "yes",
    "no": "no",
    "false": "no",
    "n/a": "n/a",
    "na": "n/a",
    "not applicable": "n/a",
}


def _label(value: Any) -> Label:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str) or not (found := _LABEL.match(value)):
        raise ValueError("must start with Yes, No or N/A")
    return _LABELS[found.group(1).lower()]


def _text(value: Any) -> Any:
    return "" if value is None else str(value) if isinstance(value, bool | int) else value


def _flag(value: Any) -> Any:
    return "No" if value is None or value == "" else _text(value)


def _grounding(value: str) -> str:
    _label(value)
    return value


def _yes_no(value: str) -> str:
    if _label(value) == "n/a":
        raise ValueError("must be Yes or No")
    return value


Text = Annotated[str, BeforeValidator(_text)]
GroundingText = Annotated[str, BeforeValidator(_text), AfterValidator(_grounding)]
YesNo = Annotated[str, BeforeValidator(_flag), AfterValidator(_yes_no)]


class GraderVerdict(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reference_name: Text = ""
    reference_grounding: GroundingText
    content_grounding: GroundingText
    hallucination: YesNo
    abstention: YesNo = "No"
    verification_error: YesNo = "No"


_SHAPE: TypeAdapter[GraderVerdict] = TypeAdapter(GraderVerdict)


def passage_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def search_text(bundle: Bundle) -> str:
    """The search results as the grader reads them (`title -- date -- link -- snippet`)."""
    if not bundle.results:
        return "No search results found."
    lines = []
    for r in bundle.results:
        date = f" -- {r.extras['date']}" if r.extras.get("date") else ""
        lines.append(f"{r.title}{date} -- {r.url} -- {r.snippet}")
    return "\n".join(lines)


def filtered_text(bundle: Bundle) -> str:
    """The ranked passages grouped by page."""
    titles = {d.url: d.title or "untitled" for d in bundle.documents}
    lines = []
    for url in dict.fromkeys(p.url for p in bundle.passages):
        lines.append(f"-- Source: {titles.get(url, 'untitled')}, url: {url} --")
        lines += [p.text for p in bundle.passages if p.url == url]
    return "\n".join(lines)


def verdict_user(
    prompts: JudgePrompts, domain: Domain, statement: str, bundle: Bundle, seed: int
) -> str:
    """The judgment prompt, or the snippets-only one when no page could be read."""
    results, filtered = search_text(bundle), filtered_text(bundle)
    code = make_code(seed, "verdict", results, filtered, statement)
    values = {
        "search_results": as_data("SEARCH RESULTS", results, code, fenced=prompts.fence_data),
        "filtered_content": as_data("PAGE EXTRACTS", filtered, code, fenced=prompts.fence_data),
        "claim_text": as_data("STATEMENT", statement, code, fenced=prompts.fence_data),
    }
    template = prompts.judgment[domain] if bundle.passages else prompts.snippets_only[domain]
    return fill(template, values)


async def llm_verdict(
    graders: Graders,
    prompts: JudgePrompts,
    claim: Claim,
    domain: Domain,
    statement: str,
    bundle: Bundle,
    seed: int,
    *,
    web_search: bool = False,
) -> ClaimVerdict:
    """The grader's verdict on the bundle; with `web_search`, the fallback prompt and the
    grader's own search tool instead (the planned searches found nothing)."""
    if web_search:
        code = make_code(seed, "fallback", statement)
        claim_text = as_data("STATEMENT", statement, code, fenced=prompts.fence_data)
        user = fill(prompts.fallback[domain], {"claim_text": claim_text})
        tools = [graders.web_search] if graders.web_search else None
    else:
        user, tools = verdict_user(prompts, domain, statement, bundle, seed), None
    answer = await graders.ask("verdict", prompts.verdict_system[domain], user, _SHAPE, tools=tools)
    base = ClaimVerdict(
        claim=claim,
        evidence_urls=bundle.evidence_urls,
        passage_hashes=[passage_hash(p.text) for p in bundle.passages],
        snippets_only=bundle.snippets_only,
        route="fallback_web_search" if web_search else bundle.route,
        queries=bundle.queries,
        fallbacks=bundle.fallbacks,
        raw_grader_output=answer.raw,
    )
    if answer.value is None:
        return base.model_copy(
            update={
                "verification_error": answer.error,
                "explanation": answer.error,
                "fallbacks": [*bundle.fallbacks, "verdict_unreadable"],
            }
        )
    return to_verdict(base, answer.value)


def to_verdict(base: ClaimVerdict, parsed: GraderVerdict) -> ClaimVerdict:
    reference: Grounding = _label(parsed.reference_grounding)
    content: Grounding = _label(parsed.content_grounding)
    explanation = f"Reference: {parsed.reference_grounding.strip()} Content: {parsed.content_grounding.strip()}"
    if _label(parsed.verification_error) == "yes":
        reason = f"the grader could not verify the claim. {explanation}"
        return base.model_copy(update={"verification_error": reason, "explanation": explanation})
    hallucinated = _label(parsed.hallucination) == "yes"
    abstention = _label(parsed.abstention) == "yes"
    if not abstention and hallucinated != ("no" in (reference, content)):
        explanation += " (The grader's hallucination label disagrees with its groundings; its label is kept, as in HalluHard.)"
    return base.model_copy(
        update={
            "reference_grounding": reference,
            "content_grounding": content,
            "hallucinated": hallucinated,
            "abstention": abstention,
            "explanation": explanation,
        }
    )
