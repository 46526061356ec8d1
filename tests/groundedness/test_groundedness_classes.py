"""The heuristic judge end to end, one class of citation at a time, against an offline corpus of
invented pages: Markdown around citations, back-references, neutral citations and their law
reports, EU acts and cases, agencies, identifiers, DOIs beside other details, drug labels, APA
descriptions, journal abbreviations, marker groups and reference-list entries. Each case is
written as a real citation would be (grounded) and with one detail changed (never grounded: not
grounded, or counted as unparsed). Every work, page and name here is invented for these
tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from trustbench.judges.groundedness import judge_turn
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.search.corpus import CorpusSearch
from trustbench.retrieval.store import EvidenceStore

pytestmark = pytest.mark.slow

Y, N = "yes", "not grounded or unparsed"


def meta(**kw: str | list[str]) -> str:
    out = []
    for k, v in kw.items():
        for x in v if isinstance(v, list) else [v]:
            out.append(f'<meta name="citation_{k}" content="{x}">')
    return "".join(out)


PAGES = {
    "marmot.html": (
        "https://pubmed.ncbi.nlm.nih.gov/34567123/",
        meta(
            title="Seasonal shifts in alpine marmot hibernation onset",
            author=["Solheim, Ingrid", "Wrona, Tomasz", "Sato, Aiko"],
            publication_date="2021/03/01",
            journal_title="Journal of Mountain Ecology Research",
            doi="10.5512/jmer.2021.0143",
            pmid="34567123",
        ),
        "Seasonal shifts in alpine marmot hibernation onset",
        "Ingrid Solheim, Tomasz Wrona, Aiko Sato. J Mt Ecol Res. 2021;14(3):201-215. doi: 10.5512/jmer.2021.0143. PMID: 34567123; PMCID: PMC8123456. Abstract: Marmots entered hibernation nine days later in warm autumns.",
    ),
    "scour.html": (
        "https://repository.fjordland.edu/handle/123/4567",
        meta(
            title="Wave-induced scour around offshore monopiles",
            author="Lysgaard, Henrik",
            publication_date="2018",
        ),
        "Wave-induced scour around offshore monopiles",
        "Doctoral dissertation by Henrik Lysgaard, University of Fjordland, 2018. Scour depth reached 1.3 pile diameters under combined waves and current.",
    ),
    "shaping.html": (
        "https://arxiv.org/abs/2203.04561",
        meta(
            title="Sparse Reward Shaping via Latent Goals",
            author=["Menon, Ravi", "Oyelaran, Clara"],
            publication_date="2022/03/09",
        ),
        "Sparse Reward Shaping via Latent Goals",
        "Ravi Menon, Clara Oyelaran. arXiv:2203.04561, 2022. Latent goals improved success on sparse maze tasks by 14 points.",
    ),
    "delacorte.html": (
        "https://law.justia.com/cases/federal/appellate-courts/ca5/11-30412/11-30412-2012-10-02.html",
        "",
        "Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2012)",
        "Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455. United States Court of Appeals, Fifth Circuit. Decided October 2, 2012. A terminal operator owes a wharfage duty only to vessels it has accepted.",
    ),
    "beaulieu.html": (
        "https://decisions.scc-csc.ca/scc-csc/scc-csc/en/item/16001/index.do",
        "",
        "R. v. Beaulieu-Tran - SCC Cases",
        "R. v. Beaulieu-Tran, 2016 SCC 29, [2016] 1 S.C.R. 730. Supreme Court of Canada. Judgment: July 8, 2016. A delay over 30 months in superior court is presumptively unreasonable.",
    ),
    "kowal.html": (
        "https://www.canlii.org/en/on/onca/doc/2014/2014onca612/2014onca612.html",
        "",
        "Kowalczyk v. Lakeshore Ferries Ltd., 2014 ONCA 612 (CanLII)",
        "Kowalczyk v. Lakeshore Ferries Ltd., 2014 ONCA 612. Court of Appeal for Ontario. Date: 2014-08-21. A ferry operator must warn of known ramp hazards.",
    ),
    "ema.html": (
        "https://www.ema.europa.eu/en/documents/scientific-guideline/guideline-clinical-investigation-antifungal-agents_en.pdf",
        "",
        "Guideline on the clinical investigation of antifungal agents",
        "European Medicines Agency. Committee for Medicinal Products for Human Use (CHMP). Guideline on the clinical investigation of antifungal agents. EMA/CHMP/778312/2018. Adopted 2019. Trials should use a 12-week all-cause mortality endpoint.",
    ),
    "fda.html": (
        "https://www.fda.gov/media/139887/download",
        "",
        "Bioequivalence of Inhaled Corticosteroids: Guidance for Industry",
        "U.S. Department of Health and Human Services, Food and Drug Administration, Center for Drug Evaluation and Research (CDER). Bioequivalence of Inhaled Corticosteroids. Guidance for Industry. May 2020. Pharmacokinetic studies should use charcoal block.",
    ),
    "label.html": (
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=4f1c2d3e",
        "",
        "VELTRAZINE (carbomelin) tablets, for oral use - Prescribing Information",
        "VELTRAZINE (carbomelin) tablets, for oral use. Full prescribing information. Norwick Pharmaceuticals Inc. Revised: 6/2022. Reduce the dose to 5 mg in moderate hepatic impairment.",
    ),
    "hartwell.html": (
        "https://www.bailii.org/ew/cases/EWCA/Civ/2017/1204.html",
        "",
        "Hartwell v Pennine Quarries Ltd [2017] EWCA Civ 1204 (27 July 2017)",
        "Neutral Citation Number: [2017] EWCA Civ 1204. IN THE COURT OF APPEAL (CIVIL DIVISION). Between Hartwell and Pennine Quarries Ltd. Date: 27 July 2017. A quarry owner owes visitors a duty to fence an unstable face.",
    ),
    "cjeu.html": (
        "https://curia.europa.eu/juris/document/document.jsf?docid=221304",
        "",
        "Judgment of the Court (Third Chamber) in Case C-311/18, Norrgård Datatjänst AB v Tillsynsnämnden",
        "JUDGMENT OF THE COURT (Third Chamber) 14 November 2019. In Case C-311/18, Norrgård Datatjänst AB v Tillsynsnämnden. ECLI:EU:C:2019:961. Consent collected by a pre-ticked box is not valid.",
    ),
    "regulation.html": (
        "https://eur-lex.europa.eu/eli/reg/2020/1187/oj",
        "",
        "Regulation (EU) 2020/1187 of the European Parliament and of the Council on the safety of inflatable watercraft",
        "Regulation (EU) 2020/1187 of the European Parliament and of the Council of 8 July 2020 on the safety of inflatable watercraft. Article 5: Manufacturers shall mark the maximum load.",
    ),
}


REF1 = (
    "Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol "
    "Res. 2021;14(3):201-215."
)
REF2 = "Menon R, Oyelaran C. Sparse reward shaping via latent goals. arXiv:2203.04561; 2022."
CASES = [
    # --- markdown around citations
    (
        "md",
        "legal",
        "A terminal owes the duty only to accepted vessels. *Delacorte Shipping, Inc. v. Marwood Terminal Co.*, 702 F.3d 455, 461 (5th Cir. 2012).",
        [("Delacorte", Y)],
    ),
    (
        "md",
        "legal",
        "A terminal owes the duty only to accepted vessels. _Delacorte Shipping, Inc. v. Marwood Terminal Co._, 702 F.3d 455 (5th Cir. 2012).",
        [("Delacorte", Y)],
    ),
    (
        "md",
        "legal",
        "A terminal owes the duty only to accepted vessels. **Delacorte Shipping, Inc. v. Marwood Terminal Co.**, 702 F.3d 455 (5th Cir. 2012).",
        [("Delacorte", Y)],
    ),
    (
        "md",
        "legal",
        "A terminal owes the duty only to accepted vessels. *Delacorte Shipping, Inc. v. Marwood Terminal Co.*, 702 F.3d 455 (6th Cir. 2012).",
        [("Delacorte", N)],
    ),
    (
        "md",
        "legal",
        "A terminal owes the duty only to accepted vessels. *Smith v. Marwood Terminal Co.*, 702 F.3d 455 (5th Cir. 2012).",
        [("Marwood", N)],
    ),
    (
        "md",
        "legal",
        "A terminal owes the duty only to accepted vessels. *Delacorte Shipping, Inc. v. Harwood Freight Co.*, 702 F.3d 455 (5th Cir. 2012).",
        [("Delacorte", N)],
    ),
    (
        "md",
        "research",
        "Marmots hibernated nine days later in warm autumns.^1\n\nReferences\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215.",
        [("1", Y)],
    ),
    (
        "md",
        "research",
        "Marmots hibernated nine days later in warm autumns<sup>1</sup>.\n\nReferences\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215.",
        [("1", Y)],
    ),
    (
        "md",
        "research",
        "Marmots hibernated nine days later in warm autumns.[^1]\n\n[^1]: Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215.",
        [("1", Y)],
    ),
    (
        "md",
        "research",
        "Marmots hibernated nine days later in warm autumns.¹\n\nReferences\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215.",
        [("1", Y)],
    ),
    (
        "md",
        "research",
        "Marmots hibernated nine days later in warm autumns (Solheim et al., 2021, *Journal of Mountain Ecology Research*).",
        [("Solheim", Y)],
    ),
    (
        "md",
        "research",
        "Marmots hibernated nine days later in warm autumns (Solheim et al., 2021, *Journal of Alpine Zoology*).",
        [("Solheim", N)],
    ),
    (
        "md",
        "research",
        "Marmots hibernated nine days later in warm autumns (Solheim, Wrona & Sato, 2021, *Seasonal shifts in alpine marmot hibernation onset*).",
        [("Solheim", Y)],
    ),
    # --- back-references
    (
        "backref",
        "research",
        "Marmots hibernated nine days later in warm autumns.[1] Body mass did not predict onset.[2]\n\nNotes\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215.\n2. Ibid.",
        [("[1]", Y), ("[2]", Y)],
    ),
    (
        "backref",
        "research",
        "Marmots hibernated nine days later in warm autumns.[1] Body mass did not predict onset.[2]\n\nNotes\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215.\n2. Ibid., p. 207.",
        [("[1]", Y), ("[2]", Y)],
    ),
    (
        "backref",
        "research",
        "Marmots hibernated nine days later (Solheim et al., 2021). Body mass did not predict onset (ibid.).",
        [("Solheim", Y), ("ibid", Y)],
    ),
    (
        "backref",
        "research",
        "Marmots hibernated nine days later (Solheim et al., 2021). Body mass did not predict onset (Solheim et al., op. cit.).",
        [("Solheim et al., 2021", Y), ("op. cit", Y)],
    ),
    ("backref", "research", "Body mass did not predict onset (ibid.).", [("ibid", "unparsed")]),
    (
        "backref",
        "legal",
        "A terminal owes the duty only to accepted vessels. Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2012). The duty ends at undocking. Id. at 463.",
        [("Delacorte", Y), ("Id.", Y)],
    ),
    (
        "backref",
        "legal",
        "A terminal owes the duty only to accepted vessels. Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2012). The duty ends at undocking. *Id.* at 463.",
        [("Delacorte", Y), ("Id.", Y)],
    ),
    (
        "backref",
        "legal",
        "A terminal owes the duty only to accepted vessels. Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2012). The duty ends at undocking. *Delacorte*, 702 F.3d at 463.",
        [("Delacorte Shipping", Y), ("702 F.3d at", Y)],
    ),
    (
        "backref",
        "legal",
        "A terminal owes the duty only to accepted vessels. Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2012). The duty ends at undocking. *Delacorte*, 702 F.3d at 463.",
        [("Delacorte Shipping", Y), ("702 F.3d at", Y)],
    ),
    # --- Canadian
    (
        "canada",
        "legal",
        "Delay over 30 months is presumptively unreasonable: R. v. Beaulieu-Tran, 2016 SCC 29.",
        [("Beaulieu", Y)],
    ),
    (
        "canada",
        "legal",
        "Delay over 30 months is presumptively unreasonable (R v Beaulieu-Tran, 2016 SCC 29 at para 46).",
        [("Beaulieu", Y)],
    ),
    (
        "canada",
        "legal",
        "Delay over 30 months is presumptively unreasonable: *R. v. Beaulieu-Tran*, 2016 SCC 29, [2016] 1 S.C.R. 730.",
        [("Beaulieu", Y)],
    ),
    (
        "canada",
        "legal",
        "Delay over 30 months is presumptively unreasonable: R. v. Beaulieu-Tran, 2016 SCC 31.",
        [("Beaulieu", N)],
    ),
    (
        "canada",
        "legal",
        "Delay over 30 months is presumptively unreasonable: R. v. Beaulieu-Tran, 2017 SCC 29.",
        [("Beaulieu", N)],
    ),
    (
        "canada",
        "legal",
        "Delay over 30 months is presumptively unreasonable: R. v. Beaulieu-Tran, 2016 ONCA 29.",
        [("Beaulieu", N)],
    ),
    (
        "canada",
        "legal",
        "A ferry operator must warn of known ramp hazards: Kowalczyk v. Lakeshore Ferries Ltd., 2014 ONCA 612, at para. 22.",
        [("Kowalczyk", Y)],
    ),
    (
        "canada",
        "legal",
        "A ferry operator must warn of known ramp hazards: Kowalczyk v. Lakeshore Ferries Ltd., 2014 BCCA 612.",
        [("Kowalczyk", N)],
    ),
    (
        "canada",
        "legal",
        "A ferry operator must warn of known ramp hazards: Novak v. Lakeshore Ferries Ltd., 2014 ONCA 612.",
        [("Lakeshore", N)],
    ),
    (
        "canada",
        "legal",
        "A ferry operator must warn of known ramp hazards (*Kowalczyk v Lakeshore Ferries Ltd*, 2014 ONCA 612).",
        [("Kowalczyk", Y)],
    ),
    # --- UK / AU
    (
        "uk",
        "legal",
        "A quarry owner must fence an unstable face: Hartwell v Pennine Quarries Ltd [2017] EWCA Civ 1204 at [31].",
        [("Hartwell", Y)],
    ),
    (
        "uk",
        "legal",
        "A quarry owner must fence an unstable face: *Hartwell v Pennine Quarries Ltd* [2017] EWCA Civ 1204.",
        [("Hartwell", Y)],
    ),
    (
        "uk",
        "legal",
        "A quarry owner must fence an unstable face: Hartwell v Pennine Quarries Ltd [2017] EWHC 1204 (QB).",
        [("Hartwell", N)],
    ),
    (
        "uk",
        "legal",
        "A quarry owner must fence an unstable face: Hartwell v Pennine Mining Ltd [2017] EWCA Civ 1204.",
        [("Hartwell", N)],
    ),
    # --- EU
    (
        "eu",
        "legal",
        "Pre-ticked boxes do not give valid consent (Case C-311/18, Norrgård Datatjänst AB v Tillsynsnämnden, ECLI:EU:C:2019:961).",
        [("C-311/18", Y)],
    ),
    (
        "eu",
        "legal",
        "Pre-ticked boxes do not give valid consent (Case C-311/18 *Norrgård Datatjänst*, para 52).",
        [("C-311/18", Y)],
    ),
    (
        "eu",
        "legal",
        "Pre-ticked boxes do not give valid consent (Case C-311/18, Norrgård Datatjänst AB v Datainspektionen).",
        [("C-311/18", N)],
    ),
    (
        "eu",
        "legal",
        "Pre-ticked boxes do not give valid consent (Case C-311/19, Norrgård Datatjänst AB v Tillsynsnämnden).",
        [("C-311/19", N)],
    ),
    (
        "eu",
        "legal",
        "Manufacturers must mark the maximum load (Regulation (EU) 2020/1187, Article 5).",
        [("2020/1187", Y)],
    ),
    (
        "eu",
        "legal",
        "Manufacturers must mark the maximum load (Regulation (EU) 2020/1178, Article 5).",
        [("2020/1178", N)],
    ),
    (
        "eu",
        "legal",
        "Manufacturers must mark the maximum load (Directive (EU) 2020/1187, Article 5).",
        [("2020/1187", N)],
    ),
    (
        "eu",
        "medical",
        "Antifungal trials should use a 12-week mortality endpoint (European Medicines Agency, 2019).",
        [("European Medicines Agency", Y)],
    ),
    (
        "eu",
        "medical",
        "Antifungal trials should use a 12-week mortality endpoint (EMA/CHMP/778312/2018).",
        [("778312", Y)],
    ),
    (
        "eu",
        "medical",
        "Antifungal trials should use a 12-week mortality endpoint (EMA/CHMP/778399/2018).",
        [("778399", N)],
    ),
    (
        "eu",
        "medical",
        "Antifungal trials should use a 12-week mortality endpoint (European Medicines Agency, Guideline on the clinical investigation of antifungal agents, 2019).",
        [("European Medicines Agency", Y)],
    ),
    (
        "eu",
        "medical",
        "Antifungal trials should use a 12-week mortality endpoint (European Centre for Disease Prevention and Control, 2019).",
        [("European Centre", N)],
    ),
    # --- US agencies
    (
        "agency",
        "medical",
        "Bioequivalence studies should use charcoal block (U.S. Food and Drug Administration, 2020).",
        [("Food and Drug", Y)],
    ),
    (
        "agency",
        "medical",
        "Bioequivalence studies should use charcoal block (FDA, 2020).",
        [("FDA", Y)],
    ),
    (
        "agency",
        "medical",
        "Bioequivalence studies should use charcoal block (FDA, Bioequivalence of Inhaled Corticosteroids: Guidance for Industry, 2020).",
        [("FDA", Y)],
    ),
    (
        "agency",
        "medical",
        "Bioequivalence studies should use charcoal block (FDA, Bioequivalence of Nasal Sprays: Guidance for Industry, 2020).",
        [("FDA", N)],
    ),
    (
        "agency",
        "medical",
        "Bioequivalence studies should use charcoal block (FDA, 2016).",
        [("FDA", N)],
    ),
    (
        "agency",
        "medical",
        "Bioequivalence studies should use charcoal block (Health Canada, 2020).",
        [("Health Canada", N)],
    ),
    # --- DOI overriding
    (
        "doi",
        "research",
        "Marmots hibernated later in warm autumns (Solheim et al., 2021, doi:10.5512/jmer.2021.0143).",
        [("Solheim", Y)],
    ),
    (
        "doi",
        "research",
        "Marmots hibernated later in warm autumns (Solheim et al., 2019, doi:10.5512/jmer.2021.0143).",
        [("Solheim", N)],
    ),
    (
        "doi",
        "research",
        "Marmots hibernated later in warm autumns (Brekke et al., 2021, doi:10.5512/jmer.2021.0143).",
        [("Brekke", N)],
    ),
    (
        "doi",
        "research",
        'Marmots hibernated later in warm autumns (Solheim et al., 2021, "Winter torpor in high-altitude rodents", https://doi.org/10.5512/jmer.2021.0143).',
        [("Solheim", N)],
    ),
    (
        "doi",
        "research",
        "Marmots hibernated later in warm autumns [1].\n\nReferences\n1. Solheim I, Wrona T, Sato A. Winter torpor in high-altitude rodents. J Mt Ecol Res. 2021. doi:10.5512/jmer.2021.0143",
        [("[1]", N)],
    ),
    (
        "doi",
        "research",
        "Marmots hibernated later in warm autumns [1].\n\nReferences\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021. doi:10.5512/jmer.2021.0143",
        [("[1]", Y)],
    ),
    # --- identifiers
    (
        "ident",
        "research",
        "Marmots hibernated later in warm autumns (PMID: 34567123).",
        [("34567123", Y)],
    ),
    (
        "ident",
        "research",
        "Marmots hibernated later in warm autumns (PMCID: PMC8123456).",
        [("PMC8123456", Y)],
    ),
    (
        "ident",
        "research",
        "Marmots hibernated later in warm autumns (PMC8123456).",
        [("PMC8123456", Y)],
    ),
    (
        "ident",
        "research",
        "Marmots hibernated later in warm autumns (PMID: 34567999).",
        [("34567999", N)],
    ),
    (
        "ident",
        "research",
        "Latent goals improved maze success by 14 points (Menon & Oyelaran, 2022, arXiv:2203.04561).",
        [("Menon", Y)],
    ),
    (
        "ident",
        "research",
        "Latent goals improved maze success by 14 points (arXiv:2203.04561).",
        [("2203.04561", Y)],
    ),
    (
        "ident",
        "research",
        "Latent goals improved maze success by 14 points (Menon & Oyelaran, 2022, arXiv:2203.04999).",
        [("Menon", N)],
    ),
    # --- drug labels
    (
        "label",
        "medical",
        "Reduce the dose to 5 mg in moderate hepatic impairment (Veltrazine prescribing information, Norwick Pharmaceuticals, 2022).",
        [("Veltrazine", Y)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose to 5 mg in moderate hepatic impairment (Veltrazine [carbomelin] package insert, 2022).",
        [("Veltrazine", Y)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose to 5 mg in moderate hepatic impairment [1].\n\nReferences\n1. Veltrazine (carbomelin) tablets. Prescribing information. Norwick Pharmaceuticals; 2022.",
        [("[1]", Y)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose to 5 mg in moderate hepatic impairment (Veltrazine prescribing information, Halden Pharma, 2022).",
        [("Veltrazine", N)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose to 5 mg in moderate hepatic impairment (Zentravel prescribing information, Norwick Pharmaceuticals, 2022).",
        [("Zentravel", N)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose to 5 mg in moderate hepatic impairment (Veltrazine Summary of Product Characteristics, 2022).",
        [("Veltrazine", Y)],
    ),
    # --- APA thesis and journal abbreviations
    (
        "apa",
        "research",
        "Scour reached 1.3 pile diameters (Lysgaard, 2018).\n\nReferences\nLysgaard, H. (2018). *Wave-induced scour around offshore monopiles* [Doctoral dissertation, University of Fjordland]. https://repository.fjordland.edu/handle/123/4567",
        [("Lysgaard", Y)],
    ),
    (
        "apa",
        "research",
        "Scour reached 1.3 pile diameters (Lysgaard, 2018).\n\nReferences\nLysgaard, H. (2018). *Wave-induced scour around offshore monopiles* [Doctoral dissertation, University of Fjordland].",
        [("Lysgaard", Y)],
    ),
    (
        "apa",
        "research",
        "Scour reached 1.3 pile diameters (Lysgaard, 2018).\n\nReferences\nLysgaard, H. (2018). *Wave-induced erosion near offshore wind farms* [Doctoral dissertation, University of Fjordland].",
        [("Lysgaard", N)],
    ),
    (
        "apa",
        "research",
        "Latent goals improved maze success (Menon & Oyelaran, 2022).\n\nReferences\nMenon, R., & Oyelaran, C. (2022). *Sparse reward shaping via latent goals* [Preprint]. arXiv. https://arxiv.org/abs/2203.04561",
        [("Menon", Y)],
    ),
    (
        "abbr",
        "research",
        "Marmots hibernated later in warm autumns (Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215).",
        [("Solheim", Y)],
    ),
    (
        "abbr",
        "research",
        "Marmots hibernated later in warm autumns (Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Alp Zool. 2021;14(3):201-215).",
        [("Solheim", N)],
    ),
    (
        "abbr",
        "research",
        "Marmots hibernated later in warm autumns (Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. JMER. 2021;14(3):201-215).",
        [("Solheim", Y)],
    ),
    # --- ranges
    (
        "range",
        "research",
        "Warm autumns delay hibernation [1-2]. Body mass did not predict it [1].\n\nReferences\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021.\n2. Lysgaard H. Wave-induced scour around offshore monopiles. Doctoral dissertation, University of Fjordland; 2018.",
        [("1", Y), ("2", Y), ("[1]", Y)],
    ),
    (
        "range",
        "research",
        "Warm autumns delay hibernation [1–3].\n\nReferences\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021.\n2. Lysgaard H. Wave-induced scour around offshore monopiles. Doctoral dissertation, University of Fjordland; 2018.\n3. Menon R, Oyelaran C. Sparse reward shaping via latent goals. arXiv:2203.04561; 2022.",
        [("1", Y), ("2", Y), ("3", Y)],
    ),
    (
        "range",
        "research",
        "Warm autumns delay hibernation [1, 3].\n\nReferences\n1. Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021.\n2. Lysgaard H. Wave-induced scour around offshore monopiles. Doctoral dissertation, University of Fjordland; 2018.\n3. Menon R, Oyelaran C. Sparse reward shaping via latent goals. arXiv:2203.04561; 2022.",
        [("1", Y), ("3", Y)],
    ),
]
CASES += [
    (
        "link",
        "research",
        "Marmots hibernated later [Solheim et al., 2021](https://pubmed.ncbi.nlm.nih.gov/34567123/).",
        [("Solheim", Y)],
    ),
    (
        "link",
        "research",
        "Marmots hibernated later ([Solheim et al., 2021](https://pubmed.ncbi.nlm.nih.gov/34567123/)).",
        [("Solheim", Y)],
    ),
    (
        "link",
        "research",
        "Marmots hibernated later ([Solheim et al., 2019](https://pubmed.ncbi.nlm.nih.gov/34567123/)).",
        [("Solheim", N)],
    ),
    ("bold", "research", "Marmots hibernated later **(Solheim et al., 2021)**.", [("Solheim", Y)]),
    ("bold", "research", "Marmots hibernated later (**Solheim et al., 2021**).", [("Solheim", Y)]),
    (
        "sup",
        "research",
        f"Warm autumns delay hibernation.<sup>1,2</sup>\n\nReferences\n1. {REF1}\n2. {REF2}",
        [("1", Y), ("2", Y)],
    ),
    (
        "sup",
        "research",
        f"Warm autumns delay hibernation.^1,2^\n\nReferences\n1. {REF1}\n2. {REF2}",
        [("1", Y), ("2", Y)],
    ),
    (
        "sup",
        "research",
        f"Warm autumns delay hibernation.¹˒²\n\nReferences\n1. {REF1}\n2. {REF2}",
        [("1", Y), ("2", Y)],
    ),
    (
        "sup",
        "research",
        f"Warm autumns delay hibernation[^1][^2].\n\n[^1]: {REF1}\n[^2]: {REF2}",
        [("1", Y), ("2", Y)],
    ),
    (
        "sup",
        "research",
        f"Warm autumns delay hibernation.[3]\n\nReferences\n1. {REF1}\n2. {REF2}",
        [("3", "unparsed")],
    ),
    (
        "narr",
        "research",
        "Solheim and colleagues (2021) found marmots hibernated later.",
        [("Solheim", Y)],
    ),
    ("narr", "research", "Solheim et al. (2021) found marmots hibernated later.", [("Solheim", Y)]),
    (
        "narr",
        "research",
        "Solheim et al. (2021a) found marmots hibernated later.",
        [("Solheim", Y)],
    ),
    ("narr", "research", "Brekke et al. (2021) found marmots hibernated later.", [("Brekke", N)]),
    (
        "arxiv",
        "research",
        "Latent goals helped (Menon & Oyelaran, 2022, arXiv:2203.04561v2).",
        [("Menon", Y)],
    ),
    (
        "arxiv",
        "research",
        "Latent goals helped (https://arxiv.org/abs/2203.04561v2).",
        [("2203.04561", Y)],
    ),
    (
        "arxiv",
        "research",
        "Latent goals helped (https://arxiv.org/pdf/2203.04561).",
        [("2203.04561", Y)],
    ),
    (
        "doi",
        "research",
        "Marmots hibernated later (https://doi.org/10.5512/jmer.2021.0143).",
        [("10.5512", Y)],
    ),
    (
        "doi",
        "research",
        "Marmots hibernated later (https://doi.org/10.5512/jmer.2021.0199).",
        [("10.5512", N)],
    ),
    (
        "doi",
        "research",
        "Marmots hibernated later [1].\n\n[1] Solheim I, Wrona T, Sato A. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021. https://doi.org/10.5512/jmer.2021.0143.",
        [("1", Y)],
    ),
    (
        "title",
        "research",
        'Marmots hibernated later (Solheim et al., 2021, "Seasonal shifts in alpine marmot hibernation onset").',
        [("Solheim", Y)],
    ),
    (
        "title",
        "research",
        'Marmots hibernated later (Solheim et al., 2021, "Seasonal shifts in arctic ground squirrel hibernation onset").',
        [("Solheim", N)],
    ),
    (
        "title",
        "research",
        "Marmots hibernated later (Solheim et al., 2021, 'Seasonal shifts in alpine marmot hibernation onset').",
        [("Solheim", Y)],
    ),
    (
        "title",
        "research",
        "Marmots hibernated later (Solheim et al., “Seasonal shifts in alpine marmot hibernation onset,” 2021).",
        [("Solheim", Y)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose in hepatic impairment [1].\n\nReferences\n1. Veltrazine (carbomelin) [package insert]. Norwick Pharmaceuticals Inc; 2022.",
        [("1", Y)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose in hepatic impairment [1].\n\nReferences\n1. Veltrazine (carbomelin) [package insert]. Halden Pharma; 2022.",
        [("1", N)],
    ),
    (
        "label",
        "medical",
        "Reduce the dose in hepatic impairment (VELTRAZINE label, 2022).",
        [("VELTRAZINE", "unparsed")],
    ),  # not read: counted
    (
        "label",
        "medical",
        "Reduce the dose in hepatic impairment (Veltrazine prescribing information, 2019).",
        [("Veltrazine", N)],
    ),
    (
        "guide",
        "medical",
        "Antifungal trials need a 12-week endpoint (EMA guideline EMA/CHMP/778312/2018).",
        [("778312", Y)],
    ),
    ("guide", "medical", "Antifungal trials need a 12-week endpoint (EMA, 2019).", [("EMA", Y)]),
    ("guide", "medical", "Antifungal trials need a 12-week endpoint (CHMP, 2019).", [("CHMP", Y)]),
    ("guide", "medical", "Antifungal trials need a 12-week endpoint (EMA, 2015).", [("EMA", N)]),
    (
        "legal2",
        "legal",
        "The duty ends at undocking. Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2012) (holding that the duty is limited).",
        [("Delacorte", Y)],
    ),
    (
        "legal2",
        "legal",
        "The duty ends at undocking. See, e.g., Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455, 461-62 (5th Cir. 2012).",
        [("Delacorte", Y)],
    ),
    (
        "legal2",
        "legal",
        "The duty ends at undocking. Delacorte Shipping v. Marwood Terminal, 702 F.3d 455 (5th Cir. 2012).",
        [("Delacorte", Y)],
    ),
    (
        "legal2",
        "legal",
        "The duty ends at undocking. Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2013).",
        [("Delacorte", N)],
    ),
    (
        "legal2",
        "legal",
        "The duty ends at undocking. Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (2012).",
        [("Delacorte", Y)],
    ),
    (
        "legal2",
        "legal",
        "The duty ends at undocking (Delacorte Shipping, Inc. v. Marwood Terminal Co., 702 F.3d 455 (5th Cir. 2012)).",
        [("Delacorte", Y)],
    ),
    (
        "legal2",
        "legal",
        "In *Delacorte*, the Fifth Circuit held the duty ends at undocking. *Delacorte Shipping, Inc. v. Marwood Terminal Co.*, 702 F.3d 455 (5th Cir. 2012).",
        [("702 F.3d 455", Y)],
    ),
    (
        "uk2",
        "legal",
        "A quarry owner must fence an unstable face (*Hartwell v Pennine Quarries Ltd* [2017] EWCA Civ 1204, [31]).",
        [("Hartwell", Y)],
    ),
    (
        "uk2",
        "legal",
        "A quarry owner must fence an unstable face: see Hartwell [2017] EWCA Civ 1204.",
        [("Hartwell", Y)],
    ),
    (
        "uk2",
        "legal",
        "A quarry owner must fence an unstable face: Hartwell v Pennine Quarries Ltd [2017] EWCA Civ 1240.",
        [("Hartwell", N)],
    ),
    (
        "eu2",
        "legal",
        "Pre-ticked boxes are invalid (Norrgård Datatjänst, C-311/18, EU:C:2019:961).",
        [("C-311/18", Y)],
    ),
    (
        "eu2",
        "legal",
        "Pre-ticked boxes are invalid (Judgment of 14 November 2019, Norrgård Datatjänst, C-311/18).",
        [("C-311/18", Y)],
    ),
    (
        "eu2",
        "legal",
        "Pre-ticked boxes are invalid (CJEU, Case C-311/18, Norrgård Datatjänst AB v Tillsynsnämnden, 14 November 2019).",
        [("C-311/18", Y)],
    ),
    (
        "eu2",
        "legal",
        "Manufacturers must mark the maximum load under Article 5 of Regulation (EU) 2020/1187.",
        [("2020/1187", Y)],
    ),
    (
        "eu2",
        "legal",
        "Manufacturers must mark the maximum load (Regulation (EU) 2020/1187 of the European Parliament and of the Council, Art. 5).",
        [("2020/1187", Y)],
    ),
    (
        "eu2",
        "legal",
        "Manufacturers must mark the maximum load (Commission Regulation (EU) 2020/1187, Art. 5).",
        [("2020/1187", N)],
    ),
]
CASES += [
    (
        "entry",
        "medical",
        "Reduce the dose in hepatic impairment [1].\n\nReferences\n1. Zentravel (carbomelin) tablets. Prescribing information. Norwick Pharmaceuticals; 2022.",
        [("1", N)],
    ),
    (
        "entry",
        "medical",
        "Reduce the dose in hepatic impairment [1].\n\nReferences\n1. Veltrazine (carbomelin) tablets. Prescribing information. Norwick Pharmaceuticals; 2022.",
        [("1", Y)],
    ),
    (
        "entry",
        "research",
        "Marmots hibernated later [1].\n\nReferences\n1. Solheim I, Wrona T, Sato A, Brekke L. Seasonal shifts in alpine marmot hibernation onset. J Mt Ecol Res. 2021;14(3):201-215.",
        [("1", N)],
    ),
    (
        "entry",
        "research",
        'Marmots hibernated later [1].\n\nReferences\n1. Solheim, Ingrid, Tomasz Wrona, and Aiko Sato. "Seasonal Shifts in Alpine Marmot Hibernation Onset." Journal of Mountain Ecology Research, vol. 14, no. 3, 2021, pp. 201-15.',
        [("1", Y)],
    ),
    (
        "entry",
        "research",
        'Marmots hibernated later [1].\n\nReferences\n1. I. Solheim, T. Wrona, and A. Sato, "Seasonal shifts in alpine marmot hibernation onset," J. Mt. Ecol. Res., vol. 14, no. 3, pp. 201-215, 2021.',
        [("1", Y)],
    ),
    (
        "entry",
        "research",
        'Marmots hibernated later [1].\n\nReferences\n1. I. Solheim, T. Wrona, and A. Sato, "Seasonal shifts in alpine marmot hibernation onset," J. Alp. Zool., vol. 14, no. 3, pp. 201-215, 2021.',
        [("1", N)],
    ),
    (
        "entry",
        "research",
        "Marmots hibernated later (Solheim et al., 2021).\n\nReferences\nSolheim, I., Wrona, T., & Sato, A. (2021). Seasonal shifts in alpine marmot hibernation onset. *Journal of Mountain Ecology Research*, *14*(3), 201–215. https://doi.org/10.5512/jmer.2021.0143",
        [("Solheim", Y)],
    ),
    (
        "entry",
        "research",
        "Marmots hibernated later (Solheim et al., 2021).\n\nReferences\nSolheim, I., Wrona, T., & Sato, A. (2021). Seasonal shifts in alpine marmot hibernation onset. *Journal of Alpine Zoology*, *14*(3), 201–215.",
        [("Solheim", N)],
    ),
    (
        "entry",
        "medical",
        "Antifungal trials need a 12-week endpoint [1].\n\nReferences\n1. European Medicines Agency. Guideline on the clinical investigation of antifungal agents. London: EMA; 2019. Available from: https://www.ema.europa.eu/en/documents/scientific-guideline/guideline-clinical-investigation-antifungal-agents_en.pdf",
        [("1", Y)],
    ),
    (
        "entry",
        "medical",
        "Antifungal trials need a 12-week endpoint [1].\n\nReferences\n1. European Medicines Agency. Guideline on the clinical investigation of antifungal agents [Internet]. Amsterdam: EMA; 2019 [cited 2024 Mar 3].",
        [("1", Y)],
    ),
    (
        "entry",
        "medical",
        "Antifungal trials need a 12-week endpoint [1].\n\nReferences\n1. European Medicines Agency. Guideline on the clinical investigation of antiviral agents. 2019.",
        [("1", N)],
    ),
]
CASES += [
    (
        "eu3",
        "legal",
        "Pre-ticked boxes are invalid (General Court, Case C-311/18, Norrgård Datatjänst AB v Tillsynsnämnden, 14 November 2019).",
        [("C-311/18", N)],
    ),
    (
        "eu3",
        "legal",
        "Pre-ticked boxes are invalid (CJEU, Case C-311/18, Norrgård Datatjänst AB v Tillsynsnämnden).",
        [("C-311/18", Y)],
    ),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> CorpusSearch:
    folder = tmp_path_factory.mktemp("classes")
    manifest = []
    for name, (url, head, title, body) in PAGES.items():
        (folder / name).write_text(
            f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"<p>{body}</p></article></body></html>"
        )
        manifest.append(json.dumps({"path": name, "url": url}))
    (folder / "corpus.jsonl").write_text("\n".join(manifest))
    return CorpusSearch(folder)


@pytest.fixture
def offline(tmp_path: Path, corpus: CorpusSearch) -> Iterator[Evidence]:
    with EvidenceStore(tmp_path / "evidence.sqlite") as store:
        yield Evidence(store, "offline", search=corpus)


@pytest.mark.parametrize(
    ("domain", "text", "expected"),
    [
        pytest.param(domain, text, expected, id=f"{kind}-{i}")
        for i, (kind, domain, text, expected) in enumerate(CASES)
    ],
)
async def test_each_citation_class(
    offline: Evidence, domain: str, text: str, expected: list[tuple[str, str]]
) -> None:
    """Each expected citation (found by a piece of its marker) is grounded ("yes"), or never
    grounded: judged not grounded or shown as unparsed ("not grounded or unparsed"), or shown
    as unparsed and not read ("unparsed")."""
    result = await judge_turn(response=text, domain=domain, evidence=offline, grader=None)
    judged = [(v.claim.marker or "", v.reference_grounding) for v in result.verdicts]
    shown = result.unparsed_citations
    used: set[int] = set()
    for piece, want in expected:
        if want == "unparsed":
            assert any(piece in u for u in shown), (piece, shown)
            assert not any(piece in m for m, _ in judged), (piece, judged)
            continue
        if want == N:
            assert not any(piece in m and r == "yes" for m, r in judged), (piece, judged)
            assert any(piece in m and r == "no" for m, r in judged) or any(
                piece in u for u in shown
            ), (piece, judged, shown)
            continue
        found = [i for i, (m, _) in enumerate(judged) if piece in m and i not in used]
        assert found, (piece, judged, shown)
        used.add(found[0])
        assert judged[found[0]][1] == "yes", (piece, judged, result.verdicts[found[0]].explanation)
