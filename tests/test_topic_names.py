"""Discovered topics are named by the phrases researchers use, not by their loose words."""

from __future__ import annotations

import numpy as np

from generator.topics import _distinctive_terms, name_terms


def names(weights: dict[str, float]) -> list[str]:
    terms = np.array(list(weights))
    written = {term: {term: 1} for term in weights}  # each written once, as it is
    return _distinctive_terms(np.array(list(weights.values())), terms, written)


def test_a_strong_phrase_replaces_its_word() -> None:
    assert names({"law": 1.0, "scal law": 0.9, "pretrain": 0.5})[:2] == ["scal law", "pretrain"]


def test_a_weak_phrase_leaves_a_broad_word_alone() -> None:
    assert names({"prun": 1.0, "structur prun": 0.2, "sparsity": 0.5})[:2] == ["prun", "sparsity"]


def test_function_words_name_nothing() -> None:
    assert "does" not in names({"does": 1.0, "reason": 0.8, "chain": 0.5})


def test_a_name_skips_words_that_measure_or_praise() -> None:
    assert name_terms(["batch size", "size", "cost", "ResNet-50", "significant", "CIFAR-100"], "") == ["batch size", "ResNet-50", "CIFAR-100"]


def test_a_name_does_not_say_one_thing_twice() -> None:
    assert name_terms(["sequence length", "parallelism", "long sequence", "context window"], "") == ["sequence length", "parallelism", "context window"]


def test_an_acronym_and_its_first_word_become_the_phrase_the_papers_write() -> None:
    text = "Federated learning (FL) trains on clients. In FL, heterogeneity hurts federated learning."
    assert name_terms(["FL", "federated", "heterogeneity", "clients"], text) == ["federated learning", "heterogeneity"]
    text = "Graph neural networks (GNNs) pass messages between nodes."
    assert name_terms(["graph", "GNN", "nodes", "messages"], text) == ["graph neural networks", "nodes"]


def test_an_acronym_the_papers_never_spell_out_stays() -> None:
    assert name_terms(["FL", "federated", "clients"], "FL and federated averaging.")[0] == "FL"


def test_an_acronym_the_papers_define_is_named_by_its_definition() -> None:
    text = "We study continual learning (CL) with replay. CL forgets less with replay."
    assert name_terms(["CL", "replay", "continual"], text) == ["continual learning", "replay"]


def test_a_lone_word_becomes_the_phrase_the_papers_write_it_in() -> None:
    text = "Scaling laws for pruning. We fit scaling laws. The law holds. Scaling laws predict loss."
    assert name_terms(["law", "pruning"], text) == ["scaling laws", "pruning"]
    text = "Catastrophic forgetting hurts. We limit catastrophic forgetting. Catastrophic forgetting again."
    assert name_terms(["catastrophic", "replay"], text) == ["catastrophic forgetting", "replay"]


def test_a_word_written_in_many_phrases_stays_a_word() -> None:
    text = "Structured pruning. Unstructured pruning. Magnitude pruning. Pruning at init. Movement pruning."
    assert name_terms(["pruning", "sparsity"], text) == ["pruning", "sparsity"]


def test_a_phrase_cut_before_a_field_word_is_completed() -> None:
    text = "Small language models scale. We train small language models. Small language models win."
    assert name_terms(["small language", "scaling laws"], text) == ["small language models", "scaling laws"]


def test_a_lone_adjective_names_nothing() -> None:
    assert name_terms(["graph", "inductive", "distributed", "nodes"], "") == ["graph", "nodes"]


def test_a_word_and_its_derivation_are_one_word() -> None:
    assert name_terms(["parallel", "parallelism", "pipeline"], "") == ["parallel", "pipeline"]


def test_words_in_the_topics_titles_name_it_before_words_only_abstracts_use() -> None:
    titles = ["Transformers for language modeling", "Scaling language modeling"]
    assert name_terms(["transformers", "epoch", "language modeling"], "", titles) == ["transformers", "language modeling"]


def test_a_word_the_papers_use_as_a_verb_names_nothing() -> None:
    text = "We align models to align outputs. Minimizing the loss, minimizing the cost. Replay buffers help replay."
    assert name_terms(["align", "minimizing", "replay"], text) == ["replay"]


def test_a_word_that_only_ever_modifies_the_next_names_nothing_alone() -> None:
    text = "Memory-efficient training. Memory-efficient optimizers. Memory-efficient attention. Offloading saves memory."
    assert name_terms(["memory-efficient", "offloading"], text) == ["offloading"]


def test_the_tail_of_a_compound_names_nothing_alone() -> None:
    text = "4-bit weights and 8-bit activations; 3-bit quantization of the bit width."
    assert name_terms(["bit", "quantization"], text) == ["quantization"]


def test_a_noun_the_papers_also_write_before_other_words_still_names() -> None:
    text = "Graph neural networks sample a graph. The graph is large; graph sampling helps."
    assert name_terms(["graph", "sampling"], text)[0] == "graph"


def test_a_third_term_is_a_phrase_or_a_name_among_the_first_terms_or_there_is_none() -> None:
    assert name_terms(["federated learning", "data heterogeneity", "pool", "communication rounds"], "") == [
        "federated learning",
        "data heterogeneity",
        "communication rounds",
    ]
    assert name_terms(["MoE", "expert", "GShard"], "") == ["MoE", "expert", "GShard"]
    assert name_terms(["bandwidth", "collective communication", "overlapping", "wide variety"], "") == ["bandwidth", "collective communication"]
    late = ["pruning", "scaling laws", "error", "metrics", "law", "early", "dataset size"]
    assert name_terms(late, "") == ["pruning", "scaling laws"]
