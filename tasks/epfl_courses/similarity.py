"""Nearest questions by a cheap lexical similarity, for one-shot and four-shot demonstrations.

Cosine similarity of word-count vectors (lowercased Unicode words of two or more characters,
accents kept), over the question body and its options, among the questions of one course.
Ties keep file order, so the choice is deterministic. Upstream ranked its demonstrations with
a method it did not release.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from trustbench.tasks.epfl_courses.records import Question

_WORD = re.compile(r"\w{2,}")


def _counts(question: Question) -> Counter[str]:
    return Counter(_WORD.findall(" ".join([question.body, *question.options]).casefold()))


def _similarities(members: Sequence[Question]) -> np.ndarray:
    """Cosine similarity of every pair of questions (one course: a few hundred at most)."""
    counts = [_counts(q) for q in members]
    vocabulary = {w: i for i, w in enumerate(sorted({w for c in counts for w in c}))}
    matrix = np.zeros((len(members), len(vocabulary)), dtype=np.float32)
    for row, words in enumerate(counts):
        for word, count in words.items():
            matrix[row, vocabulary[word]] = count
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit = matrix / np.where(norms == 0, 1, norms)
    similarities = unit @ unit.T
    np.fill_diagonal(similarities, -np.inf)
    return similarities


def nearest_in_course(questions: Sequence[Question], k: int) -> dict[str, list[Question]]:
    """For each question, the k most similar other questions of the same course, best first."""
    by_course: dict[str, list[Question]] = {}
    for q in questions:
        by_course.setdefault(q.course.id, []).append(q)
    nearest: dict[str, list[Question]] = {}
    for members in by_course.values():
        similarities = _similarities(members)
        for row, question in enumerate(members):
            order = np.argsort(-similarities[row], kind="stable")
            nearest[question.id] = [members[i] for i in order if i != row][:k]
    return nearest
