"""Bytes to text. The charset the server declared wins, then a BOM or an HTML `<meta charset>`,
then UTF-8, and only then charset-normalizer's guess (slow on large bodies, wrong on short ones)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
GUESS_WINDOW = 65536
"""charset-normalizer guesses from this much of the body: it is slow on big bodies, and a prefix
decides as well."""
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)


@dataclass
class Decoded:
    text: str
    charset: str
    warnings: list[str] = field(default_factory=list)


def decode_body(body: bytes, declared: str | None, *, html: bool = False) -> Decoded:
    """Decodes `body`; every charset that was tried and failed is reported in `warnings`."""
    warnings: list[str] = []
    candidates: list[tuple[str, str]] = []
    bom = next((codec for mark, codec in _BOMS if body.startswith(mark)), None)
    if bom:
        candidates.append((bom, "byte-order mark"))
    if declared:
        candidates.append((declared.strip().strip("\"'"), "declared"))
    if html and (match := _META_CHARSET.search(body[:4096])):
        candidates.append((match.group(1).decode("ascii"), "<meta>"))
    for charset, source in candidates:
        try:
            return Decoded(body.decode(charset), codecs.lookup(charset).name, warnings)
        except LookupError:
            warnings.append(f"unknown {source} charset {charset!r}")
        except UnicodeDecodeError:
            warnings.append(f"the {source} charset {charset!r} does not decode the body")
    try:
        return Decoded(body.decode("utf-8"), "utf-8", warnings)
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:GUESS_WINDOW]).best()
    if best is not None:
        warnings.append(f"charset guessed by charset-normalizer: {best.encoding}")
        text = body.decode(best.encoding, errors="replace")
        return Decoded(text, best.encoding, warnings)
    warnings.append("no charset decodes the body; undecodable bytes were replaced")
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", warnings)
