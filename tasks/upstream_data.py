"""Pinned upstream data files: from a local mirror, else a verified cache, else a checked download.

A task describes each file it needs as a `PinnedFile` (where to download it, its sha256 and/or
git blob id, and where it sits in a mirror and in the cache) and asks `fetch_pinned` for a path.
A mirror copy must match its pin (a mismatch is an error); a damaged cache copy is logged and
downloaded again; a download is checked before it is written, and written atomically, so a
failure never leaves a partial file behind. Errors name what was looked at and end with the
task's `hint` (how to provide the data instead).

Only stdlib and httpx/platformdirs are used here: tasks import this module, never the reverse.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import platformdirs

logger = logging.getLogger(__name__)

DATA_ENV = "TRUSTBENCH_DATA"
"""Names the local mirror when no data_dir is given."""
CACHE_ENV = "TRUSTBENCH_CACHE_DIR"
"""Overrides the user cache directory (shared with the rest of trustbench)."""
DOWNLOAD_TIMEOUT_S = 120


class UpstreamDataError(ValueError):
    """A pinned upstream file cannot be used."""


class ChecksumError(UpstreamDataError):
    """A data file is not the pinned upstream version."""


class DataUnavailableError(UpstreamDataError):
    """A pinned file is neither mirrored, cached nor downloadable."""


@dataclass(frozen=True)
class PinnedFile:
    """One upstream file pinned by content: sha256, git blob id (SHA-1 of `blob <n>\\0<bytes>`),
    or both."""

    label: str
    """What the file is, for messages, e.g. `data/x.json at owner/repo@abc1234`."""
    url: str
    sha256: str | None
    mirror_path: str
    """Relative to the mirror root handed to `fetch_pinned`."""
    cache_path: str
    """Relative to `cache_dir()`."""
    git_blob: str | None = None

    def __post_init__(self) -> None:
        if self.sha256 is None and self.git_blob is None:
            raise ValueError(f"{self.label}: a pin needs a sha256 or a git blob id")


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mirror_root(data_dir: str | os.PathLike[str] | None) -> Path | None:
    """The local mirror: `data_dir`, else $TRUSTBENCH_DATA, else None."""
    chosen = data_dir or os.environ.get(DATA_ENV)
    return Path(chosen).expanduser() if chosen else None


def cache_dir() -> Path:
    """Where downloaded data is kept: `$TRUSTBENCH_CACHE_DIR/data`, else the user cache's."""
    base = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("trustbench")
    return Path(base) / "data"


def verify(
    data: bytes,
    pin: PinnedFile,
    where: str,
    *,
    hint: str = "",
    error: type[ChecksumError] = ChecksumError,
) -> None:
    """Raise `error` unless `data` is the pinned file; `where` says where the bytes came from."""
    found: list[tuple[str, str, str]] = []
    if pin.git_blob is not None:
        found.append(("git blob", git_blob_id(data), pin.git_blob))
    digest = sha256(data)
    if pin.sha256 is not None:
        found.append(("sha256", digest, pin.sha256))
    for kind, got, expected in found:
        if got != expected:
            raise error(
                f"{where} is not {pin.label}: {kind} {got}, expected {expected}. Replace it "
                f"with the upstream file (or delete it to download it again). {hint}".rstrip()
            )
    if pin.sha256 is None:
        logger.info("%s verified by git blob id; sha256 %s", pin.label, digest)


def download(
    pin: PinnedFile,
    target: Path,
    transport: httpx.BaseTransport | None = None,
    *,
    hint: str = "",
    error: type[ChecksumError] = ChecksumError,
) -> bytes:
    """Fetch the pinned file, check it, then move it into place (never a partial file).

    Raises httpx.HTTPError when the download fails and `error` when it is not the pinned file.
    """
    with httpx.Client(
        transport=transport, follow_redirects=True, timeout=DOWNLOAD_TIMEOUT_S
    ) as client:
        response = client.get(pin.url)
        response.raise_for_status()
    data = response.content
    verify(data, pin, pin.url, hint=hint, error=error)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return data


def fetch_pinned(
    pin: PinnedFile,
    mirror: Path | None,
    transport: httpx.BaseTransport | None = None,
    *,
    hint: str,
    checksum_error: type[ChecksumError] = ChecksumError,
    unavailable_error: type[DataUnavailableError] = DataUnavailableError,
) -> Path:
    """The pinned file from `mirror` (which must match), else the cache, else a download.

    A damaged cache copy is logged and downloaded again. `hint` ends every error message and
    says how to provide the data another way; the error types let a task raise its own.
    """
    mirrored = mirror / pin.mirror_path if mirror is not None else None
    if mirrored is not None and mirrored.is_file():
        verify(mirrored.read_bytes(), pin, str(mirrored), hint=hint, error=checksum_error)
        return mirrored
    cached = cache_dir() / pin.cache_path
    if cached.is_file():
        try:
            verify(cached.read_bytes(), pin, str(cached))
            return cached
        except ChecksumError:
            logger.warning("%s is damaged; downloading it again", cached)
            cached.unlink()
    try:
        download(pin, cached, transport, hint=hint, error=checksum_error)
    except httpx.HTTPError as ex:
        looked = f"{mirrored} nor " if mirrored is not None else ""
        raise unavailable_error(
            f"{pin.label} is neither in {looked}{cached}, and downloading {pin.url} failed "
            f"({(str(ex).splitlines() or [type(ex).__name__])[0]}). {hint}".rstrip()
        ) from ex
    return cached
