"""The heuristic (no-LLM) mode: rule-based citation finding on varied texts, and reference
verdicts from record matching against a small authored corpus, fully offline; content is never
judged without a grader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from trustbench.judges.groundedness import judge_turn
from trustbench.judges.groundedness.citations import find_citations, heuristic_claims
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.search.corpus import CorpusSearch
from trustbench.retrieval.store import EvidenceStore

# --- citation finding -------------------------------------------------------------------------------


def kinds_and_markers(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.marker) for c in find_citations(text)]


def test_case_citations_with_reporters_pinpoints_and_courts() -> None:
    text = (
        "In Miranda v. Arizona, 384 U.S. 436 (1966), the Court required warnings. "
        "The good-faith exception came later (United States v. Leon, 468 U.S. 897, 922 (1984)). "
        "See Smith v. Jones, 123 F.3d 456 (9th Cir. 1997), and Brown v. Board of Education of "
        "Topeka, 347 U.S. 483 (1954). Gideon v. Wainwright (1963) extended counsel."
    )
    found = find_citations(text)
    assert [c.marker for c in found] == [
        "Miranda v. Arizona, 384 U.S. 436 (1966)",
        "United States v. Leon, 468 U.S. 897, 922 (1984)",
        "Smith v. Jones, 123 F.3d 456 (9th Cir. 1997)",
        "Brown v. Board of Education of Topeka, 347 U.S. 483 (1954)",
        "Gideon v. Wainwright (1963)",
    ]
    assert found[2].ident["reporter"] == "123 F.3d 456" and found[2].ident["year"] == "1997"
    claims = heuristic_claims(text, "legal")
    assert (
        claims[0].text == "In Miranda v. Arizona, 384 U.S. 436 (1966), the Court required warnings."
    )
    assert claims[0].fields["type"] == "case"
    assert claims[0].fields["reference"] == "Miranda v. Arizona, 384 U.S. 436 (1966)"
    assert "required warnings" in claims[0].fields["holding"]


def test_statutes_and_rules() -> None:
    text = "Section 1983 creates a remedy, 42 U.S.C. § 1983. Dismissal follows Fed. R. Civ. P. 12(b)(6)."
    assert kinds_and_markers(text) == [
        ("statute", "42 U.S.C. § 1983"),
        ("statute", "Fed. R. Civ. P. 12(b)(6)"),
    ]


def test_author_year_citations() -> None:
    text = (
        "Attention suffices (Vaswani et al., 2017; Devlin et al., 2019). Smith and Lee (2021) "
        "disagree. Others agree (see Brown & Green, 2020, p. 4). The WHO agrees (WHO, 2022). "
        "Results are in (see Figure 2) and the data were collected in (2019) and (accessed 2024)."
    )
    assert kinds_and_markers(text) == [
        ("author_year", "(Vaswani et al., 2017; Devlin et al., 2019)"),
        ("author_year", "(Vaswani et al., 2017; Devlin et al., 2019)"),
        ("author_year", "Smith and Lee (2021)"),
        ("author_year", "(see Brown & Green, 2020, p. 4)"),
        ("author_year", "(WHO, 2022)"),
    ]
    claims = heuristic_claims(text, "research")
    assert claims[0].text == claims[1].text and claims[0].id != claims[1].id  # one per source
    assert (claims[1].fields["authors"], claims[1].fields["year"]) == ("Devlin et al.", "2019")


def test_links_dois_and_arxiv_ids() -> None:
    text = (
        "The data are public ([portal](https://data.example.org/set?id=3)). Deep learning is "
        "reviewed in doi:10.1038/nature14539. Transformers: arXiv:1706.03762v5. See "
        "https://doi.org/10.1145/3292500.3330701, and (http://example.com/a_(b))."
    )
    found = find_citations(text)
    assert [(c.kind, c.url) for c in found] == [
        ("link", "https://data.example.org/set?id=3"),
        ("doi", "https://doi.org/10.1038/nature14539"),
        ("arxiv", "https://arxiv.org/abs/1706.03762v5"),
        ("url", "https://doi.org/10.1145/3292500.3330701"),
        ("url", "http://example.com/a_(b)"),
    ]


def test_numbered_markers_map_to_the_reference_list() -> None:
    text = (
        "BM25 is a strong baseline [1]. Dense retrieval helps [2-3], and so do rerankers [4][^5].\n\n"
        "## References\n"
        "1. Robertson, S. and Zaragoza, H. (2009). The Probabilistic Relevance Framework: BM25 "
        "and Beyond. Foundations and Trends in IR. https://doi.org/10.1561/1500000019\n"
        '2. Karpukhin, V. et al. "Dense Passage Retrieval for Open-Domain Question Answering," '
        "EMNLP 2020.\n"
        "3. Izacard, G. (2021). Unsupervised Dense Information Retrieval. arXiv:2112.09118\n"
        "[^5]: Nogueira, R. (2019). Passage Re-ranking with BERT.\n"
    )
    found = find_citations(text)
    assert [c.marker for c in found] == ["[1]", "[2]", "[3]", "[5]"]  # [4] has no entry: skipped
    first, second, third, fifth = found
    assert first.url == "https://doi.org/10.1561/1500000019"
    assert first.ident["title"] == "The Probabilistic Relevance Framework: BM25 and Beyond"
    assert first.ident["year"] == "2009"
    assert second.ident["title"] == "Dense Passage Retrieval for Open-Domain Question Answering"
    assert third.url == "https://arxiv.org/abs/2112.09118"
    assert fifth.ident["title"] == "Passage Re-ranking with BERT"
    claims = heuristic_claims(text, "research")
    assert claims[0].text == "BM25 is a strong baseline [1]."
    assert claims[0].fields["citation"].startswith("Robertson, S.")
    assert not any("Robertson" in c.text for c in claims)  # list entries are not claims


def test_bracketed_reference_lines_without_a_heading() -> None:
    text = (
        "Statins lower LDL cholesterol [1].\n\n"
        "[1] NICE. Cardiovascular disease: risk assessment and reduction (NG238), 2023. "
        "https://www.nice.org.uk/guidance/ng238\n"
    )
    [claim] = heuristic_claims(text, "medical")
    assert claim.text == "Statins lower LDL cholesterol [1]."
    assert claim.cited_url == "https://www.nice.org.uk/guidance/ng238"
    assert claim.fields["authority"] == "[1]" and claim.fields["citation"].startswith("NICE.")


def test_a_citation_on_its_own_line_takes_the_sentence_before() -> None:
    text = "Offer ambulatory monitoring to confirm hypertension.\nSource: https://www.nice.org.uk/guidance/ng136"
    [claim] = heuristic_claims(text, "medical")
    assert claim.text.startswith("Offer ambulatory monitoring") and claim.text.endswith("ng136")


def test_no_citations_no_claims() -> None:
    assert (
        heuristic_claims(
            "The sky is blue. Water is wet (usually). In 2020 (a leap year) it rained.", "research"
        )
        == []
    )


# --- verdicts against an authored corpus ------------------------------------------------------------

CORPUS = {
    "attention.html": (
        "https://arxiv.org/abs/1706.03762",
        '<meta name="citation_title" content="Attention Is All You Need">'
        '<meta name="citation_author" content="Vaswani, Ashish">'
        '<meta name="citation_publication_date" content="2017/06/12">',
        "Attention Is All You Need",
        "Ashish Vaswani, Noam Shazeer, Niki Parmar and others, 2017. The Transformer is a network "
        "architecture based solely on attention mechanisms, dispensing with recurrence and "
        "convolutions entirely. Experiments on two machine translation tasks show these models "
        "to be superior in quality while being more parallelizable.",
    ),
    "miranda.html": (
        "https://supreme.justia.com/cases/federal/us/384/436/",
        "",
        "Miranda v. Arizona, 384 U.S. 436 (1966)",
        "Miranda v. Arizona, 384 U.S. 436 (1966). The prosecution may not use statements, "
        "whether exculpatory or inculpatory, stemming from custodial interrogation of the "
        "defendant unless it demonstrates the use of procedural safeguards effective to secure "
        "the privilege against self-incrimination.",
    ),
    "ng136.html": (
        "https://www.nice.org.uk/guidance/ng136",
        "",
        "Hypertension in adults: diagnosis and management (NG136)",
        "If the clinic blood pressure is between 140/90 mmHg and 180/120 mmHg, offer ambulatory "
        "blood pressure monitoring to confirm the diagnosis of hypertension. If ambulatory "
        "monitoring is unsuitable, offer home blood pressure monitoring instead.",
    ),
    "lichen.html": (
        "https://pubmed.example.org/31415926/",
        "",
        "Lichen succession on young moraines",
        "Pekka Aho, Tove Brenn. Boreal Veg Notes. 2015;3:1-9. PMID: 31415926; PMCID: "
        "PMC6021123. Crustose lichens covered half of each boulder within eleven years.",
    ),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> CorpusSearch:
    folder = tmp_path_factory.mktemp("corpus")
    manifest = []
    for name, (url, meta, title, body) in CORPUS.items():
        page = f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
        (folder / name).write_text(page)
        manifest.append(json.dumps({"path": name, "url": url}))
    (folder / "corpus.jsonl").write_text("\n".join(manifest))
    return CorpusSearch(folder)


@pytest.fixture
def offline(tmp_path: Path, corpus: CorpusSearch) -> Iterator[Evidence]:
    with EvidenceStore(tmp_path / "evidence.sqlite") as store:
        yield Evidence(store, "offline", search=corpus)


async def test_research_claims_offline(offline: Evidence) -> None:
    response = (
        "The Transformer relies solely on attention mechanisms, dispensing with recurrence and "
        "convolutions entirely (Vaswani et al., 2017). Transformers were first built for "
        "machine translation of quantum gravity papers (Fakeman et al., 2019). Vaswani et al. "
        "(2017) showed that recurrent networks beat convolutional networks on image segmentation."
    )
    result = await judge_turn(response=response, domain="research", evidence=offline, grader=None)
    assert result.mode == "heuristic" and result.grader_calls == 0 and result.claims_found == 3
    grounded, fabricated, misattributed = result.verdicts
    assert (grounded.reference_grounding, grounded.content_grounding, grounded.hallucinated) == (
        "yes",
        "not_assessed",
        None,
    )
    assert grounded.evidence_urls == ["https://arxiv.org/abs/1706.03762"]
    assert (fabricated.reference_grounding, fabricated.hallucinated) == ("no", True)
    assert fabricated.content_grounding == "not_assessed"
    # a real reference with a claim it does not make: only a grader could tell
    assert (misattributed.reference_grounding, misattributed.content_grounding) == (
        "yes",
        "not_assessed",
    )
    assert misattributed.hallucinated is None


async def test_legal_claims_offline(offline: Evidence) -> None:
    response = (
        "In Miranda v. Arizona, 384 U.S. 436 (1966), the Court held that statements stemming "
        "from custodial interrogation cannot be used unless procedural safeguards secure the "
        "privilege against self-incrimination. In Smith v. Nowhere, 999 U.S. 1 (2001), the Court "
        "held that custodial interrogation always requires a lawyer."
    )
    result = await judge_turn(response=response, domain="legal", evidence=offline, grader=None)
    real, fake = result.verdicts
    assert (real.reference_grounding, real.content_grounding, real.hallucinated) == (
        "yes",
        "not_assessed",
        None,
    )
    assert (fake.reference_grounding, fake.hallucinated) == ("no", True)


async def test_medical_claim_with_its_cited_page_offline(offline: Evidence) -> None:
    response = (
        "Offer ambulatory blood pressure monitoring to confirm a diagnosis of hypertension "
        "(https://www.nice.org.uk/guidance/ng136). Home monitoring is never acceptable "
        "(https://www.nice.org.uk/guidance/ng999)."
    )
    result = await judge_turn(response=response, domain="medical", evidence=offline, grader=None)
    cited, missing = result.verdicts
    assert (cited.reference_grounding, cited.content_grounding) == ("yes", "not_assessed")
    assert cited.evidence_urls[0] == "https://www.nice.org.uk/guidance/ng136"
    assert missing.reference_grounding == "no" and missing.hallucinated  # not in the corpus
    assert "does not exist" in missing.explanation


async def test_abstentions_are_not_hallucinations(offline: Evidence) -> None:
    response = (
        "I cannot verify the holding of Smith v. Nowhere, 999 U.S. 1 (2001), so please check it."
    )
    [verdict] = (
        await judge_turn(response=response, domain="legal", evidence=offline, grader=None)
    ).verdicts
    assert verdict.abstention and not verdict.hallucinated
    assert verdict.reference_grounding == verdict.content_grounding == "n/a"


async def test_nothing_found_is_not_grounded_not_an_error(offline: Evidence) -> None:
    response = "Zymurgical brewing quotients peaked in Lithuania (Qwerty et al., 2015)."
    [verdict] = (
        await judge_turn(response=response, domain="research", evidence=offline, grader=None)
    ).verdicts
    assert verdict.verification_error is None
    assert (verdict.reference_grounding, verdict.hallucinated) == ("no", True)
    assert "fallback_search" in verdict.fallbacks  # the broader searches ran first


async def test_searches_that_cannot_run_are_a_verification_error(tmp_path: Path) -> None:
    response = "Zymurgical brewing quotients peaked in Lithuania (Qwerty et al., 2015)."
    with EvidenceStore(tmp_path / "empty.sqlite") as store:
        [verdict] = (
            await judge_turn(
                response=response,
                domain="research",
                evidence=Evidence(store, "replay", search="serper"),
                grader=None,
            )
        ).verdicts
    assert verdict.verification_error and "lacks evidence" in verdict.verification_error
    assert verdict.hallucinated is False and verdict.reference_grounding == "n/a"


async def test_an_identifier_is_found_on_the_record_that_shows_it(offline: Evidence) -> None:
    """A PMCID alone names its article: the link it stands for is not in the corpus, but the
    record that shows the PMCID is the cited work; a PMCID no record shows is not grounded."""
    response = (
        "Crustose lichens covered half of each boulder within eleven years (PMCID: PMC6021123). "
        "Foliose lichens never appeared on the same boulders (PMC6021999)."
    )
    shown, unknown = (
        await judge_turn(response=response, domain="research", evidence=offline, grader=None)
    ).verdicts
    assert shown.reference_grounding == "yes", shown.explanation
    assert shown.evidence_urls == ["https://pubmed.example.org/31415926/"]
    assert unknown.reference_grounding == "no" and unknown.verification_error is None
