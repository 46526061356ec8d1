"""An assistant turn as the judge reads it: its text, with the URL citations that a provider's
built-in web search returned written inline as `[Title](URL)`.

Without this, a web-search answer's sources live only in message metadata and the claim extractor
would see uncited text (upstream rewrote Claude's citations into the text for the same reason).
"""

from __future__ import annotations

from inspect_ai.model import ChatMessageAssistant, ContentText, UrlCitation


def _link(citation: UrlCitation) -> str:
    return f" [{citation.title or citation.url}]({citation.url})"


def _render_part(part: ContentText) -> str:
    """Ranged citations (OpenAI) go right after the text they cover, the others (Anthropic) after
    the block; a URL already in the text is not repeated."""
    text = part.text
    inserts: dict[int, list[str]] = {}
    seen: set[str] = set()
    for citation in part.citations or []:
        if not isinstance(citation, UrlCitation) or citation.url in text or citation.url in seen:
            continue
        seen.add(citation.url)
        at = len(text)
        if isinstance(citation.cited_text, tuple) and 0 <= citation.cited_text[1] <= len(text):
            at = citation.cited_text[1]
        inserts.setdefault(at, []).append(_link(citation))
    for at in sorted(inserts, reverse=True):
        text = text[:at] + "".join(inserts[at]) + text[at:]
    return text


def rendered_text(message: ChatMessageAssistant) -> str:
    """Text blocks are joined without separators: providers split one answer into blocks at
    citation boundaries, often mid-sentence."""
    if isinstance(message.content, str):
        return message.content
    return "".join(_render_part(p) for p in message.content if isinstance(p, ContentText))
