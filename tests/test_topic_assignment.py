"""Assigning papers to topics: discovered topics (with NMF term weights) are ranked by
their words and by how much of a paper their weighted terms explain."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from generator.models import Topic
from generator.text import analyze
from generator.topics import OTHER_SLUG, assign_guided, model_weights
from tests.paper_factory import make_paper

TERMS = np.array(["lora", "adapter", "quantiz", "bit", "bee"])


def test_model_weights_explain_each_paper_by_its_own_topic() -> None:
    papers = csr_matrix(np.array([[0.8, 0.6, 0, 0, 0], [0, 0, 0.6, 0.8, 0], [0, 0, 0, 0, 1.0]]))
    topics = [Topic("peft", "PEFT", term_weights=(("lora", 1.0), ("adapter", 0.5))), Topic("quant", "Quant", term_weights=(("quantiz", 1.0), ("bit", 1.0)))]
    weights = model_weights(papers, TERMS, topics)
    assert weights.shape == (3, 2)
    assert weights[0, 0] > 0 and weights[0, 1] == 0
    assert weights[1, 1] > 0 and weights[1, 0] == 0
    assert not weights[2].any()  # no term of any topic: explained by none


def test_model_weights_of_terms_the_corpus_lacks_are_zero() -> None:
    papers = csr_matrix(np.array([[1.0, 0, 0, 0, 0]]))
    assert not model_weights(papers, TERMS, [Topic("x", "X", term_weights=(("absent term", 2.0),))]).any()


def test_term_weights_rank_topics_whose_words_tie() -> None:
    # The same words describe both topics, so the word scores tie; the term weights decide.
    same = {"description": "Compression for accelerators.", "keywords": ("compression", "accelerators")}
    topics = [
        Topic("first", "Compression", **same, term_weights=tuple((term, 1.0) for term in analyze("pipeline parallel"))),
        Topic("second", "Compression", **same, term_weights=tuple((term, 1.0) for term in analyze("quantization bits"))),
    ]
    papers = [
        make_paper("Compression for accelerators by quantization", abstract="We quantize weights to 4 bits with quantization."),
        make_paper("Compression for accelerators by pipelines", abstract="We run layers in pipeline stages, in parallel."),
        # Papers on something else, so that the topics' words are not in most texts (those
        # would weigh nothing).
        *(make_paper(f"Pollinators in meadows, year {year}", abstract="We counted bees in meadows.") for year in range(4)),
    ]
    assert [a.primary for a in assign_guided(papers, topics)[:2]] == ["second", "first"]
    words_only = [Topic(t.slug, t.title, t.description, t.keywords) for t in topics]
    assert [a.primary for a in assign_guided(papers, words_only)[:2]] == ["first", "first"]  # a tie: the first topic


def test_a_paper_sharing_no_word_with_any_topic_is_other_whatever_the_weights() -> None:
    topics = [Topic("quant", "Quantization", "Low-bit weights.", ("quantization",), (("quantiz", 1.0),)), Topic("peft", "LoRA", "Adapters.", ("LoRA",), (("lora", 1.0),))]
    papers = [
        make_paper("Quantization of weights", abstract="Quantization to low bits."),
        make_paper("LoRA adapters", abstract="LoRA fine-tuning with adapters."),
        make_paper("Pollinators in alpine meadows", abstract="We counted bees along transects."),
    ]
    assert [a.primary for a in assign_guided(papers, topics)] == ["quant", "peft", OTHER_SLUG]
