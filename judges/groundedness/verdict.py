"""The grader's verdict on one claim (HalluHard §3.5): the evidence bundle (or the search
snippets alone) and the claim, each fenced as data; a JSON reply in the upstream schema whose
values start with Yes / No / N/A; the grader's own hallucination label is the one recorded."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, TypeAdapter

from trustbench.judges.groundedness.evidence_plan import Bundle
from trustbench.judges.groundedness.fencing import fence, make_code
from trustbench.judges.groundedness.grader import Grader
from trustbench.judges.groundedness.prompts import SNIPPETS_ONLY_NOTE, verdict_system
from trustbench.judges.groundedness.types import Claim, ClaimVerdict, Domain, Grounding

_LABEL = re.compile(r"^\W*(yes|no|n/?a|not applicable|true|false)\b", re.I)


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str) or not (found := _LABEL.match(value)):
        raise ValueError("must start with Yes, No or N/A")
    word = found.group(1).lower()
    return {"true": "yes", "false": "no", "na": "n/a", "not applicable": "n/a"}.get(word, word)


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


def evidence_text(bundle: Bundle) -> str:
    """Search results, then the passages grouped by page, as the grader reads them."""
    lines = ["Search results:"] if bundle.results else ["Search results: none."]
    for i, r in enumerate(bundle.results, start=1):
        date = f" -- {r.extras['date']}" if r.extras.get("date") else ""
        lines.append(f"[{i}] {r.title}{date} -- {r.url}\n{r.snippet}")
    if bundle.passages:
        titles = {d.url: d.title or "untitled" for d in bundle.documents}
        lines.append("\nPage extracts:")
        for url in dict.fromkeys(p.url for p in bundle.passages):
            lines.append(f"-- Source: {titles.get(url, 'untitled')}, url: {url} --")
            lines += [p.text for p in bundle.passages if p.url == url]
    return "\n".join(lines)


def verdict_user(statement: str, bundle: Bundle, seed: int) -> str:
    evidence = evidence_text(bundle)
    code = make_code(seed, "verdict", evidence, statement)
    parts = [
        "Evidence gathered for the statement:",
        fence("EVIDENCE", evidence, code),
        *([SNIPPETS_ONLY_NOTE] if bundle.snippets_only else []),
        "The statement to check:",
        fence("STATEMENT", statement, code),
        "Judge the statement and reply with the JSON object.",
    ]
    return "\n\n".join(parts)


async def llm_verdict(
    grader: Grader, claim: Claim, domain: Domain, statement: str, bundle: Bundle, seed: int
) -> ClaimVerdict:
    answer = await grader.ask(verdict_system(domain), verdict_user(statement, bundle, seed), _SHAPE)
    base = ClaimVerdict(
        claim=claim,
        evidence_urls=bundle.evidence_urls,
        passage_hashes=[passage_hash(p.text) for p in bundle.passages],
        snippets_only=bundle.snippets_only,
        raw_grader_output=answer.raw,
    )
    if answer.value is None:
        return base.model_copy(
            update={"verification_error": answer.error, "explanation": answer.error}
        )
    return to_verdict(base, answer.value)


def to_verdict(base: ClaimVerdict, parsed: GraderVerdict) -> ClaimVerdict:
    reference: Grounding = _label(parsed.reference_grounding)  # type: ignore[assignment]
    content: Grounding = _label(parsed.content_grounding)  # type: ignore[assignment]
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
