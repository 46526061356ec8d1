"""Nothing is dropped silently: every citation-like span of an answer is either read as a
citation or returned as unparsed (counted and shown), whatever the mix of styles around it, and
prose that merely has parentheses and years is neither."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trustbench.judges.groundedness.citations import scan, scan_citations

READABLE = [
    "(Okafor et al., 2019)",
    "Thornbury v. Kessler Freight Co., 618 F.3d 212 (6th Cir. 2010)",
    "(MHSC GL-08, 2021)",
    "[Dancu, 2019](https://doi.org/10.5555/a.1)",
    "42 U.S.C. § 1983",
    "(Rautio & Bakshi, 2020, JCLR)",
    "Pemberton v Ashgrove Homes Ltd [2014] EWHC 2231 (TCC) at [58]",
    "(Ødegård and Çelik 2014)",
    '("Rainfall Memory in Karst Aquifers", Dufresne & Lam, 2016)',
    "per ZZQ No. 44",
]
"""Citations the finder reads."""
UNREADABLE = [
    "(Fennimore: personal communication, 2020)",
    "(cf. Lindqvist's 2019 field notes)",
    "as Hollander et al. showed",
    "under § 12 of the Harbour Act",
    "as the ZZQ guidance says",
    "in the Brightwater Council guidance",
    "(Table 2, 2019 data)",
    "[7]",
]
"""Citation-like text in no layout the finder reads: each must come back as unparsed."""
PROSE = [
    "Water is wet (usually).",
    "In 2020 (a leap year) it rained.",
    "Results are shown below (see the second panel).",
    "The survey ran in (2019) and was repeated later.",
    "The portal was checked (accessed 2024).",
    "The steps are (1) wash and (2) dry.",
]
"""Sentences with no citation at all: neither a citation nor an unparsed item."""


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [("cite", m) for m in READABLE + UNREADABLE] + [("prose", p) for p in PROSE]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_citation_like_span_is_read_or_counted(pieces: list[tuple[str, str]]) -> None:
    sentences = [
        f"Finding number {i} holds {text}." if kind == "cite" else text
        for i, (kind, text) in enumerate(pieces)
    ]
    answer = " ".join(sentences)
    result = scan(answer)
    spans = [result.plain.span(c.start, c.end) for c in result.citations]
    unparsed = [(u.start, u.end) for u in result.unparsed]
    placed = []
    cursor = 0
    for (kind, text), sentence in zip(pieces, sentences, strict=True):
        at = answer.index(sentence, cursor)
        cursor = at + len(sentence)
        if kind == "prose":
            assert not any(a < cursor and at < b for a, b in spans), sentence
            continue
        start = answer.index(text, at)
        placed.append((start, start + len(text)))
        read = any(a < start + len(text) and start < b for a, b in spans)
        shown = any(a < start + len(text) and start < b for a, b in unparsed)
        assert read or shown, (text, result.citations, result.unparsed)
        if text in UNREADABLE:
            assert shown and not read, (text, result.unparsed)
    for a, b in unparsed:  # each shown item is a citation of the answer, not prose
        assert any(x < b and a < y for x, y in placed), answer[a:b]


def test_a_court_parenthetical_is_part_of_its_citation_not_unparsed() -> None:
    text = (
        "Sanctions were denied. Brisco Labs LLC v. Henning, No. 1:18-cv-02211, 2019 WL "
        "5512301, at *3 (S.D.N.Y. Oct. 24, 2019). The order stood."
    )
    citations, unparsed = scan_citations(text)
    assert [c.ident["court"] for c in citations] == ["S.D.N.Y."] and unparsed == []


def test_reference_list_lines_are_not_unparsed() -> None:
    text = (
        "Sinks explain the drop [1].\n\n"
        '[1] I. Varga and T. Mbeki, "Sink tokens in long inputs," arXiv:2304.00001, 2023.\n'
        '[2] T. Mbeki, "Unused entry," in Proc. Imagined Conf. (IC), 2022.\n'
    )
    citations, unparsed = scan_citations(text)
    assert [c.marker for c in citations] == ["[1]"] and unparsed == []
