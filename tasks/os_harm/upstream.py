"""The upstream task files, pinned to one revision and checked by sha256 before use.

tml-epfl/os-harm publishes no tagged release; the pin is the complete copy vendored in
YurunChen/SafePred at a fixed commit, whose task JSONs match the upstream repository byte for
byte. Every file is read from a local mirror, else the cache, else downloaded, and never used
unless its sha256 is the pinned one (`pins.json`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import httpx

from trustbench.tasks import upstream_data
from trustbench.tasks.os_harm.errors import ChecksumError, DataUnavailableError
from trustbench.tasks.upstream_data import sha256

__all__ = ["UpstreamFiles", "cache_dir", "file_pins", "mirror_root", "pins", "sha256", "verify"]

REPOSITORY = "YurunChen/SafePred"
REVISION = "067ea4741b396f83cba5b4053b7fb56ec2275686"
PREFIX = "benchmark/os-harm"
MIRROR_FOLDER = "os_harm"
"""Inside a local mirror (`data_dir`, `TRUSTBENCH_DATA`) the files sit in this folder, laid out
as in the upstream repository (`evaluation_examples/…`)."""
PINS_FILE = Path(__file__).with_name("pins.json")
HINT = (
    f"Put a copy of the upstream tree in <dir>/{MIRROR_FOLDER}/ and pass -T data_dir=<dir> "
    f"(or set {upstream_data.DATA_ENV})."
)


@cache
def pins() -> dict[str, dict[str, str]]:
    return json.loads(PINS_FILE.read_text(encoding="utf-8"))


def file_pins() -> dict[str, str]:
    return pins()["files"]


def url_of(path: str) -> str:
    return f"https://raw.githubusercontent.com/{REPOSITORY}/{REVISION}/{PREFIX}/{path}"


def pin_of(path: str) -> upstream_data.PinnedFile:
    """The pin of an upstream `path` (relative to the mirror and to `cache_dir()`)."""
    expected = file_pins().get(path)
    if expected is None:
        raise ChecksumError(f"{path} is not a pinned OS-Harm file (see {PINS_FILE.name}).")
    return upstream_data.PinnedFile(
        label=f"{path} at {REPOSITORY}@{REVISION[:7]}",
        url=url_of(path),
        sha256=expected,
        mirror_path=path,
        cache_path=f"{MIRROR_FOLDER}/{REVISION[:12]}/{path}",
    )


def verify(data: bytes, path: str, origin: str) -> None:
    """Raise unless `data` is the pinned `path`; `origin` says where the bytes came from."""
    upstream_data.verify(data, pin_of(path), origin, hint=HINT, error=ChecksumError)


def cache_dir() -> Path:
    return upstream_data.cache_dir() / MIRROR_FOLDER / REVISION[:12]


def mirror_root(data_dir: str | None) -> Path | None:
    """`data_dir` wins over TRUSTBENCH_DATA; either names the folder that holds `os_harm/`."""
    root = upstream_data.mirror_root(data_dir)
    return root / MIRROR_FOLDER if root is not None else None


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
        found = upstream_data.fetch_pinned(
            pin_of(path),
            self.mirror,
            self.transport,
            hint=HINT,
            checksum_error=ChecksumError,
            unavailable_error=DataUnavailableError,
        )
        return found.read_bytes()

    def read_json(self, path: str) -> object:
        return json.loads(self.read(path).decode("utf-8"))
