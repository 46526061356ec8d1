"""Reference models for `scripted/`, one module for both tasks of the folder.

For `halluhard`: an answerer that cites, for each turn, a sentence of the bundled offline corpus
page closest to the question (grounded: the scale's 0 %), and one that cites a case or paper that
does not exist (hallucinated: 100 %). Asked for a follow-up as the simulated user, both ask a
plain one.

For `halluhard_audit`, graders that need no model: `scripted/audit-gold` answers every judge
stage from the sample's gold labels (the pipeline must then reproduce them exactly),
`scripted/audit-always-supported` extracts the same claims but calls every reference grounded
and every claim supported (it must score the always-yes baseline). Each reads the active audit
sample's gold citations; which stage is asking is told by the JSON the prompt asks for (planner,
URL selection, verdict, else claim extraction)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageUser

from trustbench.judges.groundedness.references import fold

CORPUS = Path(__file__).parent / "data" / "corpus"
FOLLOW_UP = "What did later cases or studies make of this?"
INVENTED = {
    "legal_cases": "This was settled in Hartwell v. Brennan, 612 U.S. 77 (2019).",
    "research_questions": "This was shown by Okafor and Lindqvist (2021), https://arxiv.org/abs/2107.99999.",
    "medical_guidelines": "See the 2019 WHO guideline at https://www.who.int/publications/i/item/9999999999.",
    "coding": "Install it with `pip install fastcsvparse-pro` and call `fastcsvparse_pro.read_all()`.",
}


OTHER_CITATION = re.compile(r"\bv\.|U\.S\.|§|\(|\d{4}|et al|https?:")
"""Sentences that cite something themselves are not quoted: the answer's one citation is the page."""


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    sentences: tuple[str, ...]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


@cache
def _pages() -> tuple[Page, ...]:
    pages = []
    for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        body = [
            row
            for row in (CORPUS / entry["path"]).read_text(encoding="utf-8").splitlines()
            if row.strip() and not row.startswith("#")
        ]
        text = " ".join(row.strip() for row in body)
        sentences = tuple(
            s
            for s in re.split(r"(?<![ .]v\.)(?<=[.;])\s+(?=[A-Z])", text)
            if len(s) > 40 and not OTHER_CITATION.search(s)
        )
        pages.append(Page(entry["url"], entry["title"], sentences))
    return tuple(pages)


def _asked(messages: list[ChatMessage]) -> str:
    users = [m.text for m in messages if isinstance(m, ChatMessageUser)]
    return users[-1] if users else ""


def _is_follow_up_request(messages: list[ChatMessage]) -> bool:
    """The simulated user's prompt quotes the conversation, whose answers carry our links."""
    return "(http" in _asked(messages) or any(
        text in _asked(messages) for text in INVENTED.values()
    )


def cited_answerer(
    messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random
) -> str:
    if _is_follow_up_request(messages):
        return FOLLOW_UP
    question = _words(f"{metadata['question']} {metadata.get('title', '')}")
    quotable = [p for p in _pages() if p.sentences]  # a page of code alone has no sentence
    page = max(quotable, key=lambda p: len(question & _words(" ".join((p.title, *p.sentences)))))
    said = " ".join(m.text for m in messages if isinstance(m, ChatMessageAssistant))
    fresh = [s for s in page.sentences if s not in said] or list(page.sentences)
    sentence = max(fresh, key=lambda s: len(question & _words(s)))
    return f"{sentence.rstrip('.;')} ({page.url})."


def inventing_answerer(
    messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random
) -> str:
    if _is_follow_up_request(messages):
        return FOLLOW_UP
    return INVENTED[metadata["domain"]]


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


REFERENCE_MODELS = {
    "halluhard-cited": cited_answerer,
    "halluhard-invented": inventing_answerer,
    "audit-gold": audit_gold,
    "audit-always-supported": audit_always_supported,
}
