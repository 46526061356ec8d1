"""PDF to a Document, parsed by pypdf in a child process under a time budget and a page cap.

pypdf is pure Python: a hostile file can keep it busy for minutes and no thread can stop it,
so the parser runs as its own process (`pdf_worker.py`) that is killed when the budget runs
out. A plain `subprocess` rather than `multiprocessing`: a fresh interpreter that imports only
pypdf (≈0.2 s), instead of a forkserver child that re-imports the caller's `__main__`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf

from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.types import CitationMetadata, Document

WORKER = Path(__file__).with_name("pdf_worker.py")


def extract_pdf(
    url: str, body: bytes, *, max_pages: int, time_budget_s: float, sha256: str | None
) -> Document:
    messages, timed_out, returncode, stderr = _run_worker(body, max_pages, time_budget_s)
    if error := next((m["error"] for m in messages if "error" in m), None):
        raise ExtractionFailed(error, url=url)
    head: dict[str, Any] = next((m["head"] for m in messages if "head" in m), {})
    pages = [m["page"] for m in messages if "page" in m]
    unreadable = [m["unreadable"] for m in messages if "unreadable" in m]
    warnings = [m["warning"] for m in messages if "warning" in m]
    warnings += [f"unreadable {reason}" for reason in unreadable]
    truncated = False
    if not any("done" in m for m in messages):
        if timed_out:
            reason = f"PDF parsing ran past its time budget of {time_budget_s:g} s"
        else:
            reason = f"the PDF parser exited with code {returncode}: {stderr[-300:].strip()}"
        if not pages:
            raise ExtractionFailed(reason, url=url)
        truncated = True
        warnings.append(f"{reason}; kept the first {len(pages)} of {head.get('pages', '?')} pages")
    if head.get("pages", 0) > max_pages:
        truncated = True
        warnings.append(f"page cap: read the first {max_pages} of {head['pages']} pages")
    if not any(pages):
        if pages and len(unreadable) == len(pages):
            reason = f"no page of the PDF could be read ({unreadable[0]})"
        elif pages:
            reason = "the PDF has no text layer (a scanned PDF?)"
        else:
            reason = "the PDF has no pages"
        raise ExtractionFailed(reason, url=url)
    return Document(
        url=url,
        title=head.get("title"),
        text="\n\n".join(p for p in pages if p),
        pages=pages,
        metadata=CitationMetadata(
            title=head.get("title"),
            authors=[a.strip() for a in (head.get("author") or "").split(";") if a.strip()],
            date=head.get("date"),
            doi=head.get("doi"),
        ),
        extractor="pypdf",
        extractor_version=pypdf.__version__,
        source_sha256=sha256,
        truncated=truncated,
        warnings=warnings,
    )


def _run_worker(
    body: bytes, max_pages: int, time_budget_s: float
) -> tuple[list[dict[str, Any]], bool, int | None, str]:
    """The worker's messages, whether it was killed at the budget, its exit code and stderr."""
    # -P: do not put the worker's folder on sys.path, so nothing there shadows a stdlib module.
    command = [sys.executable, "-P", str(WORKER), str(max_pages)]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        try:
            out, err = process.communicate(body, timeout=time_budget_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            timed_out = True
    return _messages(out), timed_out, process.returncode, err.decode("utf-8", "replace")


def _messages(out: bytes) -> list[dict[str, Any]]:
    messages = []
    for line in out.splitlines():
        try:
            messages.append(json.loads(line))
        except json.JSONDecodeError:  # the last line, cut short by the kill
            break
    return messages
