"""A reference-list entry is read like an inline citation: what its layout shows is checked, and
a substantive word its layout did not read (a drug's name before "Prescribing information", a
journal written in abbreviations the parser skipped) must be on the record, so an entry that is
only partly understood cannot be grounded by the part that was. Publication details (place,
publisher, volume, pages, access dates) and APA's bracketed descriptions are not details of the
work. Every work and page here is invented for these tests."""

from __future__ import annotations

import pytest
from documents import page
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trustbench.judges.groundedness.citations import heuristic_claims
from trustbench.judges.groundedness.coverage import HARMLESS
from trustbench.judges.groundedness.references import (
    _same_word,
    cited_work,
    compare,
    fold,
    record_of,
)
from trustbench.judges.groundedness.types import Domain
from trustbench.retrieval.types import Document

LABEL = page(
    "https://labels.example.org/setid/91ab",
    "ORVENTIL (dasomeprine) tablets - Prescribing Information",
    "ORVENTIL (dasomeprine) tablets, for oral use. Full prescribing information. Keldon "
    "Therapeutics Inc. Revised: 3/2023. Halve the dose in severe renal impairment.",
)
PAPER = page(
    "https://journal.example.org/articles/2019-118",
    "Salt Tolerance of Dune Grasses After Storm Surges",
    "Salt Tolerance of Dune Grasses After Storm Surges. In: Proceedings of the Coastal Vegetation "
    "Symposium (CVS 2019), pp. 40-48. Marit Oyelowo and Pablo Ferrand.",
    title="Salt Tolerance of Dune Grasses After Storm Surges",
    authors=["Oyelowo, Marit", "Ferrand, Pablo"],
    date="2019",
)
GUIDANCE = page(
    "https://www.example.eu/documents/guideline-antiparasitic-trials.pdf",
    "Guideline on the design of antiparasitic trials",
    "Nordic Medicines Board. Guideline on the design of antiparasitic trials. Adopted 2020.",
)


def judged(text: str, document: Document, domain: Domain = "research") -> bool:
    [claim] = heuristic_claims(text, domain)
    return compare(cited_work(claim), record_of(document), set()).mismatches == []


def listed(entry: str) -> str:
    return f"The finding held [1].\n\nReferences\n1. {entry}\n"


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        ("Orventil (dasomeprine) [package insert]. Keldon Therapeutics Inc; 2023.", True),
        (
            "Orventil (dasomeprine) tablets. Prescribing information. Keldon Therapeutics; 2023.",
            True,
        ),
        (
            "Zastrel (dasomeprine) tablets. Prescribing information. Keldon Therapeutics; 2023.",
            False,
        ),
        ("Orventil (dasomeprine) [package insert]. Marlow Pharma Ltd; 2023.", False),
    ],
)
def test_a_drug_label_in_a_reference_list(entry: str, ok: bool) -> None:
    assert judged(listed(entry), LABEL, "medical") is ok


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        (
            'M. Oyelowo and P. Ferrand, "Salt tolerance of dune grasses after storm surges," in '
            "Proc. Coastal Veg. Symp. (CVS), 2019, pp. 40-48.",
            True,
        ),
        (
            'M. Oyelowo and P. Ferrand, "Salt tolerance of dune grasses after storm surges," in '
            "Proc. Alpine Flora Symp. (AFS), 2019, pp. 40-48.",
            False,
        ),
        (
            'Oyelowo, Marit, and Pablo Ferrand. "Salt Tolerance of Dune Grasses After Storm '
            'Surges." Proceedings of the Coastal Vegetation Symposium, 2019, pp. 40-48.',
            True,
        ),
        (
            'Oyelowo, Marit, Pablo Ferrand, and Juno Bastide. "Salt Tolerance of Dune Grasses '
            'After Storm Surges." Proceedings of the Coastal Vegetation Symposium, 2019.',
            False,
        ),
    ],
)
def test_a_paper_in_a_reference_list(entry: str, ok: bool) -> None:
    """An abbreviated proceedings name ("Proc. … Symp.") is read word by word against the
    record; given names in MLA's layout are part of the authors, whose surnames are checked."""
    assert judged(listed(entry), PAPER) is ok


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        (
            "Nordic Medicines Board. Guideline on the design of antiparasitic trials [Internet]. "
            "Uppsala: NMB; 2020 [cited 2024 Mar 3].",
            True,
        ),
        ("Nordic Medicines Board. Guideline on the design of antiparasitic trials. 2020.", True),
        ("Baltic Medicines Board. Guideline on the design of antiparasitic trials. 2020.", False),
        ("Nordic Medicines Board. Guideline on the design of antiviral trials. 2020.", False),
    ],
)
def test_a_body_s_document_in_a_reference_list(entry: str, ok: bool) -> None:
    """Place, publisher and access date are publication details; the body is checked."""
    assert judged(listed(entry), GUIDANCE, "medical") is ok


def test_a_year_with_a_letter_is_its_year() -> None:
    """ "2019a" tells apart one author's works of one year: the year is 2019."""
    assert judged("Grasses tolerated salt (Oyelowo and Ferrand, 2019a).", PAPER)
    assert not judged("Grasses tolerated salt (Oyelowo and Ferrand, 2018a).", PAPER)


@pytest.mark.parametrize("marks", ["¹˒²", "¹,²", "¹⁻²"])
def test_unicode_superscript_groups_cite_each_number(marks: str) -> None:
    text = (
        f"Grasses tolerated salt.{marks}\n\nReferences\n"
        "1. Oyelowo M, Ferrand P. Salt tolerance of dune grasses after storm surges. 2019.\n"
        "2. Ferrand P. Dune grasses of the Atlantic coast. 2021.\n"
    )
    assert [c.marker for c in heuristic_claims(text, "research")] == ["[1]", "[2]"]


ENTRIES = [
    ("medical", "Orventil (dasomeprine) [package insert]. Keldon Therapeutics Inc; 2023.", LABEL),
    (
        "research",
        'M. Oyelowo and P. Ferrand, "Salt tolerance of dune grasses after storm surges," in Proc. '
        "Coastal Veg. Symp. (CVS), 2019, pp. 40-48.",
        PAPER,
    ),
    (
        "research",
        "Oyelowo M, Ferrand P. Salt tolerance of dune grasses after storm surges. Proc Coastal "
        "Veg Symp. 2019:40-48.",
        PAPER,
    ),
    (
        "medical",
        "Nordic Medicines Board. Guideline on the design of antiparasitic trials. 2020.",
        GUIDANCE,
    ),
]
AUTHORS_END = {"M. Oyelowo and P. Ferrand, ": 27, "Oyelowo M, Ferrand P. ": 22}
"""Where a paper's author names end: a given name is not checked (only surnames are, as for an
inline citation), so the words inserted go after them."""

invented = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=2, max_size=4).map(
    lambda consonants: "".join(c + v for c, v in zip(consonants, "aeoiu" * 2, strict=False))
)
"""Pronounceable invented words: bafeti, kozu …"""


@pytest.mark.parametrize(("domain", "entry", "document"), ENTRIES)
def test_each_entry_is_grounded_as_written(domain: Domain, entry: str, document: Document) -> None:
    assert judged(listed(entry), document, domain)


@settings(max_examples=150, deadline=None)
@given(
    case=st.sampled_from(ENTRIES),
    word=invented,
    capital=st.booleans(),
    place=st.floats(0, 1, exclude_max=True),
)
def test_an_invented_word_in_a_grounded_entry_never_stays_grounded(
    case: tuple[Domain, str, Document], word: str, capital: bool, place: float
) -> None:
    """Inserted anywhere after the author names of an entry, a capitalised invented word is
    read into a detail the record contradicts, or stays unread and must be on the record."""
    domain, entry, document = case
    word = word.capitalize() if capital else word
    shown = fold(f"{document.title} {document.text}").split()
    assume(not any(_same_word(fold(word), w) or w.startswith(fold(word)) for w in shown))
    assume(fold(word) not in HARMLESS | {"page", "pages"})  # "Page 2023" is a locator
    after = next((n for head, n in AUTHORS_END.items() if entry.startswith(head)), 0)
    gaps = [i for i, ch in enumerate(entry) if ch == " " and i >= after - 1]
    gap = gaps[int(place * len(gaps))]
    mutated = f"{entry[: gap + 1]}{word} {entry[gap + 1 :]}"
    claims = heuristic_claims(listed(mutated), domain)
    grounded = [compare(cited_work(c), record_of(document), set()).ok for c in claims]
    if capital:
        assert not any(grounded), mutated
