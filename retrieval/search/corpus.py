"""Offline search: BM25 over a local folder of saved HTML, PDF, Markdown and text files, so a
judge can verify claims with no network (tests, air-gapped runs, frozen evidence sets).

Which URL a file stands for, first match wins:
1. its line in the folder's manifest `corpus.jsonl`:
   `{"path": "papers/a.pdf", "url": "https://…", "title": "…"}` (path relative to the folder,
   title optional);
2. for HTML, the page's own `<link rel="canonical">` or `og:url` (absolute http(s) only);
3. the file's `file://` URI.

Every file is extracted once, at construction, with `trustbench.retrieval.extract`; a file that
cannot be used is listed in `skipped` with the reason."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import bm25s
import numpy as np

from trustbench.retrieval.extract import ExtractionFailed, extract_bytes
from trustbench.retrieval.extract.webpage_reader import canonical_url
from trustbench.retrieval.passages import chunk_text, sentence_spans, tokenize
from trustbench.retrieval.types import ContentKind, Document, SearchResult

MANIFEST = "corpus.jsonl"
KINDS: dict[str, ContentKind] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".md": "text",
    ".markdown": "text",
    ".txt": "text",
}
SNIPPET_CHARS = 300


@dataclass(frozen=True)
class SkippedFile:
    path: str
    """Relative to the corpus folder (`corpus.jsonl:3` for a bad manifest line)."""
    reason: str


@dataclass(frozen=True)
class _Entry:
    url: str
    title: str | None


class CorpusSearch:
    """A `SearchProvider` over a local folder; `document(url)` returns the extracted page."""

    name = "corpus"

    def __init__(
        self, folder: str | Path, *, pdf_max_pages: int = 50, pdf_time_budget_s: float = 20.0
    ) -> None:
        self.folder = Path(folder)
        self.skipped: list[SkippedFile] = []
        self._documents: dict[str, Document] = {}
        self._paths: dict[str, str] = {}
        manifest = self._read_manifest()
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            relative = path.relative_to(self.folder).as_posix()
            if relative != MANIFEST and not path.name.startswith("."):
                self._add(
                    path, relative, manifest.pop(relative, None), pdf_max_pages, pdf_time_budget_s
                )
        self.skipped += [
            SkippedFile(p, f"listed in {MANIFEST} but not in the folder") for p in sorted(manifest)
        ]
        self._chunks = [
            (url, start, end)
            for url, doc in self._documents.items()
            for start, end in chunk_text(doc.text)
        ]
        self._index: bm25s.BM25 | None = None
        if self._chunks:
            self._index = bm25s.BM25()
            self._index.index(
                [tokenize(self._documents[u].text[s:e]) for u, s, e in self._chunks],
                show_progress=False,
            )

    async def search(self, query: str, k: int = 10) -> list[SearchResult]:
        """The `k` files that best match `query` (BM25 of their best chunk), best first; files
        sharing no word with the query are left out."""
        if self._index is None or k < 1:
            return []
        terms = [t for t in tokenize(query) if t in self._index.vocab_dict]
        if not terms:
            return []
        scores = self._index.get_scores(terms)
        best: dict[str, tuple[float, int]] = {}
        for i in np.flatnonzero(scores > 0):
            url = self._chunks[i][0]
            if url not in best or scores[i] > best[url][0]:
                best[url] = (float(scores[i]), int(i))
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:k]
        return [
            SearchResult(
                title=self._documents[url].title or Path(self._paths[url]).stem,
                url=url,
                snippet=self._snippet(chunk, set(terms)),
                rank=rank,
                provider=self.name,
                extras={"path": self._paths[url], "score": round(score, 6)},
            )
            for rank, (url, (score, chunk)) in enumerate(ranked, start=1)
        ]

    def document(self, url: str) -> Document | None:
        """The extracted page a URL stands for, so an offline judge can read it without a fetch."""
        return self._documents.get(url) or self._documents.get(urldefrag(url).url)

    def _read_manifest(self) -> dict[str, _Entry]:
        entries: dict[str, _Entry] = {}
        manifest = self.folder / MANIFEST
        if not manifest.is_file():
            return entries
        for number, line in enumerate(manifest.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{MANIFEST}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                self.skipped.append(SkippedFile(where, f"not JSON: {exc}"))
                continue
            if not (
                isinstance(row, dict)
                and isinstance(row.get("path"), str)
                and isinstance(row.get("url"), str)
                and urlsplit(row["url"]).scheme in ("http", "https", "file")
                and isinstance(row.get("title"), str | None)
            ):
                self.skipped.append(
                    SkippedFile(
                        where, 'need {"path": str, "url": http(s) or file URL, "title": str?}'
                    )
                )
                continue
            entries[Path(row["path"]).as_posix()] = _Entry(row["url"], row.get("title"))
        return entries

    def _add(
        self,
        path: Path,
        relative: str,
        entry: _Entry | None,
        pdf_max_pages: int,
        pdf_time_budget_s: float,
    ) -> None:
        kind = KINDS.get(path.suffix.lower())
        if kind is None:
            self.skipped.append(SkippedFile(relative, f"unsupported file type {path.suffix!r}"))
            return
        try:
            body = path.read_bytes()
        except OSError as exc:
            self.skipped.append(SkippedFile(relative, f"unreadable: {exc}"))
            return
        url = entry.url if entry else None
        if url is None and kind == "html":
            url = canonical_url(body, None)
        url = url or path.resolve().as_uri()
        if url in self._documents:
            self.skipped.append(SkippedFile(relative, f"{url} is already {self._paths[url]}"))
            return
        try:
            doc = extract_bytes(
                url, body, kind, pdf_max_pages=pdf_max_pages, pdf_time_budget_s=pdf_time_budget_s
            )
        except ExtractionFailed as exc:
            self.skipped.append(SkippedFile(relative, exc.reason))
            return
        if not doc.text:
            self.skipped.append(SkippedFile(relative, "no text could be extracted"))
            return
        if entry and entry.title:
            doc = doc.model_copy(update={"title": entry.title})
        self._documents[url] = doc
        self._paths[url] = relative

    def _snippet(self, chunk: int, terms: set[str]) -> str:
        """The run of whole sentences, up to SNIPPET_CHARS, holding the most query terms."""
        url, start, end = self._chunks[chunk]
        text = self._documents[url].text[start:end]
        spans = sentence_spans(text)
        best, best_hits = "", -1
        for i, (a, _) in enumerate(spans):
            j = i
            while j + 1 < len(spans) and spans[j + 1][1] - a <= SNIPPET_CHARS:
                j += 1
            window = " ".join(text[a : spans[j][1]].split())
            hits = len(terms & set(tokenize(window)))
            if hits > best_hits:
                best, best_hits = window, hits
        if len(best) > SNIPPET_CHARS:
            best = best[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        return best
