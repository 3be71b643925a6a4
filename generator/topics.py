"""Topic assignment, guided by the configured taxonomy or discovered automatically.

Guided: each topic is described by its title, description and keywords. A paper's score for
a topic is its cosine similarity in the corpus TF-IDF space to the topic's profile, which
starts as the topic's own words and is then pulled towards the papers that clearly belong
to it (a few rounds of self-training). The best topic is primary; others close to it are
secondary; a paper whose best score is weak goes to Other instead of a wrong topic.

Automatic: with no taxonomy, NMF over the TF-IDF matrix finds topics, named from their most
distinctive terms. Topics found once are meant to be kept (see `pipeline`), so adding papers
later does not reshuffle them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix, vstack
from sklearn.decomposition import NMF
from sklearn.preprocessing import normalize

from generator.config import slugify
from generator.models import Paper, Topic
from generator.text import fit_corpus, paper_text

OTHER_SLUG = "other"
KEYWORD_WEIGHT = 2
SELF_TRAINING_ROUNDS = 1
PROFILE_WEIGHT = 0.3  # share of the topic's own words in its profile after self-training
MIN_SCORE = 0.04  # below this best score a paper is Other
# A paper sharing almost no words with any topic's own description is Other, whatever the
# self-trained profiles say (they can drag an unrelated paper towards the nearest cluster).
OTHER_THRESHOLD = 0.017
SECONDARY_RATIO = 0.7  # a secondary topic scores at least this share of the primary's


@dataclass(frozen=True)
class Assignment:
    primary: str
    secondary: tuple[str, ...]
    score: float


def topic_text(topic: Topic) -> str:
    keywords = " ".join(topic.keywords)
    return " ".join([topic.title, topic.title, topic.description] + [keywords] * KEYWORD_WEIGHT)


def assign_guided(papers: list[Paper], topics: list[Topic]) -> list[Assignment]:
    if not papers or not topics:
        return [Assignment(OTHER_SLUG, (), 0.0) for _ in papers]
    _, matrix = fit_corpus([paper_text(p) for p in papers] + [topic_text(t) for t in topics])
    paper_vectors = normalize(matrix[: len(papers)])
    own_words = normalize(matrix[len(papers) :])
    profiles = own_words
    initial = (paper_vectors @ own_words.T).toarray()
    scores = initial
    for _ in range(SELF_TRAINING_ROUNDS):
        profiles = _refit_profiles(paper_vectors, own_words, scores)
        scores = (paper_vectors @ profiles.T).toarray()
    return [
        _assignment(row, topics) if first.max() >= OTHER_THRESHOLD else Assignment(OTHER_SLUG, (), float(first.max()))
        for row, first in zip(scores, initial)
    ]


def _refit_profiles(paper_vectors: csr_matrix, own_words: csr_matrix, scores: np.ndarray) -> csr_matrix:
    best = scores.argmax(axis=1)
    confident = scores.max(axis=1) >= MIN_SCORE
    rows = []
    for index in range(own_words.shape[0]):
        members = np.flatnonzero((best == index) & confident)
        if len(members) == 0:
            rows.append(own_words[index])
            continue
        centroid = normalize(csr_matrix(paper_vectors[members].mean(axis=0)))
        rows.append(PROFILE_WEIGHT * own_words[index] + (1 - PROFILE_WEIGHT) * centroid)
    return normalize(vstack(rows).tocsr())


def _assignment(row: np.ndarray, topics: list[Topic]) -> Assignment:
    order = np.argsort(-row, kind="stable")
    best = float(row[order[0]])
    if best < MIN_SCORE:
        return Assignment(OTHER_SLUG, (), best)
    secondary = tuple(topics[i].slug for i in order[1:3] if row[i] >= SECONDARY_RATIO * best and row[i] >= MIN_SCORE)
    return Assignment(topics[order[0]].slug, secondary, best)


def topic_count(n_papers: int) -> int:
    """Roughly one topic per 12 papers, between 2 and 30: pages stay readable."""
    return max(2, min(30, round(n_papers / 12)))


def discover_topics(papers: list[Paper]) -> list[Topic]:
    """Topics found by NMF, each named after its most distinctive terms."""
    if len(papers) < 4:
        return []
    vectorizer, matrix = fit_corpus([paper_text(p) for p in papers])
    k = topic_count(len(papers))
    model = NMF(n_components=k, init="nndsvd", random_state=0, max_iter=400)
    model.fit(matrix)
    terms = vectorizer.get_feature_names_out()
    topics: list[Topic] = []
    used: set[str] = set()
    for component in model.components_:
        top_terms = _distinctive_terms(component, terms)
        title = _topic_title(top_terms)
        slug = slugify(title)
        while slug in used or slug == OTHER_SLUG:
            slug += "-2"
        used.add(slug)
        topics.append(Topic(slug, title, f"Papers about {', '.join(top_terms[:5])}.", tuple(top_terms[:8])))
    return topics


def _distinctive_terms(component: np.ndarray, terms: np.ndarray) -> list[str]:
    """Top terms, preferring bigrams and dropping a word already inside a chosen bigram."""
    chosen: list[str] = []
    for index in np.argsort(-component, kind="stable")[:40]:
        term = str(terms[index])
        if any(term in other.split() or other in term.split() for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == 8:
            break
    return chosen


def _display_term(term: str) -> str:
    return " ".join(word.upper() if len(word) <= 4 and re.search(r"\d", word) else word for word in term.split())


def _topic_title(terms: list[str]) -> str:
    words = [_display_term(term) for term in terms[:3]]
    title = ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else words[0]
    return title[:1].upper() + title[1:]


def dump_topics(topics: list[Topic]) -> str:
    """The discovered taxonomy in `review.yml`'s `topics:` format: copy it there to curate."""
    header = "# Topics discovered automatically and kept so they stay stable as papers are added.\n# Copy them under `topics:` in review.yml to rename or curate them.\n"
    items = [{"title": t.title, "slug": t.slug, "description": t.description, "keywords": list(t.keywords)} for t in topics]
    return header + yaml.safe_dump({"topics": items}, allow_unicode=True, sort_keys=False, width=100)


def load_topics(path: Path) -> list[Topic]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Topic(str(t["slug"]), str(t["title"]), str(t.get("description", "")), tuple(map(str, t.get("keywords", []))))
        for t in data.get("topics", [])
    ]
