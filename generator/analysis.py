"""Runs the analysis stages over the merged papers: topics, summaries, tags, related."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from generator import related, summaries, tags, topics
from generator.config import Config
from generator.models import Paper, Topic
from generator.summaries import Summary

OTHER = Topic(topics.OTHER_SLUG, "Other", "Papers that fit none of the review's topics.")


def analyse(
    papers: list[Paper], config: Config, taxonomy: list[Topic], known_summaries: Mapping[str, Summary] | None = None
) -> tuple[list[Topic], list[Paper]]:
    """Papers enriched with topic, TL;DR, tags and related keys. `taxonomy` is the configured
    one, or in automatic mode the one discovered (and kept) earlier; `known_summaries` are
    summaries from an earlier run, by `summaries.summary_key`."""
    if not papers:
        return [*taxonomy, OTHER], papers
    # Counted once, for topic scores and (papers' rows only) for tags and related papers.
    corpus = topics.guided_corpus(papers, taxonomy)
    title_counts = corpus.counter.transform([paper.title for paper in papers])
    assignments = topics.assign_guided(papers, taxonomy, corpus, title_counts)
    slugs = {topic.slug for topic in taxonomy} | {OTHER.slug}
    _, matrix = corpus.weighted(slice(0, len(papers)))
    terms = corpus.terms
    paper_tags = tags.tag_papers(papers, config.tags, matrix, terms, tags.document_frequency(title_counts))
    neighbours = related.related_indices(matrix, identities=[paper.key for paper in papers])
    enriched = []
    for index, (paper, assignment, summary) in enumerate(zip(papers, assignments, summaries.summarize_all(papers, known_summaries))):
        primary, secondary = assignment.primary, assignment.secondary
        if paper.topic_override in slugs:  # an unknown one is reported where it was written (`dedupe.unknown_topics`)
            primary, secondary = (
                paper.topic_override,
                tuple(s for s in (assignment.primary, *secondary) if s != paper.topic_override)[:2],
            )
        enriched.append(
            replace(  # once per paper: on a large corpus, `replace` itself is a cost worth counting
                paper,
                topic=primary,
                secondary_topics=secondary,
                tldr=summary.tldr,
                short_name=summary.short_name,
                claims=summary.claims,
                tags=paper_tags[index],
                related=tuple(papers[j].key for j in neighbours[index]),
            )
        )
    return [*taxonomy, OTHER], enriched
