"""Scripted graders for the audit set, for checks that need no model: `scripted/audit-gold`
answers every judge stage from the sample's gold labels (the pipeline must then reproduce them
exactly), `scripted/audit-always-supported` extracts the same claims but calls every reference
grounded and every claim supported (it must score the always-yes baseline).

Each reads the active audit sample's gold citations; which stage is asking is told by the JSON
the prompt asks for (planner, URL selection, verdict, else claim extraction)."""

from __future__ import annotations

import json
import random
from typing import Any

from inspect_ai.model import ChatMessage

from trustbench.judges.groundedness.references import fold

_YES = {
    "reference_name": "",
    "reference_grounding": "Yes. The gold label.",
    "content_grounding": "Yes. The gold label.",
    "hallucination": "No",
    "abstention": "No",
    "verification_error": "No",
}


def _extraction(domain: str, citations: list[dict[str, Any]]) -> list[dict[str, str]]:
    items = []
    for c in citations:
        if domain == "legal":
            items.append(
                {
                    "type": "other",
                    "content": c["claim"],
                    "reference_name": c["marker"],
                    "holding_or_description": c["claim"],
                }
            )
        elif domain == "medical":
            items.append(
                {
                    "authority": c["marker"],
                    "full_citation": c["marker"],
                    "claimed_content": c["claim"],
                }
            )
        else:
            items.append(
                {
                    "inferred_source_type": "other",
                    "claimed_content": c["claim"],
                    "full_citation": c["marker"],
                }
            )
    return items


def _gold_for(text: str, citations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The gold citation whose claim and marker the statement shows (the longest marker wins)."""
    folded = fold(text)
    shown = [c for c in citations if fold(c["claim"]) in folded and fold(c["marker"]) in folded]
    return max(shown, key=lambda c: len(c["marker"]), default=None)


def _answer(messages: list[ChatMessage], metadata: dict[str, Any], gold: bool) -> str:
    text = "\n".join(m.text for m in messages)
    citations = metadata.get("citations", [])
    if "continue_searching" in text:
        return json.dumps({"continue_searching": False, "relevant_urls": ["[1.1]", "[1.2]"]})
    if "relevant_urls" in text:
        return json.dumps({"relevant_urls": ["[1.1]"]})
    if "reference_grounding" in text:
        found = _gold_for(messages[-1].text, citations)
        if not gold or found is None:
            return json.dumps(_YES)
        grounded = found["reference"] == "grounded"
        supported = found["content"] == "supported"
        return json.dumps(
            _YES
            | {
                "reference_name": found["marker"],
                "reference_grounding": "Yes. Gold." if grounded else "No. Gold.",
                "content_grounding": "Yes. Gold." if supported else "No. Gold.",
                "hallucination": "No" if grounded and supported else "Yes",
            }
        )
    return json.dumps(_extraction(metadata.get("domain", "research"), citations))


def audit_gold(messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random) -> str:
    return _answer(messages, metadata, gold=True)


def audit_always_supported(
    messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random
) -> str:
    return _answer(messages, metadata, gold=False)


ORACLES = {"audit-gold": audit_gold, "audit-always-supported": audit_always_supported}
