"""The task as a user builds it: heuristic judging offline on the bundled corpus, what the log
records, and bad settings refused before anything runs."""

import shutil
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai._util.registry import registry_info
from inspect_ai.model import ChatMessageUser, get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.providers.scripted import register_oracle
from trustbench.retrieval.types import MissingAPIKey
from trustbench.tasks.halluhard import halluhard, halluhard_judge
from trustbench.tasks.halluhard.errors import ChecksumError, HalluHardDataError
from trustbench.tasks.halluhard.upstream import CODING

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "halluhard"

ANSWERS = {
    "legal_cases": (
        "Police must warn a suspect of the right to remain silent before custodial "
        "interrogation, Miranda v. Arizona, 384 U.S. 436 (1966). The warnings were first "
        "required in Smith v. Jones, 999 U.S. 123 (1999)."
    ),
    "research_questions": (
        "The Transformer relies entirely on attention mechanisms and dispenses with recurrence "
        "and convolutions (https://arxiv.org/abs/1706.03762). Attention was later shown to "
        "replace backpropagation entirely (arXiv:2301.99999)."
    ),
    "medical_guidelines": "Blood pressure matters a great deal, and it should be checked often.",
}


def offline_answer(messages, metadata, rng) -> str:
    if "=== Begin ===" in [m for m in messages if isinstance(m, ChatMessageUser)][-1].text:
        return "Could you say more?"
    return ANSWERS[metadata["domain"]]


register_oracle("halluhard-offline-answers", offline_answer)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_EVIDENCE", str(tmp_path / "evidence.sqlite"))
    monkeypatch.delenv("SERPER_API_KEY", raising=False)


def offline(**args):
    settings = {
        "source": "sample",
        "domains": ["legal_cases", "research_questions", "medical_guidelines"],
        "n_per_domain": 1,
        "turns": 1,
        "judge_mode": "heuristic",
        "evidence_mode": "offline",
    }
    return halluhard(**(settings | args))


def test_heuristic_judging_offline_on_the_bundled_corpus():
    [log] = eval(
        offline(),
        model="scripted/halluhard-offline-answers",
        model_roles={"grader": get_model("scripted/refuse")},  # ignored: heuristic was asked for
        display="none",
    )
    assert log.status == "success", log.error
    scores = {s.metadata["domain"]: s.scores["halluhard_judge"] for s in log.samples}
    for result in scores.values():
        assert result.metadata["judge_mode"] == "heuristic" and result.metadata["grader"] is None
        assert result.metadata["evidence_mode"] == "offline"
    labels = {
        c["claim"]["text"][:20]: (c["reference_grounding"], c["hallucinated"])
        for domain in ("legal_cases", "research_questions")
        for c in scores[domain].metadata["claims"]
    }
    assert labels == {
        "Police must warn a s": ("yes", False),
        "The warnings were fi": ("no", True),
        "The Transformer reli": ("yes", False),
        "Attention was later ": ("no", True),
    }
    miranda = scores["legal_cases"].metadata["claims"][0]
    assert miranda["evidence_urls"][0] == "https://supreme.justia.com/cases/federal/us/384/436/"
    medical = scores["medical_guidelines"]
    assert medical.metadata["claims"] == []  # no citation: no claim, and no error either
    assert medical.metadata["turns"] == [
        {
            "turn": 1,
            "mode": "heuristic",
            "claims_found": 0,
            "claims_judged": 0,
            "grader_calls": 0,
            "fetches": 0,
            "verification_error": None,
        }
    ]
    metrics = {name: m.value for name, m in log.results.scores[0].metrics.items()}
    assert metrics["hallucination_rate"] == 0.5
    assert metrics["medical_guidelines/claims_per_turn"] == 0.0
    assert "medical_guidelines" not in metrics
    meta = log.eval.metadata
    assert (meta["judge_mode"], meta["evidence_mode"], meta["corpus_dir"]) == (
        "heuristic",
        "offline",
        "packaged",
    )
    assert meta["headline"] == "hallucination_rate" and meta["breakdowns"] == ["domain", "language"]
    assert set(meta["dataset_version"]) == {
        "legal_cases",
        "research_questions",
        "medical_guidelines",
    }


def test_llm_mode_without_a_grader_fails_before_generating():
    [log] = eval(
        offline(judge_mode="llm"), model="scripted/halluhard-offline-answers", display="none"
    )
    assert log.status == "error"
    assert "--model-role grader" in log.error.message
    assert not any(e.event == "model" for s in log.samples or [] for e in s.events)


def test_bad_settings_are_refused_when_the_task_is_built(tmp_path):
    with pytest.raises(MissingAPIKey, match="SERPER_API_KEY"):
        halluhard(source="sample")
    with pytest.raises(ValueError, match="API key in search_options"):
        offline(evidence_mode="live", search_options={"api_key": "secret"})
    with pytest.raises(ValueError, match="evidence_mode must be one of"):
        offline(evidence_mode="online")
    with pytest.raises(HalluHardDataError, match="domains must be among"):
        offline(domains="legal")
    with pytest.raises(HalluHardDataError, match="turns must be at least 1"):
        offline(turns=0)
    mirror = tmp_path / CODING.mirror_path
    mirror.parent.mkdir(parents=True)
    shutil.copy(SHARED / CODING.mirror_path, mirror)
    with mirror.open("a") as f:
        f.write('{"language": "Python"}\n')
    with pytest.raises(ChecksumError, match="coding_questions.jsonl"):
        halluhard(domains="coding", data_dir=str(tmp_path), evidence_mode="offline")


def test_the_upstream_data_builds_the_paper_protocol():
    task = halluhard(data_dir=str(SHARED), evidence_mode="replay")
    assert len(task.dataset) == 500
    assert task.metadata["dataset_counts"]["coding"]["selected"] == 200
    assert task.metadata["dataset_version"]["legal_cases"] == "v1@95601e1"


def test_the_scorer_is_registered_for_inspect_score():
    assert registry_info(halluhard_judge).name == "trustbench/halluhard_judge"
    assert registry_info(halluhard).name == "trustbench/halluhard"
