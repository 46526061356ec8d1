"""Quoting untrusted text (web pages, the answer under review) for the grader between marker
lines it cannot close.

Each prompt gets its own code in its markers. The code is a hash of the quoted text and the
seed rather than a random draw: a page cannot contain the hash of itself, so it cannot forge the
closing marker, while the same prompt is rebuilt byte for byte on a re-judge, which is what
Inspect's model cache and replay need. Anything in the quoted text that looks like one of our
markers, whatever its code, is removed as well.
"""

from __future__ import annotations

import hashlib
import re

_MARKER = re.compile(r"<{2,}\s*/?\s*(?:BEGIN|END)\b[^<>\n]{0,120}>{2,}", re.I)
REMOVED = "[marker removed]"


def make_code(seed: int, *texts: str) -> str:
    digest = hashlib.sha256(str(seed).encode())
    for text in texts:
        digest.update(b"\x00" + text.encode("utf-8", "replace"))
    return digest.hexdigest()[:24]


def scrub(text: str, code: str) -> str:
    """`text` without anything shaped like a marker and without the code itself."""
    return _MARKER.sub(REMOVED, text).replace(code, REMOVED)


def fence(label: str, text: str, code: str) -> str:
    """`text` between `<<<BEGIN label code>>>` and `<<<END label code>>>`."""
    return f"<<<BEGIN {label} {code}>>>\n{scrub(text, code)}\n<<<END {label} {code}>>>"


_UPSTREAM_TAG = re.compile(
    r"</?\s*(?:START|END|START_STATEMENT|END_STATEMENT|WEB_SEARCH_RESULTS)\s*>", re.I
)


def as_data(label: str, text: str, code: str, *, fenced: bool) -> str:
    """Untrusted `text` ready to insert into a prompt: fenced (our prompts), or, for upstream's
    prompts, which wrap data in their own tags, with anything shaped like those tags removed."""
    if fenced:
        return fence(label, text, code)
    return _UPSTREAM_TAG.sub(REMOVED, text)
