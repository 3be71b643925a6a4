"""Related papers: for each paper, the most similar others across the whole corpus.

Cosine similarity of TF-IDF vectors, computed block by block so memory stays bounded.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize

RELATED_COUNT = 5
MIN_SIMILARITY = 0.05
BLOCK = 2048


def related_indices(matrix: csr_matrix, count: int = RELATED_COUNT) -> list[list[int]]:
    vectors = normalize(matrix)
    result: list[list[int]] = []
    for start in range(0, vectors.shape[0], BLOCK):
        similarities = (vectors[start : start + BLOCK] @ vectors.T).toarray()
        for offset, row in enumerate(similarities):
            row[start + offset] = -1.0  # not related to itself
            best = np.argsort(-row, kind="stable")[:count]
            result.append([int(i) for i in best if row[i] >= MIN_SIMILARITY])
    return result
