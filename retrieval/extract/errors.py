"""The one error extraction raises."""

from __future__ import annotations

from trustbench.retrieval.types import RetrievalError


class ExtractionFailed(RetrievalError):
    """No text could be read from a body (malformed, encrypted, unsupported, or the parser ran
    out of time with nothing recovered). `reason` says which, for the judge's record."""

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        self.reason = reason
        self.url = url
        where = f" {url}" if url else ""
        super().__init__(f"Could not extract text from{where}: {reason}")
