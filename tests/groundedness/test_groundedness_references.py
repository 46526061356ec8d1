"""Reference grounding without a grader: what a citation says about its work (in every style the
answers use), and whether one real record matches all of it: fuzzy on spelling, strict on
substance. The works here are invented for these tests."""

from __future__ import annotations

import pytest

from trustbench.judges.groundedness.citations import heuristic_claims, scan_citations
from trustbench.judges.groundedness.claims import make_claim
from trustbench.judges.groundedness.references import (
    cited_work,
    compare,
    parse_entry,
    record_of,
    record_of_result,
    split_authors,
)
from trustbench.retrieval.types import CitationMetadata, Document, SearchResult

PAPER = Document(
    url="https://doi.org/10.9999/glac.2015.07",
    title="Meltwater Pulses and Moraine Collapse in Alpine Valleys",
    text="Meltwater Pulses and Moraine Collapse in Alpine Valleys. Ingrid Solberg, Tomas Weir "
    "and Ana Quispe. Journal of Glacial Hazards 3, 2015. doi:10.9999/glac.2015.07. Pulses of "
    "meltwater preceded four of the five moraine collapses we recorded.",
    metadata=CitationMetadata(
        title="Meltwater Pulses and Moraine Collapse in Alpine Valleys",
        authors=["Solberg, Ingrid", "Weir, Tomas", "Quispe, Ana"],
        doi="10.9999/glac.2015.07",
        date="2015/03/02",
    ),
    extractor="test",
    extractor_version="0",
)
CASE = Document(
    url="https://cases.example.org/f4th/77/120",
    title="Aldana v. Northgate Ferry Co., 77 F.4th 120 (3d Cir. 2023)",
    text="Aldana v. Northgate Ferry Co., 77 F.4th 120 (3d Cir. 2023). Decided May 2, 2023. The "
    "ferry operator owed passengers a duty to warn of the icy ramp.",
    extractor="test",
    extractor_version="0",
)
GUIDELINE = Document(
    url="https://www.coastal-health.example.org/cg41",
    title="Heat illness in outdoor workers | Guidance CG41 | CHSB",
    text="Coastal Health Standards Board (CHSB) guideline CG41. Published 9 June 2018. Offer "
    "water breaks every 30 minutes when the heat index exceeds 32 degrees.",
    extractor="test",
    extractor_version="0",
)


def work(**fields: str):
    url = fields.pop("cited_url", None)
    return cited_work(make_claim("A claim.", url, fields))


def matches(document: Document, cited_urls: set[str] | None = None, **fields: str) -> list[str]:
    """The details of the citation that the document contradicts ([] when it is the work)."""
    result = compare(work(**fields), record_of(document), cited_urls or set())
    return result.mismatches + result.unconfirmed


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"title": "Meltwater pulses and moraine collapse in alpine valleys"}, True),
        ({"title": "Meltwater Pulses and Moraine Colapse in Alpine Valleys"}, True),  # a typo
        ({"title": "Meltwater Pulses and Moraine Stability in Alpine Valleys"}, False),
        ({"title": "Meltwater Pulses and Moraine Collapse in Arctic Valleys"}, False),
        ({"authors": "Solberg et al.", "year": "2015"}, True),
        ({"authors": "Solberg, Weir and Quispe", "year": "2015"}, True),
        ({"authors": "Weir et al.", "year": "2015"}, False),  # not the first author
        ({"authors": "Solberg and Weir", "year": "2015"}, False),  # three authors, two named
        ({"authors": "Solberg et al.", "year": "2016"}, False),
        ({"authors": "Sølberg et al.", "year": "2015"}, True),  # accents fold
    ],
)
def test_papers_match_on_every_detail_given(fields: dict[str, str], ok: bool) -> None:
    assert (matches(PAPER, **fields) == []) is ok


def test_a_real_doi_with_invented_details_is_not_grounded() -> None:
    doi = "https://doi.org/10.9999/glac.2015.07"
    assert matches(PAPER, {doi}, cited_url=doi, title=PAPER.title) == []
    wrong = matches(PAPER, {doi}, cited_url=doi, title="Glacier Lakes and Flood Timing")
    assert wrong == ["title 'Glacier Lakes and Flood Timing'"]
    assert matches(PAPER, cited_url="https://doi.org/10.9999/glac.2015.08") != []


def test_a_plain_link_must_be_the_page_itself() -> None:
    page = "https://www.coastal-health.example.org/cg41"
    assert matches(GUIDELINE, {page}, cited_url=page) == []
    assert matches(GUIDELINE, {"https://elsewhere.example.org/"}, cited_url="https://x.org/a") != []


@pytest.mark.parametrize(
    ("reference", "ok"),
    [
        ("Aldana v. Northgate Ferry Co., 77 F.4th 120 (3d Cir. 2023)", True),
        ("Aldana v. Northgate Ferry Co., 77 F.4th 121 (3d Cir. 2023)", False),
        ("Aldana v. Northgate Ferry Co., 77 F.4th 120 (3d Cir. 2021)", False),
        ("Northgate Ferry Co. v. Aldana, 77 F.4th 120 (3d Cir. 2023)", False),  # reversed
        ("Aldana v. Southgate Ferry Co., 77 F.4th 120 (3d Cir. 2023)", False),
    ],
)
def test_cases_match_parties_in_order_reporter_and_year(reference: str, ok: bool) -> None:
    assert (matches(CASE, reference=reference) == []) is ok


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"authority": "CHSB CG41", "body": "CHSB", "code": "CG41", "year": "2018"}, True),
        ({"authors": "CHSB", "year": "2018"}, True),
        ({"authors": "Coastal Health Standards Board", "year": "2018"}, True),
        ({"authority": "CHSB CG42", "body": "CHSB", "code": "CG42", "year": "2018"}, False),
        ({"authority": "CHSB CG41", "body": "CHSB", "code": "CG41", "year": "2016"}, False),
        ({"authors": "WHO", "year": "2018"}, False),
    ],
)
def test_guidelines_match_body_code_and_year(fields: dict[str, str], ok: bool) -> None:
    assert (matches(GUIDELINE, **fields) == []) is ok


def test_a_search_snippet_confirms_only_what_it_shows() -> None:
    result = SearchResult(
        title="Meltwater Pulses and Moraine Collapse in Alpine Valleys",
        url="https://journal.example.org/a",
        snippet="Solberg et al. report pulses before collapses.",
        rank=1,
        provider="test",
    )
    seen = compare(work(title=PAPER.title, year="2015"), record_of_result(result), set())
    assert seen.mismatches == [] and seen.unconfirmed == ["year 2015"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "Solberg, I., Weir, T., & Quispe, A. (2015). Meltwater Pulses and Moraine Collapse "
            "in Alpine Valleys. Journal of Glacial Hazards, 3, 1-9. https://doi.org/10.9999/glac.2015.07",
            {
                "authors": ("Solberg", "Weir", "Quispe"),
                "year": "2015",
                "doi": "10.9999/glac.2015.07",
            },
        ),
        (
            "Solberg I, Weir T, Quispe A. Meltwater Pulses and Moraine Collapse in Alpine "
            "Valleys. J Glac Haz. 2015;3:1-9. PMID: 12345678",
            {"authors": ("Solberg", "Weir", "Quispe"), "year": "2015", "pmid": "12345678"},
        ),
        (
            'I. Solberg, T. Weir and A. Quispe, "Meltwater Pulses and Moraine Collapse in '
            'Alpine Valleys," J. Glac. Haz., 2015.',
            {"authors": ("Solberg", "Weir", "Quispe"), "year": "2015"},
        ),
        (
            "Coastal Health Standards Board. Heat illness in outdoor workers (CG41). 2018. "
            "https://www.coastal-health.example.org/cg41",
            {"body": ("Coastal Health Standards Board",), "code": "CG41", "year": "2018"},
        ),
    ],
)
def test_reference_list_entries_in_common_layouts(entry: str, expected: dict) -> None:
    parsed = parse_entry(entry)
    assert {k: getattr(parsed, k) for k in expected} == expected
    if "code" not in expected:
        assert parsed.title == "Meltwater Pulses and Moraine Collapse in Alpine Valleys"


THESIS = Document(
    url="https://repo.example.org/h/77",
    title="Meltwater pulses and moraine collapse in alpine valleys",
    text="Meltwater pulses and moraine collapse in alpine valleys. Doctoral dissertation by "
    "Ingrid Solberg, University of Kvalsund, 2015.",
    extractor="test",
    extractor_version="0",
)


@pytest.mark.parametrize(
    ("entry", "venue", "ok"),
    [
        (
            "Solberg, I. (2015). Meltwater pulses and moraine collapse in alpine valleys "
            "[Doctoral dissertation, University of Kvalsund]. https://repo.example.org/h/77",
            "University of Kvalsund",
            True,
        ),
        (
            "Solberg, I. (2015). Meltwater pulses and moraine collapse in alpine valleys "
            "[Doctoral dissertation, Tromvik University].",
            "Tromvik University",
            False,
        ),
        (
            "Solberg, I. (2015). Meltwater pulses and moraine collapse in alpine valleys "
            "[Preprint]. https://repo.example.org/h/77",
            "",
            True,
        ),
    ],
)
def test_an_apa_description_in_brackets_is_not_part_of_the_title(
    entry: str, venue: str, ok: bool
) -> None:
    """APA writes what a work is after its title ("[Doctoral dissertation, University]",
    "[Preprint]"); the title is checked without it, and a thesis's institution like a venue."""
    parsed = parse_entry(entry)
    assert (parsed.title, parsed.venue) == (
        "Meltwater pulses and moraine collapse in alpine valleys",
        venue,
    )
    assert (compare(parsed, record_of(THESIS), {THESIS.url}).mismatches == []) is ok


def test_author_strings() -> None:
    assert split_authors("Solberg et al.") == (("Solberg",), True)
    assert split_authors("van der Berg, K. and O'Neil, M.") == (("van der Berg", "O'Neil"), False)
    assert split_authors("National Institute of Coastal Health (NICH)") == (
        ("National Institute of Coastal Health",),
        False,
    )


def test_every_citation_style_is_found_and_described() -> None:
    text = (
        'Pulses come first (Solberg et al., 2015, "Meltwater Pulses and Moraine Collapse in '
        'Alpine Valleys", https://doi.org/10.9999/glac.2015.07). Solberg, Weir and Quispe '
        "(2015) agree. Water breaks are advised, CHSB CG41 (2018), as in the 2018 CHSB "
        "guidelines. The ferry owed a duty, Aldana v. Northgate Ferry Co., 77 F.4th 120 "
        "(3d Cir. 2023). See [Heat illness](https://www.coastal-health.example.org/cg41) and "
        "PMID: 12345678. Ramps ice over [2]; the ferry was late [5]; (Table 2, 2019 data).\n\n"
        "References\n[2] Weir T. Icy Ramps and Falls. Safety Rev. 2020;4:2-3.\n"
    )
    citations, unparsed = scan_citations(text)
    assert [c.kind for c in citations] == [
        "author_year", "author_year", "guideline", "guideline", "case", "link", "pmid", "numbered"
    ]  # fmt: skip
    first = citations[0]
    assert first.ident["title"].startswith("Meltwater") and first.url.endswith("glac.2015.07")
    assert citations[1].ident["authors"] == "Solberg, Weir and Quispe"
    assert {"body": "CHSB", "code": "CG41", "year": "2018"}.items() <= citations[2].ident.items()
    assert citations[-1].ident["citation"].startswith("Weir T.")
    # counted and shown, never dropped: a marker without an entry, an unreadable parenthesis
    assert unparsed == ["[5] (no entry in the reference list)", "(Table 2, 2019 data)"]
    claims = heuristic_claims(text, "medical")
    assert all(c.kind and c.marker for c in claims)
