"""Matching a citation against a page's record, one class at a time: Bluebook abbreviations in
party names, the court a case citation names, statutes under every name of their code, an
issuing body together with its guideline code, venues abbreviated or by initials, short titles,
transposed letters, and authors read from a byline. Every work here is invented for these
tests."""

from __future__ import annotations

import pytest
from documents import page

from trustbench.judges.groundedness.citations import claims_and_unparsed, heuristic_claims
from trustbench.judges.groundedness.claims import make_claim
from trustbench.judges.groundedness.references import cited_work, compare, record_of
from trustbench.judges.groundedness.types import Domain
from trustbench.retrieval.types import Document


def mismatches(text: str, document: Document, domain: Domain) -> list[str]:
    """The details of the one citation in `text` (read whole, nothing unparsed) that the
    document contradicts."""
    claims, unparsed = claims_and_unparsed(text, domain)
    assert unparsed == [] and len(claims) == 1, (claims, unparsed)
    return compare(cited_work(claims[0]), record_of(document), set()).mismatches


def problems(document: Document, **fields: str) -> list[str]:
    result = compare(cited_work(make_claim("A claim.", None, fields)), record_of(document), set())
    return result.mismatches + result.unconfirmed


def legal(document: Document, reference: str) -> list[str]:
    """As the grader's extraction gives a legal source: the reference string only."""
    return problems(document, type="case", reference=reference)


DUNMORE = page(
    "https://cases.example.org/f4th/77/300",
    "Dunmore Manufacturing, Inc. v. Harlan Port Authority",
    "Dunmore Manufacturing, Inc. v. Harlan Port Authority, 77 F.4th 300\n"
    "United States Court of Appeals for the Sixth Circuit\nDecided March 3, 2023.\n"
    "The port authority owed no duty to inspect the crane.",
)


@pytest.mark.parametrize(
    ("reference", "ok"),
    [
        ("Dunmore Mfg., Inc. v. Harlan Port Auth., 77 F.4th 300 (6th Cir. 2023)", True),
        (
            "Dunmore Manufacturing, Inc. v. Harlan Port Authority, 77 F.4th 300, 305 (6th Cir. 2023)",
            True,
        ),
        ("Dunmore Mfg., Inc. v. Harlan Port Auth., 77 F.4th 300 (7th Cir. 2023)", False),  # court
        ("Dunmore Mfg., Inc. v. Harbour Port Auth., 77 F.4th 300 (6th Cir. 2023)", False),
        ("Harlan Port Auth. v. Dunmore Mfg., Inc., 77 F.4th 300 (6th Cir. 2023)", False),
        ("Dunmore Mfg., Inc. v. Harlan Port Auth., 77 F.4th 310 (6th Cir. 2023)", False),
    ],
)
def test_case_names_courts_and_reporters(reference: str, ok: bool) -> None:
    assert (legal(DUNMORE, reference) == []) is ok


def test_the_court_in_a_page_title_parenthetical() -> None:
    document = page(
        "https://cases.example.org/wl/2020/1234567",
        "Kestrel Data LLC v. Moore, 2020 WL 1234567 (S.D. Tex. Mar. 9, 2020)",
        "Memorandum opinion and order granting the motion to dismiss in part.",
    )
    assert legal(document, "Kestrel Data LLC v. Moore, 2020 WL 1234567 (S.D. Tex. 2020)") == []
    assert legal(document, "Kestrel Data LLC v. Moore, 2020 WL 1234567 (N.D. Tex. 2020)") != []


def test_a_hyphen_or_a_space_in_a_party_name_is_spelling() -> None:
    document = page(
        "https://cases.example.org/us/601/12",
        "Aldana-Ruiz v. Whitcomb, 601 U.S. 12 (2024)",
        "Aldana-Ruiz v. Whitcomb, 601 U.S. 12 (2024). Argued January 9, 2024.",
    )
    assert legal(document, "Aldana Ruiz v. Whitcomb, 601 U.S. 12 (2024)") == []


SECTION_1983 = page(
    "https://law.example.org/uscode/text/42/1983",
    "42 U.S. Code § 1983 - Civil action for deprivation of rights",
    "Every person who, under color of any statute, subjects any citizen to the deprivation of "
    "rights shall be liable to the party injured.",
)
OREGON = page(
    "https://law.example.org/ors/659A.030",
    "Oregon Revised Statutes § 659A.030 - Discrimination by employer",
    "It is an unlawful employment practice for an employer to discharge an individual.",
)


@pytest.mark.parametrize(
    ("document", "reference", "ok"),
    [
        (SECTION_1983, "42 U.S.C. § 1983", True),
        (SECTION_1983, "42 USC § 1983", True),
        (SECTION_1983, "42 U.S.C. § 1985", False),
        (SECTION_1983, "41 U.S.C. § 1983", False),
        (OREGON, "O.R.S. § 659A.030", True),
        (OREGON, "Or. Rev. Stat. § 659A.030(1) (2021)", True),
        (OREGON, "Or. Rev. Stat. Ann. § 659A.030", True),
        (OREGON, "Wash. Rev. Code § 659A.030", False),
        (OREGON, "Or. Rev. Stat. § 659A.031", False),
    ],
)
def test_statutes_under_every_name_of_their_code(
    document: Document, reference: str, ok: bool
) -> None:
    assert (problems(document, type="statute", reference=reference) == []) is ok


MHSC = page(
    "https://www.mhsc.example.org/guidance/gl-08",
    "Nebulised saline in bronchiolitis (GL-08) | MHSC",
    "Midland Health Standards Council (MHSC) guideline GL-08. Published 4 May 2021. Offer "
    "nebulised saline only to infants who need oxygen.",
)
RCPH = page(
    "https://www.rcph.example.org/pg/214",
    "Practice Guideline No. 214: Fluids in bronchiolitis",
    "Royal College of Paediatric Hygiene. Practice Guideline No. 214. Issued 2016. Give 75% "
    "of maintenance fluids by nasogastric tube.",
)
EPCA = page(
    "https://www.epca.example.org/bronchiolitis",
    "Bronchiolitis in children: diagnosis and management",
    "Eastern Paediatric Care Alliance. Guideline, published 2019. Do not routinely perform "
    "chest radiography.",
)


@pytest.mark.parametrize(
    ("document", "text", "ok"),
    [
        (MHSC, "Offer saline (MHSC GL-08, 2021).", True),
        (MHSC, "Offer saline (MHSC GL 08, 2021).", True),
        (MHSC, "Offer saline (NCSC GL-08, 2021).", False),  # the code belongs to another body
        (MHSC, "Offer saline (MHSC GL-09, 2021).", False),
        (MHSC, "Offer saline (MHSC GL-08, 2019).", False),
        (RCPH, "Give fluids (RCPH Practice Guideline No. 214, 2016).", True),
        (RCPH, "Give fluids (RCPH Practice Guideline No. 241, 2016).", False),
        (
            EPCA,
            "No X-ray, per the Eastern Paediatric Care Alliance guideline on bronchiolitis (2019).",
            True,
        ),
        (
            EPCA,
            "No X-ray, per the Eastern Paediatric Care Alliance guideline on croup (2019).",
            False,
        ),
        (
            EPCA,
            "No X-ray, per the Western Paediatric Care Alliance guideline on bronchiolitis (2019).",
            False,
        ),
    ],
)
def test_guidelines_by_body_and_code_or_topic(document: Document, text: str, ok: bool) -> None:
    found = mismatches(text, document, "medical")
    assert (found == []) is ok, found


HYDROLOGY = page(
    "https://doi.org/10.5555/ijhm.2017.33",
    "Seasonal Lags in Karst Recharge",
    "Seasonal Lags in Karst Recharge. Okonjo and Pérez. Recharge lags rainfall by one season.",
    title="Seasonal Lags in Karst Recharge",
    authors=["Okonjo, Adaeze", "Pérez, Lucía"],
    journal="International Journal of Hydrological Modelling",
    date="2017",
    doi="10.5555/ijhm.2017.33",
)
COASTAL = page(
    "https://doi.org/10.5555/jclr.2020.7",
    "Rainfall Memory in Coastal Aquifers",
    "Rainfall Memory in Coastal Aquifers\nJournal of Coastal Landscape Research, 2020\n"
    "Rautio and Bakshi. Aquifers store rain for months.",
    title="Rainfall Memory in Coastal Aquifers",
    authors=["Rautio, Ilkka", "Bakshi, Meera"],
    date="2020-02-01",
)


BULLETIN = page(
    "https://www.example.gov/hsb/vol/40/rr/rr4002.htm",
    "Hantavirus Screening in Forestry Workers",
    "Hantavirus Screening in Forestry Workers\nHarbour Surveillance Bulletin, Recommendations "
    "and Reports, Vol. 40, No. RR-2, 2022\nIdunn Varga, Malik Osei.",
    title="Hantavirus Screening in Forestry Workers",
    authors=["Varga, Idunn", "Osei, Malik"],
    date="2022",
)


@pytest.mark.parametrize(
    ("document", "text", "ok"),
    [
        (BULLETIN, "Screen yearly (Varga and Osei, 2022, HSB Recomm Rep).", True),
        (
            BULLETIN,
            "Screen yearly (Varga I, Osei M. Hantavirus screening in forestry workers. HSB "
            "Recomm Rep. 2022;40(RR-2):1-12).",
            True,
        ),
        (BULLETIN, "Screen yearly (Varga and Osei, 2022, HWB Recomm Rep).", False),
        (BULLETIN, "Screen yearly (Varga and Osei, 2022, HSB Suppl Rep).", False),
        (HYDROLOGY, "Lags grow (Okonjo and Pérez, 2017, Int J Hydrol Model).", True),
        (
            HYDROLOGY,
            "Lags grow (Okonjo and Pérez, 2017, International Journal of Hydrological Modelling).",
            True,
        ),
        (HYDROLOGY, "Lags grow (Okonjo and Pérez, 2017, Water Resour Res).", False),
        (COASTAL, "Aquifers store rain (Rautio & Bakshi, 2020, JCLR).", True),
        (COASTAL, "Aquifers store rain (Rautio & Bakshi, 2020, JHLR).", False),
    ],
)
def test_venues_in_full_abbreviated_or_by_initials(document: Document, text: str, ok: bool) -> None:
    found = mismatches(text, document, "research")
    assert (found == []) is ok, found


ROUTING = page(
    "https://arxiv.org/abs/2109.01234",
    "Sparse Gating for Lake Ice Forecasts under Limited Data",
    "Sparse Gating for Lake Ice Forecasts under Limited Data. Tove Hallin, Rui Matos. 2021.",
    title="Sparse Gating for Lake Ice Forecasts under Limited Data",
    authors=["Hallin, Tove", "Matos, Rui"],
    date="2021",
)


@pytest.mark.parametrize(
    ("title", "ok"),
    [
        ("Sparse Gating for Lake Ice Forecasts", True),  # a short title
        ("Sparse Gating for Lake Ice Forcasts under Limited Data", True),  # a typo
        ("Sprase Gating for Lake Ice Forecasts under Limited Data", True),  # transposed letters
        ("Sparse Gating", False),  # too short to name the work
        ("Dense Gating for Lake Ice Forecasts", False),
        ("Sparse Gating for Lake Ice Forecasts under Abundant Data", False),
    ],
)
def test_short_titles_and_typos_but_not_changed_words(title: str, ok: bool) -> None:
    assert (problems(ROUTING, title=title, authors="Hallin and Matos", year="2021") == []) is ok


BYLINED = page(
    "https://www.journal.example.org/articles/tb-sms",
    "Text Reminders and Adherence to Preventive Therapy",
    "Text Reminders and Adherence to Preventive Therapy\nPublished 2019\nReminders raised "
    "completion from 61% to 74%.",
    byline="Mirela Dancu and Tobias Fenn",
)


@pytest.mark.parametrize(
    ("authors", "ok"),
    [("Dancu & Fenn", True), ("Dancu et al.", True), ("Fenn & Dancu", False), ("Dancu", False)],
)
def test_authors_from_a_byline_when_the_page_has_no_metadata(authors: str, ok: bool) -> None:
    assert (problems(BYLINED, authors=authors, year="2019") == []) is ok


def test_a_real_doi_beside_an_invented_title_is_not_grounded() -> None:
    real = page(
        "https://doi.org/10.5555/hl.2019.04",
        "Nitrate Export from Tile-Drained Fields",
        "Nitrate Export from Tile-Drained Fields. Hydrology Letters 2019.",
        title="Nitrate Export from Tile-Drained Fields",
        doi="10.5555/hl.2019.04",
        journal="Hydrology Letters",
        date="2019",
    )
    for text in (
        'Peaks follow storms ("Storm Pulses of Nitrate", Hydrol Lett 2019, doi:10.5555/hl.2019.04).',
        'Kaur and Jensen (2019), "Storm Pulses of Nitrate" (doi:10.5555/hl.2019.04), saw peaks.',
    ):
        [claim] = heuristic_claims(text, "research")
        result = compare(cited_work(claim), record_of(real), {claim.cited_url or ""})
        assert any(m.startswith("title") for m in result.mismatches), (text, result.mismatches)


WHARVES = page(
    "https://law.example.org/ukpga/2012/14/section/13",
    "Fair Wharves Act 2012, Section 13 - Direct discrimination",
    "Fair Wharves Act 2012\nSection 13: A harbour authority discriminates against a vessel if "
    "it treats it less favourably because of its flag.",
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("It is defined in section 13 of the Fair Wharves Act 2012.", True),
        ("It is defined in the Fair Wharves Act 2012, s. 13.", True),
        ("It is defined in section 31 of the Fair Wharves Act 2012.", False),
        ("It is defined in section 13 of the Fair Wharves Act 2014.", False),
        ("It is defined in section 13 of the Fair Harbours Act 2012.", False),
    ],
)
def test_statutes_by_short_title_and_section(text: str, ok: bool) -> None:
    found = mismatches(text, WHARVES, "legal")
    assert (found == []) is ok, found


RAFTS = page(
    "https://eur-lex.example.org/eli/reg/2022/1418/oj",
    "Regulation (EU) 2022/1418 of the European Parliament and of the Council on towable rafts",
    "Regulation (EU) 2022/1418 of the European Parliament and of the Council of 4 May 2022 on "
    "towable rafts.\nArticle 7. Load plates.",
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Rafts carry a load plate (Regulation (EU) 2022/1418, Article 7).", True),
        ("Rafts carry a load plate (Regulation 2022/1418, art. 7).", True),
        ("Rafts carry a load plate (Directive (EU) 2022/1418, Article 7).", False),
        ("Rafts carry a load plate (Decision (EU) 2022/1418).", False),
        ("Rafts carry a load plate (Regulation (EU) 2022/1481, Article 7).", False),
    ],
)
def test_an_eu_act_is_the_kind_of_act_cited(text: str, ok: bool) -> None:
    """A regulation and a directive can share a number: the kind of act is part of what is
    cited, checked where the record gives the number."""
    found = mismatches(text, RAFTS, "legal")
    assert (found == []) is ok, found


SURVEYS = page(
    "https://www.example.gov/coastal-surveys/erosion-2019.pdf",
    "Shoreline Erosion Survey Methods: Technical Guidance",
    "U.S. Department of the Interior, Bureau of Coastal Surveys. Shoreline Erosion Survey "
    "Methods: Technical Guidance. Issued March 2019.",
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Survey twice a year (U.S. Bureau of Coastal Surveys, 2019).", True),
        ("Survey twice a year (Bureau of Coastal Surveys, 2019).", True),
        ("Survey twice a year (UK Bureau of Coastal Surveys, 2019).", False),
        ("Survey twice a year (U.S. Bureau of Inland Surveys, 2019).", False),
        ("Survey twice a year (U.S. Bureau of Coastal Surveys, 2017).", False),
    ],
)
def test_an_agency_with_its_country_written_before_it(text: str, ok: bool) -> None:
    """ "U.S. Bureau of …" is read as one body; pages often name the country apart from the
    agency ("U.S. Department of the Interior, Bureau of …"), so the name is also looked for
    without the country, where the page names that country."""
    found = mismatches(text, SURVEYS, "medical")
    assert (found == []) is ok, found


SEAFARERS = page(
    "https://curia.example.org/juris/c-417-20",
    "Judgment of the Court in Case C-417/20, Lindqvist Rederi AB v Sjöfartsverket",
    "JUDGMENT OF THE COURT (Second Chamber) 9 June 2022. In Case C-417/20, Lindqvist Rederi AB "
    "v Sjöfartsverket. ECLI:EU:C:2022:441.",
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Rest hours bind (CJEU, Case C-417/20, Lindqvist Rederi AB v Sjöfartsverket).", True),
        ("Rest hours bind (Court of Justice, C-417/20, Lindqvist Rederi).", True),
        (
            "Rest hours bind (General Court, Case C-417/20, Lindqvist Rederi AB v Sjöfartsverket).",
            False,
        ),
    ],
)
def test_an_eu_court_named_before_its_case_number(text: str, ok: bool) -> None:
    found = mismatches(text, SEAFARERS, "legal")
    assert (found == []) is ok, found


DOSING = page(
    "https://www.nmb.example.org/documents/dosing-in-children.pdf",
    "Guideline on weight-based dosing in children",
    "Nordic Medicines Board\nCommittee for Medicinal Products (CMPH)\nNMB/CMPH/44817/2020\n"
    "Guideline on weight-based dosing in children. Adopted 2020.",
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Dose by weight (NMB guideline NMB/CMPH/44817/2020).", True),
        ("Dose by weight (NMB/CMPH/44817/2020).", True),
        ("Dose by weight (NMB/CMPH/44871/2020).", False),
        ("Dose by weight (NMB/PRAC/44817/2020).", False),
    ],
)
def test_a_document_code_whose_parts_name_committees(text: str, ok: bool) -> None:
    found = mismatches(text, DOSING, "medical")
    assert (found == []) is ok, found


CONVENTION = page(
    "https://treaties.example.org/ncmr",
    "Northern Convention on Maritime Rescue",
    "Northern Convention on Maritime Rescue\nArticle 9. Duty to render assistance.\nArticle 14. "
    "Ports of refuge.",
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Masters must help (Article 9 of the Northern Convention on Maritime Rescue).", True),
        ("Masters must help (Article 9 NCMR).", True),
        ("Masters must help (art. 9 of the Northern Convention on Maritime Rescue).", True),
        ("Masters must help (Article 19 of the Northern Convention on Maritime Rescue).", False),
        ("Masters must help (Article 9 of the Southern Convention on Maritime Rescue).", False),
        ("Masters must help (Article 9 SCMR).", False),
        ("Masters must help (Recital 9 NCMR).", True),
    ],
)
def test_a_provision_of_a_convention_or_constitution(text: str, ok: bool) -> None:
    """ "Section 11 of the X Constitution", "Article 9 of the Y Convention", "Article 9 NCMR":
    the instrument (by name or initials) and the provision's number are both checked."""
    found = mismatches(text, CONVENTION, "legal")
    assert (found == []) is ok, found


QUAY = page(
    "https://caselaw.example.org/ewca/civ/2018/2210",
    "Aldous v Brinkhall Marine Ltd [2018] EWCA Civ 2210",
    "Neutral Citation Number: [2018] EWCA Civ 2210\nIN THE COURT OF APPEAL (CIVIL DIVISION)\n"
    "Between Aldous and Brinkhall Marine Ltd. Date: 4 October 2018.",
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("The quay owner was liable: Aldous v Brinkhall Marine Ltd [2018] EWCA Civ 2210.", True),
        ("The quay owner was liable: Aldous v Brinkhall Marine Ltd (2018) EWCA Civ 2210.", True),
        ("The quay owner was liable: Aldous v Brinkhall Marine Ltd (2018) EWCA Civ 2201.", False),
        ("The quay owner was liable: Aldous v Brinkhall Marine Ltd (2018) EWHC 2210.", False),
    ],
)
def test_a_neutral_citation_in_round_brackets_is_read_whole(text: str, ok: bool) -> None:
    """Written with round brackets, a neutral citation is still read whole: its court and number
    are checked, never left outside the citation."""
    found = mismatches(text, QUAY, "legal")
    assert (found == []) is ok, found
