"""The upstream seed files, pinned to a revision and sha256, from a local mirror, the cache or a
checked download.

The data is never copied into this repository (it has no licence; see the README). A mirror
keeps upstream's paths, with the files of other revisions under `variants/` as in the reference
copies: `<dir>/halluhard/<path>` or `<dir>/<path>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from trustbench.tasks import upstream_data
from trustbench.tasks.halluhard.errors import ChecksumError, DataUnavailableError

REPOSITORY = "epfml/halluhard"
MAIN = "95601e191528de8297e99cc8e8fd0328eb9b444d"
"""main on 2026-04-23: the legal v1, shuffled research, medical and coding files."""
INITIAL_RELEASE = "7d03800db70e9a350da0b656b84c501198a2e7ce"
"""2026-01-29, paper time: research questions in their original order."""
LEGAL_REFRESH = "c8b87810d37b238a0847cb01639050ea786354e8"
"""2026-08-02: legal v2, 250 unique questions (the duplicates of issue #6 replaced)."""
MIRROR_FOLDER = "halluhard"
HINT = (
    f"Put a mirror of the upstream files in <dir>/{MIRROR_FOLDER}/ and pass --data-dir <dir> "
    "(or set TRUSTBENCH_DATA), or run -T dataset=sample for the bundled sample questions."
)


@dataclass(frozen=True)
class PinnedFile:
    label: str
    """What the log records as this file's version, e.g. `v1@95601e1`."""
    revision: str
    path: str
    sha256: str
    mirror_path: str

    @property
    def url(self) -> str:
        return f"https://raw.githubusercontent.com/{REPOSITORY}/{self.revision}/{self.path}"

    @property
    def pin(self) -> upstream_data.PinnedFile:
        return upstream_data.PinnedFile(
            label=f"{self.path} at {REPOSITORY}@{self.revision[:7]}",
            url=self.url,
            sha256=self.sha256,
            mirror_path=self.mirror_path,
            cache_path=f"{MIRROR_FOLDER}/{self.revision[:12]}/{self.path}",
        )


LEGAL = {
    "v1": PinnedFile(
        "v1@95601e1",
        MAIN,
        "legal_cases/data/legal_cases_all.jsonl",
        "d69706612a5de0de265a448c1a5f6a9c92d48b0698991928c7ddbf79a3eab43d",
        "legal_cases/data/legal_cases_all.jsonl",
    ),
    "v2": PinnedFile(
        "v2@c8b8781",
        LEGAL_REFRESH,
        "legal_cases/data/legal_cases_all.jsonl",
        "d3670ca522a8c0bc0d0ee5fbe131c5663df68c07e870fa55d3e5d174aae05f87",
        "variants/upstream_c8b8781_2026-08-02/legal_cases/data/legal_cases_all.jsonl",
    ),
}
RESEARCH = {
    "original": PinnedFile(
        "original@7d03800",
        INITIAL_RELEASE,
        "research_questions/data/research_questions_all.jsonl",
        "1f0b87784d521fdbc3f6d00fd29c6af1d4cdecee7142dc636ee3765ffefa0631",
        "variants/initial_release_7d03800/research_questions/data/research_questions_all.jsonl",
    ),
    "shuffled": PinnedFile(
        "shuffled@95601e1",
        MAIN,
        "research_questions/data/research_questions_all.jsonl",
        "547fdf6f7668203d4fb6d500d7e7be0554d14b3911bd890f6c95a6282dda1d1c",
        "research_questions/data/research_questions_all.jsonl",
    ),
}
MEDICAL = PinnedFile(
    "95601e1",
    MAIN,
    "medical_guidelines/data/guidelines.jsonl",
    "2e5a550e3cadebc4b12fc5f5aca94d56f64264e5885dbbfb222bd644b58a2419",
    "medical_guidelines/data/guidelines.jsonl",
)
CODING = PinnedFile(
    "95601e1",
    MAIN,
    "coding/data/coding_questions.jsonl",
    "fdb404333ad62873e26d5a8439cf3602285375534a34963319aaa632b1829196",
    "coding/data/coding_questions.jsonl",
)


def verify(data: bytes, pin: PinnedFile, origin: str) -> None:
    """Raise unless `data` is byte for byte the pinned file; `origin` says where it came from."""
    upstream_data.verify(data, pin.pin, origin, hint=HINT, error=ChecksumError)


def mirror_root(data_dir: str | None) -> Path | None:
    """`data_dir`, else $TRUSTBENCH_DATA; its `halluhard/` folder when it has one."""
    root = upstream_data.mirror_root(data_dir)
    if root is None:
        return None
    return root / MIRROR_FOLDER if (root / MIRROR_FOLDER).is_dir() else root


def pinned_file(
    pin: PinnedFile, data_dir: str | None, transport: httpx.BaseTransport | None = None
) -> Path:
    """The pinned file from the mirror (which must match), else the cache, else a download."""
    return upstream_data.fetch_pinned(
        pin.pin,
        mirror_root(data_dir),
        transport,
        hint=HINT,
        checksum_error=ChecksumError,
        unavailable_error=DataUnavailableError,
    )
