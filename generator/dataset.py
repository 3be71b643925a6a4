"""`papers.json`: the dataset behind the site, in the shape DESIGN.md fixes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from generator.models import Paper, Topic
from generator.parallel import Mapper


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


def papers_json_parts(papers: list[Paper], topics: dict[str, Topic], each: Mapper = map) -> Iterator[str]:
    """papers.json, a record at a time: sorted by key, no timestamps, so the same papers
    give the same bytes. `each` maps a function over the papers (`parallel.fork_imap`
    shares the records among the cores)."""
    ordered = sorted(papers, key=lambda p: p.key.lower())
    return json_array_parts(each(partial(_paper_line, topics=topics), ordered))


def _paper_line(paper: Paper, topics: dict[str, Topic]) -> str:
    return json_line(paper_record(paper, topics))


def json_line(record: Any, sort_keys: bool = False) -> str:
    """A record as one line of JSON, by the C encoder (`indent` makes `json` fall back to a
    Python one, 10× slower)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=sort_keys)


def json_array_parts(lines: Iterable[str]) -> Iterator[str]:
    """A JSON list of the records in `lines` (each a `json_line`), one per line, a record
    (and the separator before it) at a time: diffs show which papers changed. `lines` may
    be a generator: at 100,000 papers, holding every record at once took half a gigabyte."""
    separator = "[\n"
    for line in lines:
        yield separator + line
        separator = ",\n"
    yield "\n]\n" if separator != "[\n" else "[]\n"
