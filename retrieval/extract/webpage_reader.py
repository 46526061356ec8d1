"""HTML to a Document, in the process that calls it (the extraction worker: see `webpage.py`).

The page is decoded, cut to `MAX_HTML_CHARS`, parsed once by lxml (libxml2: linear time) and
refused if it nests deeper than `MAX_DEPTH`, so what follows has bounded input. Main text comes
from trafilatura (boilerplate removed); when it finds nothing or fails, from one linear walk of
the same tree with the obvious chrome (nav, header, footer, …) cut. Title, absolute links and
citation metadata are read from the same tree."""

from __future__ import annotations

import re
from typing import TypedDict
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from trustbench.retrieval.extract.decode import decode_body
from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.types import CitationMetadata, Document

MAX_HTML_CHARS = 5_000_000
"""Longer pages are cut here before parsing (and the Document marked truncated): the text a
judge can use is near the top, and the cost of what follows grows with the size."""
MAX_DEPTH = 200
"""Deeper nesting is refused (libxml2 itself stops at 256 and drops the rest); real pages
nest a few dozen levels, and trafilatura's cost grows with the depth."""


class TrafilaturaOptions(TypedDict):
    output_format: str
    include_tables: bool
    include_comments: bool
    favor_recall: bool


TRAFILATURA_OPTIONS: TrafilaturaOptions = {
    "output_format": "txt",
    "include_tables": True,
    "include_comments": False,
    "favor_recall": True,
}
"""Close to HalluHard's judge (markdown there; plain text here, so links do not eat the judge's
word budget)."""

_CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
)
_BLOCK_TAGS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "dd",
    "dt",
)
_BREAKS = ("br", "hr")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_HREFS = etree.XPath("//a/@href | //area/@href", smart_strings=False)


def read_html(
    url: str, body: bytes, charset: str | None, *, base_url: str, sha256: str | None
) -> Document:
    """The page's Document; `ExtractionFailed` when it nests deeper than `MAX_DEPTH`. Runs in
    the caller's process with no time limit: `extract_html` runs it in a killable worker."""
    decoded = decode_body(body, charset, html=True)
    warnings = list(decoded.warnings)
    html, truncated = decoded.text, len(decoded.text) > MAX_HTML_CHARS
    if truncated:
        html = html[:MAX_HTML_CHARS]
        warnings.append(
            f"the page has {len(decoded.text):,} characters; read the first {MAX_HTML_CHARS:,}"
        )
    if not html.strip():
        return Document(
            url=url,
            text="",
            extractor="trafilatura",
            extractor_version=trafilatura.__version__,
            source_sha256=sha256,
            warnings=[*warnings, "the page is empty"],
        )
    tree = _parse(html)
    if tree is not None and (depth := _depth(tree)) > MAX_DEPTH:
        raise ExtractionFailed(
            f"the page nests elements {depth}{'+' if depth >= 255 else ''} deep "
            f"(at most {MAX_DEPTH} are read)",
            url=url,
        )
    text, links, metadata, title = "", [], CitationMetadata(), None
    extractor, version = "trafilatura", trafilatura.__version__
    if tree is not None:
        base = _base_url(tree, base_url)
        links = _links(tree, base)
        metadata = _citation_metadata(_meta_tags(tree), base)
        if not metadata.authors:
            metadata.byline = _byline(tree, _meta_tags(tree))
        title = metadata.title or metadata.og.get("title") or _tag_text(tree, "title", "h1")
        try:
            text = trafilatura.extract(tree, url=base_url, **TRAFILATURA_OPTIONS) or ""
        except (etree.LxmlError, RecursionError) as exc:
            warnings.append(f"trafilatura failed: {type(exc).__name__}: {exc}")
    if not text.strip() and tree is not None:
        warnings.append("trafilatura found no main text; used the lxml fallback")
        text = tree_text(tree)
        extractor, version = "lxml", etree.__version__
    if not text.strip():
        warnings.append("the page has no text")
    return Document(
        url=url,
        title=title,
        text=text.strip(),
        links=links,
        metadata=metadata,
        extractor=extractor,
        extractor_version=version,
        source_sha256=sha256,
        truncated=truncated,
        warnings=warnings,
    )


def canonical_url(body: bytes, charset: str | None) -> str | None:
    """The absolute http(s) URL a page names as canonical (`<link rel=canonical>`, else
    `og:url`); used by the local corpus to tell which URL a saved page stands for."""
    html = decode_body(body, charset, html=True).text[:MAX_HTML_CHARS]
    tree = _parse(html) if html.strip() else None
    if tree is None or _depth(tree) > MAX_DEPTH:
        return None
    hrefs = [
        el.get("href", "")
        for el in tree.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split()
    ]
    hrefs += _meta_tags(tree).get("og:url", [])
    return next((h.strip() for h in hrefs if urlsplit(h.strip()).scheme in ("http", "https")), None)


def _base_url(tree: HtmlElement, page_url: str) -> str:
    base = next((el.get("href") for el in tree.iter("base") if el.get("href")), None)
    return urljoin(page_url, base.strip()) if base else page_url


def _absolute(base: str, href: str) -> str | None:
    url = urldefrag(urljoin(base, href.strip())).url
    return url if urlsplit(url).scheme in ("http", "https") else None


def _links(tree: HtmlElement, base: str) -> list[str]:
    """Absolute http(s) links, first occurrence order, fragments dropped. Absolute and
    root-relative hrefs skip `urljoin` (the bulk of a page's links; urljoin would dominate the
    extraction time)."""
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    hrefs = dict.fromkeys(href.strip() for href in _HREFS(tree))
    links: dict[str, None] = {}
    for href in hrefs:
        if not href or href.startswith("#"):
            continue
        if href.startswith(("https://", "http://")) and "/." not in href:
            url: str | None = href.partition("#")[0]
        elif href.startswith("/") and not href.startswith("//") and "/." not in href:
            url = origin + href.partition("#")[0]
        else:
            url = _absolute(base, href)
        if url:
            links.setdefault(url)
    return list(links)


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """`<meta name|property=… content=…>` by lower-cased name, every value kept in order."""
    tags: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("name") or el.get("property")
        content = " ".join((el.get("content") or "").split())
        if key and content:
            tags.setdefault(key.strip().lower(), []).append(content)
    return tags


def _citation_metadata(tags: dict[str, list[str]], base: str) -> CitationMetadata:
    def first(*keys: str) -> str | None:
        return next((tags[k][0] for k in keys if k in tags), None)

    authors = tags.get("citation_author") or [
        a.strip() for v in tags.get("citation_authors", []) for a in v.split(";") if a.strip()
    ]
    dois = [
        m.group(0).rstrip(".,;")
        for k in ("citation_doi", "prism.doi", "dc.identifier", "dcterms.identifier")
        for v in tags.get(k, [])
        if (m := _DOI.search(v))
    ]
    pdf_url = first("citation_pdf_url")
    return CitationMetadata(
        title=first("citation_title", "dc.title", "dcterms.title"),
        authors=authors or tags.get("dc.creator") or tags.get("dcterms.creator") or [],
        doi=dois[0] if dois else None,
        date=first(
            "citation_publication_date",
            "citation_date",
            "citation_online_date",
            "dc.date",
            "dcterms.issued",
            "dcterms.date",
        ),
        journal=first(
            "citation_journal_title", "citation_conference_title", "citation_inbook_title"
        ),
        pdf_url=_absolute(base, pdf_url) if pdf_url else None,
        og={k.removeprefix("og:"): v[0] for k, v in tags.items() if k.startswith("og:")},
    )


_BYLINE = re.compile(r"\b(?:authors?|byline|contributors?|creator)\b", re.I)
_BYLINE_CHARS = 300


def _byline(tree: HtmlElement, tags: dict[str, list[str]]) -> str | None:
    """Who wrote the page, when it has no citation metadata: `<meta name="author">`, else the
    first element whose class, id, itemprop or rel says it holds the authors (trafilatura
    drops such lines from the main text)."""
    if authors := tags.get("author"):
        return "; ".join(authors)
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("meta", "link", "script", "style"):
            continue
        marks = " ".join(el.get(a) or "" for a in ("class", "id", "itemprop", "rel"))
        if marks and _BYLINE.search(marks):
            text = " ".join(el.text_content().split())
            if 0 < len(text) <= _BYLINE_CHARS:
                return re.sub(r"^(?:by|authors?:)\s+", "", text, flags=re.I)
    return None


def _tag_text(tree: HtmlElement, *tags: str) -> str | None:
    for tag in tags:
        for el in tree.iter(tag):
            if text := " ".join(el.text_content().split()):
                return text
    return None


def _parse(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura reads it; for what trafilatura rejects as not quite HTML
    (a bare fragment), lxml's own reading, for the fallback."""
    tree = trafilatura.load_html(html)
    if tree is None:
        try:
            tree = lxml.html.document_fromstring(html)
        except (etree.ParserError, ValueError):
            return None
    return tree


def _depth(tree: HtmlElement) -> int:
    """How deep the elements nest, in one pass."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def tree_text(tree: HtmlElement) -> str:
    """The visible text of the page, one line per block, chrome left out; one pass over the
    tree (each text visited once), so linear in the page's size."""
    parts: list[str] = []
    walk = etree.iterwalk(tree, events=("start", "end", "comment", "pi"))
    for event, el in walk:
        if event in ("comment", "pi"):
            parts.append(el.tail or "")
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS or tag in _CHROME_TAGS or tag in _BREAKS:
                parts.append("\n")
            if tag in _CHROME_TAGS:
                walk.skip_subtree()
            else:
                parts.append(el.text or "")
        else:
            if tag in _BLOCK_TAGS or tag in _CHROME_TAGS:
                parts.append("\n")
            parts.append(el.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)
