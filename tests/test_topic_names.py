"""Discovered topics are named by the phrases researchers use, not by their loose words."""

from __future__ import annotations

import numpy as np

from generator.topics import _distinctive_terms


def names(weights: dict[str, float]) -> list[str]:
    terms = np.array(list(weights))
    forms = {term: term for term in weights}
    return _distinctive_terms(np.array(list(weights.values())), terms, forms)


def test_a_strong_phrase_replaces_its_word() -> None:
    assert names({"law": 1.0, "scal law": 0.9, "pretrain": 0.5})[:2] == ["scal law", "pretrain"]


def test_a_weak_phrase_leaves_a_broad_word_alone() -> None:
    assert names({"prun": 1.0, "structur prun": 0.2, "sparsity": 0.5})[:2] == ["prun", "sparsity"]


def test_function_words_name_nothing() -> None:
    assert "does" not in names({"does": 1.0, "reason": 0.8, "chain": 0.5})
