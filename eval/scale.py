"""Time and memory of the analysis stages on a synthetic corpus of N papers (default 100,000):
the sample's abstracts, perturbed so that no two papers are equal.

    .venv/bin/python -m eval.scale [N]
"""

from __future__ import annotations

import random
import resource
import sys
import time
from dataclasses import replace

from eval.evaluate import sample_papers
from generator.models import Paper
from generator.summaries import summarize
from generator.tags import tag_papers
from generator.text import fit_corpus, paper_text
from generator.topics import assign_guided, discover_topics


def synthetic_corpus(papers: list[Paper], n: int, seed: int = 0) -> list[Paper]:
    """Each paper: a sample paper's sentences, with a few words swapped for words of another
    sample paper, so that vocabularies and topics overlap as in a real corpus."""
    rng = random.Random(seed)
    pool = [w for p in papers for w in p.abstract.split()]
    result = []
    for index in range(n):
        base = papers[index % len(papers)]
        words = base.abstract.split()
        for _ in range(max(1, len(words) // 10)):
            words[rng.randrange(len(words))] = rng.choice(pool)
        result.append(
            replace(base, key=f"p{index}", identity=f"{base.identity} {index}", title=f"{base.title} {index}", abstract=" ".join(words))
        )
    return result


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(name: str, function, *args):
    start = time.perf_counter()
    result = function(*args)
    print(f"{name:<28} {time.perf_counter() - start:6.1f} s   peak RSS {peak_mb():6.0f} MB", flush=True)
    return result


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    config, sample = sample_papers()
    papers = synthetic_corpus(sample, n)
    print(f"{n} papers, mean abstract {sum(len(p.abstract) for p in papers) / n:.0f} chars; peak RSS {peak_mb():.0f} MB")
    start = time.perf_counter()
    timed("guided topics", assign_guided, papers, list(config.topics))
    discovered = timed("discover topics (NMF)", discover_topics, papers)
    timed("assign discovered topics", assign_guided, papers, discovered)
    timed("summaries", lambda: [summarize(p) for p in papers])
    vectorizer, matrix = timed("TF-IDF (shared by tags)", fit_corpus, [paper_text(p) for p in papers])
    timed("tags", tag_papers, papers, config.tags, matrix, vectorizer.get_feature_names_out())
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
