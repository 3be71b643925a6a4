"""Runs the analysis stages over the merged papers: topics, summaries, tags, related."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial

from generator import related, summaries, tags, topics
from generator.config import Config
from generator.models import Paper, Topic
from generator.parallel import fork_beside, fork_map
from generator.summaries import Summary

OTHER = Topic(topics.OTHER_SLUG, "Other", "Papers that fit none of the review's topics.")


def taxonomy_and_summaries(
    papers: list[Paper], kept: list[Topic], known: Mapping[str, Summary] | None = None
) -> tuple[list[Topic], list[Summary]]:
    """The taxonomy, `kept` (configured, or discovered on an earlier run) or else discovered
    now, and every paper's summary, from `known` (by `summaries.summary_key`) when made
    earlier. Summaries need no topic, so they are made while a worker discovers them."""
    missing = summaries.unsummarised(papers, known)
    if kept:
        taxonomy, made = kept, fork_map(summaries.summarize_text, missing)
    else:
        taxonomy, made = fork_beside(partial(topics.discover_topics, papers), summaries.summarize_text, missing)
    return taxonomy, summaries.gathered(papers, known, dict(zip(missing, made)))


def analyse(papers: list[Paper], config: Config, taxonomy: list[Topic], paper_summaries: list[Summary] | None = None) -> tuple[list[Topic], list[Paper]]:
    """Papers enriched with topic, TL;DR, tags and related keys. `taxonomy` is the configured
    one, or in automatic mode the one discovered (and kept) earlier; `paper_summaries` are
    the papers' summaries when made already (`taxonomy_and_summaries`)."""
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
    for index, (paper, assignment, summary) in enumerate(zip(papers, assignments, summaries.summarize_all(papers) if paper_summaries is None else paper_summaries)):
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
