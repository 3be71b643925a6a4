"""Tags: 2–6 per paper, each in one canonical spelling.

Sources, in order: curated tags from YAML, the configured vocabulary, a built-in lexicon of
method families (LoRA, MoE, FP8, KV cache …), then the paper's most distinctive key phrases
shared with other papers (a tag on one paper only indexes nothing) that name a subject,
those some title uses first. Near-duplicates collapse onto one canonical form by a folding
key (case, hyphens, British spelling, and the Porter2 stem of each word).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain, islice
from typing import NamedTuple

import numpy as np
import snowballstemmer
from scipy.sparse import csr_matrix

from generator.models import Paper
from generator.parallel import fork_map
from generator.text import PHRASE_ENDINGS, display_form, proper_names, usage, with_proper_names, written_forms

MIN_TAGS, MAX_TAGS = 2, 6
KEY_PHRASE_CHOICES = 3  # key phrases weighed per paper that lacks tags; the shared ones win
# canonical form → pattern (matched case-insensitively unless the pattern says otherwise)
METHOD_FAMILIES: dict[str, str] = {
    "LoRA": r"\blo-?ra\b|low-rank adaptation",
    "PEFT": r"\bpeft\b|parameter-efficient fine-tuning",
    "MoE": r"\bmoe\b|mixture[- ]of[- ]experts?",
    "FP8": r"\bfp8\b",
    "INT8": r"\bint8\b",
    "quantization": r"\bquantiz",
    "mixed precision": r"mixed[- ]precision",
    "KV cache": r"\bkv[- ]cache",
    "attention": r"\battention\b",
    "FlashAttention": r"flash-?attention",
    "pipeline parallelism": r"pipeline[- ]parallel",
    "tensor parallelism": r"tensor[- ]parallel",
    "data parallelism": r"data[- ]parallel",
    "sequence parallelism": r"sequence[- ]parallel",
    "ZeRO": r"(?-i:\bZeRO\b)",
    "offloading": r"offload",
    "checkpointing": r"checkpoint",
    "gradient compression": r"gradient compression|compress(ed|ing)? gradients?",
    "pruning": r"\bprun(e|ed|ing)\b",
    "knowledge distillation": r"knowledge distillation|\bteacher\b.*\bstudent\b|\bstudent\b.*\bteacher\b",
    "dataset distillation": r"dataset distillation|data distillation",
    "sparsity": r"\bsparse\b|\bsparsity\b",
    "LLM": r"\bllms?\b|large language models?",
    "transformer": r"\btransformers?\b",
    "diffusion models": r"\bdiffusion\b",
    "GAN": r"\bgans?\b|generative adversarial",
    "NeRF": r"\bnerf\b|radiance field",
    "Gaussian splatting": r"gaussian splatting|\b3dgs\b",
    "GNN": r"\bgnns?\b|graph neural|graph convolutional",
    "RLHF": r"\brlhf\b|human feedback",
    "reinforcement learning": r"reinforcement learning",
    "federated learning": r"federated",
    "continual learning": r"continual|class-incremental|catastrophic forgetting",
    "few-shot learning": r"few-shot",
    "in-context learning": r"in-context learning",
    "scaling laws": r"scaling laws?",
    "large-batch training": r"large[- ]batch",
    "learning rate": r"learning[- ]rates?\b",
    "optimizer": r"\boptimi[sz]ers?\b",
    "second-order optimization": r"second-order",
    "inference serving": r"\bserving\b",
    "on-device": r"on-device|edge devices?|mobile devices?",
    "long context": r"long[- ]context|long sequences?",
    "speech": r"\bspeech\b|text to speech|\btts\b",
    "vision transformer": r"vision transformers?|\bvit\b",
    "benchmark": r"\bbenchmark(s|ing)?\b",
    "pre-training": r"pre-?train(ing)?\b",
    "fine-tuning": r"fine-?tun(e|ing)",
    "communication": r"communication",
    "memory efficiency": r"memory[- ](efficient|saving|footprint|consumption)",
}
_COMPILED = {tag: re.compile(pattern, re.I) for tag, pattern in METHOD_FAMILIES.items()}


def anchors(pattern: str) -> tuple[str, ...]:
    """Lowercase literal text that every match of `pattern` contains, one per alternative
    (`mixture` for `mixture[- ]of[- ]experts?`); empty when some alternative has none. A
    substring test is ~100x cheaper than a regex search, so most tags are ruled out first."""
    found = []
    for alternative in _alternatives(pattern.replace("(?-i:", "(")):
        literal = re.match(r"(?:\\b)?([a-z0-9 -]*)(.?)", alternative.lower())
        text, after = literal[1], literal[2]
        if after in {"?", "*"}:
            text = text[:-1]  # the last character is optional
        if len(text.strip(" -")) < 2:
            return ()
        found.append(text)
    return tuple(found)


def _alternatives(pattern: str) -> list[str]:
    """The top-level `|` alternatives of a regex (not those inside parentheses)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(pattern):
        if char == "(" and pattern[index - 1 : index] != "\\":
            depth += 1
        elif char == ")" and pattern[index - 1 : index] != "\\":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    if len(parts) == 1 and pattern.startswith("(") and pattern.endswith(")"):
        return _alternatives(pattern[1:-1].removeprefix("?:"))
    return parts


_ANCHORS = {tag: anchors(pattern) for tag, pattern in METHOD_FAMILIES.items()}


@lru_cache(maxsize=1 << 16)  # a corpus has few distinct tags, each folded many times
def fold(tag: str) -> str:
    """Two tags are the same when this key is: `LoRA`, `lora`, `Lo-RA`, `LoRAs`; in British
    or American spelling (`optimisation`, `modelling`); with or without accents (`naïve`);
    and in the word forms of one stem (`computational resources`, `computing resources`;
    `data stored`, `data storing`). Letters of any script count: `分布式训练` is a tag too.
    An acronym's doubled letters are its own: `LLM` is not `LM`, nor `SSL` `SL`."""
    words = _BRITISH.sub("iz", _without_accents(tag).casefold().replace("+", "plus").replace("#", "sharp")).replace("-", " ").split()
    # A word without a vowel is an acronym ("llm", "gnn"): written in capitals here, so that
    # the collapse of doubled letters below, for spellings (`modelling`), passes over it.
    stems = [stem if _VOWEL.search(stem) or not stem.isascii() else stem.upper() for stem in (_stem_word(_NOT_WORD.sub("", word)) for word in words)]
    key = "".join(stems)
    key = key[:-1] if len(key) > 3 and key[-1] in "sS" else key  # the stemmer keeps "llms"
    # "fine-tune" stems word by word to "finetune", "finetuning" whole to "finetun".
    key = key[:-1] if len(key) > 3 and key.endswith("e") else key
    return _DOUBLED.sub(r"\1", key).lower()


def _without_accents(text: str) -> str:
    """Latin letters without their accents ("naïve" → "naive"); other scripts' marks stay
    (Cyrillic "й" is not "и")."""
    kept, latin = [], False
    for char in unicodedata.normalize("NFKD", text):
        if not unicodedata.combining(char):
            kept.append(char)
            latin = char.isascii()
        elif not latin:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


_STEMMER = snowballstemmer.stemmer("english")  # Porter2, the standard English stemmer


@lru_cache(maxsize=1 << 16)
def _stem_word(word: str) -> str:
    return _STEMMER.stemWord(word) if word.isalpha() else word


def spelling_key(word: str) -> str:
    """Case, hyphens and a plural aside, the same word: `pretraining` is `pre-training`."""
    key = re.sub(r"[^a-z0-9]", "", word.casefold())
    return key[:-1] if len(key) > 3 and key.endswith("s") else key


_BRITISH = re.compile(r"is(?=ation|e|ed|es|ing|er)")
_DOUBLED = re.compile(r"([a-z])\1")
_VOWEL = re.compile(r"[aeiouy]")
_NOT_WORD = re.compile(r"[\W_]")  # of any script


def vocabulary_patterns(vocabulary: tuple[str, ...]) -> dict[str, re.Pattern[str]]:
    return {tag: re.compile(r"\b" + re.escape(tag).replace(r"\-", r"[- ]?").replace(r"\ ", r"[- ]") + r"s?\b", re.I) for tag in vocabulary}


def _occurs_twice(pattern: re.Pattern[str], text: str) -> bool:
    first = pattern.search(text)
    return first is not None and pattern.search(text, max(first.end(), first.start() + 1)) is not None


def vocabulary_anchors(vocabulary: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {tag: (re.split(r"[- ]", tag.lower())[0],) for tag in vocabulary}


def matched_tags(paper: Paper, patterns: dict[str, re.Pattern[str]], required: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Tags whose pattern occurs in the title, or at least twice in the abstract. `required`
    gives, per tag, literal text one of which must occur for the pattern to match."""
    required = required or {}
    text = f"{paper.title}\n{paper.abstract}".lower()
    found = []
    for tag, pattern in patterns.items():
        needles = required.get(tag)
        if needles and not any(needle in text for needle in needles):
            continue
        if pattern.search(paper.title) or _occurs_twice(pattern, paper.abstract):
            found.append(tag)
    return found


# Words that say how good, how much or what the authors did, not what a paper is about:
# "significant improvements", "key factor", "outperforms baselines" index nothing. (There is
# no part-of-speech tagger in our stack; the reporting verbs of abstracts are a short list.)
_EVALUATIVE_WORDS = frozenset(  # a word list reads better as text
    """
    accessible actionable additional ambitious better best comparable comparably common
    comprehensive considerable crucial current different diverse effective empirical enormous
    existing extensive final future given good great growing hard high higher impressive important
    improved increasing key large larger limited longer lower main major massive new notable novel
    overall potential powerful practical previous prior promising recent related remarkable
    significant similar simple small smaller state strong substantial superior systematic various
    whole wide ability applications approach aspect challenge challenges demand factor factors field
    goal insights issue issues manner number paper paradigm practice progress range research set
    size study subset success task value way work order orders magnitude thousands millions billions trillions
    findings solution solutions scalable unlike short close robust methods opportunities directions lessons
    challenging
    """.split()  # noqa: SIM905
)
_REPORTING_VERBS = frozenset(  # a word list reads better as text
    """
    achieve achieves achieved achieving allow allows allowed allowing compare compared comparing
    demonstrate demonstrated demonstrates enable enables enabled enabling exhibit exhibits find
    finding generalize generalizes generate generates improve improves improving lead leading leads
    offer offers outperform outperforms outperformed perform performs predict predicting produce
    produces propose proposed provide provides reduce reduces reducing remove removes removing
    require required requires requiring sacrifice sacrificing show shows shown yield yields
    explore explores exploring fall falls get gets getting offering reveal reveals revealing
    address addresses addressing tackle tackles tackling
    """.split()  # noqa: SIM905
)
_LINKING_WORDS = frozenset({"of", "for", "in", "on", "the", "and", "to", "with", "by", "from", "at", "a", "an"})
_NOT_ADVERBS = frozenset({"early", "family", "assembly", "anomaly", "supply", "poly", "fly", "reply", "italy"})
# Heads of phrases that measure something rather than name it: "computational cost", "GPU
# hours", "accuracy drop", "memory requirements" say how much, not what a paper is about.
_MEASURE_HEADS = frozenset(  # a word list reads better as text
    """
    accuracy amount bound bounds budget budgets capability capabilities capacity choice choices
    consumption cost costs demand demands degree drop drops effort efforts efficiency extent framework frameworks
    day days gain gains hour hours improvement improvements landscape landscapes level levels metric
    metrics module modules overhead overheads parameter parameters performance power process
    processes quality reduction reductions relationship relationships requirement requirements resource resources
    result results sample samples score scores shape speed speeds speedup speedups stage stages time times
    usage variant variants volume volumes
    """.split()  # noqa: SIM905
)
# Words that say how fast, how many or which one: "faster inference", "constant GPU",
# "second stage".
_QUANTITY_WORDS = frozenset(  # a word list reads better as text
    """
    average cheaper constant faster fewer first fixed less many maximum minimum more multiple
    second several single slower third total
    """.split()  # noqa: SIM905
)
# A key phrase must end in a noun; these endings mark adjectives ("agnostic", "historical",
# "generative adversarial" cut short), but for the nouns that share them.
_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "able", "ible", "ful")
_NOUNS_LIKE_ADJECTIVES = frozenset(  # a word list reads better as text
    """
    alternative approval archive arithmetic critic derivative graphic heuristic incentive
    initiative interval logic manual material mechanic objective perspective potential primitive
    proposal removal representative retrieval signal survival table terminal topic traffic
    tutorial variable
    """.split()  # noqa: SIM905
)


def is_uninformative(term: str) -> bool:
    """Whether a term says how good, how much or what was done rather than what: "size",
    "cost", "derive", "computational cost". Looser than `is_topical_phrase`: in a phrase
    only measures, reports and quantities count ("batch size" names a thing)."""
    words = term.lower().split()
    if len(words) == 1:
        word = words[0]
        return word in _EVALUATIVE_WORDS or word in _REPORTING_VERBS or word in _QUANTITY_WORDS or word.replace("-", "") in _MEASURE_HEADS
    return not words or words[-1].replace("-", "") in _MEASURE_HEADS or any(word in _REPORTING_VERBS or word in _QUANTITY_WORDS for word in words)


def looks_adjectival(word: str) -> bool:
    """Whether a word has an adjective's ending ("agnostic", "continual"), and is not one
    of the nouns that share it ("signal", "objective")."""
    return word.endswith(_ADJECTIVE_ENDINGS) and word not in _NOUNS_LIKE_ADJECTIVES


def is_topical_phrase(phrase: str) -> bool:
    """Whether a key phrase names a subject ("activation memory", "graph sampling") rather
    than praising, reporting or measuring ("offers significant", "highly effective",
    "computational cost")."""
    words = phrase.lower().replace("-", " ").split()
    head = phrase.lower().split()[-1].replace("-", "") if words else ""
    if not words or head in _MEASURE_HEADS:
        return False
    if looks_adjectival(head):
        return False
    if len(phrase.split()) > 1 and head.endswith("ed"):
        return False  # "data stored": a clause cut short, not a name
    return not any(
        word in _LINKING_WORDS  # "order of magnitude", "quality of machine": cut or vague
        or word in _EVALUATIVE_WORDS
        or word in _REPORTING_VERBS
        or word in _QUANTITY_WORDS
        or (word.endswith("ly") and word not in _NOT_ADVERBS)
        for word in words
    )


def key_phrases(
    paper: Paper,
    row: csr_matrix | _Row,
    terms: np.ndarray,
    frequency: TermFrequency,
    limit: int,
    taken: tuple[str, ...] = (),
    spellings: dict[str, str] | None = None,
) -> list[str]:
    """The paper's highest-weighted terms that at least one other paper shares and that
    name a subject, as the paper writes them: phrases first ("activation memory" says more
    than "activation"), then single words when there are too few phrases.

    Terms some paper has in its title come first: titles name subjects, so a phrase no
    title uses ("falls short", "widespread adoption") is taken only when nothing else is
    left. None shares a word with a tag in `taken` or with another key phrase: "click-through
    rate" and "rate prediction" are pieces of one phrase. A word with a canonical spelling
    in `spellings` (by `spelling_key`) is written that way: "pretraining data" → "pre-training
    data"."""
    order = np.argsort(-row.data, kind="stable")
    shared = [int(index) for index in row.indices[order] if frequency.papers[index] >= 2]
    text = f"{paper.title}. {paper.abstract}"
    written = written_forms(text)
    used_words = {fold(word) for tag in taken for word in tag.split()}
    spellings = spellings or {}

    names = proper_names(paper.abstract)

    def taken_as_subject(term: str) -> str:
        """The term as the paper writes it (canonical spellings, names capitalised: "Bayesian
        inference"), if it names a subject and shares no word with a tag taken; it is then taken."""
        form = with_proper_names(" ".join(spellings.get(spelling_key(word), word) for word in display_form(written[term]).split()), names)
        folded = {fold(word) for word in form.split()}
        if not is_topical_phrase(form) or (" " not in form and len(form) <= 3) or folded & used_words or not _used_as_subject(form, text):
            return ""
        used_words.update(folded)
        return form

    def subjects(words: int, titled: bool) -> Iterator[str]:
        """Terms of `words` words that name a subject; single words of more than three letters."""
        for index in shared:
            term = str(terms[index])
            if term.count(" ") + 1 == words and term in written and not (titled and not frequency.titles[index]) and (form := taken_as_subject(term)):
                yield form

    def own_title_phrases() -> Iterator[str]:
        """Phrases of the paper's own title its abstract repeats: its subject, shared or not."""
        title_terms = written_forms(paper.title)
        for index in row.indices[order]:
            term = str(terms[index])
            if " " in term and term in title_terms and sum(written.get(term, {}).values()) >= 2 and (form := taken_as_subject(term)):
                yield form

    tiers = (own_title_phrases(), subjects(2, True), subjects(2, False), subjects(1, True), subjects(1, False))
    return list(islice(chain.from_iterable(tiers), limit))


def _used_as_subject(form: str, text: str) -> bool:
    """Whether the paper's `text` writes a key phrase as a subject: not a participle
    ("shared", "unified"), a verb ("shrinking the model"), a word only ever written before
    another ("open source"), or a phrase cut before the word that ends it ("modern machine"
    of "modern machine learning")."""
    single = " " not in form
    if single and form.endswith("ed") and not form.endswith("eed"):
        return False
    used = usage(form, text)
    if not used.uses:
        return True
    if single and (used.as_verb * 2 >= used.uses or (used.uses >= 2 and used.modifying == used.uses)):
        return False
    return used.before_phrase_end < used.uses or form.split()[-1].lower() in PHRASE_ENDINGS


class TermFrequency(NamedTuple):
    """Per term of the corpus: how many papers use it, and how many titles."""

    papers: np.ndarray
    titles: np.ndarray


def document_frequency(counts: csr_matrix) -> np.ndarray:
    """Per column, the number of rows where it occurs."""
    return np.asarray((counts > 0).sum(axis=0)).ravel()


def choose_tags(candidates: list[str], canonical: dict[str, str], curated: int = 0) -> tuple[str, ...]:
    """The first MAX_TAGS distinct tags of `candidates`, of which the first `curated` are
    the curator's: those are all kept, however many."""
    chosen: dict[str, str] = {}
    for index, tag in enumerate(candidates):
        if len(chosen) >= MAX_TAGS and index >= curated:
            break
        key = fold(tag)
        if key and key not in chosen:
            chosen[key] = canonical.get(key, tag)
    return tuple(chosen.values())


def tag_papers(
    papers: list[Paper],
    vocabulary: tuple[str, ...],
    matrix: csr_matrix | None,
    terms: np.ndarray | None,
    title_frequency: np.ndarray | None = None,
) -> list[tuple[str, ...]]:
    """Tags for each paper, in the order of `papers`. `matrix` holds the papers' term
    weights; `title_frequency`, per term, how many titles use it (unknown: none)."""
    patterns = vocabulary_patterns(vocabulary) | _COMPILED
    required = vocabulary_anchors(vocabulary) | _ANCHORS
    canonical = {fold(tag): tag for tag in list(METHOD_FAMILIES) + list(vocabulary)}
    spellings = {spelling_key(tag): tag for tag in list(METHOD_FAMILIES) + list(vocabulary) if " " not in tag}
    frequency = None
    if matrix is not None:
        in_papers = document_frequency(matrix)
        frequency = TermFrequency(in_papers, title_frequency if title_frequency is not None else np.zeros_like(in_papers))

    def candidates_of(index: int) -> tuple[list[str], list[str]]:
        """The paper's given tags (curated, vocabulary, families), and key phrases to choose
        from when those are too few."""
        paper = papers[index]
        given = list(paper.tag_overrides) + matched_tags(paper, patterns, required)
        if len({fold(c) for c in given}) >= MIN_TAGS or frequency is None or terms is None:
            return given, []
        return given, key_phrases(paper, _row(matrix, index), terms, frequency, KEY_PHRASE_CHOICES, tuple(given), spellings)

    candidates = [(given, phrases, max(MIN_TAGS - len({fold(tag) for tag in given}), 0)) for given, phrases in fork_map(candidates_of, range(len(papers)))]
    # The tags each paper would get on its own; a key phrase another paper gets is shared.
    support = Counter(key for given, phrases, wanted in candidates for key in {fold(tag) for tag in given + phrases[:wanted]})
    chosen = [
        choose_tags(given + shared_first(phrases, support, paper.title)[:wanted], canonical, len(paper.tag_overrides))
        for paper, (given, phrases, wanted) in zip(papers, candidates)
    ]
    return one_spelling(chosen, canonical)


def shared_first(phrases: list[str], support: Counter[str], title: str = "") -> list[str]:
    """Phrases before single words, as `key_phrases` has them; then those the paper's own
    `title` writes (its subject); then those that tag another paper (by `support`, how
    many papers each tags) before the paper's alone: a tag only one paper carries indexes
    nothing. Otherwise in the paper's order."""
    title = title.casefold()
    return sorted(phrases, key=lambda phrase: (" " not in phrase, phrase.casefold() not in title, support[fold(phrase)] < 2))


def one_spelling(paper_tags: list[tuple[str, ...]], canonical: dict[str, str]) -> list[tuple[str, ...]]:
    """Each tag in one form across the corpus: key phrases are spelled as each paper writes
    them (`data volume`, `data volumes`), so the form most papers use wins, then the
    shortest, then the first in sort order; configured tags keep their own form."""
    uses: dict[str, Counter[str]] = {}
    for tags in paper_tags:
        for tag in tags:
            uses.setdefault(fold(tag), Counter())[tag] += 1
    chosen = {key: canonical.get(key) or min(forms, key=lambda form: (-forms[form], len(form), form)) for key, forms in uses.items()}
    return [tuple(chosen[fold(tag)] for tag in tags) for tags in paper_tags]


class _Row(NamedTuple):
    indices: np.ndarray
    data: np.ndarray


def _row(matrix: csr_matrix, index: int) -> _Row:
    """A CSR row's terms and weights as array views: `matrix[index]` builds a whole sparse
    matrix per call, which dominated tagging on large corpora."""
    start, end = matrix.indptr[index], matrix.indptr[index + 1]
    return _Row(matrix.indices[start:end], matrix.data[start:end])


def tag_counts(papers: list[Paper]) -> Counter[str]:
    return Counter(tag for paper in papers for tag in paper.tags)
