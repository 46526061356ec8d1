"""Citation finding in the styles answers use, one class at a time: legal short forms and Id.,
public-domain, neutral and state-code citations, numbered markers in parentheses, guideline
codes of every shape and bodies named in full, parentheticals whose parts come in any order,
names in any script, identifiers kept with their title. Every name, court, body and journal
here is invented for these tests."""

from __future__ import annotations

import pytest

from trustbench.judges.groundedness.citations import Citation, heuristic_claims, scan_citations


def found(text: str) -> list[Citation]:
    citations, unparsed = scan_citations(text)
    assert unparsed == [], unparsed
    return citations


def described(citation: Citation, *keys: str) -> dict[str, str]:
    return {k: citation.ident.get(k, "") for k in keys}


# --- legal ----------------------------------------------------------------------------------------


def test_short_forms_and_id_take_the_full_citation_they_refer_to() -> None:
    text = (
        "Notice was required. Thornbury v. Kessler Freight Co., 618 F.3d 212, 219 (6th Cir. "
        "2010). The panel stressed notice. Thornbury, 618 F.3d at 221. Id. at 222."
    )
    full, short, ibid = found(text)
    assert (short.marker, ibid.marker) == ("Thornbury, 618 F.3d at 221", "Id. at 222")
    for citation in (full, short, ibid):
        assert described(citation, "parties", "reporter", "court", "year") == {
            "parties": "Thornbury v. Kessler Freight Co.",
            "reporter": "618 F.3d 212",
            "court": "6th Cir.",
            "year": "2010",
        }


def test_an_id_with_nothing_before_it_is_counted_not_guessed() -> None:
    citations, unparsed = scan_citations("Id. at 14. The court agreed.")
    assert citations == [] and unparsed == ["Id. at 14 (Id. with no citation before it)"]


def test_public_domain_citations() -> None:
    text = (
        "The appellate court reversed. People v. Valdivia, 2017 IL App (1st) 152061, ¶ 18. "
        "Valdivia, 2017 IL App (1st) 152061, ¶ 22. See also State v. Pruett, 2021 UT 14, ¶ 9."
    )
    first, second, third = found(text)
    assert described(first, "parties", "reporter") == {
        "parties": "People v. Valdivia",
        "reporter": "2017 IL App (1st) 152061",
    }
    assert described(second, "parties", "reporter") == {
        "parties": "Valdivia",
        "reporter": "2017 IL App (1st) 152061",
    }
    assert third.ident["reporter"] == "2021 UT 14"


def test_state_code_sections_in_every_form() -> None:
    text = (
        "Employers may not retaliate. Or. Rev. Stat. § 659A.030(1) (2021). The same rule "
        "appears at O.R.S. § 659A.030(3). Texas differs, Tex. Lab. Code Ann. § 21.051 (West "
        "2019). Federal law adds 42 U.S. Code § 2000e-3."
    )
    citations = found(text)
    assert [(c.kind, c.ident["code"], c.ident["section"]) for c in citations] == [
        ("statute", "Or. Rev. Stat.", "659A.030"),
        ("statute", "O.R.S.", "659A.030"),
        ("statute", "Tex. Lab. Code Ann.", "21.051"),
        ("statute", "U.S. Code", "2000e-3"),
    ]
    assert citations[0].ident["year"] == "2021" and citations[3].ident["title"] == "42"


def test_uk_neutral_citations_with_paragraph_pinpoints() -> None:
    text = (
        "A builder owes a duty. Pemberton v Ashgrove Homes Ltd [2014] EWHC 2231 (TCC) at [58]. "
        "The duty is narrow (Pemberton v Ashgrove Homes [2014] EWHC 2231 (TCC)). Compare "
        "Rhys v Caerleon Council [2009] UKHL 12, [33]."
    )
    first, second, third = found(text)  # "[58]" and "[33]" are pinpoints, not numbered markers
    assert described(first, "parties", "reporter") == {
        "parties": "Pemberton v. Ashgrove Homes Ltd",
        "reporter": "[2014] EWHC 2231 (TCC)",
    }
    assert second.ident["parties"] == "Pemberton v. Ashgrove Homes"
    assert third.ident["reporter"] == "[2009] UKHL 12"


@pytest.mark.parametrize(
    ("text", "reporters"),
    [
        (
            "Delay past 30 months is unreasonable: R. v. Okonjo-Hale, 2019 SCC 41, [2019] 3 "
            "S.C.R. 512.",
            "2019 SCC 41; [2019] 3 S.C.R. 512",
        ),
        (
            "The council owed a duty: Ferrante v Tallow Shire Council [2013] HCA 12; (2013) 247 "
            "CLR 118.",
            "[2013] HCA 12; (2013) 247 CLR 118",
        ),
        (
            "A landlord must repair the stair: Quayle v Northmoor Estates Ltd [2016] EWCA Civ "
            "311, [2017] QB 90.",
            "[2016] EWCA Civ 311; [2017] QB 90",
        ),
    ],
)
def test_a_neutral_citation_and_its_parallel_law_report_are_one_citation(
    text: str, reporters: str
) -> None:
    """A neutral citation with the law report of the same judgment after it (by a comma or a
    semicolon) is one citation of one case: the case name is read before the neutral citation,
    never as "A v. B, 2019 SCC 41"."""
    [citation] = found(text)
    assert citation.ident["reporter"] == reporters
    assert " v. " in citation.ident["parties"] and not any(
        ch.isdigit() for ch in citation.ident["parties"]
    )
    assert "unread" not in citation.ident


def test_two_cases_in_a_string_citation_stay_two() -> None:
    text = "It failed. Ulloa v. Brandt, 2016 SCC 29; Marsh v. Kittle, [2016] 1 S.C.R. 730."
    first, second = found(text)
    assert (first.ident["parties"], second.ident["parties"]) == (
        "Ulloa v. Brandt",
        "Marsh v. Kittle",
    )


def test_a_marker_keeps_the_emphasis_its_case_name_is_written_in() -> None:
    text = "Delay is unreasonable: *R. v. Okonjo-Hale*, 2019 SCC 41, [2019] 3 S.C.R. 512."
    [claim] = heuristic_claims(text, "legal")
    assert claim.marker == "*R. v. Okonjo-Hale*, 2019 SCC 41, [2019] 3 S.C.R. 512"


def test_a_case_sentence_after_a_sentence_ending_in_a_capitalised_word() -> None:
    text = (
        "The rule derives from the state Constitution. State v. Marchetti, 198 Vt. 41, 112 "
        "A.3d 77 (2015). It binds Montpelier. Hollis Grain, Inc. v. City of Bramford, 55 Cal. "
        "App. 5th 12 (2020)."
    )
    first, second = found(text)
    assert described(first, "parties", "reporter") == {
        "parties": "State v. Marchetti",
        "reporter": "198 Vt. 41; 112 A.3d 77",
    }
    assert second.ident["parties"] == "Hollis Grain, Inc. v. City of Bramford"


def test_court_parentheticals_with_full_dates_belong_to_their_citation() -> None:
    text = (
        "Damages were capped. Kestrel Data LLC v. Moore, No. 2:19-cv-01111, 2020 WL 1234567, "
        "at *2 (S.D. Tex. Mar. 9, 2020) (granting the motion in part)."
    )
    [case] = found(text)
    assert described(case, "parties", "reporter", "court", "year") == {
        "parties": "Kestrel Data LLC v. Moore",
        "reporter": "2020 WL 1234567",
        "court": "S.D. Tex.",
        "year": "2020",
    }


def test_legal_claims_carry_the_parsed_fields() -> None:
    text = (
        "The ferry owed a duty to warn. Aldana v. Northgate Ferry Co., 77 F.4th 120 (3d Cir. 2023)."
    )
    [claim] = heuristic_claims(text, "legal")
    assert claim.fields["type"] == "case" and claim.fields["court"] == "3d Cir."
    assert claim.fields["parties"] == "Aldana v. Northgate Ferry Co."


# --- numbered markers -----------------------------------------------------------------------------


def test_numbers_in_parentheses_read_through_the_reference_list() -> None:
    text = (
        "Tidal mixing drives blooms (1). Wind shear matters too (2, 3).\n\nReferences\n"
        "1. Haugen K, Lindqvist P. Tidal mixing and spring blooms. Mar Ecol Notes. "
        "2016;12:40-51.\n2. Brandt S. Wind shear over fjords. Ocean Sci Rev. 2019;7(2):11-19.\n"
    )
    citations, unparsed = scan_citations(text)
    first, second = citations
    assert described(first, "authors", "title", "venue", "year") == {
        "authors": "Haugen, Lindqvist",
        "title": "Tidal mixing and spring blooms",
        "venue": "Mar Ecol Notes",
        "year": "2016",
    }
    assert second.ident["title"] == "Wind shear over fjords"
    assert unparsed == ["(3) (no entry in the reference list)"]


def test_a_marker_after_the_full_stop_ends_its_own_sentence() -> None:
    """ "… weeks.[1] Next …": the marker belongs to the sentence before it, and the next
    sentence's claim does not start inside the previous one."""
    text = (
        "Lichen cover doubled within eleven years.[1] Moss cover did not change.[2]\n\n"
        "References\n1. Aho P, Brenn T. Lichen succession on moraines. Boreal Veg Notes. "
        "2015;3:1-9.\n2. Aho P. Moss on young moraines. Boreal Veg Notes. 2017;5:2-8.\n"
    )
    claims = heuristic_claims(text, "research")
    assert [(c.marker, c.text) for c in claims] == [
        ("[1]", "Lichen cover doubled within eleven years.[1]"),
        ("[2]", "Moss cover did not change.[2]"),
    ]


def test_a_back_reference_inside_a_list_entry_is_part_of_that_entry() -> None:
    """ "Ibid." written inside a reference-list entry is that entry's text, not one more
    citation in the answer."""
    text = (
        "Lichen cover doubled within eleven years [1]. Moss cover did not change [2].\n\n"
        "[1] Aho P, Brenn T. Lichen succession on moraines. Boreal Veg Notes. 2015;3:1-9.\n"
        "[2] Aho P. Moss on young moraines. Ibid. 2017;5:2-8.\n"
    )
    citations, unparsed = scan_citations(text)
    assert [c.marker for c in citations] == ["[1]", "[2]"] and unparsed == []


@pytest.mark.parametrize("group", ["[1–3]", "[1-3]", "[1, 2, 3]", "(1-3)", "(1, 2, 3)"])
def test_each_member_of_a_marker_group_reads_the_whole_group(group: str) -> None:
    """ "[1–3]" cites entries 1, 2 and 3; the other numbers of the group are markers, not
    words of a member's citation left unread (which would make a real reference fail)."""
    text = (
        f"Moraines are colonised within a decade {group}.\n\nReferences\n"
        "1. Aho P, Brenn T. Lichen succession on moraines. Boreal Veg Notes. 2015;3:1-9.\n"
        "2. Aho P. Moss on young moraines. Boreal Veg Notes. 2017;5:2-8.\n"
        "3. Brenn T. Pioneer plants of glacier forelands. Alp Flora. 2019;11:30-41.\n"
    )
    citations = found(text)
    assert [c.ident["title"] for c in citations] == [
        "Lichen succession on moraines",
        "Moss on young moraines",
        "Pioneer plants of glacier forelands",
    ]
    assert all("unread" not in c.ident for c in citations), [c.ident for c in citations]


def test_numbers_in_parentheses_without_a_list_are_an_enumeration() -> None:
    assert scan_citations("The steps are (1) wash and (2) dry.") == ([], [])


# --- guidelines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "body", "code", "year"),
    [
        ("Offer fluids (RCPH Practice Guideline No. 214, 2016).", "RCPH", "214", "2016"),
        ("Monitor oxygen (WAPS 75, 2019).", "WAPS", "75", "2019"),
        ("Avoid steroids (BSEM Clinical Policy CP-2018-11).", "BSEM", "CP-2018-11", ""),
        ("Use nebulised saline (MHSC GL-08, 2021).", "MHSC", "GL-08", "2021"),
        ("Recheck at 48 hours (RCPH No. 214).", "RCPH", "214", ""),
        ("Check weight (WAPS guideline 75).", "WAPS", "75", ""),
        ("Give zinc (TMSB TM12 (2020)).", "TMSB", "TM12", "2020"),
        ("As TMSB guideline TM12 (2020) advises, give zinc.", "TMSB", "TM12", "2020"),
        ("Dose by weight (NMB/CMPH/44817/2020).", "NMB", "CMPH/44817/2020", ""),
        ("Dose by weight (NMB guideline NMB/CMPH/44817/2020).", "NMB", "NMB/CMPH/44817/2020", ""),
        ("Dose by weight (PHO/MCH/21.4, 2021).", "PHO", "MCH/21.4", "2021"),
    ],
)
def test_guideline_codes_of_every_shape(text: str, body: str, code: str, year: str) -> None:
    [citation] = found(text)
    assert citation.kind == "guideline"
    assert described(citation, "body", "code", "year") == {"body": body, "code": code, "year": year}


def test_a_body_named_in_full_with_topic_and_year() -> None:
    text = (
        "Chest radiographs are not routine, per the Eastern Paediatric Care Alliance guideline "
        "on bronchiolitis (2019)."
    )
    [citation] = found(text)
    assert described(citation, "body", "topic", "year") == {
        "body": "Eastern Paediatric Care Alliance",
        "topic": "bronchiolitis",
        "year": "2019",
    }


# --- parentheticals in any order ------------------------------------------------------------------


def test_inline_vancouver_reference_with_nested_parentheses() -> None:
    text = "Night shifts raised falls (Keller B, Osei-Tutu M, Farah N. J Rural Nurs Stud. 2018;14(3):201-9)."
    [citation] = found(text)
    assert described(citation, "authors", "year", "venue") == {
        "authors": "Keller, Osei-Tutu, Farah",
        "year": "2018",
        "venue": "J Rural Nurs Stud",
    }


def test_a_venue_after_the_year() -> None:
    text = (
        "Aquifers store rain for months (Rautio & Bakshi, 2020, JCLR). Recharge lags by season "
        "(Okonjo and Pérez, 2017, Int J Hydrol Model)."
    )
    first, second = found(text)
    assert described(first, "authors", "year", "venue") == {
        "authors": "Rautio & Bakshi",
        "year": "2020",
        "venue": "JCLR",
    }
    assert second.ident["venue"] == "Int J Hydrol Model"


def test_the_title_first() -> None:
    text = (
        'Karst springs respond in days ("Rainfall Memory in Karst Aquifers", Dufresne & Lam, 2016).'
    )
    [citation] = found(text)
    assert described(citation, "title", "authors", "year") == {
        "title": "Rainfall Memory in Karst Aquifers",
        "authors": "Dufresne & Lam",
        "year": "2016",
    }


def test_names_in_any_script() -> None:
    text = "Lichen cover fell by half (Ødegård and Çelik 2014). Ångström et al. (2012) agree."
    first, second = found(text)
    assert (first.ident["authors"], second.ident["authors"]) == (
        "Ødegård and Çelik",
        "Ångström et al.",
    )


def test_a_link_whose_text_is_an_author_and_year() -> None:
    text = "Cash transfers raised enrolment [Adeyemi-Clarke, 2015](https://doi.org/10.5555/edx.2015.031)."
    [citation] = found(text)
    assert described(citation, "authors", "year", "title") == {
        "authors": "Adeyemi-Clarke",
        "year": "2015",
        "title": "",
    }
    assert citation.url == "https://doi.org/10.5555/edx.2015.031"


# --- an identifier is judged with its title, never alone ------------------------------------------


def test_a_doi_carries_the_title_and_authors_written_beside_it() -> None:
    text = (
        'Nitrate peaks follow storms ("Storm Pulses of Nitrate in Tile Drains", Hydrol Lett '
        '2019, doi:10.5555/hl.2019.04). Rautio and Bakshi (2020), "Lag Times of Karst '
        'Recharge" (doi:10.5555/jclr.2020.7), found lags. Sediment settles (Marsh, 2011), '
        "https://doi.org/10.5555/sed.2011.2."
    )
    first, second, third = found(text)
    assert first.url == "https://doi.org/10.5555/hl.2019.04"
    assert described(first, "title", "venue", "year") == {
        "title": "Storm Pulses of Nitrate in Tile Drains",
        "venue": "Hydrol Lett",
        "year": "2019",
    }
    assert second.url == "https://doi.org/10.5555/jclr.2020.7"
    assert described(second, "title", "authors") == {
        "title": "Lag Times of Karst Recharge",
        "authors": "Rautio and Bakshi",
    }
    assert third.kind == "author_year" and third.url == "https://doi.org/10.5555/sed.2011.2"


# --- more author-year shapes, EU law and statutes by name -----------------------------------------


@pytest.mark.parametrize(
    ("text", "authors", "year"),
    [
        ("Ferro and colleagues (2016) measured growth.", "Ferro et al.", "2016"),
        ("Ferro's (2016) survey measured growth.", "Ferro", "2016"),
        ("Growth slows at altitude (Ferro 2016: 45-47).", "Ferro", "2016"),
        ("Growth slows at altitude [Ferro et al., 2016].", "Ferro et al.", "2016"),
        ("Growth slows at altitude [Ferro2016].", "Ferro", "2016"),
        ("Reading improved (Bruno, in press).", "Bruno", ""),
    ],
)
def test_more_author_year_shapes(text: str, authors: str, year: str) -> None:
    [citation] = found(text)
    assert described(citation, "authors", "year") == {"authors": authors, "year": year}


def test_a_group_author_with_its_acronym_in_brackets() -> None:
    [citation] = found("Handwashing cut infections (Coastal Health Standards Board [CHSB], 2018).")
    assert described(citation, "authors", "acronym", "year") == {
        "authors": "Coastal Health Standards Board",
        "acronym": "CHSB",
        "year": "2018",
    }


def test_eu_law_and_statutes_by_their_short_title() -> None:
    text = (
        "Erasure is a right under Regulation (EU) 2031/455, art. 12. See Case C-412/27 Halden "
        "Freight AS v Norrvik, ECLI:EU:C:2029:118. Direct discrimination is defined in section "
        "13 of the Fair Wharves Act 2012. The Rivers and Harbours Act of 1899 still applies, as "
        "does the Harbour Safety Act 2018, s. 45."
    )
    citations = found(text)
    assert [(c.kind, c.ident.get("reporter") or c.ident.get("act")) for c in citations] == [
        ("statute", "2031/455"),
        ("case", "C-412/27; ECLI:EU:C:2029:118"),
        ("statute", "Fair Wharves Act 2012"),
        ("statute", "Rivers and Harbours Act of 1899"),
        ("statute", "Harbour Safety Act 2018"),
    ]
    assert citations[1].ident["parties"] == "Halden Freight AS v. Norrvik"
    assert (citations[2].ident["section"], citations[4].ident["section"]) == ("13", "45")


def test_an_identifier_written_beside_a_citation_wins_over_its_list_entry() -> None:
    text = (
        'Hallin and Matos (2022), "Ice Gating" (arXiv:2206.00001), needed 20 winters.\n\n'
        'References\n[1] T. Hallin and R. Matos, "Ice gating," arXiv:2206.04417, 2022.\n'
    )
    [citation] = found(text)
    assert citation.url == "https://arxiv.org/abs/2206.00001"
    assert citation.ident["title"] == "Ice Gating"
