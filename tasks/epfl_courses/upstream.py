"""The upstream files, pinned to one revision and checked before use.

`courses.json` is pinned by sha256 and git blob id. `questions.json` could not be read when the
pin was set, so only its git blob id is known: that id is a SHA-1 over the file's exact bytes
(git hashes `blob <size>\\0<content>`), so a download or mirror that passes it is byte-identical
to the pinned revision. Its sha256 is logged on first use so it can be pinned as well.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import platformdirs

from trustbench.tasks.epfl_courses.errors import ChecksumError, DataUnavailableError

logger = logging.getLogger(__name__)

REPOSITORY = "epfl-nlp/NLP4Education"
REVISION = "6330c50cff782c93433f10e8cbf031f5b9e78b09"
MIRROR_FOLDER = "epfl_courses"
"""Inside a local mirror (`--data-dir`, `TRUSTBENCH_DATA`) the files sit in this folder."""


@dataclass(frozen=True)
class PinnedFile:
    name: str
    path: str
    git_blob: str
    sha256: str | None

    @property
    def url(self) -> str:
        return f"https://raw.githubusercontent.com/{REPOSITORY}/{REVISION}/{self.path}"


QUESTIONS = PinnedFile(
    "questions.json", "data/questions.json", "71a9b037877e88e81d09b1b3e8dfd5d502ebf122", None
)
COURSES = PinnedFile(
    "courses.json",
    "data/courses.json",
    "089ffa90a08b0692e349ccae13bf7b8405befe46",
    "6caa1746b255518c74113b2a304676ab395a44c430b2dc6ed5256cbcd67d112e",
)


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def verify(data: bytes, pin: PinnedFile, origin: str) -> None:
    """Raise unless `data` is the pinned file; `origin` says where it came from."""
    blob = git_blob_id(data)
    if blob != pin.git_blob:
        raise ChecksumError(
            f"{origin} is not {pin.name} at {REPOSITORY}@{REVISION[:7]} (git blob {blob}, "
            f"expected {pin.git_blob}). Replace it with the upstream file, or pass your own "
            "questions with -T data_file=<path> (no checksum is applied to those)."
        )
    digest = hashlib.sha256(data).hexdigest()
    if pin.sha256 is not None and digest != pin.sha256:
        raise ChecksumError(
            f"{origin}: sha256 {digest} does not match the pinned {pin.sha256} for {pin.name}."
        )
    if pin.sha256 is None:
        logger.info("%s verified by git blob id; sha256 %s", pin.name, digest)


def cache_dir() -> Path:
    base = os.environ.get("TRUSTBENCH_CACHE_DIR") or platformdirs.user_cache_dir("trustbench")
    return Path(base) / "epfl_courses" / REVISION[:12]


def download(pin: PinnedFile, target: Path, transport: httpx.BaseTransport | None = None) -> None:
    """Fetch the pinned file, check it, then move it into place (never a partial file)."""
    with httpx.Client(transport=transport, follow_redirects=True, timeout=120) as client:
        response = client.get(pin.url)
        response.raise_for_status()
    verify(response.content, pin, pin.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(response.content)
    partial.replace(target)


def upstream_file(
    pin: PinnedFile,
    mirror: Path | None,
    transport: httpx.BaseTransport | None = None,
) -> Path:
    """The pinned file from the local mirror, else the cache, else a verified download."""
    if mirror is not None:
        mirrored = mirror / MIRROR_FOLDER / pin.name
        if mirrored.is_file():
            verify(mirrored.read_bytes(), pin, str(mirrored))
            return mirrored
    cached = cache_dir() / pin.name
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
        looked = f"{mirror / MIRROR_FOLDER / pin.name} nor " if mirror is not None else ""
        raise DataUnavailableError(
            f"{pin.name} is neither in {looked}{cached}, and downloading {pin.url} failed "
            f"({ex}). Put a copy in <dir>/{MIRROR_FOLDER}/ and pass --data-dir <dir> (or set "
            "TRUSTBENCH_DATA), or run -T dataset=sample for the bundled sample questions."
        ) from ex
    return cached
