"""A synthetic corpus for the benchmark: Daily Papers dumps and a BibTeX export.

Papers are drawn from latent research themes, each with its own vocabulary, so topics,
tags and related papers have real structure to find. Lengths follow the sample corpus
(titles of ~10 words, abstracts of ~1,200 characters). About a tenth of the papers appear
twice: in two dumps, or in a dump and the .bib (where they gain a DOI and authors), so the
merge stage has work to do. The same seed always gives the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PAPERS_PER_DUMP = 1_000
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

_THEME_WORDS = {
    "parallel": "pipeline tensor data parallelism GPUs cluster communication all-reduce bandwidth sharding throughput nodes scaling",
    "memory": "memory offloading activation checkpointing recomputation ZeRO NVMe footprint optimizer-state CPU budget",
    "quantization": "quantization FP8 INT4 low-precision rounding outliers weights activations calibration bits mixed-precision",
    "sparsity": "pruning sparsity sparse structured unstructured masks magnitude lottery dense weights N:M",
    "peft": "LoRA adapters fine-tuning parameter-efficient low-rank prompts prefix tuning rank downstream",
    "moe": "MoE experts routing gating load-balancing sparse-activation top-k capacity tokens expert-parallel",
    "attention": "attention FlashAttention KV-cache long-context sequence linear-attention kernels IO-aware softmax tokens",
    "data": "data curation deduplication filtering mixture coreset selection quality web-scale tokens pretraining",
    "optim": "optimizer Adam learning-rate schedule batch-size convergence momentum second-order Shampoo warmup",
    "distill": "distillation teacher student compression knowledge logits smaller compact transfer imitation",
    "scaling": "scaling-laws compute-optimal loss power-law extrapolation model-size tokens budget FLOPs Chinchilla",
    "rl": "reinforcement RLHF reward policy preference DPO rollouts alignment feedback PPO",
    "vision": "diffusion image vision ViT denoising generation pixels resolution U-Net latents",
    "speech": "speech audio TTS waveform mel-spectrogram vocoder ASR acoustic prosody duration",
    "systems": "compiler kernels CUDA operator-fusion scheduling runtime hardware accelerator TPU latency",
    "federated": "federated clients privacy on-device heterogeneous aggregation decentralized edge communication-rounds straggler",
}
THEMES = {name: words.split() for name, words in _THEME_WORDS.items()}
_COMMON_WORDS = (
    "model models training large language neural network method approach results performance efficient "
    "benchmark accuracy cost show propose existing baseline experiments tasks state-of-the-art framework"
)
COMMON = _COMMON_WORDS.split()
OPENERS = [
    "Training large {a} models is expensive because of {b} and {c}.",
    "Recent work on {a} has made {b} practical, but {c} remains a bottleneck.",
    "{A} is a key challenge when scaling {b} to billions of parameters.",
]
CONTRIBUTIONS = [
    "In this paper, we propose {name}, a {a} method that combines {b} with {c} to reduce cost.",
    "We introduce {name}, which uses {a} and {b} to make {c} efficient.",
    "We present {name}, a framework for {a} that exploits {b} and {c}.",
    "This work studies {a} and shows that {b} determines {c}.",
]
BODY = [
    "Our analysis shows that {a} interacts with {b} in ways that prior work on {c} overlooked.",
    "We evaluate on {a} and {b} benchmarks against strong {c} baselines.",
    "The design keeps {a} unchanged while adapting {b} to {c}.",
    "Unlike previous approaches, it needs no changes to {a} or {b}.",
    "We further analyse how {a} scales with {b} and {c}.",
    "Ablations confirm that both {a} and {b} contribute to the gains on {c}.",
]
CLAIMS = [
    "{name} achieves a {x}× speed-up over the baseline with {y}% less memory.",
    "Experiments show up to {x}× higher throughput and {y}% lower cost than {a}.",
    "{name} matches full {a} quality while using {y}% fewer {b}.",
]
CLOSERS = ["Code is available at https://github.com/example/{slug}.", "We release our code and models.", ""]


def _words(rng: random.Random, theme: list[str], count: int) -> list[str]:
    return [rng.choice(theme) if rng.random() < 0.7 else rng.choice(COMMON) for _ in range(count)]


def _fill(rng: random.Random, template: str, theme: list[str], name: str) -> str:
    a, b, c = _words(rng, theme, 3)
    return template.format(
        a=a, b=b, c=c, A=a[:1].upper() + a[1:], name=name, x=round(rng.uniform(1.2, 9.9), 2), y=rng.randint(10, 80), slug=name.lower()
    )


def make_paper(rng: random.Random, number: int) -> dict[str, object]:
    """One paper: a title, an abstract of ~1,200 characters, and its listing metadata."""
    primary, secondary = rng.sample(sorted(THEMES), 2)
    theme = THEMES[primary] * 3 + THEMES[secondary]
    name = "".join(rng.choice("ABCDEFGHKLMNPRSTVXZ") for _ in range(rng.randint(3, 5))) + str(number)
    subject = " ".join(_words(rng, theme, rng.randint(4, 7)))
    title = f"{name}: {subject[:1].upper()}{subject[1:]} for {rng.choice(THEMES[primary])} at scale"
    sentences = [_fill(rng, rng.choice(OPENERS), theme, name), _fill(rng, rng.choice(CONTRIBUTIONS), theme, name)]
    sentences += [_fill(rng, rng.choice(BODY), theme, name) for _ in range(rng.randint(5, 8))]
    sentences += [_fill(rng, rng.choice(CLAIMS), theme, name), _fill(rng, rng.choice(CLOSERS), theme, name)]
    year = rng.randint(2017, 2025)
    return {
        "title": title,
        "abstract": " ".join(s for s in sentences if s),
        "authors": [f"{rng.choice('ABCDEFGHJKLMNPRSTW')}. Author{rng.randint(1, 9999)}" for _ in range(rng.randint(1, 8))],
        "year": year,
        "month": rng.randint(1, 12),
        "day": rng.randint(1, 28),
        "upvotes": rng.randint(0, 300),
        "theme": primary,
    }


def dump_text(papers: list[dict[str, object]], rng: random.Random) -> str:
    lines = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "", "Mar 14", ""]
    for paper in papers:
        lines += [str(paper["title"]), "", str(paper["abstract"]), ""]
        if rng.random() < 0.8:  # some entries have no meta block, as in the real dumps
            month = MONTHS[int(paper["month"]) - 1]  # type: ignore[call-overload]
            lines += [f"  • {len(paper['authors'])} authors", "·", f"{month} {paper['day']}, {paper['year']} {paper['upvotes']}", ""]  # type: ignore[arg-type]
    return "\n".join(lines)


def bibtex_text(papers: list[tuple[int, dict[str, object]]]) -> str:
    entries = []
    for number, paper in papers:
        authors = " and ".join(paper["authors"])  # type: ignore[arg-type]
        entries.append(
            f"@article{{synthetic{number},\n  title = {{{paper['title']}}},\n  author = {{{authors}}},\n"
            f"  year = {{{paper['year']}}},\n  doi = {{10.5555/synthetic.{number}}},\n  abstract = {{{paper['abstract']}}}\n}}\n"
        )
    return "\n".join(entries)


def write_corpus(folder: Path, count: int, seed: int = 1) -> list[dict[str, object]]:
    """Writes `count` unique papers into `folder` (dumps plus references.bib); returns them."""
    rng = random.Random(seed)
    papers = [make_paper(rng, number) for number in range(count)]
    folder.mkdir(parents=True, exist_ok=True)
    listed = papers[: count * 19 // 20]  # 95% come from dumps, the rest only from the .bib
    for start in range(0, len(listed), PAPERS_PER_DUMP):
        chunk = listed[start : start + PAPERS_PER_DUMP]
        repeats = rng.sample(papers[:start], min(start, len(chunk) // 20)) if start else []  # seen in an earlier dump
        (folder / f"dump_{start // PAPERS_PER_DUMP:05d}.txt").write_text(dump_text(chunk + repeats, rng), encoding="utf-8")
    in_bib = [(n, p) for n, p in enumerate(papers) if n >= len(listed) or rng.random() < 0.05]
    (folder / "references.bib").write_text(bibtex_text(in_bib), encoding="utf-8")
    return papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    arguments = parser.parse_args()
    write_corpus(arguments.folder, arguments.count)


if __name__ == "__main__":
    main()
