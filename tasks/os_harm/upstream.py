"""The upstream task files, pinned to one revision and checked by sha256 before use.

tml-epfl/os-harm publishes no tagged release; the pin is the complete copy vendored in
YurunChen/SafePred at a fixed commit, whose task JSONs match the upstream repository byte for
byte. Every file is read from a local mirror, else the cache, else downloaded, and never used
unless its sha256 is the pinned one (`pins.json`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import cache
from pathlib import Path

import httpx
import platformdirs

from trustbench.tasks.os_harm.errors import ChecksumError, DataUnavailableError

logger = logging.getLogger(__name__)

REPOSITORY = "YurunChen/SafePred"
REVISION = "067ea4741b396f83cba5b4053b7fb56ec2275686"
PREFIX = "benchmark/os-harm"
MIRROR_FOLDER = "os_harm"
"""Inside a local mirror (`data_dir`, `TRUSTBENCH_DATA`) the files sit in this folder, laid out
as in the upstream repository (`evaluation_examples/…`)."""
DATA_ENV = "TRUSTBENCH_DATA"
PINS_FILE = Path(__file__).with_name("pins.json")


@cache
def pins() -> dict[str, dict[str, str]]:
    return json.loads(PINS_FILE.read_text(encoding="utf-8"))


def file_pins() -> dict[str, str]:
    return pins()["files"]


def url_of(path: str) -> str:
    return f"https://raw.githubusercontent.com/{REPOSITORY}/{REVISION}/{PREFIX}/{path}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(data: bytes, path: str, origin: str) -> None:
    """Raise unless `data` is the pinned `path`; `origin` says where the bytes came from."""
    expected = file_pins().get(path)
    if expected is None:
        raise ChecksumError(f"{path} is not a pinned OS-Harm file (see {PINS_FILE.name}).")
    digest = sha256(data)
    if digest != expected:
        raise ChecksumError(
            f"{origin}: sha256 {digest} is not the pinned {expected} for {path} at "
            f"{REPOSITORY}@{REVISION[:7]}. Replace it with the upstream file."
        )


def cache_dir() -> Path:
    base = os.environ.get("TRUSTBENCH_CACHE_DIR") or platformdirs.user_cache_dir("trustbench")
    return Path(base) / "os_harm" / REVISION[:12]


def mirror_root(data_dir: str | None) -> Path | None:
    """`data_dir` wins over TRUSTBENCH_DATA; either names the folder that holds `os_harm/`."""
    chosen = data_dir or os.environ.get(DATA_ENV)
    return Path(chosen) / MIRROR_FOLDER if chosen else None


class UpstreamFiles:
    """Reads pinned files from the mirror, the cache, or a checked download (in that order)."""

    def __init__(self, mirror: Path | None, transport: httpx.BaseTransport | None = None) -> None:
        self.mirror = mirror
        self.transport = transport

    @property
    def origin(self) -> str:
        return f"mirror:{self.mirror}" if self.mirror else f"{REPOSITORY}@{REVISION}"

    def in_mirror(self, path: str) -> Path | None:
        if self.mirror is None:
            return None
        candidate = self.mirror / path
        return candidate if candidate.is_file() else None

    def read(self, path: str) -> bytes:
        mirrored = self.in_mirror(path)
        if mirrored is not None:
            data = mirrored.read_bytes()
            verify(data, path, str(mirrored))
            return data
        cached = cache_dir() / path
        if cached.is_file():
            data = cached.read_bytes()
            try:
                verify(data, path, str(cached))
                return data
            except ChecksumError:
                logger.warning("%s is damaged; downloading it again", cached)
                cached.unlink()
        return self._download(path, cached)

    def _download(self, path: str, target: Path) -> bytes:
        url = url_of(path)
        try:
            with httpx.Client(
                transport=self.transport, follow_redirects=True, timeout=60
            ) as client:
                response = client.get(url)
                response.raise_for_status()
        except httpx.HTTPError as ex:
            looked = f"{self.mirror / path} nor " if self.mirror is not None else ""
            raise DataUnavailableError(
                f"{path} is neither in {looked}{target}, and downloading {url} failed ({ex}). "
                f"Put a copy of the upstream tree in <dir>/{MIRROR_FOLDER}/ and pass "
                f"-T data_dir=<dir> (or set {DATA_ENV})."
            ) from ex
        verify(response.content, path, url)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".partial")
        partial.write_bytes(response.content)
        partial.replace(target)
        return response.content

    def read_json(self, path: str) -> object:
        return json.loads(self.read(path).decode("utf-8"))
