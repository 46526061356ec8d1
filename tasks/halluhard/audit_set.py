"""A labelled audit set for the groundedness judge: cited answers whose every citation carries a
gold reference label, content label and error kind, with an offline corpus of the pages they
cite. `trustbench judge-audit` and the `halluhard_audit` task run the judge over it.

Layout of a set folder:

    <set>/items.jsonl        one answer per line (schema below)
    <set>/corpus/            the pages (HTML, PDF, Markdown, text), any sub-folders
    <set>/corpus/corpus.jsonl  {"path": "research/a.html", "url": "https://…", "title": "…"?}

One line of `items.jsonl`:

    {"id": "research-01", "domain": "research" | "legal" | "medical",
     "question": "…", "answer": "… the cited answer, with its reference list if any …",
     "citations": [
       {"id": "research-01-1",
        "marker": "(Okafor et al., 2019)",   # the citation exactly as the answer writes it
        "claim": "…",                        # the answer's text that carries it (verbatim)
        "reference": "grounded" | "not_grounded",
        "content": "supported" | "not_supported",   # not_supported whenever not_grounded
        "kind": "supported" | "altered" | "negated" | "unrelated" | "misattributed"
                | "fabricated" | "wrong_metadata" | any other label you use,
        "source": "https://…" | null,        # the corpus page the citation names, if it exists
        "evidence": "…" | null,              # the page's words that decide the content label
        "note": "…"}]}

A set is checked as it is read: every claim is in its answer, every marker in its claim, every
`source` in the corpus and every `evidence` quote on its source page; the first problem stops
the run with its line and field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from trustbench.errors import TrustbenchError

PACKAGED_SET = Path(__file__).parent / "data" / "audit"
GROUNDED_KINDS = ("supported", "altered", "negated", "unrelated", "misattributed")
NOT_GROUNDED_KINDS = ("fabricated", "wrong_metadata")
AUDIT_DOMAINS = ("research", "legal", "medical")
"""The citing domains; coding is judged per response (packages, function calls), not here."""


class AuditSetError(TrustbenchError):
    """The audit set cannot be used as given; the message names the file, line and field."""


class GoldCitation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    marker: str
    claim: str
    reference: Literal["grounded", "not_grounded"]
    content: Literal["supported", "not_supported"]
    kind: str
    source: str | None = None
    evidence: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> GoldCitation:
        if self.marker not in self.claim:
            raise ValueError(f"citation {self.id}: its marker is not in its claim")
        if self.reference == "not_grounded" and self.content != "not_supported":
            raise ValueError(
                f"citation {self.id}: a reference that is not grounded cannot support content"
            )
        if self.evidence and not self.source:
            raise ValueError(f"citation {self.id}: evidence quoted without a source page")
        return self


class AuditItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    domain: str
    question: str
    answer: str
    citations: list[GoldCitation]

    @field_validator("domain")
    @classmethod
    def _citing_domain(cls, domain: str) -> str:
        if domain == "coding":
            raise ValueError(
                "coding answers carry no citations to audit: HalluHard judges each coding "
                "response as a whole (do its packages exist, are its function calls real), "
                "so audit a coding grader on research, legal or medical items"
            )
        if domain not in AUDIT_DOMAINS:
            raise ValueError(f"{domain!r} is not one of {', '.join(AUDIT_DOMAINS)}")
        return domain

    @model_validator(mode="after")
    def _claims_in_answer(self) -> AuditItem:
        for citation in self.citations:
            if citation.claim not in self.answer:
                raise ValueError(f"citation {citation.id}: its claim is not in the answer")
        return self


def read_audit_set(folder: str | Path | None = None) -> list[AuditItem]:
    """The items of a set folder (default: the one we ship), checked against its corpus."""
    root = Path(folder) if folder else PACKAGED_SET
    items_path = root / "items.jsonl"
    corpus = root / "corpus"
    if not items_path.is_file() or not corpus.is_dir():
        raise AuditSetError(
            f"{root} is not an audit set: it needs items.jsonl and a corpus/ folder "
            "(see trustbench.tasks.halluhard.audit_set for the layout)."
        )
    pages = _corpus_texts(corpus)
    items: list[AuditItem] = []
    seen: set[str] = set()
    for number, line in enumerate(items_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{items_path}:{number}"
        try:
            item = AuditItem.model_validate(json.loads(line))
        except json.JSONDecodeError as ex:
            raise AuditSetError(f"{where}: not JSON ({ex.msg}).") from ex
        except ValidationError as ex:
            first = ex.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "item"
            raise AuditSetError(f"{where}: {field}: {first['msg']}") from ex
        for citation in item.citations:
            if citation.id in seen:
                raise AuditSetError(f"{where}: citation id {citation.id} is used twice.")
            seen.add(citation.id)
            _check_source(where, citation, pages)
        items.append(item)
    if not items:
        raise AuditSetError(f"{items_path} has no items.")
    return items


def corpus_folder(folder: str | Path | None = None) -> Path:
    return (Path(folder) if folder else PACKAGED_SET) / "corpus"


def _corpus_texts(corpus: Path) -> dict[str, str]:
    """URL → the page's extracted text, through the same corpus reader the judge uses."""
    from trustbench.retrieval.search.corpus import CorpusSearch

    search = CorpusSearch(corpus)
    if search.skipped:
        first = search.skipped[0]
        raise AuditSetError(f"{corpus}/{first.path}: {first.reason}.")
    manifest = corpus / "corpus.jsonl"
    urls = [json.loads(line)["url"] for line in manifest.read_text("utf-8").splitlines() if line]
    return {url: doc.text for url in urls if (doc := search.document(url)) is not None}


def _check_source(where: str, citation: GoldCitation, pages: dict[str, str]) -> None:
    if citation.source is None:
        return
    if citation.source not in pages:
        raise AuditSetError(
            f"{where}: citation {citation.id}: source {citation.source} is not in the corpus."
        )
    if citation.evidence and " ".join(citation.evidence.split()) not in " ".join(
        pages[citation.source].split()
    ):
        raise AuditSetError(
            f"{where}: citation {citation.id}: its evidence is not on {citation.source}."
        )
