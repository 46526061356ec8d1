"""The structural guarantee of heuristic mode: a citation is judged grounded only when every
substantive word of it was read and checked. Adding an invented word anywhere inside a grounded
citation, or putting one in place of a word, never leaves it grounded: the word is read into a
detail the record contradicts, or it stays unread and must be on the record, or the citation is
no longer read at all and is shown as unparsed. The one allowance is the documented typo rule
(`references._same_word`), which the invented words here stay clear of. Every work and page is
invented for these tests."""

from __future__ import annotations

import pytest
import regex as re
from documents import page
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trustbench.judges.groundedness.citations import claim_of, scan
from trustbench.judges.groundedness.coverage import HARMLESS
from trustbench.judges.groundedness.references import (
    _same_word,
    cited_work,
    compare,
    fold,
    record_of,
)
from trustbench.retrieval.types import Document

CASES = [
    (
        "legal",
        "The carrier owed no duty. Okafor v. Brightline Haulage, Inc., 512 F.3d 840, 846 "
        "(7th Cir. 2008). The rest followed.",
        "Okafor v. Brightline Haulage, Inc., 512 F.3d 840, 846 (7th Cir. 2008)",
        page(
            "https://cases.example.org/f3d/512/840",
            "Okafor v. Brightline Haulage, Inc., 512 F.3d 840 (7th Cir. 2008)",
            "Okafor v. Brightline Haulage, Inc., 512 F.3d 840\nUnited States Court of Appeals "
            "for the Seventh Circuit\nDecided June 3, 2008.\nThe carrier owed no duty.",
        ),
    ),
    (
        "legal",
        "The carrier owed no duty. *Okafor v. Brightline Haulage, Inc.*, 512 F.3d 840 "
        "(7th Cir. 2008). The rest followed.",
        "*Okafor v. Brightline Haulage, Inc.*, 512 F.3d 840 (7th Cir. 2008)",
        page(
            "https://cases.example.org/f3d/512/840",
            "Okafor v. Brightline Haulage, Inc., 512 F.3d 840 (7th Cir. 2008)",
            "Okafor v. Brightline Haulage, Inc., 512 F.3d 840\nUnited States Court of Appeals "
            "for the Seventh Circuit\nDecided June 3, 2008.\nThe carrier owed no duty.",
        ),
    ),
    (
        "legal",
        "The builder was liable (Pemberton v Ashgrove Homes Ltd [2014] EWHC 2231 (TCC) at [58]).",
        "Pemberton v Ashgrove Homes Ltd [2014] EWHC 2231 (TCC) at [58]",
        page(
            "https://caselaw.example.org/ewhc/tcc/2014/2231",
            "Pemberton v Ashgrove Homes Ltd [2014] EWHC 2231 (TCC)",
            "Pemberton v Ashgrove Homes Ltd\n[2014] EWHC 2231 (TCC)\nJudgment of 9 July 2014.",
        ),
    ),
    (
        "legal",
        "Moorings need a licence under section 13 of the Harbour Safety (Moorings) Act 2010.",
        "section 13 of the Harbour Safety (Moorings) Act 2010",
        page(
            "https://laws.example.org/2010/harbour-safety-moorings",
            "Harbour Safety (Moorings) Act 2010",
            "Harbour Safety (Moorings) Act 2010\nSection 13. Mooring licences.",
        ),
    ),
    (
        "legal",
        "Labels must show capacity (Commission Regulation (EU) 2021/774, Art. 3).",
        "Commission Regulation (EU) 2021/774, Art. 3",
        page(
            "https://eur-lex.example.org/eli/reg/2021/774",
            "Commission Regulation (EU) 2021/774 on the labelling of refurbished batteries",
            "Commission Regulation (EU) 2021/774\nof 12 May 2021\non the labelling of "
            "refurbished batteries\nArticle 3. Capacity labels.",
        ),
    ),
    (
        "legal",
        "Delay past 30 months is unreasonable (*R. v. Okonjo-Hale*, 2019 SCC 41, [2019] 3 S.C.R. "
        "512, at para 46).",
        "*R. v. Okonjo-Hale*, 2019 SCC 41, [2019] 3 S.C.R. 512, at para 46",
        page(
            "https://decisions.example.org/scc/2019/41",
            "R. v. Okonjo-Hale - SCC Cases",
            "R. v. Okonjo-Hale, 2019 SCC 41, [2019] 3 S.C.R. 512\nSupreme Court of Canada\n"
            "Judgment: October 4, 2019.",
        ),
    ),
    (
        "legal",
        "Masters must help (Article 9 of the Northern Convention on Maritime Rescue).",
        "Article 9 of the Northern Convention on Maritime Rescue",
        page(
            "https://treaties.example.org/ncmr",
            "Northern Convention on Maritime Rescue",
            "Northern Convention on Maritime Rescue\nArticle 9. Duty to render assistance.",
        ),
    ),
    (
        "legal",
        "Silence is no consent (Case C-208/21 *Holmqvist Reederei*, paras 41-43).",
        "Case C-208/21 *Holmqvist Reederei*, paras 41-43",
        page(
            "https://curia.example.org/juris/c-208-21",
            "Judgment of the Court in Case C-208/21, Holmqvist Reederei v Seefahrtsamt",
            "JUDGMENT OF THE COURT (Fifth Chamber) 3 March 2022. In Case C-208/21, Holmqvist "
            "Reederei v Seefahrtsamt. Silence is no consent.",
        ),
    ),
    (
        "research",
        'Karst springs remember rainfall ("Rainfall Memory in Karst Aquifers", Dufresne & Lam, '
        "2016).",
        '("Rainfall Memory in Karst Aquifers", Dufresne & Lam, 2016)',
        page(
            "https://journal.example.org/karst/2016/4",
            "Rainfall Memory in Karst Aquifers",
            "Rainfall Memory in Karst Aquifers\nOdile Dufresne and Wen Lam\nJournal of Karst "
            "Hydrology, 2016.",
            title="Rainfall Memory in Karst Aquifers",
            authors=["Dufresne, Odile", "Lam, Wen"],
            date="2016",
        ),
    ),
    (
        "research",
        "Karst springs remember rainfall (Dufresne and Lam 2016, *Journal of Karst Hydrology*).",
        "(Dufresne and Lam 2016, *Journal of Karst Hydrology*)",
        page(
            "https://journal.example.org/karst/2016/4",
            "Rainfall Memory in Karst Aquifers",
            "Rainfall Memory in Karst Aquifers\nOdile Dufresne and Wen Lam\nJournal of Karst "
            "Hydrology, 2016.",
            title="Rainfall Memory in Karst Aquifers",
            authors=["Dufresne, Odile", "Lam, Wen"],
            journal="Journal of Karst Hydrology",
            date="2016",
        ),
    ),
    (
        "medical",
        "Check the harness daily (MHSC GL-08, 2021).",
        "(MHSC GL-08, 2021)",
        page(
            "https://www.mhsc.example.org/gl-08",
            "Harness inspection | Guideline GL-08 | MHSC",
            "Mountain Health and Safety Council (MHSC) guideline GL-08. Published 2021.",
        ),
    ),
    (
        "medical",
        "Halve the dose in renal impairment (Dorvanil 10 mg tablets, Summary of Product "
        "Characteristics, Kestrel Pharma AB, 2021).",
        "(Dorvanil 10 mg tablets, Summary of Product Characteristics, Kestrel Pharma AB, 2021)",
        page(
            "https://medicines.example.org/dorvanil-10",
            "Dorvanil 10 mg tablets - Summary of Product Characteristics",
            "Dorvanil 10 mg tablets\nSummary of Product Characteristics\nKestrel Pharma AB\n"
            "Revised 2021.",
        ),
    ),
]


def verdicts(domain: str, text: str, document: Document, at: int) -> tuple[list[bool], bool]:
    """Whether each citation whose extent holds position `at` matches the page, and whether
    an unparsed entry shows that position."""
    result = scan(text)
    record = record_of(document)
    judged = []
    for citation in result.citations:
        a, b = result.plain.span(*(citation.extent or (citation.start, citation.end)))
        if a <= at < b:
            work = cited_work(claim_of(result, citation, domain))
            judged.append(compare(work, record, set()).ok)
    shown = any(u.start <= at < u.end for u in result.unparsed)
    return judged, shown


@pytest.mark.parametrize(("domain", "text", "marker", "document"), CASES)
def test_each_citation_is_grounded_as_written(
    domain: str, text: str, marker: str, document: Document
) -> None:
    judged, shown = verdicts(domain, text, document, text.index(marker) + 2)
    assert judged == [True] and not shown


def _words(document: Document) -> list[str]:
    return fold(f"{document.title} {document.text}").split()


invented = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=2, max_size=4).flatmap(
    lambda consonants: st.just(
        "".join(c + v for c, v in zip(consonants, "aeoiu" * 2, strict=False)).capitalize()
    )
)
"""Pronounceable invented words: Bafeti, Kozu …"""


@settings(max_examples=200, deadline=None)
@given(
    case=st.sampled_from(CASES),
    word=invented,
    place=st.floats(0, 1, exclude_max=True),
    replace=st.booleans(),
)
def test_an_invented_word_in_a_grounded_citation_never_stays_grounded(
    case: tuple[str, str, str, Document], word: str, place: float, replace: bool
) -> None:
    domain, text, marker, document = case
    assume(not any(_same_word(fold(word), w) for w in _words(document)))
    assume(fold(word) not in HARMLESS)
    start = text.index(marker)
    gaps = [start + i for i, ch in enumerate(marker) if ch == " "]
    gap = gaps[int(place * len(gaps))]
    if replace:  # the word after the gap, its punctuation kept
        token = re.match(r"[(\[\"“*]*([\w'’.-]*\w)", text[gap + 1 :])
        assume(token is not None and len(token.group(1)) > 1)
        begin = gap + 1 + token.start(1)
        mutated = f"{text[:begin]}{word}{text[begin + len(token.group(1)) :]}"
    else:
        mutated = f"{text[: gap + 1]}{word} {text[gap + 1 :]}"
    judged, shown = verdicts(domain, mutated, document, mutated.index(word, gap))
    assert judged or shown, (mutated, judged)
    assert not any(judged), mutated
