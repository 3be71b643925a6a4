"""Related papers: for each paper, the most similar others across the whole corpus.

Similarity is the cosine of TF-IDF vectors. Small corpora compare every pair, block by
block. Comparing all pairs grows with the square of the corpus (10^10 pairs at 100k
papers), so larger corpora search an inverted-file index instead, the approach of FAISS's
`IndexIVF` built from scikit-learn parts: papers are clustered (k-means on a 64-dimension
SVD of the TF-IDF), and each cluster's papers are compared only with the papers of the
few clusters whose centres are nearest to theirs. Candidates are then ranked by the exact
TF-IDF cosine, so the approximation can only miss a neighbour, never misrank one. Cost
grows linearly with the corpus because clusters have a fixed target size.

The clusters must not move when a paper is added: each moved cluster changes the related
lists, and so the pages, of papers the new one has nothing to do with. So they are fitted
on a sample chosen by a hash of each paper's key, starting from the sample's first papers
in hash order: a new paper changes the fit only when it falls in the sample, and then
only a little. Every paper then goes to its nearest centre.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from generator.parallel import fork_map

RELATED_COUNT = 5
# The best MIN_RELATED papers are related whenever they share a word; the rest only from
# MIN_SIMILARITY. Bigram TF-IDF vectors are long, so even close papers score low: on the
# sample, a paper's third-nearest scores 0.047 at the median.
MIN_RELATED = 3
MIN_SIMILARITY = 0.05
EXACT_LIMIT = 3_000  # up to this many papers, compare all pairs
BLOCK = 1024
CLUSTER_SIZE = 150  # papers per cluster, on average
SAMPLE_PER_CLUSTER = 25  # the clusters are fitted on this many papers per cluster
PROBES = 6  # clusters searched per cluster, its own included
SVD_DIMENSIONS = 64
SVD_TERMS = 20_000
SEED = 0
KMEANS_PASSES = 3


def related_indices(matrix: csr_matrix, count: int = RELATED_COUNT, identities: Sequence[str] | None = None) -> list[list[int]]:
    """For each row, the indices of the `count` most similar other rows (best first).
    `identities`: a stable name per row (the paper's key), which picks the sample the
    clusters of a large corpus are fitted on; by default, the row's number."""
    vectors = normalize(csr_matrix(matrix))
    if vectors.shape[0] <= EXACT_LIMIT:
        return _exact(vectors, count)
    return _clustered(vectors, count, identities or [str(row) for row in range(vectors.shape[0])])


def _exact(vectors: csr_matrix, count: int) -> list[list[int]]:
    everyone = np.arange(vectors.shape[0])
    result: list[list[int]] = []
    for start in range(0, vectors.shape[0], BLOCK):
        queries = everyone[start : start + BLOCK]
        result += _best(vectors, queries, everyone, count)
    return result


def _clustered(vectors: csr_matrix, count: int, identities: Sequence[str]) -> list[list[int]]:
    labels, centres = _clusters(vectors, identities)
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


def _clusters(vectors: csr_matrix, identities: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels per paper and unit-length cluster centres, in the SVD space."""
    cluster_count = max(2, vectors.shape[0] // CLUSTER_SIZE)
    sample = hash_order(identities)[: SAMPLE_PER_CLUSTER * cluster_count]
    projection = _projection(vectors[sample])
    if projection is None:  # the sample shares (almost) no words: one cluster, exact search
        return np.zeros(vectors.shape[0], dtype=np.intp), np.ones((1, 1))
    reduced = normalize(projection.transform(vectors))
    # Started from the sample's first papers, not at random: a paper added to the sample
    # (rarely the first ones) then moves the centres only a little. A few passes place them
    # well enough: clusters only pick candidates.
    kmeans = KMeans(cluster_count, init=reduced[sample[:cluster_count]], n_init=1, max_iter=KMEANS_PASSES, random_state=SEED)
    kmeans.fit(reduced[sample])
    return kmeans.predict(reduced), normalize(kmeans.cluster_centers_)


def hash_order(identities: Sequence[str]) -> np.ndarray:
    """Row numbers in the order of a hash of their identities: a sample taken from the
    front is the same whatever else the corpus holds, and is spread over all of it."""
    digests = [hashlib.blake2b(identity.encode("utf-8"), digest_size=8).digest() for identity in identities]
    return np.array(sorted(range(len(digests)), key=digests.__getitem__), dtype=np.intp)


class _Projection:
    """A truncated SVD of some of the terms: a dense view of the corpus small enough to cluster."""

    def __init__(self, svd: TruncatedSVD, columns: np.ndarray) -> None:
        self.svd, self.columns = svd, columns

    def transform(self, vectors: csr_matrix) -> np.ndarray:
        return self.svd.transform(vectors[:, self.columns])


def _projection(sample: csr_matrix) -> _Projection | None:
    """The SVD of the sample's most widespread terms: rare terms (most of a large
    vocabulary) barely move the clustering but dominate the SVD's cost, and a term of one
    sample paper would let that paper shape the projection alone."""
    document_frequency = np.bincount(sample.indices, minlength=sample.shape[1])
    widespread = np.flatnonzero(document_frequency >= 2)
    columns = np.sort(widespread[np.argsort(-document_frequency[widespread], kind="stable")[:SVD_TERMS]])
    if len(columns) < 3:
        return None
    dimensions = min(SVD_DIMENSIONS, len(columns) - 1)
    svd = TruncatedSVD(dimensions, algorithm="randomized", n_iter=3, random_state=SEED)
    svd.fit(sample[:, columns])
    return _Projection(svd, columns)


def _best(vectors: csr_matrix, queries: np.ndarray, candidates: np.ndarray, count: int) -> list[list[int]]:
    """The `count` candidates most similar to each query, excluding itself, best first (the
    first MIN_RELATED that share a word, the rest from MIN_SIMILARITY), ties by index (among the `count + 1` best; which of several equal scores at that edge make
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
    return [
        [int(candidates[i]) for rank, (i, s) in enumerate(zip(row, sims)) if s > 0 and (rank < MIN_RELATED or s >= MIN_SIMILARITY)]
        for row, sims in zip(best, best_similarities)
    ]
