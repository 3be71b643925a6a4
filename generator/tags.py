"""Tags: 2–6 per paper, each in one canonical spelling.

Sources, in order: curated tags from YAML, the configured vocabulary, a built-in lexicon of
method families (LoRA, MoE, FP8, KV cache …), then the paper's most distinctive key phrases
shared with other papers (a tag on one paper only indexes nothing). Near-duplicates collapse
onto one canonical form by a folding key (case, hyphens, plural).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

import numpy as np
from scipy.sparse import csr_matrix

from generator.models import Paper
from generator.parallel import fork_map

MIN_TAGS, MAX_TAGS = 2, 6
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


def fold(tag: str) -> str:
    """Two tags are the same when this key is: `LoRA`, `lora`, `Lo-RA`, `LoRAs`."""
    key = re.sub(r"[^a-z0-9]", "", tag.casefold())
    return key[:-1] if len(key) > 3 and key.endswith("s") else key


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


# Words as the TF-IDF tokenizer sees them: hyphenated compounds ("click-through") are one.
_WORD_RUNS = re.compile(r"(\w+(?:-\w+)*)")
_JOINER = re.compile(r"[\s-]+")


def word_pairs(text: str) -> list[tuple[str, str]]:
    """Each two adjacent words that only spaces or hyphens separate, lowercased."""
    parts = _WORD_RUNS.split(text)  # separator, word, separator, word, …
    words, separators = parts[1::2], parts[2::2]
    return [(a.lower(), b.lower()) for a, between, b in zip(words, separators, words[1:]) if _JOINER.fullmatch(between)]


def surface_form(stemmed: str, pairs: list[tuple[str, str]]) -> str:
    """The words as the paper writes them for a stemmed bigram (`denois proces` →
    `denoising process`). A scan of the paper's word pairs: one regex per bigram cost more
    to compile than everything else in tagging."""
    first, second = stemmed.split(" ", 1)
    return next((f"{a} {b}" for a, b in pairs if a.startswith(first) and b.startswith(second)), "")


def key_phrases(paper: Paper, row: csr_matrix | _Row, terms: np.ndarray, document_frequency: np.ndarray, limit: int) -> list[str]:
    """The paper's highest-weighted bigrams that at least one other paper shares."""
    order = np.argsort(-row.data, kind="stable")
    pairs = word_pairs(f"{paper.title} {paper.abstract}")
    phrases = []
    for index in row.indices[order]:
        term = str(terms[index])
        if " " in term and document_frequency[index] >= 2 and (phrase := surface_form(term, pairs)):
            phrases.append(phrase)
        if len(phrases) == limit:
            break
    return phrases


def choose_tags(candidates: list[str], canonical: dict[str, str]) -> tuple[str, ...]:
    chosen: dict[str, str] = {}
    for tag in candidates:
        key = fold(tag)
        if key and key not in chosen:
            chosen[key] = canonical.get(key, tag)
        if len(chosen) == MAX_TAGS:
            break
    return tuple(chosen.values())


def tag_papers(
    papers: list[Paper], vocabulary: tuple[str, ...], matrix: csr_matrix | None, terms: np.ndarray | None
) -> list[tuple[str, ...]]:
    """Tags for each paper, in the order of `papers`."""
    patterns = vocabulary_patterns(vocabulary) | _COMPILED
    required = vocabulary_anchors(vocabulary) | _ANCHORS
    canonical = {fold(tag): tag for tag in list(METHOD_FAMILIES) + list(vocabulary)}
    document_frequency = np.asarray((matrix > 0).sum(axis=0)).ravel() if matrix is not None else None

    def tags_of(index: int) -> tuple[str, ...]:
        paper = papers[index]
        candidates = list(paper.tag_overrides) + matched_tags(paper, patterns, required)
        if len({fold(c) for c in candidates}) < MIN_TAGS and matrix is not None and terms is not None:
            candidates += key_phrases(paper, _row(matrix, index), terms, document_frequency, MIN_TAGS)
        return choose_tags(candidates, canonical)

    return fork_map(tags_of, range(len(papers)))


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
