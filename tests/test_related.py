"""Related papers: exact for small corpora, an inverted-file search for large ones."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse import random as sparse_random

from bench.corpus import make_paper
from generator import related
from generator.text import fit_corpus


def synthetic_matrix(count: int) -> csr_matrix:
    rng = random.Random(7)
    papers = [make_paper(rng, n) for n in range(count)]
    return fit_corpus([f"{p['title']} {p['abstract']}" for p in papers])[1]


def test_exact_finds_the_most_similar_other_row_and_never_itself():
    matrix = csr_matrix(np.array([[1.0, 0, 0], [0.9, 0.1, 0], [0, 0, 1.0], [0, 0.2, 0.9]]))
    neighbours = related.related_indices(matrix, count=1)
    assert neighbours == [[1], [0], [3], [2]]


def test_rows_with_nothing_in_common_get_no_related_papers():
    matrix = csr_matrix(np.eye(4))
    assert related.related_indices(matrix) == [[], [], [], []]


def test_inverted_file_search_agrees_with_exact_search(monkeypatch: pytest.MonkeyPatch):
    matrix = synthetic_matrix(1_500)
    exact = related.related_indices(matrix)
    monkeypatch.setattr(related, "EXACT_LIMIT", 100)
    approximate = related.related_indices(matrix)
    found = sum(len(set(a) & set(e)) for a, e in zip(approximate, exact))
    assert found / sum(map(len, exact)) >= 0.9
    assert all(i not in row for i, row in enumerate(approximate))


def test_inverted_file_search_is_deterministic(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(related, "EXACT_LIMIT", 10)
    matrix = sparse_random(400, 300, density=0.05, random_state=3, format="csr")
    assert related.related_indices(matrix) == related.related_indices(matrix.copy())


def test_inverted_file_search_does_not_depend_on_row_order(monkeypatch: pytest.MonkeyPatch):
    """The clusters are fitted on a sample chosen by identity, not by position."""
    monkeypatch.setattr(related, "EXACT_LIMIT", 100)
    matrix = synthetic_matrix(800)
    names = [f"paper-{row}" for row in range(matrix.shape[0])]
    order = np.random.default_rng(1).permutation(matrix.shape[0])
    straight = related.related_indices(matrix, identities=names)
    shuffled = related.related_indices(matrix[order], identities=[names[row] for row in order])
    as_names = {names[row]: {names[j] for j in found} for row, found in enumerate(straight)}
    assert {names[order[row]]: {names[order[j]] for j in found} for row, found in enumerate(shuffled)} == as_names


def test_adding_one_paper_changes_few_related_lists(monkeypatch: pytest.MonkeyPatch):
    """Clusters refitted at random would change the candidates, and so the related
    papers, of papers that have nothing to do with the new one."""
    monkeypatch.setattr(related, "EXACT_LIMIT", 100)
    rng = random.Random(7)
    papers = [make_paper(rng, n) for n in range(1_201)]
    texts = [f"{p['title']} {p['abstract']}" for p in papers]
    names = [f"paper-{row}" for row in range(len(texts))]
    vectorizer, before = fit_corpus(texts[:-1])
    after = vectorizer.transform(texts)  # the same weights, so only the clusters can move
    old = related.related_indices(before, identities=names[:-1])
    new = related.related_indices(after, identities=names)
    changed = sum(old[row] != new[row] for row in range(len(old)))
    assert changed <= 0.02 * len(old)


def test_the_three_nearest_papers_are_related_however_faint_and_further_ones_only_when_close():
    # Row 0 shares a little with rows 1-4 (cosines below 0.01, best first) and much with none.
    faint = np.zeros((6, 8))
    faint[0, :5] = 1.0
    faint[0, 7] = 50.0
    for row, weight in zip(range(1, 5), (4.0, 3.0, 2.0, 1.0)):
        faint[row, row] = weight
        faint[row, 5 + row % 2] = 10.0
    faint[5, 7] = 0.0
    faint[5, 6] = 1.0
    neighbours = related.related_indices(csr_matrix(faint))
    assert neighbours[0] == [1, 2, 3], neighbours[0]
