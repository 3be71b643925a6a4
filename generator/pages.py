"""Which files the site consists of: every page and download, as an `Output`.

Pages live in docs/review/, downloads in docs/downloads/ (their URLs are fixed by
DESIGN.md). The home overview is docs/review/_home.md, which the hand-written
docs/index.md includes; the navigation is docs/review/_nav.yml, which mkdocs.yml inherits.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus

import yaml
from jinja2 import Environment

from generator.bibtex import bibtex_entry, bibtex_file
from generator.charts import bar_chart
from generator.config import Config, slugify
from generator.csljson import csl_json
from generator.dataset import papers_json
from generator.models import Paper, Severity, Topic
from generator.overview import topic_overview
from generator.render import anchor, make_environment, render
from generator.ris import ris_file
from generator.write import Output

if TYPE_CHECKING:
    from generator.pipeline import Report

PAGES_DIR = "review"
GENERATED_DIRS = ("review", "downloads")
WHATS_NEW = 8


def safe_url(url: str) -> str:
    """An http(s) URL that cannot break out of Markdown link syntax; '' for anything else."""
    if not re.match(r"^https?://[^\s]+$", url, re.I):
        return ""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~[]").replace("(", "%28").replace(")", "%29")


def find_links(paper: Paper) -> list[tuple[str, str]]:
    """Where to read the paper: its own URLs when known, else title searches."""
    own = [("Link", url) for url in map(safe_url, paper.urls) if url][:3]
    if paper.arxiv_id:
        own.insert(0, ("arXiv", f"https://arxiv.org/abs/{quote(paper.arxiv_id, safe='./')}"))
    if paper.doi:
        own.insert(0, ("DOI", f"https://doi.org/{quote(paper.doi, safe='/.')}"))
    query = quote_plus(paper.title)
    searches = [
        ("arXiv search", f"https://arxiv.org/search/?query={query}&searchtype=title"),
        ("Semantic Scholar", f"https://www.semanticscholar.org/search?q={query}"),
        ("Google Scholar", f"https://scholar.google.com/scholar?q={query}"),
    ]
    return own + ([] if paper.arxiv_id or paper.doi else searches)


def code_fence(text: str) -> str:
    """A backtick fence longer than any run inside `text`, so the block cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def tag_slugs(tags: list[str]) -> dict[str, str]:
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for tag in sorted(tags, key=str.casefold):
        slug = slugify(tag) if slugify(tag) != "topic" else "tag"
        while slug in used:
            slug += "-x"
        used.add(slug)
        slugs[tag] = slug
    return slugs


def site_files(report: Report, config: Config) -> Output:
    environment = make_environment()
    papers = report.papers
    topics = [t for t in report.topics if any(p.topic == t.slug for p in papers)]
    by_topic: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_topic[paper.topic].append(paper)
    for members in by_topic.values():
        members.sort(key=lambda p: (-(p.year or 0), -(p.month or 0), p.key.lower()))
    by_key = {paper.key: paper for paper in papers}
    tag_counter = Counter(tag for paper in papers for tag in paper.tags)
    context = {
        "config": config,
        "papers": papers,
        "topics": topics,
        "topic_of": {t.slug: t for t in report.topics},
        "by_topic": by_topic,
        "by_key": by_key,
        "tag_slug": tag_slugs(list(tag_counter)),
        "tag_counts": sorted(tag_counter.items(), key=lambda item: (-item[1], item[0].casefold())),
        "report": report,
        "anchor": anchor,
        "find_links": find_links,
        "code_fence": code_fence,
        "bibtex_entry": bibtex_entry,
        "Severity": Severity,
    }
    output = Output()
    _home(output, environment, context, papers, topics, by_topic)
    output.add(f"{PAGES_DIR}/topics/index.md", render(environment, "topics.md.j2", **context))
    for topic in topics:
        overview = topic_overview(by_topic[topic.slug])
        page = render(environment, "topic.md.j2", topic=topic, overview=overview, members=by_topic[topic.slug], **context)
        output.add(f"{PAGES_DIR}/topics/{topic.slug}.md", page)
        output.add(f"downloads/topics/{topic.slug}.bib", bibtex_file(by_topic[topic.slug]))
    by_year: dict[int | None, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_year[paper.year].append(paper)
    years = sorted((y for y in by_year if y is not None), reverse=True)
    output.add(f"{PAGES_DIR}/tags.md", render(environment, "tags.md.j2", **context))
    output.add(f"{PAGES_DIR}/years.md", render(environment, "years.md.j2", years=years, by_year=by_year, **context))
    output.add(f"{PAGES_DIR}/papers.md", render(environment, "papers.md.j2", **context))
    output.add(f"{PAGES_DIR}/quality.md", render(environment, "quality.md.j2", **context))
    output.add(f"{PAGES_DIR}/downloads.md", render(environment, "downloads.md.j2", **context))
    output.add(f"{PAGES_DIR}/about.md", render(environment, "about.md.j2", **context))
    output.add("downloads/references.bib", bibtex_file(papers))
    output.add("downloads/references.ris", ris_file(papers))
    output.add("downloads/references.json", csl_json(papers))
    output.add("downloads/papers.json", papers_json(papers, {t.slug: t for t in report.topics}))
    output.add(f"{PAGES_DIR}/_nav.yml", nav_yaml(config, topics))
    return output


def _home(
    output: Output,
    environment: Environment,
    context: dict[str, object],
    papers: list[Paper],
    topics: list[Topic],
    by_topic: dict[str, list[Paper]],
) -> None:
    topic_rows = [(t.title, len(by_topic[t.slug])) for t in topics]
    year_counts = Counter(p.year for p in papers if p.year)
    year_rows = [(str(year), year_counts[year]) for year in sorted(year_counts)]
    output.add(f"{PAGES_DIR}/charts/topics.svg", bar_chart(topic_rows, "Papers per topic"))
    output.add(f"{PAGES_DIR}/charts/years.svg", bar_chart(year_rows, "Papers per year"))
    dated = sorted((p for p in papers if p.year), key=lambda p: (p.year, p.month or 0, p.day or 0, p.key), reverse=True)
    output.add(
        f"{PAGES_DIR}/_home.md", render(environment, "home.md.j2", newest=dated[:WHATS_NEW], undated=len(papers) - len(dated), **context)
    )


def hand_written_pages(config: Config) -> list[str]:
    """Markdown pages in docs/ outside the generator's folders, for the navigation."""
    docs = config.root / config.docs_dir
    if not docs.is_dir():
        return []
    found = (p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    return sorted(p for p in found if p.split("/")[0] not in GENERATED_DIRS and p != "index.md")


def nav_yaml(config: Config, topics: list[Topic]) -> str:
    """The explicit navigation, which mkdocs.yml pulls in with `INHERIT`. Listing every page
    by hand would need editing mkdocs.yml per topic; leaving nav out makes MkDocs put every
    page in every page's sidebar, which grows the site quadratically."""
    topic_nav: list[object] = [f"{PAGES_DIR}/topics/index.md"] + [{t.title: f"{PAGES_DIR}/topics/{t.slug}.md"} for t in topics]
    nav: list[object] = [
        {"Home": "index.md"},
        {"Topics": topic_nav},
        {"Tags": f"{PAGES_DIR}/tags.md"},
        {"Years": f"{PAGES_DIR}/years.md"},
        {"All papers": f"{PAGES_DIR}/papers.md"},
        {"Downloads": f"{PAGES_DIR}/downloads.md"},
        {"Data quality": f"{PAGES_DIR}/quality.md"},
        {"About": f"{PAGES_DIR}/about.md"},
    ]
    nav += hand_written_pages(config)
    header = "# Written by the generator: the site's navigation (mkdocs.yml INHERITs it).\n"
    return header + yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False)
