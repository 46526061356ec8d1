"""The task as a user builds it: heuristic judging offline on the bundled corpus, what the log
records (the judge mode that ran, which prompts ran, the graders per stage), bad settings refused
before anything runs, and, with TRUSTBENCH_DATA, the paper's protocol with its own prompts."""

import pytest
from inspect_ai import eval
from inspect_ai._util.registry import registry_info
from inspect_ai.model import ChatMessageUser, get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.providers.scripted import register_reference_model
from trustbench.report_spec import ReportSpec
from trustbench.retrieval.types import MissingAPIKey
from trustbench.tasks.halluhard import halluhard, halluhard_judge
from trustbench.tasks.halluhard.errors import HalluHardDataError

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


register_reference_model("halluhard-offline-answers", offline_answer)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTBENCH_EVIDENCE", str(tmp_path / "evidence.sqlite"))
    monkeypatch.delenv("SERPER_API_KEY", raising=False)


def offline(**args):
    settings = {
        "dataset": "sample",
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
        assert result.metadata["judge_mode"] == "heuristic" and result.metadata["graders"] is None
        assert result.metadata["evidence_mode"] == "offline"
    labels = {
        c["claim"]["text"][:20]: (
            c["reference_grounding"],
            c["content_grounding"],
            c["hallucinated"],
        )
        for domain in ("legal_cases", "research_questions")
        for c in scores[domain].metadata["claims"]
    }
    assert labels == {  # content is not assessed without a grader
        "Police must warn a s": ("yes", "not_assessed", None),
        "The warnings were fi": ("no", "not_assessed", True),
        "The Transformer reli": ("yes", "not_assessed", None),
        "Attention was later ": ("no", "not_assessed", True),
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
            "unparsed_citations": [],
            "fallbacks": [],
            "grader_calls": 0,
            "fetches": 0,
        }
    ]
    metrics = {name: m.value for name, m in log.results.scores[0].metrics.items()}
    # no hallucination rate from heuristic verdicts: the lower bound is the run's first metric
    assert "hallucination_rate" not in metrics
    assert next(iter(metrics)) == "hallucination_rate_lower_bound"
    assert metrics["hallucination_rate_lower_bound"] == 0.5
    assert metrics["medical_guidelines/claims_per_turn"] == 0.0
    assert metrics["judge_mode/heuristic"] == 3.0
    assert "medical_guidelines" not in metrics
    meta = log.eval.metadata
    assert (meta["judge_mode_requested"], meta["evidence_mode"], meta["corpus_dir"]) == (
        "heuristic",
        "offline",
        "packaged",
    )
    spec = ReportSpec.read(meta)
    assert spec.headline == "hallucination_rate" and spec.lower_is_better
    assert spec.breakdowns == ("domain", "language")
    assert meta["report"]["aggregation"] == {
        "kind": "ratio",
        "numerator": "hallucinated",
        "denominator": "judged",
        "strata": "domain",
        "bounds": [0.0, 1.0],
    }
    assert meta["prompts"]["set"] == "trustbench"  # the default with the sample data
    assert [t["origin"] for t in meta["prompts"]["texts"]] == ["trustbench", "trustbench"]
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
        halluhard(dataset="sample")
    with pytest.raises(HalluHardDataError, match="grader_config has no stage draft"):
        offline(grader_config={"draft": {"temperature": 1}})
    with pytest.raises(HalluHardDataError, match="prompts must be one of upstream, trustbench"):
        offline(prompts="paper")
    with pytest.raises(ValueError, match="API key in search_options"):
        offline(evidence_mode="live", search_options={"api_key": "secret"})
    with pytest.raises(ValueError, match="evidence_mode must be one of"):
        offline(evidence_mode="online")
    with pytest.raises(HalluHardDataError, match="domains must be among"):
        offline(domains="legal")
    with pytest.raises(HalluHardDataError, match="turns must be at least 1"):
        offline(turns=0)


def test_each_judge_stage_gets_its_own_grader_and_settings():
    from trustbench.tasks.halluhard.graders import stage_graders

    roles = {
        "grader": get_model("scripted/refuse"),
        "grader_verdict": get_model("scripted/comply"),
    }
    [log] = eval(
        offline(
            domains="legal_cases",
            judge_mode="auto",
            grader_config={"verdict": {"temperature": 0.5, "max_tokens": 99}},
        ),
        model="scripted/halluhard-offline-answers",
        model_roles=roles,
        display="none",
    )
    graders = log.samples[0].scores["halluhard_judge"].metadata
    assert graders["judge_mode"] == "llm"  # auto with a bound grader
    stages = graders["graders"]
    assert stages["extraction"]["model"] == stages["planning"]["model"] == "scripted/refuse"
    assert stages["verdict"]["model"] == "scripted/comply"
    assert stages["verdict"]["config"] == {"temperature": 0.5, "max_tokens": 99}
    assert stages["extraction"]["config"] == {"temperature": 0.0}
    assert log.eval.metadata["grader_config"]["verdict"] == {"temperature": 0.5, "max_tokens": 99}
    assert stage_graders("heuristic", None) is None


def test_the_upstream_data_builds_the_paper_protocol_with_its_prompts(upstream_mirror):
    task = halluhard(data_dir=str(upstream_mirror), evidence_mode="replay")
    assert len(task.dataset) == 500
    assert task.metadata["dataset_counts"]["coding"]["selected"] == 200
    assert task.metadata["dataset_version"]["legal_cases"] == "v1@95601e1"
    prompts = task.metadata["prompts"]
    assert prompts["set"] == "upstream"  # the default with upstream data
    assert prompts["mixed"] and prompts["ours"] == ["coding judge"]
    names = [t["name"] for t in prompts["texts"]]
    assert len(names) == len(set(names)) == 12 + 21
    assert all(t["origin"].startswith("mirror:") for t in prompts["texts"])
    legal = next(s for s in task.dataset if s.metadata["domain"] == "legal_cases")
    system, user = legal.input
    assert system.text == "You are a helpful assistant."
    assert user.text.endswith("Every item in References must be cited inline at least once.")


def test_every_upstream_prompt_pin_matches_the_mirror(upstream_mirror):
    from trustbench.tasks.halluhard.upstream_prompts import PINS, load

    for name, pin in PINS.items():
        loaded = load(name, str(upstream_mirror))
        assert loaded.sha256 == pin.sha256 and loaded.text


def test_a_conversation_and_its_judging_under_the_upstream_prompts(upstream_mirror):
    [log] = eval(
        offline(prompts="upstream", data_dir=str(upstream_mirror), domains="legal_cases", turns=2),
        model="scripted/halluhard-offline-answers",
        display="none",
    )
    assert log.status == "success", log.error
    [sample] = log.samples
    follow_up = [m for m in sample.messages if m.role == "user"][1]
    assert follow_up.text.endswith("must be cited inline at least once.")
    assert log.eval.metadata["prompts"]["set"] == "upstream"
    assert not log.eval.metadata["prompts"]["mixed"]


def test_the_scorer_is_registered_for_inspect_score():
    assert registry_info(halluhard_judge).name == "trustbench/halluhard_judge"
    assert registry_info(halluhard).name == "trustbench/halluhard"
