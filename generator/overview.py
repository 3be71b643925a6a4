"""The facts a topic's overview paragraph is written from: size, years, threads,
representative papers and strongest claims. The template turns them into prose."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from generator.models import Paper

GENERIC_TAGS = frozenset({"LLM", "transformer", "pre-training", "fine-tuning", "benchmark", "attention", "communication"})


@dataclass(frozen=True)
class Overview:
    count: int
    first_year: int | None
    last_year: int | None
    undated: int
    threads: tuple[tuple[str, int], ...]  # (tag, papers) within the topic
    representative: tuple[Paper, ...]
    claims: tuple[tuple[str, Paper], ...]


def claim_strength(claim: str) -> float:
    """How big a claim is, on one scale (50% less ≈ 2.5×); a range counts by its low end."""
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", claim.split(" ")[0].replace(",", ""))]  # "1,000×"
    value = min(numbers) if numbers else 0.0
    return value if "×" in claim.split(" ")[0] else value / 20


def topic_overview(papers: list[Paper]) -> Overview:
    """`papers`: the topic's papers, with their related papers already found."""
    years = [p.year for p in papers if p.year]
    tag_counts = Counter(tag for p in papers for tag in p.tags if tag not in GENERIC_TAGS)
    # A thread is a part of the topic: a tag every paper carries only says the topic's name again.
    threads = tuple((tag, n) for tag, n in sorted(tag_counts.items(), key=lambda item: (-item[1], item[0])) if 2 <= n < len(papers))[:4]
    centrality = _centrality(papers)
    # Representative: the papers the topic's others are most like (which any corpus has,
    # BibTeX exports too), then the most upvoted of those.
    ranked = sorted(papers, key=lambda p: (-centrality[p.key], -(p.upvotes or 0), -len(p.claims), -(p.year or 0), p.key))
    # Each paper's strongest claim, so that three claims speak for three papers.
    strongest = ((max(p.claims, key=lambda c: (claim_strength(c), c)), p) for p in papers if p.claims)
    claims = sorted(strongest, key=lambda item: (-claim_strength(item[0]), item[1].key))
    return Overview(
        count=len(papers),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
        undated=len(papers) - len(years),
        threads=threads,
        representative=tuple(ranked[:3]),
        claims=tuple(claims[:3]),
    )


def _centrality(papers: list[Paper]) -> Counter[str]:
    """For each paper, how many of the other papers list it among their related papers."""
    keys = {paper.key for paper in papers}
    return Counter(key for paper in papers for key in paper.related if key in keys and key != paper.key)
