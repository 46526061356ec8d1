"""The upstream planning prompt (`-T prompts=upstream`), loaded verbatim at run time, never
committed.

The paper's own prompts are in its data share, which cannot be fetched; its code takes them from
the records' `text_input`, a field it inherits from Mirage's released VSP test set
(`test_direct.jsonl`: one prompt, the same on all 400 maps, with `<image>` where the map goes).
That text is pinned here by its sha256 at Mirage's pinned revision, and read from a local mirror
(`<data_dir>/visual_planning/prompts/mirage_direct.txt`), the verified cache, or the archive.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from trustbench.tasks.upstream_text import LoadedText, PinnedText, load_text

REPOSITORY = "UMass-Embodied-AGI/Mirage"
REVISION = "53f26de2682025e146781c5b198ec93bdfe4c4d6"
MAP_PLACEHOLDER = "<image>"
PIN = PinnedText(
    name="visual_planning/mirage_direct",
    url=(
        f"https://raw.githubusercontent.com/{REPOSITORY}/{REVISION}/"
        "data/vsp_spatial_planning/vsp_spatial_planning_test.tar.gz"
    ),
    sha256="8765221536ae1c427ba118237a220189d86071ce680d2f2a3dcdbbc30296c2fd",
    mirror_path="visual_planning/prompts/mirage_direct.txt",
    symbol="test_direct.jsonl:1:text_input",
)
HINT = (
    "Put the text in <dir>/visual_planning/prompts/mirage_direct.txt and pass --data-dir <dir> "
    "(or set TRUSTBENCH_DATA), allow the download from raw.githubusercontent.com (3 MB), or run "
    "-T prompts=trustbench for our own wording."
)


def load_upstream_prompt(
    mirror: Path | None, transport: httpx.BaseTransport | None = None
) -> LoadedText:
    """The pinned prompt; raises the typed errors of `upstream_text.load_text`."""
    loaded = load_text(PIN, mirror, transport, hint=HINT)
    if loaded.text.count(MAP_PLACEHOLDER) != 1:
        raise ValueError(f"{PIN.name} has no single {MAP_PLACEHOLDER} where the map goes.")
    return loaded
