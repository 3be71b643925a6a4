"""Tags: canonical forms, no near-duplicates, key phrases that name a subject."""

from __future__ import annotations

from collections import Counter

import pytest

from generator import tags
from generator.text import count_corpus, display_form, paper_text
from tests.paper_factory import make_paper


@pytest.mark.parametrize(
    ("first", "second"),
    [
        *(("LoRA", "lora"), ("LoRA", "Lo-RA"), ("LoRAs", "LoRA"), ("LLMs", "LLM"), ("KV cache", "kv-caches")),
        *(("optimisation algorithm", "optimization algorithm"), ("language modelling", "language modeling")),
        *(("fine-tuning", "finetuning"), ("fine-tune", "finetuning"), ("pre-training", "pretraining")),
        *(("computational resources", "computing resources"), ("data stored", "data storing"), ("large-batch training", "large batch training")),
        *(("naïve Bayes", "naive Bayes"), ("all-reduce", "allreduce"), ("LLaMA", "Llama"), ("GNNs", "gnn"), ("分布式训练", "分布式训练")),
    ],
)
def test_spellings_of_one_tag_fold_together(first: str, second: str):
    assert tags.fold(first) == tags.fold(second)


def test_different_tags_stay_apart():
    different = ["LoRA", "MoE", "FP8", "INT8", "KV cache", "pruning", "sparsity", "general", "generation", "data", "date"]
    different += ["LLM", "LM", "SSL", "SL", "GNN", "GN", "DDPM", "DPM", "VLM", "vLLM", "C++", "C#", "обучение", "ταχύτητα", "й", "и"]
    assert len({tags.fold(t) for t in different}) == len(different)


@pytest.mark.parametrize(
    "phrase",
    [
        *("offers significant", "key factor", "highly effective", "outperforms baselines", "order of magnitude", "promising research"),
        # measures, not subjects
        *("computational cost", "GPU hours", "memory requirements", "accuracy drop", "inference speed-up", "faster inference"),
        # cut short before their noun, or no noun at all
        *("generative adversarial", "data stored", "agnostic", "historical"),
    ],
)
def test_praise_reports_and_cut_phrases_are_not_key_phrases(phrase: str):
    assert not tags.is_topical_phrase(phrase)


@pytest.mark.parametrize(
    "phrase", ["activation memory", "graph sampling", "early exit", "click-through rate", "fault tolerance", "dense retrieval", "physics", "objective"]
)
def test_subjects_are_key_phrases(phrase: str):
    assert tags.is_topical_phrase(phrase)


def test_a_tag_has_one_spelling_across_the_corpus():
    spelled = [("data volumes", "GPU"), ("data volume",), ("data volume", "lora"), ("Data volume",)]
    assert tags.one_spelling(spelled, {"lora": "LoRA"}) == [("data volume", "GPU"), ("data volume",), ("data volume", "LoRA"), ("data volume",)]


def test_method_families_take_their_canonical_form():
    paper = make_paper("Lora adapters for MOE models", abstract="We fine-tune with LORA. Our lora works with a kv-cache and a KV cache.")
    found = tags.tag_papers([paper], (), None, None)[0]
    assert {"LoRA", "MoE"} <= set(found)
    assert len({tags.fold(t) for t in found}) == len(found)


def test_every_paper_gets_two_to_six_tags_from_key_phrases_when_no_family_matches():
    abstracts = [
        "Graph sampling cuts the cost of node features in message passing. Graph sampling picks node features.",
        "We study graph sampling for node features on citation networks with random walks.",
        "Protein folding with contact maps: contact maps predicted from sequence alignments.",
        "Contact maps and sequence alignments improve protein folding accuracy.",
    ]
    papers = [make_paper(f"Paper {n}", key=f"p{n}", abstract=text) for n, text in enumerate(abstracts)]
    found = tag_corpus(papers)
    assert all(tags.MIN_TAGS <= len(t) <= tags.MAX_TAGS for t in found), found
    assert all(tags.is_topical_phrase(tag) for t in found for tag in t)


def tag_corpus(papers) -> list[tuple[str, ...]]:
    """Each paper's tags, counted and weighted as the analysis does."""
    corpus = count_corpus([paper_text(p) for p in papers])
    _, matrix = corpus.weighted()
    titles = corpus.counter.transform([p.title for p in papers])
    return tags.tag_papers(papers, (), matrix, corpus.terms, tags.document_frequency(titles))


def _key_phrases_of(papers, index: int, taken: tuple[str, ...] = (), spellings: dict[str, str] | None = None) -> list[str]:
    corpus = count_corpus([paper_text(p) for p in papers])
    _, matrix = corpus.weighted()
    titles = corpus.counter.transform([p.title for p in papers])
    frequency = tags.TermFrequency(tags.document_frequency(matrix), tags.document_frequency(titles))
    return tags.key_phrases(papers[index], tags._row(matrix, index), corpus.terms, frequency, 2, taken, spellings)


def test_key_phrases_some_title_uses_come_before_those_only_abstracts_use():
    abstract = "Residual streams, " * 8 + "and {}."
    papers = [
        make_paper("Gradient checkpointing for deep nets", key="a", abstract=abstract.format("gradient checkpointing")),
        make_paper("Checkpoint placement", key="b", abstract=abstract.format("gradient checkpointing")),
    ]
    assert _key_phrases_of(papers, 0)[0] == "gradient checkpointing"


def test_key_phrases_are_not_pieces_of_a_tag_already_given():
    papers = [
        make_paper("Click-through rate prediction at scale", key="a", abstract="Click-through rate prediction with rate prediction models and feature crosses."),
        make_paper("Feature crosses for click-through rate prediction", key="b", abstract="Rate prediction of click-through rate with feature crosses."),
    ]
    found = _key_phrases_of(papers, 0, taken=("click-through rate",))
    assert not any("rate" in phrase.split() for phrase in found), found


def test_key_phrases_spell_known_words_canonically():
    papers = [
        make_paper("Pretraining data curation", key="a", abstract="We curate pretraining data. Pretraining data matters."),
        make_paper("Pretraining data at scale", key="b", abstract="Pretraining data mixtures and pretraining data filters."),
    ]
    found = _key_phrases_of(papers, 0, spellings={tags.spelling_key("pre-training"): "pre-training"})
    assert "pre-training data" in found, found


def test_a_key_phrase_other_papers_share_wins_over_one_only_this_paper_has():
    support = Counter({tags.fold("graph sampling"): 3, tags.fold("citation networks"): 1})
    assert tags.shared_first(["citation networks", "graph sampling", "walks"], support) == ["graph sampling", "citation networks", "walks"]


def test_tagging_prefers_key_phrases_that_index_more_than_one_paper():
    abstracts = [
        "Edge weights and citation counts: edge weights, citation counts, edge weights, citation counts and graph sampling.",
        "Graph sampling for message passing: graph sampling of node features.",
        "Node features and graph sampling for recommendation.",
        "Protein folding with contact maps: contact maps predicted from sequence alignments.",
        "Contact maps and sequence alignments improve protein folding accuracy.",
        "Sequence alignments for protein folding.",
        "Weather forecasts from satellite images: weather forecasts and satellite images, unlike edge weights or citation counts.",
        "Weather forecasts from satellite images.",
    ]
    papers = [make_paper(f"Paper {n}", key=f"p{n}", abstract=text) for n, text in enumerate(abstracts)]
    found = tag_corpus(papers)
    # "edge weights" and "citation counts" weigh most in the first paper, but no other paper is tagged with them
    assert all("graph sampling" in t for t in found[:3]), found


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("shared", "Experts are shared across layers."),
        ("shrinking", "Shrinking the model by shrinking the vocabulary."),
        ("open", "An open source release; open source weights."),
        ("modern machine", "Training in modern machine learning is costly."),
    ],
)
def test_words_not_written_as_a_subject_are_not_key_phrases(form: str, text: str):
    assert not tags._used_as_subject(form, text)


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("pruning", "Structured pruning removes heads; pruning is cheap."),
        ("deep learning", "Deep learning models are large; deep learning needs data."),
        ("graph sampling", "Graph sampling speeds up training. Graph sampling is simple."),
    ],
)
def test_subjects_as_the_paper_writes_them_are_key_phrases(form: str, text: str):
    assert tags._used_as_subject(form, text)


def test_a_phrase_of_the_papers_own_title_is_its_tag_before_a_phrase_other_papers_share():
    abstracts = [
        "We transpose batch normalization into layer normalization. Unlike batch normalization, layer normalization works per case; batch normalization needs batches.",
        "Batch normalization helps. We study batch normalization in deep nets.",
        "Batch normalization and weight decay: batch normalization again.",
        "Protein folding with contact maps: contact maps predicted from sequence alignments.",
        "Contact maps and sequence alignments improve protein folding accuracy.",
    ]
    titles = ["Layer Normalization", "Batch norm study", "Decay and norms", "Folding", "Contact maps"]
    papers = [make_paper(title, key=f"p{n}", abstract=text) for n, (title, text) in enumerate(zip(titles, abstracts))]
    found = tag_corpus(papers)
    assert found[0][0] == "layer normalization", found[0]


def test_a_name_in_a_key_phrase_keeps_its_capital():
    abstracts = [
        "Genetic algorithms speed up cosmological Bayesian inference; the Bayesian inference runs on GPUs.",
        "We scale Bayesian inference to large data with Bayesian inference on clusters.",
        "Protein folding with contact maps: contact maps predicted from sequence alignments.",
        "Contact maps and sequence alignments improve protein folding accuracy.",
    ]
    papers = [make_paper(f"Paper {n}", key=f"p{n}", abstract=text) for n, text in enumerate(abstracts)]
    assert "Bayesian inference" in tag_corpus(papers)[0], tag_corpus(papers)[0]


def test_a_names_phrase_is_written_with_the_fewest_capitals_its_paper_uses():
    forms = Counter({"HuggingFace Pipelines": 1, "HuggingFace pipelines": 1})
    assert display_form(forms) == "HuggingFace pipelines"
    assert display_form(Counter({"LoRA": 3, "lora": 1})) == "LoRA"


def test_every_curated_tag_is_kept_however_many() -> None:
    curated = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]
    assert tags.choose_tags([*curated, "LoRA"], {}, curated=len(curated)) == tuple(curated)
    assert len(tags.choose_tags([*curated, "LoRA"], {})) == tags.MAX_TAGS  # found ones stop at the limit
