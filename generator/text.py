"""Shared text features for the analysis stages: one TF-IDF space over the corpus.

Title words weigh more than abstract words (the title is the author's own summary), and
bigrams are kept ("pipeline parallelism" says more than either word). Measured on the sample
corpus, this beat a small sentence-embedding model, with no heavy dependency.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy.sparse import csr_matrix, vstack
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfTransformer, TfidfVectorizer

from generator import parallel
from generator.models import Paper

TITLE_WEIGHT = 3
# Words every abstract in the field uses: they say nothing about what a paper is about.
FIELD_STOP_WORDS = frozenset(
    [
        "paper",
        "propose",
        "proposed",
        "proposes",
        "approach",
        "method",
        "methods",
        "results",
        "show",
        "shows",
        "novel",
        "new",
        "model",
        "models",
        "work",
        "based",
        "using",
        "use",
        "used",
        "present",
        "presents",
        "introduce",
        "introduces",
        "existing",
        "state",
        "art",
        "performance",
        "significantly",
        "achieve",
        "achieves",
        "achieving",
        "demonstrate",
        "demonstrates",
        "experiments",
        "experimental",
        "extensive",
        "various",
        "different",
        "large",
        "scale",
        "efficient",
        "efficiency",
        "training",
        "train",
        "trained",
        "learning",
        "deep",
        "neural",
        "network",
        "networks",
        "challenge",
        "challenges",
        "problem",
        "address",
        "issue",
        "furthermore",
        "additionally",
        "specifically",
        "however",
        "including",
        "code",
        "available",
        "github",
        "com",
        "https",
        "http",
        "project",
        "page",
        # title verbs that say how, not what
        "towards",
        "toward",
        "unveiling",
        "rethinking",
        "revisiting",
        "understanding",
        "unlocking",
        "boosting",
    ]
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | FIELD_STOP_WORDS)
_STOP = frozenset(STOP_WORDS)
_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b"


_SUFFIXES = (
    "izations",
    "ization",
    "isations",
    "isation",
    "ities",
    "ity",
    "ings",
    "ing",
    "ized",
    "ised",
    "izes",
    "ises",
    "ize",
    "ise",
    "ers",
    "er",
    "ed",
    "es",
    "s",
    "e",  # "architecture" and "architectures" (→ "architectur") are one feature
)
_WORD = re.compile(_TOKEN)


@lru_cache(maxsize=1 << 18)  # a corpus has few distinct words and many repeats
def stem(word: str) -> str:
    """A deliberately light suffix-stripper (no stemming library is in our stack): enough to
    make "quantized", "quantization" and "quantize" one feature."""
    word = word.lower()
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def analyze(text: str) -> list[str]:
    """Stemmed unigrams and bigrams without stop words."""
    words = [feature for feature in map(_feature, _WORD.findall(text)) if feature]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def paper_text(paper: Paper) -> str:
    return " ".join([paper.title] * TITLE_WEIGHT + [paper.abstract])


def make_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyze,
        sublinear_tf=True,
        min_df=1,
        max_df=0.5,
    )


def fit_corpus(texts: list[str], min_df: int = 1, max_features: int | None = None) -> tuple[TfidfVectorizer, csr_matrix]:
    vectorizer = make_vectorizer()
    vectorizer.set_params(min_df=min_df if len(texts) >= 3 * min_df else 1, max_features=max_features)
    # TfidfVectorizer ignores max_df proportions on tiny corpora only when they'd empty the
    # vocabulary; guard so a 1-paper review still works.
    if len(texts) < 3:
        vectorizer.set_params(max_df=1.0)
    matrix = vectorizer.fit_transform(texts)
    return vectorizer, matrix


@dataclass(frozen=True)
class Corpus:
    """Term counts of some texts, counted once and then weighted as often as needed:
    counting (tokenising and stemming every word in Python) is the costly part of TF-IDF,
    and topics, tags and related papers all need it for the same papers."""

    counter: CountVectorizer
    counts: csr_matrix

    @property
    def terms(self) -> np.ndarray:
        return self.counter.get_feature_names_out()

    def weighted(self, rows: slice = slice(None)) -> tuple[TfidfTransformer, csr_matrix]:
        """TF-IDF of the given rows, as `fit_corpus` would give for those texts alone
        (but for the vocabulary, which all rows shaped)."""
        transformer = TfidfTransformer(sublinear_tf=True)
        return transformer, transformer.fit_transform(self.counts[rows])


# From this many texts on, a term found in one text only is dropped: it can relate no two
# papers and tags need two papers, yet such terms are most of a large corpus's vocabulary.
RARE_TERMS_FROM = 1_000


def count_corpus(texts: list[str], papers: int | None = None) -> Corpus:
    """`papers`: how many of `texts` are papers (the rest, topic descriptions, do not count
    towards RARE_TERMS_FROM)."""
    min_df = 2 if (len(texts) if papers is None else papers) >= RARE_TERMS_FROM else 1
    max_df = 0.5 if len(texts) >= 3 else 1.0
    try:
        if len(texts) < parallel.PARALLEL_FROM or parallel.workers() < 2:
            counter = CountVectorizer(analyzer=analyze, min_df=min_df, max_df=max_df)
            corpus = Corpus(counter, counter.fit_transform(texts).tocsr())
        else:
            corpus = _count_shared(texts, min_df, max_df, parallel.workers())
    except ValueError:  # no word to count: every text is stop words ("A", "Deep Learning")
        corpus = _wordless_corpus(len(texts))
    # Terms in column order within each row, however the counting went: sums over a row
    # (TF-IDF's normalisation) then add in one order, to the last bit, on every machine.
    corpus.counts.sort_indices()
    return corpus


def _wordless_corpus(count: int) -> Corpus:
    """Counts for texts without a single word to count: one column that no text has, so
    the stages that use the counts need no special case (every paper scores zero)."""
    counter = CountVectorizer(analyzer=analyze, vocabulary={"": 0})
    return Corpus(counter, csr_matrix((count, 1), dtype=np.int64))


def _count_shared(texts: list[str], min_df: int, max_df: float, shares: int) -> Corpus:
    """`count_corpus` with the texts split into `shares` among the cores: each worker
    counts its share with its own vocabulary, and the counts are then put in one vocabulary
    and pruned as CountVectorizer prunes. Tokenising is the costly part of counting."""
    share = -(-len(texts) // shares)
    pieces = parallel.fork_map(_count_piece, [texts[start : start + share] for start in range(0, len(texts), share)], parallel=True)
    terms = sorted(set().union(*(names for names, _ in pieces)))  # CountVectorizer's order: by term
    column = {term: index for index, term in enumerate(terms)}
    blocks = []
    for names, counts in pieces:
        columns = np.fromiter((column[name] for name in names), dtype=counts.indices.dtype, count=len(names))
        blocks.append(csr_matrix((counts.data, columns[counts.indices], counts.indptr), shape=(counts.shape[0], len(terms))))
    counts = vstack(blocks, format="csr")
    document_frequency = np.bincount(counts.indices, minlength=len(terms))
    kept = np.flatnonzero((document_frequency >= min_df) & (document_frequency <= max_df * len(texts)))
    if not len(kept):
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")  # as CountVectorizer says
    counter = CountVectorizer(analyzer=analyze, vocabulary={terms[index]: number for number, index in enumerate(kept)})
    return Corpus(counter, counts[:, kept])


def _count_piece(texts: list[str]) -> tuple[list[str], csr_matrix]:
    counter = CountVectorizer(analyzer=analyze)
    try:
        counts = counter.fit_transform(texts).tocsr()
    except ValueError:  # "empty vocabulary": no word in this share (others may have some)
        return [], csr_matrix((len(texts), 0), dtype=np.int64)
    return list(counter.get_feature_names_out()), counts


def sentences(text: str) -> list[str]:
    """Abstract sentences; splits on . ! ? followed by a space and a capital or digit."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])", text.strip())
    return [part.strip() for part in parts if part.strip()]


# Between the two words of a phrase as written: a space, a hyphen or "of" ("mixture of
# experts" is the phrase behind the feature "mixture expert").
_PHRASE_GAP = re.compile(r"[\s-]+(?:of[\s-]+)?")


def written_forms(text: str) -> dict[str, dict[str, int]]:
    """For each feature of `analyze`, the ways `text` writes it and how often; `display_form`
    picks the one to show (for the few features wanted, not all of them)."""
    counts: dict[str, dict[str, int]] = {}
    last, last_start, last_end = "", 0, 0  # the previous word's feature and where it is written
    for match in _WORD.finditer(text):
        word = match[0]
        if not (feature := _feature(word)):
            continue
        start, end = match.span()
        _count(counts, feature, word)
        # Most gaps are one space: only the others need the regex.
        if last and (text[last_end:start] == " " or _PHRASE_GAP.fullmatch(text, last_end, start)):
            _count(counts, f"{last} {feature}", text[last_start:end])
        last, last_start, last_end = feature, start, end
    return counts


@lru_cache(maxsize=1 << 18)  # as `stem`: few distinct words, many repeats
def _feature(word: str) -> str:
    """The word's feature for `analyze`; empty for a stop word."""
    return "" if word.lower() in _STOP else stem(word)


def _count(counts: dict[str, dict[str, int]], feature: str, form: str) -> None:
    # Plain dicts: a Counter per feature cost a third of `written_forms`.
    forms = counts.setdefault(feature, {})
    forms[form] = forms.get(form, 0) + 1


class Usage(NamedTuple):
    """How a text uses a term (no part-of-speech tagger is in our stack; the words around
    a term tell a subject from a verb or a modifier): how often it occurs, and how often
    as a verb ("to align", "minimizing the loss"), straight before another content word
    ("memory-efficient training"), before a word that ends a field's phrase ("modern machine
    learning", "transformer language models"), and as the tail of a compound ("4-bit")."""

    uses: int
    as_verb: int
    modifying: int
    before_phrase_end: int
    compound_tail: int


_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "this", "these", "those", "our", "each", "both", "them", "it"})
# Field words that end a phrase well ("federated learning", "diffusion models"), unlike the
# rest of FIELD_STOP_WORDS ("efficient", "proposed"): a term written before them is the
# phrase cut short.
PHRASE_ENDINGS = frozenset({"learning", "training", "network", "networks", "model", "models"})


def usage(term: str, text: str) -> Usage:
    """How `text` uses `term` (a word or phrase, any case, plural or not)."""
    keys = [fold_word(word) for word in term.split()]
    found, folds, starts = word_index(text)
    uses = as_verb = modifying = before_phrase_end = compound_tail = 0
    for start in starts.get(keys[0], ()):
        end = start + len(keys)
        if folds[start:end] != keys or not adjacent(found[start:end], text):
            continue
        uses += 1
        before = found[start - 1][0].lower() if start and adjacent(found[start - 1 : start + 1], text) else ""
        after = found[end][0].lower() if end < len(found) and adjacent(found[end - 1 : end + 1], text) else ""
        as_verb += before == "to" or after in _DETERMINERS
        modifying += bool(after) and after not in ENGLISH_STOP_WORDS
        before_phrase_end += after in PHRASE_ENDINGS
        compound_tail += text[found[start].start() - 1 : found[start].start()] == "-"
    return Usage(uses, as_verb, modifying, before_phrase_end, compound_tail)


# A word as names and phrases are read: hyphenated words are one ("memory-efficient").
NAME_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


class WordIndex(NamedTuple):
    found: list[re.Match[str]]  # the words of a text, in order
    folds: list[str]  # their `fold_word` forms
    starts: dict[str, list[int]]  # where each folded form occurs


@lru_cache(maxsize=2)  # each question about a text (a paper, a topic's papers) asks about the same one
def word_index(text: str) -> WordIndex:
    found = list(NAME_WORD.finditer(text))
    folds = [fold_word(match[0]) for match in found]
    starts: defaultdict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(folds):
        starts[key].append(index)
    return WordIndex(found, folds, dict(starts))


def adjacent(matches: list[re.Match[str]], text: str) -> bool:
    """Whether the words are written one after another, a single space apart."""
    return all(text[before.end() : after.start()] == " " for before, after in itertools.pairwise(matches))


@lru_cache(maxsize=1 << 16)  # most words of a corpus repeat
def fold_word(word: str) -> str:
    """A word without case, hyphens or a plural "s": `GNNs` is `gnn`, `Pre-training` is `pretraining`."""
    key = re.sub(r"[^a-z0-9]", "", word.casefold())
    return key[:-1] if len(key) > 3 and key.endswith("s") else key


# A capitalised word alone inside a sentence: after a space that follows a lowercase
# letter, digit or comma (not a full stop), and not beside another capitalised word
# ("Large Language Models (LLMs)" is a phrase in Title Case, not three names).
_CAPITALISED = re.compile(r"(?<=[a-z0-9,;] )[A-Z][a-z]+\b(?![-\s]*[A-Z]|-)")
_LOWERCASE_WORD = re.compile(r"[a-z][a-z0-9]*[,;]?")


def proper_names(abstract: str) -> frozenset[str]:
    """Words an abstract only ever writes capitalised, alone inside its sentences and after a
    lowercase word, such as "Adam", "Gaussian" or "Bayesian": names, which a title's Title
    Case cannot tell from other words and which a style that lowercases titles must leave
    alone. Function words ("Our") are no names."""
    candidates = set()
    for found in _CAPITALISED.finditer(abstract):
        end = found.start() - 1
        previous = abstract[max(abstract.rfind(" ", 0, end), abstract.rfind("\n", 0, end)) + 1 : end]
        if _LOWERCASE_WORD.fullmatch(previous) and found[0].lower() not in ENGLISH_STOP_WORDS:
            candidates.add(found[0])
    return frozenset(word for word in candidates if word.lower() not in abstract or not re.search(rf"\b{word.lower()}\b", abstract))


def with_proper_names(form: str, names: frozenset[str]) -> str:
    """`form` with the words `names` holds capitalised as they are: "gaussian splatting" →
    "Gaussian splatting", once `display_form` has lowercased a Title Case title's words."""
    if not names:
        return form
    proper = {name.lower(): name for name in names}
    return re.sub(r"[A-Za-z]+", lambda word: proper.get(word[0], word[0]), form)


_INNER_CAPITAL = re.compile(r"[a-z][A-Z]|[A-Z]{2}")  # LoRA, MoE, GNN; not Title-Case


def display_form(forms: Mapping[str, int]) -> str:
    """Of the ways a text writes a feature (`written_forms`), the one it writes most often,
    lowercased unless it is an acronym or a mixed-case name (`LoRA`, `GNN`)."""
    by_lower: Counter[str] = Counter()
    for form, count in forms.items():
        by_lower[form.lower()] += count
    lower = min(by_lower, key=lambda form: (-by_lower[form], form))
    cased = [form for form in forms if form.lower() == lower]
    # Keep the case of acronyms and names written with inner capitals, in most of their uses.
    named = [form for form in cased if _INNER_CAPITAL.search(form) and forms[form] * 2 >= by_lower[lower]]
    # Ties go to the form with fewest capitals: "HuggingFace pipelines" as the abstract writes
    # it, not the title's "HuggingFace Pipelines".
    return min(named, key=lambda form: (-forms[form], sum(char.isupper() for char in form), form)) if named else lower
