"""Policies for `scripted/`: an answerer that cites, for each turn, a sentence of the bundled
offline corpus page closest to the question (grounded: the scale's 0 %), and one that cites a
case or paper that does not exist (hallucinated: 100 %). Asked for a follow-up as the simulated
user, both ask a plain one."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageUser

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


REFERENCE_MODELS = {"halluhard-cited": cited_answerer, "halluhard-invented": inventing_answerer}
