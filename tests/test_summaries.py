"""Summaries over many papers: the parallel path gives exactly what the serial one gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval.evaluate import sample_papers
from generator import parallel, summaries
from generator.summaries import claims


def test_parallel_summaries_equal_serial_ones_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    _, papers = sample_papers()
    serial = [summaries.summarize(paper) for paper in papers]
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    assert summaries.summarize_all(papers) == serial
    assert any(summary.tldr for summary in serial)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Furthermore, we introduce a delta that decides how many batches count.", "We introduce a delta that decides how many batches count."),
        ("In this paper, we propose GPTQ, a one-shot quantizer.", "We propose GPTQ, a one-shot quantizer."),
        ("Finally we show it works.", "Finally we show it works."),  # no comma: part of the sentence
        ("In this paper, we address this challenge, and propose GPTQ, a one-shot quantizer.", "We propose GPTQ, a one-shot quantizer."),
        ("We tackle these issues and introduce Fold, a gradient store.", "We introduce Fold, a gradient store."),
        ("We tackle this issue by introducing Fold, a gradient store.", "We introduce Fold, a gradient store."),
        ("We aim to bridge this gap by presenting a study of gradient stores.", "We present a study of gradient stores."),
        ("We propose Fold, with better partitioning to address these issues.", "We propose Fold, with better partitioning."),
        ("We present a simple solution to this problem using folded gradients.", "We present a simple solution using folded gradients."),
        ("We address this challenge by storing gradients twice.", "We address this challenge by storing gradients twice."),  # no method named: kept
    ],
)
def test_a_tldr_drops_the_connective_that_opened_its_sentence(sentence: str, expected: str) -> None:
    assert summaries.trim(sentence) == expected


def test_a_finding_beats_a_follow_up_proposal() -> None:
    abstract = (
        "Meta-learning promises general-purpose learners. "
        "In this paper we show that Transformers can be meta-trained to act as in-context learners. "
        "Finally, we propose practical interventions that improve meta-training."
    )
    assert summaries.contribution_sentence(abstract).startswith("In this paper we show that")


def test_a_question_the_paper_asks_is_not_its_finding() -> None:
    abstract = (
        "Packet spraying is widely believed necessary. "
        "In this paper, we challenge this belief and pose the question: how close can one path come? "
        "We demonstrate that a single path is sufficient for collective communication."
    )
    assert summaries.contribution_sentence(abstract).startswith("We demonstrate that")


def test_a_glued_full_stop_still_ends_a_sentence() -> None:
    abstract = "Training needs integer units.We propose a shared exponent format for tensors in training."
    assert summaries.contribution_sentence(abstract) == "We propose a shared exponent format for tensors in training."


@pytest.mark.parametrize(
    "opening", ["Returning to first principles of evaluation, ", "Motivated by this observation, ", "Leveraged by this, "]
)
def test_a_tldr_drops_a_motivating_opening_clause(opening: str) -> None:
    assert summaries.trim(opening + "we propose an evaluation protocol with two phases.") == "We propose an evaluation protocol with two phases."


def test_et_al_does_not_end_the_contribution_sentence() -> None:
    abstract = "Fine-tuning needs bandwidth. We extend recent work from Malladi et al. (2023), using shared randomness to fine-tune with low bandwidth."
    assert summaries.contribution_sentence(abstract).endswith("with low bandwidth.")


def test_releasing_code_is_not_the_contribution() -> None:
    abstract = (
        "Benchmarks of tabular models disagree. "
        "Our experiments show that with careful tuning many deep models differ less than expected. "
        "We have publicly released the benchmarking code and evaluation protocols."
    )
    assert summaries.contribution_sentence(abstract).startswith("Our experiments show that")


def test_an_opening_that_carries_the_method_stays_when_short() -> None:
    sentence = "Combining pruning with distillation, we obtain a model three times smaller."
    assert summaries.trim(sentence) == sentence


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Across four sparse reward tasks, we find that imitation helps.", "We find that imitation helps."),
        ("Instead of relying on more compute, we introduce a balanced sampler.", "We introduce a balanced sampler."),
        ("We propose X, a sampler; our sampler is fast.", "We propose X, a sampler; our sampler is fast."),  # no opening to drop
    ],
)
def test_a_tldr_drops_the_setting_before_we(sentence: str, expected: str) -> None:
    assert summaries.trim(sentence) == expected


def test_a_tldr_stops_before_an_enumeration() -> None:
    sentence = "We introduce FSMoE, a flexible training system with three novel techniques: 1) unified abstraction, 2) online profiling."
    assert summaries.trim(sentence) == "We introduce FSMoE, a flexible training system with three novel techniques …"
    sentence = "We propose FastSpeech 2, which better solves the one-to-many mapping problem in TTS by 1) training with ground truth, and 2) adding pitch."
    assert summaries.trim(sentence) == "We propose FastSpeech 2, which better solves the one-to-many mapping problem in TTS …"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "We demonstrate that ternary training is viable for small networks, facilitating deployment on low-resource devices.",
            "We demonstrate that ternary training is viable for small networks.",
        ),
        (
            "Our results show that serving time is dominated by data movement (up to 56% of end-to-end latency).",
            "Our results show that serving time is dominated by data movement.",
        ),
        ("We introduce Vector Post-Training Quantization (VPTQ).", "We introduce Vector Post-Training Quantization (VPTQ)."),
    ],
)
def test_a_tldr_leaves_out_hoped_for_consequences_and_closing_asides(sentence: str, expected: str) -> None:
    assert summaries.trim(sentence) == expected


@given(st.text(alphabet="ab_1 .-é", max_size=30), st.text(alphabet="ab_1.-é", min_size=1, max_size=4))
def test_a_method_is_mentioned_exactly_when_the_regex_says_so(sentence: str, name: str) -> None:
    assert summaries._mentions(sentence, name) == bool(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", sentence))


@pytest.mark.parametrize(
    "anaphoric",
    [
        "These techniques cut the memory of training by a factor of three on every model we tried.",
        "By combining them, we cut the memory of training by a factor of three on every model we tried.",
        "Together, these techniques cut the memory of training by a factor of three on every model we tried.",
        "It cuts the memory of training by a factor of three on every model we tried.",
        "This approach cuts the memory of training by a factor of three on every model we tried.",
        "We measure them to cut the memory of training by a factor of three on every model we tried.",
    ],
)
def test_a_sentence_that_points_back_loses_to_one_that_stands_alone(anaphoric: str) -> None:
    standalone = "Gradient folding cuts the memory of training by a factor of three on every model we tried."
    abstract = f"Training needs memory. Gradient folding stores gradients twice over. {anaphoric} {standalone}"
    assert summaries.contribution_sentence(abstract) == standalone


@pytest.mark.parametrize(
    "sentence",
    [
        "This paper shows that gradient folding cuts the memory of training by a factor of three.",
        "In this work, we show that gradient folding cuts the memory of training by a factor of three.",
        "These results show that gradient folding cuts the memory of training by a factor of three.",
        "It is well known that gradient folding cuts the memory of training by a factor of three.",
        "We address this problem and propose gradient folding, which cuts the memory of training.",
    ],
)
def test_the_paper_itself_evidence_and_an_expletive_it_do_not_point_back(sentence: str) -> None:
    assert not summaries._points_back(sentence, "", -1)


def test_contributing_something_named_earlier_is_not_the_contribution() -> None:
    abstract = (
        "Benchmarks hide rare concepts. We collect a test set of rare concepts from web data. "
        "We find that models need exponentially more data to learn a concept linearly better. "
        "We contribute this test set as a benchmark for further research."
    )
    assert summaries.contribution_sentence(abstract).startswith("We find that models need")


def test_this_approach_becomes_the_method_name_when_the_title_gives_one() -> None:
    paper_text = (
        "FoldGrad: Training in Less Memory",
        "Training needs memory. Gradients can be stored folded in half. This approach cuts the memory of training by a factor of three on all models we tried.",
    )
    summary = summaries.summarize_text(paper_text)
    assert summary.tldr.startswith("FoldGrad cuts the memory of training")


def test_a_general_finding_beats_one_measured_in_a_single_setting() -> None:
    abstract = (
        "Mini-batches hide hard samples. "
        "Our experiments show that training on hard samples speeds up convergence on every network we tried. "
        "We show that training on hard samples converges in 26% fewer epochs with ResNet-18 on CIFAR-10."
    )
    assert summaries.contribution_sentence(abstract).startswith("Our experiments show that")


def test_a_number_does_not_demote_a_proposal() -> None:
    abstract = (
        "Mini-batches hide hard samples. "
        "We propose HardBatch, which trains on hard samples and converges in 26% fewer epochs. "
        "Our experiments show that training on hard samples speeds up convergence on every network we tried."
    )
    assert summaries.contribution_sentence(abstract).startswith("We propose HardBatch")


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("It runs 3.25× faster in training and uses 50% less memory.", ("3.25× faster in training", "50% less memory")),
        ("We see 3x speedups in the end-to-end time.", ("3× speedups",)),  # not "speedups in the"
        ("A 4 times reduction of cost, 30 % fewer parameters than LoRA.", ("4× reduction of cost", "30% fewer parameters")),
        ("Accuracy rose from 70% to 80%.", ()),  # a percentage is no claim without what it measures
        # what changed, whole and as written; ranges as ranges
        ("Up to 1.48x-12.1x higher estimated throughput per dollar than A100s.", ("1.48–12.1× higher estimated throughput per dollar",)),
        ("It trains in 26.47% less number of epochs, 23% faster BERT pretraining.", ("26.47% less number of epochs", "23% faster BERT pretraining")),
        ("A 4--5x reduction in both model size and time; 6.64% improvement against the best.", ("4–5× reduction", "6.64% improvement")),
        # a cost that rose or a quality that fell is a comparison, not the paper's gain
        ("It beats GPT trained with 30x more compute; FP8 is 50-180% less efficient.", ()),
        ("At 1% accuracy loss, 3% memory overhead, 2× higher perplexity and 10% reduction in accuracy.", ()),
        ("It reaches 98% accuracy with 20% higher power consumption and 2× more training steps.", ()),
        ("It is 1,000x faster, with 4× memory reduction and 20.57× throughput improvement.", ("1,000× faster", "4× memory reduction", "20.57× throughput improvement")),
        # a number in a name or a year before a dash starts no range
        ("Llama-2 - 3x faster; in 2023 - 50% faster.", ("3× faster", "50% faster")),
        # gains said with a verb, with words before the change, or as "fold", "percent", "to", "~"
        ("It reduces latency by 2.5x and improves accuracy by 5%, with an 11x inference speedup.", ("2.5× reduction in latency", "5% improvement in accuracy", "11× inference speedup")),
        ("We get 1.53×~20.57× speedups, 5% to 51% gains, a 3.5-fold speedup and 20 percent lower latency.", ("1.53–20.57× speedups", "5–51% gains", "3.5× speedup", "20% lower latency")),
        # what a claim is of is its head word: an efficiency, a utilisation, a rate
        ("3x higher memory efficiency, 2x higher GPU utilization, 3x more tokens per second.", ("3× higher memory efficiency", "2× higher GPU utilization", "3× more tokens per second")),
        # the size of a model compared with, more data used, a loss said with a verb
        ("It beats models 10x larger with 3× more data; it reduces accuracy by 2%; 50% of the speed-ups.", ()),
    ],
)
def test_quantitative_claims_say_what_changed_and_by_how_much(abstract: str, expected: tuple[str, ...]):
    assert claims(abstract, limit=10) == expected


@pytest.mark.parametrize("self_name", ["survey", "thesis", "report"])
def test_a_survey_presenting_itself_states_its_contribution(self_name: str) -> None:
    abstract = (
        "Low-precision training is spreading. Its methods are scattered across many formats. "
        f"This {self_name} provides a comprehensive review of low-precision training methods. "
        "To organize these approaches, we categorize them into three groups by numerical format."
    )
    assert summaries.contribution_sentence(abstract) == f"This {self_name} provides a comprehensive review of low-precision training methods."


def test_a_cut_tldr_leaves_out_an_aside_it_would_cut_in_two() -> None:
    sentence = (
        "We present LlamaRL, a fully distributed asynchronous RL framework for efficient training of large LLMs"
        " with various model sizes (8B, 70B, and 405B parameters) on GPU clusters ranging from a handful to thousands of devices."
    )
    assert summaries.trim(sentence, max_words=21) == (
        "We present LlamaRL, a fully distributed asynchronous RL framework for efficient training of large LLMs with various model sizes …"
    )
    # the aside closes within the words kept, but the last comma before the cut is inside it
    assert summaries.trim(sentence, max_words=33) == (
        "We present LlamaRL, a fully distributed asynchronous RL framework for efficient training of large LLMs with various model sizes …"
    )


def test_a_bare_name_is_described_by_the_title() -> None:
    title = "Mini-batch Coresets for Memory-efficient Language Model Training on Data Mixtures"
    abstract = (
        "Training with larger mini-batches improves convergence. Small mini-batch coresets need less memory. "
        "In this work, we address the above challenges by proposing Coresets for Training LLMs (CoLM). "
        "CoLM reduces the memory requirement of training by 2x on data mixtures."
    )
    assert summaries.summarize_text((title, abstract)).tldr == (
        "We propose Coresets for Training LLMs (CoLM) — mini-batch coresets for memory-efficient language model training on data mixtures."
    )


@pytest.mark.parametrize(
    ("title", "tldr"),
    [
        # the TL;DR already says what the title says
        ("Mesa: A Memory-saving Training Framework for Transformers", "We present Mesa, a memory-saving training framework for Transformers."),
        # long enough to have said what it has to say
        (
            "ZeRO-Infinity: Breaking the GPU Memory Wall for Extreme Scale Deep Learning",
            "We present ZeRO-Infinity, a novel heterogeneous system technology that leverages GPU, CPU, and NVMe memory to allow for unprecedented model scale.",
        ),
        # a question or a slogan describes nothing
        ("Transductive Few-Shot Learning: Clustering is All You Need?", "We propose a concave-convex relaxation of the problem."),
        ("One Epoch Is All You Need", "We suggest training on a larger dataset for one epoch only."),
    ],
)
def test_a_tldr_that_has_said_what_the_title_says_keeps_to_itself(title: str, tldr: str) -> None:
    assert summaries.title_addition(tldr, title, "") == ""


def test_the_title_adds_how_when_the_tldr_says_what() -> None:
    tldr = "We propose a novel cross-modal distillation method, called TinyCLIP, for large-scale language-image pre-trained models."
    title = "TinyCLIP: CLIP Distillation via Affinity Mimicking and Weight Inheritance"
    assert summaries.title_addition(tldr, title, "") == "via affinity mimicking and weight inheritance"


def test_the_title_reads_as_running_text_but_names_keep_their_capitals() -> None:
    abstract = "We study how Transformer models scale. The memory of every model is managed by PagedAttention."
    assert summaries._sentence_case("Efficient Memory Management for Transformer Serving with PagedAttention", abstract) == (
        "efficient memory management for Transformer serving with PagedAttention"
    )
    assert summaries._title_description("Hyperparameters in Continual Learning: a Reality Check") == "Hyperparameters in Continual Learning"
    assert summaries._sentence_case("A Flexible System", "") == "a flexible system"


_WORDS = (
    *("We", "we", "propose", "address", "this", "issue", "by", "proposing", "and", "introduce", "to", "these", "issues"),
    *("Fold:", "Fold", "a", "method", "for", "Training", "via", "Memory", "with", "LLMs", "3x", "faster", "50%", "less"),
    *(".", ",", ";", ":", "?", "(", ")", "—", "…", "However,", "Specifically,", "In", "paper,", "show", "that", "them"),
)
_PROSE = st.lists(st.sampled_from(_WORDS), max_size=60).map(" ".join)


@given(_PROSE, _PROSE)
def test_every_word_of_a_tldr_is_the_authors(title: str, abstract: str) -> None:
    """Nothing is invented: a TL;DR's words come from the abstract or the title, but for the
    "We" and base verbs that stand for "we address this issue by proposing"."""
    summary = summaries.summarize_text((title, abstract))
    theirs = set(re.findall(r"\w+", f"{title} {abstract}".casefold())) | {"we", *summaries._GERUNDS.values()}
    assert set(re.findall(r"\w+", summary.tldr.casefold())) <= theirs
    if not abstract.strip():
        assert summary.tldr == ""


def test_a_title_addition_does_not_end_by_naming_again_what_the_tldr_names() -> None:
    tldr = "This paper introduces a communication-driven solution, namely the C4."
    title = "Boosting Large-scale Parallel Training Efficiency with C4: A Communication-Driven Approach"
    assert summaries.title_addition(tldr, title, "") == "boosting large-scale parallel training efficiency"
