"""`papers.json`: the dataset behind the site, in the shape DESIGN.md fixes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from generator.models import Paper, Topic


def paper_record(paper: Paper, topics: dict[str, Topic]) -> dict[str, Any]:
    topic = topics[paper.topic]
    return {
        "key": paper.key,
        "title": paper.title,
        "abstract": paper.abstract,
        "year": paper.year,
        "month": paper.month,
        "authors": list(paper.authors),
        "author_count": paper.author_count,
        "organization": paper.organization or None,
        "upvotes": paper.upvotes,
        "topic": {"slug": topic.slug, "title": topic.title},
        "tags": list(paper.tags),
        "tldr": paper.tldr,
        "related": list(paper.related),
        "sources": [str(source) for source in paper.sources],
        "urls": list(paper.urls),
    }


def papers_json_parts(papers: list[Paper], topics: dict[str, Topic]) -> Iterator[str]:
    """papers.json, a record at a time: sorted by key, no timestamps, so the same papers
    give the same bytes."""
    return json_array_parts(paper_record(paper, topics) for paper in sorted(papers, key=lambda p: p.key.lower()))


def json_array_parts(records: Iterable[Any], sort_keys: bool = False) -> Iterator[str]:
    """A JSON list with one record per line, a record (and the separator before it) at a
    time: diffs show which papers changed, and each record is written by the C encoder
    (`indent` makes `json` fall back to a Python one, 10× slower). `records` may be a
    generator: at 100,000 papers, holding every record as a dict at once took half a
    gigabyte."""
    separator = "[\n"
    for record in records:
        yield separator + json.dumps(record, ensure_ascii=False, sort_keys=sort_keys)
        separator = ",\n"
    yield "\n]\n" if separator != "[\n" else "[]\n"
