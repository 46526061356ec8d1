"""The upstream files, pinned to one revision and checked before use.

`courses.json` is pinned by sha256 and git blob id. `questions.json` could not be read when the
pin was set, so only its git blob id is known: that id is a SHA-1 over the file's exact bytes
(git hashes `blob <size>\\0<content>`), so a download or mirror that passes it is byte-identical
to the pinned revision. Its sha256 is logged on first use so it can be pinned as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from trustbench.tasks import upstream_data
from trustbench.tasks.epfl_courses.errors import ChecksumError, DataUnavailableError
from trustbench.tasks.upstream_data import git_blob_id

__all__ = ["COURSES", "QUESTIONS", "PinnedFile", "git_blob_id", "upstream_file", "verify"]

REPOSITORY = "epfl-nlp/NLP4Education"
REVISION = "6330c50cff782c93433f10e8cbf031f5b9e78b09"
MIRROR_FOLDER = "epfl_courses"
"""Inside a local mirror (`--data-dir`, `TRUSTBENCH_DATA`) the files sit in this folder."""
HINT = (
    f"Put a copy in <dir>/{MIRROR_FOLDER}/ and pass --data-dir <dir> (or set TRUSTBENCH_DATA), "
    "pass your own questions with -T data_file=<path> (no checksum is applied to those), or run "
    "-T dataset=sample for the bundled sample questions."
)


@dataclass(frozen=True)
class PinnedFile:
    name: str
    path: str
    git_blob: str
    sha256: str | None

    @property
    def url(self) -> str:
        return f"https://raw.githubusercontent.com/{REPOSITORY}/{REVISION}/{self.path}"

    @property
    def pin(self) -> upstream_data.PinnedFile:
        return upstream_data.PinnedFile(
            label=f"{self.name} at {REPOSITORY}@{REVISION[:7]}",
            url=self.url,
            sha256=self.sha256,
            mirror_path=f"{MIRROR_FOLDER}/{self.name}",
            cache_path=f"{MIRROR_FOLDER}/{REVISION[:12]}/{self.name}",
            git_blob=self.git_blob,
        )


QUESTIONS = PinnedFile(
    "questions.json", "data/questions.json", "71a9b037877e88e81d09b1b3e8dfd5d502ebf122", None
)
COURSES = PinnedFile(
    "courses.json",
    "data/courses.json",
    "089ffa90a08b0692e349ccae13bf7b8405befe46",
    "6caa1746b255518c74113b2a304676ab395a44c430b2dc6ed5256cbcd67d112e",
)


def verify(data: bytes, pin: PinnedFile, origin: str) -> None:
    """Raise unless `data` is the pinned file; `origin` says where it came from."""
    upstream_data.verify(data, pin.pin, origin, hint=HINT, error=ChecksumError)


def upstream_file(
    pin: PinnedFile,
    mirror: Path | None,
    transport: httpx.BaseTransport | None = None,
) -> Path:
    """The pinned file from the local mirror, else the cache, else a verified download."""
    return upstream_data.fetch_pinned(
        pin.pin,
        mirror,
        transport,
        hint=HINT,
        checksum_error=ChecksumError,
        unavailable_error=DataUnavailableError,
    )
