"""Fetched pages for judge tests, written inline: a `Document` as the reader would give it."""

from __future__ import annotations

from trustbench.retrieval.types import CitationMetadata, Document


def page(url: str, heading: str, text: str, **metadata: object) -> Document:
    """A page at `url` with its title, text and citation metadata (`title`, `authors`, …)."""
    return Document(
        url=url,
        title=heading,
        text=text,
        metadata=CitationMetadata(**metadata),
        extractor="test",
        extractor_version="0",
    )
