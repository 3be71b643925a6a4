"""Topic assignment, guided by the configured taxonomy or discovered automatically.

Guided: each topic is described by its title, description and keywords. A paper's score for
a topic is its cosine similarity in the corpus TF-IDF space to the topic's own words (plus
a bonus for the title's). The best topic is primary; others close to it are secondary; a
paper whose best score is weak goes to Other instead of a wrong topic. (Pulling profiles
towards their confident papers, self-training, was measured: it lost secondary topics and
gained no primary ones, so it is not done.)

Automatic: with no taxonomy, NMF over the TF-IDF matrix finds topics, named from their most
distinctive terms. Topics found once are meant to be kept (see `pipeline`), so adding papers
later does not reshuffle them. A discovered topic also keeps its NMF term weights: a
paper's primary topic weighs, half and half, how much it shares the topic's named words and
how much of the paper the topic's weighted terms explain (NMF's own measure, refitted for
each paper against the kept weights). Either alone agreed less with the hand labels, on the
sample and on the fresh set alike (`make eval`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import yaml
from scipy.sparse import csr_matrix
from sklearn.decomposition import NMF, non_negative_factorization
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer
from sklearn.preprocessing import normalize

from generator import tags
from generator.config import slugify
from generator.models import Paper, Topic
from generator.tags import is_uninformative, looks_adjectival
from generator.text import (
    FIELD_STOP_WORDS,
    NAME_WORD,
    PHRASE_ENDINGS,
    Corpus,
    adjacent,
    count_corpus,
    display_form,
    fit_corpus,
    fold_word,
    paper_text,
    proper_names,
    usage,
    with_proper_names,
    word_index,
    written_forms,
)

OTHER_SLUG = "other"
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "to", "in", "on", "with"})
KEYWORD_WEIGHT = 2
TITLE_BONUS = 0.3  # weight of the title's own similarity, added to the whole paper's
# A paper whose best score is below this share of the corpus's median best score shares
# almost no words with any topic: it is Other rather than forced into the nearest topic.
# Relative, so it holds for any taxonomy's vocabulary; chosen on the dev split.
OTHER_RELATIVE = 0.27
OTHER_FLOOR = 0.005  # and a paper with (almost) no shared words is Other even on its own
SECONDARY_RATIO = 0.45  # a secondary topic scores at least this share of the primary's
MAX_SECONDARY = 2
# Automatic mode
PAPERS_PER_TOPIC = 8
MAX_TOPICS = 30
DISCOVERY_SAMPLE = 5_000  # NMF is fitted on at most this many papers
DISCOVERY_FEATURES = 10_000  # and on at most this many terms
NMF_ITERATIONS, NMF_TOLERANCE = 1000, 1e-3
SURFACE_PAPERS = 50  # a topic's terms are spelled as its top papers spell them
KEYWORD_COUNT = 12  # the first three name the topic; all of them describe it for assignment
WEIGHTED_TERMS = 100  # a discovered topic keeps its heaviest NMF terms; the rest add little
WEIGHT_DIGITS = 4  # significant digits kept, so a kept topic assigns as it did when found
MODEL_SHARE = 0.5  # of a discovered topic's ranking score; the rest is the word score
PHRASE_SHARE = 0.7  # a phrase replaces its chosen word when it weighs this share of it
# A lone word in a name becomes the phrase the topic's papers write it in at least this
# share of the time, and at least COMPLETION_MIN times: "law" is "scaling laws" there.
COMPLETION_SHARE, COMPLETION_MIN = 0.5, 3
# A lone word used USAGE_MIN times or more is a verb when half its uses read as one ("to
# align", "aggregate the"), and a modifier when nearly all come straight before a word.
USAGE_MIN, VERB_SHARE, MODIFIER_SHARE = 2, 0.5, 0.9
TITLE_USES = 1  # a term in this many of a topic's titles names it before one in fewer
THIRD_TERM_FROM = 6  # a name's third term is one of its first six terms, or there is none
# Words frequent enough to shape a topic yet saying nothing about it ("What does … do?").
_NAME_STOP_WORDS = frozenset({"doe", "does", "did", "make", "mak", "way", "ways", "lot", "thing", "real", "need", "needs"})


@dataclass(frozen=True)
class Assignment:
    primary: str
    secondary: tuple[str, ...]
    score: float


def topic_text(topic: Topic) -> str:
    keywords = " ".join(topic.keywords)
    return " ".join([topic.title, topic.title, topic.description] + [keywords] * KEYWORD_WEIGHT)


def guided_corpus(papers: list[Paper], topics: list[Topic]) -> Corpus:
    """The papers' texts, then the topics': the rows `topic_scores` expects."""
    return count_corpus([paper_text(p) for p in papers] + [topic_text(t) for t in topics], papers=len(papers))


def topic_scores(papers: list[Paper], topics: list[Topic], corpus: Corpus | None = None, title_counts: csr_matrix | None = None) -> np.ndarray:
    """papers × topics: cosine similarity of each paper to each topic's own words, plus a
    bonus for its title's (the author's one-line summary). Sparse products: O(n·k).
    `corpus` is `guided_corpus(papers, topics)` and `title_counts` the titles counted by its
    counter, when the caller has counted them already."""
    corpus = corpus or guided_corpus(papers, topics)
    return _scores(corpus, _vectors(corpus), papers, len(topics), title_counts)


class _Vectors(NamedTuple):
    transformer: TfidfTransformer  # the corpus's TF-IDF weighting
    rows: csr_matrix  # its texts (papers, then topics) as unit vectors


def _vectors(corpus: Corpus) -> _Vectors:
    transformer, matrix = corpus.weighted()
    return _Vectors(transformer, normalize(matrix))


def _scores(corpus: Corpus, vectors: _Vectors, papers: list[Paper], n_topics: int, title_counts: csr_matrix | None) -> np.ndarray:
    paper_vectors, topic_vectors = vectors.rows[: len(papers)], vectors.rows[len(papers) : len(papers) + n_topics]
    title_counts = title_counts if title_counts is not None else corpus.counter.transform([p.title for p in papers])
    title_vectors = normalize(vectors.transformer.transform(title_counts))
    return (paper_vectors @ topic_vectors.T).toarray() + TITLE_BONUS * (title_vectors @ topic_vectors.T).toarray()


def model_weights(paper_vectors: csr_matrix, terms: np.ndarray, topics: list[Topic]) -> np.ndarray:
    """papers × topics: how much of each paper (a unit TF-IDF vector) the topics' weighted
    terms explain, by non-negative least squares as NMF itself fits a paper. Only the
    columns of the topics' terms matter to that fit, so only they are taken: O(n·k)."""
    column_of = {str(term): index for index, term in enumerate(terms)}
    columns = sorted({column_of[term] for topic in topics for term, _ in topic.term_weights if term in column_of})
    if not columns:
        return np.zeros((paper_vectors.shape[0], len(topics)))
    position = {column: index for index, column in enumerate(columns)}
    components = np.zeros((len(topics), len(columns)))
    for row, topic in enumerate(topics):
        for term, weight in topic.term_weights:
            if term in column_of:
                components[row, position[column_of[term]]] = weight
    weights, _, _ = non_negative_factorization(
        paper_vectors[:, columns], H=components, n_components=len(topics), init="custom", update_H=False, max_iter=NMF_ITERATIONS, tol=NMF_TOLERANCE
    )
    return weights


def other_threshold(best: np.ndarray) -> float:
    return max(OTHER_FLOOR, OTHER_RELATIVE * float(np.median(best))) if len(best) else OTHER_FLOOR


def assign_guided(papers: list[Paper], topics: list[Topic], corpus: Corpus | None = None, title_counts: csr_matrix | None = None) -> list[Assignment]:
    """Each paper's primary and secondary topics, or Other when its best word score is weak.
    Topics are ranked by their word scores; discovered topics (all with term weights) by
    those blended with `model_weights`, each part scaled to the paper's best."""
    if not papers or not topics:
        return [Assignment(OTHER_SLUG, (), 0.0) for _ in papers]
    corpus = corpus or guided_corpus(papers, topics)
    vectors = _vectors(corpus)
    scores = _scores(corpus, vectors, papers, len(topics), title_counts)
    threshold = other_threshold(scores.max(axis=1))
    ranking = scores
    if all(topic.term_weights for topic in topics):
        model = model_weights(vectors.rows[: len(papers)], corpus.terms, topics)
        ranking = (1 - MODEL_SHARE) * _scaled_to_best(scores) + MODEL_SHARE * _scaled_to_best(model)
    return [_assignment(rank_row, score_row, topics, threshold) for rank_row, score_row in zip(ranking, scores)]


def _scaled_to_best(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(rows.max(axis=1, keepdims=True), 1e-12)


def _assignment(ranking: np.ndarray, scores: np.ndarray, topics: list[Topic], threshold: float) -> Assignment:
    """`scores`: the word scores, which decide Other; `ranking` orders the topics."""
    best = float(scores.max())
    if best < threshold:
        return Assignment(OTHER_SLUG, (), best)
    order = np.argsort(-ranking, kind="stable")
    top = ranking[order[0]]
    secondary = tuple(topics[i].slug for i in order[1 : 1 + MAX_SECONDARY] if ranking[i] >= SECONDARY_RATIO * top and scores[i] >= threshold)
    return Assignment(topics[order[0]].slug, secondary, best)


def topic_count(n_papers: int) -> int:
    """About one topic per eight papers, between 2 and 30: each topic page stays readable,
    and a large corpus gets broad topics rather than hundreds of thin ones."""
    return max(2, min(MAX_TOPICS, round(n_papers / PAPERS_PER_TOPIC)))


def discovery_sample(papers: list[Paper], limit: int | None = None) -> list[Paper]:
    """At most `limit` papers, evenly spaced in title order: the same corpus always gives
    the same sample, whatever order the inputs were read in."""
    limit = limit or DISCOVERY_SAMPLE
    ordered = sorted(papers, key=lambda p: (p.identity, p.title))
    if len(ordered) <= limit:
        return ordered
    step = len(ordered) / limit
    return [ordered[int(i * step)] for i in range(limit)]


def discover_topics(papers: list[Paper]) -> list[Topic]:
    """Topics found by NMF over TF-IDF, each named after its most distinctive terms.

    NMF is fitted on a bounded sample (cost O(sample·k), not O(n²)); papers are then
    assigned to the topics' words like any taxonomy, so a kept taxonomy assigns new papers
    the same way."""
    if len(papers) < 4:
        return []
    sample = discovery_sample(papers)
    texts = [paper_text(p) for p in sample]
    # Words of a single paper cannot define a topic; dropping them makes NMF ~10x faster.
    try:
        vectorizer, matrix = fit_corpus(texts, min_df=_min_papers(len(sample)), max_features=DISCOVERY_FEATURES)
    except ValueError:  # no word is shared by enough papers (a few titles, no abstracts): no topic to find
        return []
    k = min(topic_count(len(papers)), matrix.shape[1])
    model = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=NMF_ITERATIONS, tol=NMF_TOLERANCE)
    weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    topics: list[Topic] = []
    used = {OTHER_SLUG, "index"}  # topics/index.md lists the topics
    for index, component in enumerate(_distinctiveness(model.components_)):
        members = np.argsort(-weights[:, index], kind="stable")[:SURFACE_PAPERS]
        members_text = " ".join(f"{sample[i].title}. {sample[i].abstract}" for i in members)
        top_terms = _distinctive_terms(component, terms, written_forms(members_text))
        if not top_terms:
            continue
        names = proper_names(" ".join(sample[i].abstract for i in members))
        naming = [with_proper_names(term, names) for term in name_terms(top_terms, members_text, [sample[i].title for i in members])]
        title = _topic_title(naming)
        slug = _unique_slug(slugify(" ".join(naming[:2])), used)
        weighted = _term_weights(model.components_[index], terms)
        topics.append(Topic(slug, title, f"Papers about {_join(top_terms[:6])}.", tuple(top_terms), weighted))
    return topics


def _term_weights(component: np.ndarray, terms: np.ndarray) -> tuple[tuple[str, float], ...]:
    """The component's heaviest terms, with weights rounded as they will be kept."""
    heaviest = np.argsort(-component, kind="stable")[:WEIGHTED_TERMS]
    return tuple((str(terms[i]), float(f"{component[i]:.{WEIGHT_DIGITS}g}")) for i in heaviest if component[i] > 0)


def _min_papers(n_papers: int) -> int:
    """A name's words are shared by several papers: a word from one title names nothing."""
    return max(2, min(20, n_papers // 50))


def _distinctiveness(components: np.ndarray) -> np.ndarray:
    """Component weights times each term's share of its total weight: a term frequent in
    every topic ("LLM") names none of them."""
    share = components / np.maximum(components.sum(axis=0, keepdims=True), 1e-12)
    return components * share


def _distinctive_terms(component: np.ndarray, terms: np.ndarray, written: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Top terms as the papers write them (`written`, by `written_forms`), skipping one that
    repeats a chosen one (a word inside a chosen phrase, a phrase around a chosen word, an
    acronym of either). Only these few terms' forms are picked, not all the papers' terms."""
    chosen: list[str] = []
    keys: list[set[str]] = []
    weights: list[float] = []
    for index in np.argsort(-component, kind="stable")[:60]:
        if component[index] <= 0 or len(chosen) == KEYWORD_COUNT:
            break
        term = str(terms[index])
        words = {fold_word(word) for word in term.split()}
        if term not in written or fold_word(term) in _NAME_STOP_WORDS:
            continue
        form = display_form(written[term])
        inside = [i for i, key in enumerate(keys) if key < words]
        if len(inside) == 1 and len(keys[inside[0]]) == 1 and component[index] >= PHRASE_SHARE * weights[inside[0]]:
            # "laws" chosen, then "scaling laws": the phrase names the topic better than its word
            if not any(words <= key for key in keys) and not _abbreviates(form, chosen):
                chosen[inside[0]], keys[inside[0]] = form, words
            continue
        if any(words <= key or key <= words for key in keys) or _abbreviates(form, chosen):
            continue
        chosen.append(form)
        keys.append(words)
        weights.append(float(component[index]))
    return chosen


def name_terms(top_terms: list[str], text: str, titles: list[str] | None = None) -> list[str]:
    """The three terms that name a topic: the first of its top terms that say something
    ("size", "cost" and "metrics" do not) and that are not one thing twice ("Sequence
    length" and "long sequence"). An acronym and a word that `text`, the topic's papers,
    spells it out with ("FL", "federated") become that phrase: "federated learning", as
    does an acronym the papers define ("continual learning (CL)"). All of `top_terms`
    still describe the topic for assignment.

    Terms that `titles`, the topic's papers' titles, use more than once come first: titles
    name subjects, so "epoch" or "error" names a topic only when nothing else is left."""
    chosen: list[str] = []
    ordered = sorted(top_terms, key=lambda term: " " not in term and _title_uses(term, titles or []) < TITLE_USES) if titles else top_terms
    rank_of = {term: rank for rank, term in enumerate(top_terms)}  # by weight, before titles reorder them
    for original in ordered:
        defined = _defined_as(original, text) or _completed(original, text)  # "CL" is "continual learning" where the papers say so
        term = defined or original
        words = _words(term)
        if is_uninformative(term) or _lone_modifier(term) or _not_a_subject(term, text):
            continue
        if len(chosen) == 2 and (_lone_word(term) or not tags.is_topical_phrase(term) or rank_of[original] >= THIRD_TERM_FROM):
            continue  # a third term must say more than a word: "…, data heterogeneity and pool" reads as noise
        overlapping = [index for index, other in enumerate(chosen) if words & _words(other)]
        if overlapping:
            if defined and len(overlapping) == 1 and _words(chosen[overlapping[0]]) < words:
                chosen[overlapping[0]] = defined  # "graph", then "GNN": "graph neural networks"
            continue
        for index, other in enumerate(chosen):
            if spelled := _spelled_out(term, other, text) or _spelled_out(other, term, text):
                chosen[index] = spelled
                break
        else:
            chosen.append(term)
        if len(chosen) == 3:
            break
    return chosen or top_terms[:3]


def _lone_word(term: str) -> bool:
    """One lowercase word: not a phrase ("token routing"), a name or an acronym ("GShard")."""
    return " " not in term and term.islower()


def _title_uses(term: str, titles: list[str]) -> int:
    """How many of `titles` write `term` or a form of it ("align" in "Aligning")."""
    pattern = re.compile(r"\b" + r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", term)), re.I)
    return sum(1 for title in titles if pattern.search(title))


def _lone_modifier(term: str) -> bool:
    """A lone adjective or participle ("inductive", "distributed") says what kind, but not
    of what: a name wants the phrase, and takes the word only when no phrase dominates."""
    return term.islower() and " " not in term and (looks_adjectival(term.lower()) or (term.endswith("ed") and not term.endswith("eed")))


def _not_a_subject(term: str, text: str) -> bool:
    """Whether `text`, the topic's papers, use a lone lowercase word as something other than
    a subject: a verb ("to align"), a word that only ever modifies the next one
    ("memory-efficient training") or the tail of a compound ("4-bit"). How the papers use
    a word is what decides whether it names their topic."""
    if " " in term or not term.islower():
        return False
    used = usage(term, text)
    if used.uses < USAGE_MIN:
        return False
    return max(used.as_verb, used.compound_tail) >= VERB_SHARE * used.uses or used.modifying >= MODIFIER_SHARE * used.uses


def _words(term: str) -> set[str]:
    """A term's words by stem: "parallel" and "parallelism" are one word said twice."""
    return {tags.fold(word) for word in re.split(r"[\s-]+", term)}


def _completed(term: str, text: str) -> str:
    """The phrase `text` mostly writes a lowercase `term` in: "law" → "scaling laws",
    "catastrophic" → "catastrophic forgetting", and a phrase the features cut before a field
    word, "small language" → "small language models"; empty when no phrase dominates.
    Names and acronyms stand as they are."""
    words = term.split()
    if not term.islower() or not all(NAME_WORD.fullmatch(word) for word in words):
        return ""
    keys = [fold_word(word) for word in words]
    found, folds, starts = word_index(text)
    occurrences = 0
    phrases: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for start in starts.get(keys[0], ()):
        span = found[start : start + len(keys)]
        if folds[start : start + len(keys)] != keys or not adjacent(span, text):
            continue
        occurrences += 1
        # A lone word takes any word beside it; a phrase only a field word after it.
        sides = [(start - 1, start + len(keys)), (start, start + len(keys) + 1)] if len(keys) == 1 else [(start, start + len(keys) + 1)]
        for first, last in sides:
            extended = found[max(first, 0) : last]
            if first < 0 or last > len(found) or not adjacent(extended, text):
                continue
            other = extended[0][0] if first < start else extended[-1][0]
            if _ends_no_phrase(other) or (len(keys) > 1 and other.lower() not in PHRASE_ENDINGS):
                continue
            phrases[tuple(folds[max(first, 0) : last])][text[extended[0].start() : extended[-1].end()]] += 1
    if not phrases:
        return ""
    best = max(phrases.values(), key=lambda forms: (sum(forms.values()), sorted(forms)))
    if sum(best.values()) < max(COMPLETION_MIN, COMPLETION_SHARE * occurrences):
        return ""
    phrase = display_form(best)
    return "" if is_uninformative(phrase) else phrase


def _ends_no_phrase(word: str) -> bool:
    """Words a name's phrase does not take: function words, field words that praise or
    report ("efficient", "proposed"), numbers."""
    lower = word.lower()
    return lower in ENGLISH_STOP_WORDS or (lower in FIELD_STOP_WORDS and lower not in PHRASE_ENDINGS) or fold_word(lower) in _NAME_STOP_WORDS


def _defined_as(acronym: str, text: str) -> str:
    """The phrase `text` defines `acronym` as, "continual learning" for "CL" from
    "… continual learning (CL) …"; empty when it does not."""
    if not (acronym.isupper() and acronym.isalpha() and 2 <= len(acronym) <= 5):
        return ""
    words = r"[\s-]+".join(rf"{letter}\w*" for letter in acronym.lower())
    found = re.search(rf"\b({words})\s*\(\s*{acronym}s?\s*\)", text, re.I)
    return found[1].lower() if found else ""


def _spelled_out(acronym: str, word: str, text: str) -> str:
    """How `text` writes `acronym` out as a phrase starting with `word` ("FL": "federated
    learning", "GNN": "graph neural networks"); empty if it does not."""
    letters = acronym.lower()
    if not (acronym.isupper() and acronym.isalpha() and 2 <= len(acronym) <= 5) or " " in word or letters[0] != word[:1].lower():
        return ""
    rest = "".join(rf"[\s-]+{letter}\w*" for letter in letters[1:])
    found = re.search(rf"\b{re.escape(word)}{rest}\b", text, re.I)
    return found[0].lower() if found else ""


def _abbreviates(form: str, chosen: list[str]) -> bool:
    """`MoE` and `mixture-of-experts`, `GNNs` and `GNN`: the same thing said twice."""
    return any(fold_word(form) == fold_word(other) or fold_word(form) in _initials(other) or fold_word(other) in _initials(form) for other in chosen)


def _initials(phrase: str) -> set[str]:
    """`mixture-of-experts` → {"me", "moe"}; nothing for a single word."""
    words = re.findall(r"[a-z0-9]+", phrase.lower())
    if len(words) < 2:
        return set()
    return {"".join(w[0] for w in words if w not in _SMALL_WORDS), "".join(w[0] for w in words)}


def _unique_slug(slug: str, used: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in used:
        candidate, number = f"{slug}-{number}", number + 1
    used.add(candidate)
    return candidate


def _join(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def _topic_title(terms: list[str]) -> str:
    title = _join(terms[:3])
    return title[:1].upper() + title[1:]


def dump_topics(topics: list[Topic]) -> str:
    """The discovered taxonomy in `review.yml`'s `topics:` format: copy it there to curate."""
    header = (
        "# Topics discovered automatically and kept so they stay stable as papers are added.\n"
        "# Copy them under `topics:` in review.yml to rename or curate them. `term_weights` (the\n"
        "# topic's terms as the analysis counts them) place papers as when the topic was found:\n"
        "# keep them to keep that, or leave them out to place papers by the topic's words alone.\n"
    )
    items = [topic_data(topic) for topic in topics]
    return header + yaml.safe_dump({"topics": items}, allow_unicode=True, sort_keys=False, width=100)


def topic_data(topic: Topic) -> dict[str, object]:
    data: dict[str, object] = {"title": topic.title, "slug": topic.slug, "description": topic.description, "keywords": list(topic.keywords)}
    if topic.term_weights:
        data["term_weights"] = dict(topic.term_weights)
    return data


def topic_from_data(data: dict) -> Topic:
    """The inverse of `topic_data` (and of `asdict`, which gives pairs for `term_weights`)."""
    weights = data.get("term_weights") or {}
    pairs = weights.items() if isinstance(weights, dict) else weights
    return Topic(
        str(data["slug"]),
        str(data["title"]),
        str(data.get("description") or ""),
        tuple(map(str, data.get("keywords") or [])),
        tuple((str(term), float(weight)) for term, weight in pairs),
    )


def load_topics(path: Path) -> list[Topic]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [topic_from_data(item) for item in data.get("topics", [])]
