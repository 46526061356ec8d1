"""The scripted answerers behind `scripted/reference` and `scripted/baseline` answer every
sample question of every domain: the reference quotes and links a bundled corpus page, the
baseline invents a citation."""

import random

import pytest
from inspect_ai.model import ChatMessageUser

from trustbench.tasks.halluhard.reference_models import cited_answerer, inventing_answerer
from trustbench.tasks.halluhard.task import halluhard


@pytest.mark.parametrize("answerer", [cited_answerer, inventing_answerer])
def test_every_sample_question_gets_an_answer(answerer):
    dataset = halluhard(dataset="sample", judge_mode="heuristic", evidence_mode="offline").dataset
    domains = set()
    for sample in dataset:
        question = str(sample.input) if isinstance(sample.input, str) else sample.input[-1].text
        answer = answerer([ChatMessageUser(content=question)], sample.metadata, random.Random(0))
        assert answer.strip(), sample.id
        if answerer is cited_answerer:
            assert "(https://" in answer or "(http://" in answer, (sample.id, answer)
        domains.add(sample.metadata["domain"])
    assert domains == {"legal_cases", "research_questions", "medical_guidelines", "coding"}
