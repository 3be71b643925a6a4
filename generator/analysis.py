"""Runs the analysis stages over the merged papers: topics, tags, summaries, related."""

from __future__ import annotations

from dataclasses import replace

from generator.config import Config
from generator.models import Paper, Problem, Topic

OTHER = Topic("other", "Other", "Papers that fit none of the review's topics.")


def analyse(papers: list[Paper], config: Config) -> tuple[list[Topic], list[Paper], list[Problem]]:
    topics = list(config.topics) + [OTHER]
    slugs = {topic.slug for topic in topics}
    papers = [replace(p, topic=p.topic_override if p.topic_override in slugs else "other", tags=p.tag_overrides) for p in papers]
    return topics, papers, []
