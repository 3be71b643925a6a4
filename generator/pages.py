"""Which files the site consists of: every page and download, as an `Output`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import yaml

from generator.config import Config
from generator.dataset import papers_json
from generator.render import make_environment, render
from generator.write import Output

if TYPE_CHECKING:
    from generator.pipeline import Report

PAGES_DIR = "review"
HAND_WRITTEN_EXCLUDED = ("review", "downloads")


def site_files(report: Report, config: Config) -> Output:
    environment = make_environment()
    topics = {topic.slug: topic for topic in report.topics}
    output = Output()
    context = {
        "config": config,
        "papers": report.papers,
        "topics": report.topics,
        "topic_counts": Counter(paper.topic for paper in report.papers),
        "report": report,
    }
    output.add(f"{PAGES_DIR}/_home.md", render(environment, "home.md.j2", **context))
    output.add(f"{PAGES_DIR}/papers.md", render(environment, "papers.md.j2", **context))
    output.add("downloads/papers.json", papers_json(report.papers, topics))
    output.add(f"{PAGES_DIR}/_nav.yml", nav_yaml(config))
    return output


def hand_written_pages(config: Config) -> list[str]:
    """Markdown pages in docs/ outside the generator's folders, for the navigation."""
    docs = config.root / config.docs_dir
    if not docs.is_dir():
        return []
    found = (p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    return sorted(p for p in found if p.split("/")[0] not in HAND_WRITTEN_EXCLUDED and p != "index.md")


def nav_yaml(config: Config) -> str:
    """The explicit navigation, which mkdocs.yml pulls in with `INHERIT`. Listing every page
    by hand would need editing mkdocs.yml per topic; leaving nav out makes MkDocs put every
    page in every page's sidebar, which grows the site quadratically."""
    nav: list[object] = [{"Home": "index.md"}, {"All papers": f"{PAGES_DIR}/papers.md"}]
    nav += hand_written_pages(config)
    header = "# Written by the generator: the site's navigation (mkdocs.yml INHERITs it).\n"
    return header + yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False)
