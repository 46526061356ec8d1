"""The upstream seed files, pinned to a revision and sha256, from a local mirror, the cache or a
checked download.

The data is never copied into this repository (it has no licence; see the README). A mirror
keeps upstream's paths, with the files of other revisions under `variants/` as in the reference
copies: `<dir>/halluhard/<path>` or `<dir>/<path>`.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import platformdirs

from trustbench.tasks.halluhard.errors import ChecksumError, DataUnavailableError

logger = logging.getLogger(__name__)

REPOSITORY = "epfml/halluhard"
MAIN = "95601e191528de8297e99cc8e8fd0328eb9b444d"
"""main on 2026-04-23: the legal v1, shuffled research, medical and coding files."""
INITIAL_RELEASE = "7d03800db70e9a350da0b656b84c501198a2e7ce"
"""2026-01-29, paper time: research questions in their original order."""
LEGAL_REFRESH = "c8b87810d37b238a0847cb01639050ea786354e8"
"""2026-08-02: legal v2, 250 unique questions (the duplicates of issue #6 replaced)."""
MIRROR_FOLDER = "halluhard"
DATA_ENV = "TRUSTBENCH_DATA"


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
    digest = hashlib.sha256(data).hexdigest()
    if digest != pin.sha256:
        raise ChecksumError(
            f"{origin} is not {pin.path} at {REPOSITORY}@{pin.revision[:7]}: sha256 {digest}, "
            f"expected {pin.sha256}. Replace it with the upstream file (or delete it to download "
            "it again), or run -T source=sample for the bundled sample questions."
        )


def cache_dir() -> Path:
    base = os.environ.get("TRUSTBENCH_CACHE_DIR") or platformdirs.user_cache_dir("trustbench")
    return Path(base) / "halluhard"


def mirror_root(data_dir: str | None) -> Path | None:
    """`data_dir`, else $TRUSTBENCH_DATA; its `halluhard/` folder when it has one."""
    configured = data_dir or os.environ.get(DATA_ENV)
    if not configured:
        return None
    root = Path(configured).expanduser()
    return root / MIRROR_FOLDER if (root / MIRROR_FOLDER).is_dir() else root


def download(pin: PinnedFile, target: Path, transport: httpx.BaseTransport | None = None) -> None:
    """Fetch the pinned file, check it, then move it into place (never a partial file)."""
    with httpx.Client(transport=transport, follow_redirects=True, timeout=120) as client:
        response = client.get(pin.url)
        response.raise_for_status()
    verify(response.content, pin, pin.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(response.content)
    partial.replace(target)


def pinned_file(
    pin: PinnedFile, data_dir: str | None, transport: httpx.BaseTransport | None = None
) -> Path:
    """The pinned file from the mirror (which must match), else the cache, else a download."""
    mirror = mirror_root(data_dir)
    if mirror is not None:
        mirrored = mirror / pin.mirror_path
        if mirrored.is_file():
            verify(mirrored.read_bytes(), pin, str(mirrored))
            return mirrored
    cached = cache_dir() / pin.revision[:12] / pin.path
    if cached.is_file():
        try:
            verify(cached.read_bytes(), pin, str(cached))
            return cached
        except ChecksumError:
            logger.warning("%s is damaged; downloading it again", cached)
            cached.unlink()
    try:
        download(pin, cached, transport)
    except httpx.HTTPError as ex:
        looked = f"{mirror / pin.mirror_path} nor " if mirror is not None else ""
        raise DataUnavailableError(
            f"{pin.path} is neither in {looked}{cached}, and downloading {pin.url} failed "
            f"({ex}). Put a mirror of the upstream files in <dir>/{MIRROR_FOLDER}/ and pass "
            "--data-dir <dir> (or set TRUSTBENCH_DATA), or run -T source=sample."
        ) from ex
    return cached
