"""The judge audit on the authored set: heuristic mode judges references (>= 0.95 agreement) and
reports content as not assessed; a grader answering from the gold labels is reproduced exactly
(the plumbing); an always-"supported" grader scores the always-yes baseline; no gold citation is
dropped. Then the set's own checks, a user's own set, and the `judge-audit` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai import eval
from inspect_ai.model import get_model

import trustbench._registry  # noqa: F401 - registers scripted/ and the audit graders
from trustbench.cli import main
from trustbench.judges.groundedness.claims import make_claim
from trustbench.tasks.halluhard import halluhard_audit
from trustbench.tasks.halluhard.audit import compare, gold_span
from trustbench.tasks.halluhard.audit_set import (
    GROUNDED_KINDS,
    NOT_GROUNDED_KINDS,
    PACKAGED_SET,
    AuditSetError,
    read_audit_set,
)

ITEMS = read_audit_set()
GOLD = [c for item in ITEMS for c in item.citations]


@pytest.fixture(autouse=True)
def private_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "inspect-cache"))


def audit(grader: str | None, **args):
    roles = {"grader": get_model(f"scripted/{grader}")} if grader else {}
    mode = "llm" if grader else "heuristic"
    [log] = eval(
        halluhard_audit(judge_mode=mode, **args), model="none", model_roles=roles, display="none"
    )
    assert log.status == "success", log.error
    metrics = {k: v.value for k, v in log.results.scores[0].metrics.items()}
    rows = [r for s in log.samples for r in s.scores["audit_judge"].metadata["rows"]]
    return metrics, rows, log


def test_the_authored_set_is_big_enough_and_covers_every_kind():
    assert len(GOLD) >= 120
    pages = (PACKAGED_SET / "corpus" / "corpus.jsonl").read_text().splitlines()
    assert len(pages) >= 30
    kinds = {c.kind for c in GOLD}
    assert kinds == set(GROUNDED_KINDS) | set(NOT_GROUNDED_KINDS)
    assert {item.domain for item in ITEMS} == {"legal", "research", "medical"}
    # every label that rests on a page quotes it (the loader checked each quote is on the page)
    assert all(c.evidence for c in GOLD if c.kind in ("supported", "altered", "negated"))
    assert all(c.source for c in GOLD if c.reference == "grounded")


@pytest.mark.slow
def test_heuristic_mode_agrees_on_references_and_does_not_assess_content():
    metrics, rows, log = audit(None)
    assert metrics["reference_accuracy"] >= 0.95
    assert "content_accuracy" not in metrics and metrics["content_assessed"] == 0.0
    assert {r["content"] for r in rows} == {"not_assessed"}
    assert metrics["missing_claims"] == 0 and metrics["extra_claims"] == 0  # nothing dropped
    assert all(not s.scores["audit_judge"].metadata["unparsed_citations"] for s in log.samples)
    assert metrics["verification_errors"] == 0


@pytest.mark.slow
def test_a_grader_answering_from_the_gold_labels_is_reproduced_exactly():
    metrics, rows, _ = audit("audit-gold")
    assert [(r["reference"], r["content"]) for r in rows] == [
        (r["gold_reference"], r["gold_content"]) for r in rows
    ]
    assert metrics["reference_accuracy"] == metrics["content_accuracy"] == 1.0
    assert metrics["missing_claims"] == metrics["extra_claims"] == 0


@pytest.mark.slow
def test_an_always_supported_grader_scores_the_always_yes_baseline():
    metrics, _, _ = audit("audit-always-supported")
    grounded = sum(c.reference == "grounded" for c in GOLD) / len(GOLD)
    supported = sum(c.content == "supported" for c in GOLD) / len(GOLD)
    assert metrics["reference_accuracy"] == pytest.approx(grounded)
    assert metrics["content_accuracy"] == pytest.approx(supported)
    assert metrics["reference_f1_not_grounded"] == metrics["content_f1_not_supported"] == 0.0


def own_set(tmp_path: Path, item: dict) -> Path:
    """A user's set: one answer, two pages of their own."""
    folder = tmp_path / "my-set"
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / "a.html").write_text(
        "<html><head><title>Lichen Growth on Basalt</title>"
        '<meta name="citation_title" content="Lichen Growth on Basalt">'
        '<meta name="citation_author" content="Ferro, Ada">'
        '<meta name="citation_publication_date" content="2016/01/01"></head>'
        "<body><article><h1>Lichen Growth on Basalt</h1><p>Ada Ferro. Lichen colonies on "
        "basalt grew 2 millimetres a year at the coastal sites and half as fast inland."
        "</p></article></body></html>"
    )
    (folder / "corpus" / "corpus.jsonl").write_text(
        json.dumps({"path": "a.html", "url": "https://lichens.example.org/basalt"}) + "\n"
    )
    (folder / "items.jsonl").write_text(json.dumps(item) + "\n")
    return folder


ITEM = {
    "id": "mine-1",
    "domain": "research",
    "question": "How fast do lichens grow on basalt?",
    "answer": "Coastal lichens on basalt grow 2 millimetres a year (Ferro, 2016). Inland "
    "colonies grow faster (Ferro, 2016). Moss outcompetes them everywhere (Quill, 2012).",
    "citations": [
        {
            "id": "c1",
            "marker": "(Ferro, 2016)",
            "claim": "Coastal lichens on basalt grow 2 millimetres a year (Ferro, 2016).",
            "reference": "grounded",
            "content": "supported",
            "kind": "supported",
            "source": "https://lichens.example.org/basalt",
            "evidence": "Lichen colonies on basalt grew 2 millimetres a year at the coastal sites",
        },
        {
            "id": "c2",
            "marker": "(Ferro, 2016)",
            "claim": "Inland colonies grow faster (Ferro, 2016).",
            "reference": "grounded",
            "content": "not_supported",
            "kind": "negated",
            "source": "https://lichens.example.org/basalt",
            "evidence": "half as fast inland",
        },
        {
            "id": "c3",
            "marker": "(Quill, 2012)",
            "claim": "Moss outcompetes them everywhere (Quill, 2012).",
            "reference": "not_grounded",
            "content": "not_supported",
            "kind": "fabricated",
        },
    ],
}


def test_a_users_own_set_runs_through_the_command(tmp_path):
    folder = own_set(tmp_path, ITEM)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["judge-audit", "--set", str(folder), "--out", str(out), "--bootstrap", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "heuristic mode" in result.output
    report = json.loads((out / "agreement.json").read_text())
    overall = report["groups"][0]
    assert overall["group"] == "all" and overall["citations"] == 3
    assert overall["reference_accuracy"] == 1.0 and overall["content_assessed"] == 0.0
    assert overall["intervals"]["reference_accuracy"] == [1.0, 1.0]
    assert "content_accuracy" not in overall
    assert {g["group"] for g in report["groups"]} == {
        "all", "domain: research", "kind: supported", "kind: negated", "kind: fabricated"
    }  # fmt: skip
    assert "| kind: fabricated |" in (out / "agreement.md").read_text()


def test_gold_citations_without_a_claim_are_counted_and_told_apart(tmp_path):
    """One gold citation in no layout the finder reads (shown among the unparsed citations),
    one that is no citation-like text at all (silently dropped): both are missing claims, the
    audit says which is which, and content stays "not assessed" in heuristic mode."""
    item = json.loads(json.dumps(ITEM))
    item["answer"] += (
        " Crusts thicken near the sea (Ferro's 2016 field notes, basalt series)."
        " Growth doubles after fires, the lichen survey says."
    )
    item["citations"] += [
        {
            "id": "c4",
            "marker": "(Ferro's 2016 field notes, basalt series)",
            "claim": "Crusts thicken near the sea (Ferro's 2016 field notes, basalt series).",
            "reference": "not_grounded",
            "content": "not_supported",
            "kind": "fabricated",
        },
        {
            "id": "c5",
            "marker": "the lichen survey says",
            "claim": "Growth doubles after fires, the lichen survey says.",
            "reference": "not_grounded",
            "content": "not_supported",
            "kind": "fabricated",
        },
    ]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "judge-audit",
            "--set",
            str(own_set(tmp_path, item)),
            "--out",
            str(out),
            "--bootstrap",
            "100",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "agreement.json").read_text())
    overall = report["groups"][0]
    assert (overall["missing_claims"], overall["silently_dropped"]) == (2, 1)
    assert overall["content_assessed"] == 0.0 and "content_accuracy" not in overall
    assert report["missing"] == [
        {"id": "c4", "marker": "(Ferro's 2016 field notes, basalt series)", "unparsed": True},
        {"id": "c5", "marker": "the lichen survey says", "unparsed": False},
    ]
    table = (out / "agreement.md").read_text()
    assert "- c4 `(Ferro's 2016 field notes, basalt series)`: shown among the unparsed" in table
    assert "- c5 `the lichen survey says`: silently dropped" in table


def test_judge_audit_with_llm_mode_needs_a_grader(tmp_path):
    result = CliRunner().invoke(
        main, ["judge-audit", "--judge-mode", "llm", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "needs --grader" in result.output


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda i: i["citations"][0].update(claim="Not in the answer (Ferro, 2016)."),
            "claim is not in the answer",
        ),
        (lambda i: i["citations"][0].update(marker="(Ferro, 2017)"), "marker is not in its claim"),
        (lambda i: i["citations"][2].update(content="supported"), "cannot support content"),
        (
            lambda i: i["citations"][1].update(evidence="a quote the page lacks"),
            "evidence is not on",
        ),
        (
            lambda i: i["citations"][1].update(source="https://elsewhere.example.org/"),
            "not in the corpus",
        ),
        (lambda i: i.update(domain="coding"), "judges each coding response as a whole"),
        (lambda i: i.update(domain="finance"), "'finance' is not one of research, legal"),
    ],
)
def test_a_broken_set_names_the_line_and_the_problem(tmp_path, change, problem):
    item = json.loads(json.dumps(ITEM))
    change(item)
    with pytest.raises(AuditSetError, match=problem):
        read_audit_set(own_set(tmp_path, item))


def test_a_folder_that_is_not_a_set_is_refused(tmp_path):
    with pytest.raises(AuditSetError, match="needs items.jsonl and a corpus/ folder"):
        read_audit_set(tmp_path)
    folder = own_set(tmp_path, ITEM)
    shutil.copy(folder / "corpus" / "a.html", folder / "corpus" / "b.docx")
    with pytest.raises(AuditSetError, match="b.docx: unsupported file type"):
        read_audit_set(folder)


def _judged(text: str, marker: str, grounded: bool) -> dict:
    claim = make_claim(text, None, {"reference": marker}).model_copy(update={"marker": marker})
    return {
        "claim": claim.model_dump(mode="json"),
        "reference_grounding": "yes" if grounded else "no",
        "content_grounding": "not_assessed",
        "mode": "heuristic",
    }


def _gold(cid: str, marker: str, claim: str, reference: str) -> dict:
    return {"id": cid, "marker": marker, "claim": claim, "reference": reference, "kind": "k",
            "content": "supported" if reference == "grounded" else "not_supported"}  # fmt: skip


def test_the_members_of_one_marker_meet_their_own_claims():
    """ "[1, 2]" is two gold citations with one marker and one claim: the judged claims of its
    members ([1], then [2]) are matched to them in that order, never swapped."""
    sentence = "Statins cut relapse by a third [1, 2]."
    metadata = {
        "domain": "medical",
        "answer": sentence,
        "citations": [
            _gold("g1", "[1, 2]", sentence, "grounded"),
            _gold("g2", "[1, 2]", sentence, "not_grounded"),
        ],
    }
    claims = [_judged(sentence, "[1]", True), _judged(sentence, "[2]", False)]
    rows = compare(metadata, claims, [], "heuristic")["rows"]
    assert [(r["id"], r["reference"]) for r in rows] == [
        ("g1", "grounded"),
        ("g2", "not_grounded"),
    ]


def test_shown_as_unparsed_means_an_unparsed_entry_where_the_citation_is():
    """A missing citation counts as shown only when an unparsed entry overlaps it in the
    answer, not when its text happens to occur inside an entry elsewhere."""
    answer = "Moss spread fast (Quill, 2012, field notes). Bark dried in spring (Quill, 2012)."
    metadata = {
        "domain": "research",
        "answer": answer,
        "citations": [
            _gold("g1", "(Quill, 2012)", "Bark dried in spring (Quill, 2012).", "not_grounded")
        ],
    }
    elsewhere = [(answer.index("(Quill, 2012, field"), answer.index(". Bark"))]
    assert compare(metadata, [], elsewhere, "heuristic")["rows"][0]["silently_dropped"]
    here = [(answer.rindex("(Quill"), len(answer) - 1)]
    assert not compare(metadata, [], here, "heuristic")["rows"][0]["silently_dropped"]
    assert gold_span(answer, "Bark dried in spring (Quill, 2012).", "(Quill, 2012)") == here[0]


def test_a_gold_citation_meets_the_claim_with_its_marker_not_one_whose_sentence_holds_it():
    """Two citations in one sentence: the other claim's holding (its sentence) contains the gold
    marker too, but only the claim that cites it is its match."""
    sentence = "Under Article 4 NCMR masters must help: Case C-9/21 Orm v Tuna."
    statute = _judged(sentence, "Article 4 NCMR", False)
    statute["claim"]["fields"]["holding"] = sentence.replace("Article 4 NCMR", "")
    case = _judged(sentence, "Case C-9/21 Orm v Tuna", True)
    metadata = {
        "domain": "legal",
        "answer": sentence,
        "citations": [_gold("g1", "Case C-9/21 Orm v Tuna", sentence, "grounded")],
    }
    result = compare(metadata, [statute, case], [], "heuristic")
    assert result["rows"][0]["reference"] == "grounded"
    assert result["extra_claims"] == [sentence]
