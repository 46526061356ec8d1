"""chunk_text: ~3000-character spans, 200 characters of overlap, cut at paragraph or sentence
ends, never inside a word."""

from __future__ import annotations

import random

import pytest

from trustbench.retrieval.passages import chunk_text, sentence_spans

WORDS = "river stone delta harbour census tariff orchard glacier ledger turbine".split()


def prose(paragraphs: int, seed: int = 7) -> str:
    rng = random.Random(seed)

    def sentence() -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        return " ".join(words).capitalize() + rng.choice(".!?")

    return "\n\n".join(
        " ".join(sentence() for _ in range(rng.randint(3, 9))) for _ in range(paragraphs)
    )


def test_sizes_overlap_and_sentence_boundaries():
    text = prose(120)
    spans = chunk_text(text)
    assert len(spans) > 5
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (start, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert 1500 <= end - start <= 3000
        assert text[end - 1] in ".!?"
        assert 0 < end - next_start <= 200
        assert next_start == 0 or text[next_start - 2] in ".!?" or text[next_start - 1] == "\n"


def test_paragraph_end_preferred_over_sentence_end():
    first = "Alpha beta gamma delta. " * 80  # 1920 characters of sentences
    text = first.strip() + "\n\n" + "Epsilon zeta eta theta. " * 80
    (start, end), *_ = chunk_text(text)
    assert text[end:].startswith("\n\nEpsilon")


def test_never_cuts_inside_a_word():
    text = " ".join(WORDS[i % len(WORDS)] for i in range(3000))  # no punctuation at all
    spans = chunk_text(text, size=500, overlap=50)
    for start, end in spans:
        assert start == 0 or text[start - 1] == " "
        assert end == len(text) or text[end] == " "
        assert end - start <= 500


def test_word_longer_than_the_size_is_cut_hard():
    text = "short words first " + "x" * 1200 + " and after"
    spans = chunk_text(text, size=500, overlap=50)
    assert all(end - start <= 500 for start, end in spans)
    covered = "".join(text[s:e] for s, e in spans)
    assert covered.count("x") >= 1200


def test_short_and_empty_texts():
    assert chunk_text("One sentence.") == [(0, 13)]
    assert chunk_text("  \n padded text \n") == [(4, 15)]
    assert chunk_text("") == [] and chunk_text(" \n ") == []


def test_invalid_sizes():
    with pytest.raises(ValueError):
        chunk_text("text", size=100, overlap=60)
    with pytest.raises(ValueError):
        chunk_text("text", size=0, overlap=0)


def test_sentence_spans():
    text = "First one. Second one?\nA line without end\n  Third! "
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "First one.",
        "Second one?",
        "A line without end",
        "Third!",
    ]
