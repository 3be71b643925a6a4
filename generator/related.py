"""Related papers: for each paper, the most similar others across the whole corpus.

Similarity is the cosine of TF-IDF vectors. Small corpora compare every pair, block by
block. Comparing all pairs grows with the square of the corpus (10^10 pairs at 100k
papers), so larger corpora search an inverted-file index instead, the approach of FAISS's
`IndexIVF` built from scikit-learn parts: papers are clustered (k-means on a 64-dimension
SVD of the TF-IDF), and each cluster's papers are compared only with the papers of the
few clusters whose centres are nearest to theirs. Candidates are then ranked by the exact
TF-IDF cosine, so the approximation can only miss a neighbour, never misrank one. Cost
grows linearly with the corpus because clusters have a fixed target size.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from generator.parallel import fork_map

RELATED_COUNT = 5
MIN_SIMILARITY = 0.05
EXACT_LIMIT = 3_000  # up to this many papers, compare all pairs
BLOCK = 1024
CLUSTER_SIZE = 150  # papers per cluster, on average
PROBES = 6  # clusters searched per cluster, its own included
SVD_DIMENSIONS = 64
SVD_TERMS = 20_000
SEED = 0
KMEANS_PASSES = 3


def related_indices(matrix: csr_matrix, count: int = RELATED_COUNT) -> list[list[int]]:
    """For each row, the indices of the `count` most similar other rows (best first)."""
    vectors = normalize(csr_matrix(matrix))
    if vectors.shape[0] <= EXACT_LIMIT:
        return _exact(vectors, count)
    return _clustered(vectors, count)


def _exact(vectors: csr_matrix, count: int) -> list[list[int]]:
    everyone = np.arange(vectors.shape[0])
    result: list[list[int]] = []
    for start in range(0, vectors.shape[0], BLOCK):
        queries = everyone[start : start + BLOCK]
        result += _best(vectors, queries, everyone, count)
    return result


def _clustered(vectors: csr_matrix, count: int) -> list[list[int]]:
    labels, centres = _clusters(vectors)
    members = [np.flatnonzero(labels == cluster) for cluster in range(len(centres))]
    nearest_clusters = np.argsort(-(centres @ centres.T), axis=1, kind="stable")[:, :PROBES]

    def search(cluster: int) -> list[list[int]]:
        """The best candidates for each paper of `cluster`, from the nearest clusters' papers."""
        if not len(members[cluster]):
            return []
        candidates = np.sort(np.concatenate([members[c] for c in nearest_clusters[cluster]]))
        queries = members[cluster]
        # In blocks: k-means can make a few big clusters, and each block is a dense matrix.
        return [best for start in range(0, len(queries), BLOCK) for best in _best(vectors, queries[start : start + BLOCK], candidates, count)]

    result: list[list[int]] = [[] for _ in range(vectors.shape[0])]
    for queries, found in zip(members, fork_map(search, range(len(members)), parallel=True)):
        for query, best in zip(queries, found):
            result[query] = best
    return result


def _clusters(vectors: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels per paper and unit-length cluster centres, in the SVD space."""
    reduced = normalize(_reduce(vectors))
    cluster_count = max(2, vectors.shape[0] // CLUSTER_SIZE)
    # A few passes over the data place centres well enough: clusters only pick candidates.
    kmeans = MiniBatchKMeans(cluster_count, batch_size=4096, n_init=1, max_iter=KMEANS_PASSES, max_no_improvement=3, random_state=SEED)
    labels = kmeans.fit_predict(reduced)
    return labels, normalize(kmeans.cluster_centers_)


def _reduce(vectors: csr_matrix) -> np.ndarray:
    """A dense SVD projection of the most widespread terms only: rare terms (most of a large
    vocabulary) barely move the clustering but dominate the SVD's cost."""
    document_frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    columns = np.sort(np.argsort(-document_frequency, kind="stable")[:SVD_TERMS])
    kept = vectors[:, columns]
    dimensions = min(SVD_DIMENSIONS, kept.shape[1] - 1)
    return TruncatedSVD(dimensions, algorithm="randomized", n_iter=3, random_state=SEED).fit_transform(kept)


def _best(vectors: csr_matrix, queries: np.ndarray, candidates: np.ndarray, count: int) -> list[list[int]]:
    """The `count` candidates most similar to each query, excluding itself, best first, ties
    by index (among the `count + 1` best; which of several equal scores at that edge make
    it is up to numpy, the same on every run). Vectorised over the whole block."""
    similarities = (vectors[queries] @ vectors[candidates].T).toarray()
    similarities[queries[:, None] == candidates[None, :]] = -1.0  # not related to itself
    keep = min(count + 1, similarities.shape[1])  # one spare, so ties at the edge sort by index
    if keep < similarities.shape[1]:
        top = np.argpartition(-similarities, keep - 1, axis=1)[:, :keep]
    else:
        top = np.broadcast_to(np.arange(similarities.shape[1]), similarities.shape)
    top_similarities = np.take_along_axis(similarities, top, axis=1)
    order = np.lexsort((candidates[top], -top_similarities), axis=1)[:, :count]
    best = np.take_along_axis(top, order, axis=1)
    best_similarities = np.take_along_axis(top_similarities, order, axis=1)
    return [[int(candidates[i]) for i, s in zip(row, sims) if s >= MIN_SIMILARITY] for row, sims in zip(best, best_similarities)]
