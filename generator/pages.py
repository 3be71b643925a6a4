"""Which files the site consists of: every page and download, as an `Output`.

Pages live in docs/review/, downloads in docs/downloads/ (their URLs are fixed by
DESIGN.md). The home page's heading and overview are docs/review/_title.md and _home.md,
which the hand-written docs/index.md includes; the review's name and navigation are
docs/review/_nav.yml, which mkdocs.yml inherits.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import partial
from itertools import tee
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

import yaml
from jinja2 import Environment

from generator.bibtex import bibtex_entry, entry_parts, join_entries
from generator.charts import bar_chart
from generator.config import Config, slugify
from generator.csljson import csl_line, describe
from generator.dataset import json_array_parts, papers_json_parts
from generator.layout import ListingPage, Section, TopicPart, anchor_pages, paginate_sections, split_topic
from generator.links import destination, distinct, link_label
from generator.models import Paper, Severity, Topic
from generator.overview import topic_overview
from generator.parallel import PARALLEL_FROM, fork_imap, fork_map
from generator.render import anchor, clip, inert, make_environment, render
from generator.ris import ris_file_parts, ris_record
from generator.search import SEARCH_PAGE, search_engine
from generator.write import Output, hand_written_pages

if TYPE_CHECKING:
    from generator.pipeline import Report

PAGES_DIR = "review"
WHATS_NEW = 8
TAG_CLOUD = 150  # tags shown as chips at the top of the tag index
MAX_OWN_LINKS = 3  # a paper's links beside its DOI and arXiv page
DEFAULT_DESCRIPTION = "A literature review generated from a collection of papers."


def safe_url(url: str) -> str:
    """An http(s) URL that cannot break out of Markdown link syntax; '' for anything else."""
    if not re.match(r"^https?://[^\s]+$", url, re.I):
        return ""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~[]").replace("(", "%28").replace(")", "%29")


def find_links(paper: Paper) -> list[tuple[str, str]]:
    """Where to read the paper: its own URLs when known, else title searches."""
    labels = dict(paper.link_labels)  # a curator's names for links
    arxiv = [("arXiv", f"https://arxiv.org/abs/{quote(paper.arxiv_id, safe='./')}")] if paper.arxiv_id else []
    doi = [("DOI", f"https://doi.org/{quote(paper.doi, safe='/.')}")] if paper.doi else []
    if doi and arxiv and destination(doi[0][1]) == destination(arxiv[0][1]):
        doi = []  # arXiv's own DOI: the arXiv link says where it leads
    own = [(labels.get(url) or link_label(safe), safe) for url in paper.urls if (safe := safe_url(url))]
    links = distinct(doi + arxiv + own, url_of=lambda link: link[1])[: len(doi) + len(arxiv) + MAX_OWN_LINKS]
    query = quote_plus(paper.title)
    searches = [
        ("arXiv search", f"https://arxiv.org/search/?query={query}&searchtype=title"),
        ("Semantic Scholar", f"https://www.semanticscholar.org/search?q={query}"),
        ("Google Scholar", f"https://scholar.google.com/scholar?q={query}"),
    ]
    return links + ([] if paper.arxiv_id or paper.doi else searches)


def code_fence(text: str) -> str:
    """A backtick fence longer than any run inside `text`, so the block cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def tag_slugs(tags: list[str]) -> dict[str, str]:
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for tag in sorted(tags, key=str.casefold):
        slug = slugify(tag, fallback="tag")
        while slug in used:
            slug += "-x"
        used.add(slug)
        slugs[tag] = slug
    return slugs


def site_files(report: Report, config: Config, output: Output | None = None) -> Output:
    """Every page and download of the site, added to `output` (a new in-memory one if None)."""
    environment = make_environment()
    papers = report.papers
    main_topics = {paper.topic for paper in papers}
    topics = [t for t in report.topics if t.slug in main_topics]  # a page for each topic some paper is mainly about
    by_topic: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_topic[paper.topic].append(paper)
    also_in: dict[str, list[Paper]] = defaultdict(list)  # the papers each topic is a secondary topic of
    for paper in papers:
        for slug in paper.secondary_topics:
            also_in[slug].append(paper)
    for members in [*by_topic.values(), *also_in.values()]:
        members.sort(key=newest_first)
    by_key = {paper.key: paper for paper in papers}
    # Each paper's BibTeX (shown on pages, joined into files) and so its entry's size, for
    # splitting pages: per paper, so made on all cores in one pass.
    entries = fork_map(_bibtex_and_size, papers)
    bibtex_of = {paper.key: bibtex for paper, (bibtex, _) in zip(papers, entries)}
    size_of = {paper.key: size for paper, (_, size) in zip(papers, entries)}
    tag_counter = Counter(tag for paper in papers for tag in paper.tags)
    tag_slug = tag_slugs(list(tag_counter))
    parts = {
        t.slug: split_topic(t.slug, _oldest_first(by_topic[t.slug]), size_of.__getitem__) for t in topics
    }
    page_of = {paper.key: f"topics/{paper.topic}.md" for paper in papers}  # relative to docs/review/
    for topic_parts in parts.values():
        for part in topic_parts:
            page_of.update((key, f"topics/{part.stem}.md") for key in part.keys)
    context: dict[str, Any] = {
        "config": config,
        "papers": papers,
        "topics": topics,
        "topic_of": {t.slug: t for t in report.topics},
        "topic_pages": {t.slug for t in topics},  # topics that are some paper's main topic
        "by_topic": by_topic,
        "also_in": also_in,
        "also_in_shown": ALSO_IN_SHOWN,
        "by_key": by_key,
        "page_of": page_of,
        "tag_slug": tag_slug,
        "tag_page": {},  # filled in once the tag pages are laid out
        "report": report,
        "anchor": anchor,
        "find_links": find_links,
        "code_fence": code_fence,
        "bibtex_of": bibtex_of,
        "Severity": Severity,
    }
    macros = environment.get_template("_macros.md.j2").make_module(context)
    lines = fork_map(lambda paper: str(macros.paper_line(paper, "")), papers)
    line_of = {paper.key: line for paper, line in zip(papers, lines)}  # each paper's line in listings in docs/review/
    output = Output() if output is None else output
    tag_pages = _tag_pages(papers, tag_counter, tag_slug, line_of)
    first_page_of = anchor_pages(tag_pages)
    context["tag_page"] = {tag: first_page_of[f"tag-{tag_slug[tag]}"] for tag in tag_counter}
    _listing(output, environment, "Tags", tag_pages, _tag_index(tag_counter, tag_slug, context["tag_page"]))
    _listing(output, environment, "Papers by year", _year_pages(papers, line_of), "")
    _listing(output, environment, "All papers", _title_pages(papers, line_of), f"{len(papers)} papers, by title, each with its citation key.\n")
    _listing(output, environment, "Data quality", _quality_pages(report, line_of), render(environment, "quality.md.j2", **context))
    _home(output, environment, context, papers, topics, by_topic)
    output.add(f"{PAGES_DIR}/topics/index.md", render(environment, "topics.md.j2", **context))
    output.add(f"{PAGES_DIR}/downloads.md", render(environment, "downloads.md.j2", **context))
    output.add(f"{PAGES_DIR}/about.md", render(environment, "about.md.j2", **context))
    output.add_parts("downloads/references.bib", entry_parts(bibtex_of[p.key] for p in papers))
    # Topic pages, each a job for a worker; each file goes to `output` (which stages it on
    # disk) as it arrives, so the site is never held whole.
    jobs = [
        partial(_topic_pages, environment, context, topic, number, parts[topic.slug])
        for topic in topics
        for number in [None, *range(len(parts[topic.slug]))]  # the topic's page, then its parts
    ]
    for files in fork_imap(_run, jobs, parallel=len(papers) >= PARALLEL_FROM):
        for path, text in files:
            output.add(path, text)
    # The whole-corpus downloads, one at a time, their records made on all cores and
    # written as they come: made whole in a worker, each (a string of 100-200 MB at
    # 100,000 papers, built, pickled and sent) pushed the run past 2 GB.
    # RIS and CSL-JSON say much the same of a paper (`describe`): one pass makes both
    # records of each, and the two files are written side by side as it goes.
    for_ris, for_csl = tee(fork_imap(_ris_and_csl, papers))
    output.add_parts_in_turn(
        {
            "downloads/references.ris": ris_file_parts(ris for ris, _ in for_ris),
            "downloads/references.json": json_array_parts(csl for _, csl in for_csl),
        }
    )
    output.add_parts("downloads/papers.json", papers_json_parts(papers, {t.slug: t for t in report.topics}, fork_imap))
    engine = search_engine(config.search, len(papers))
    if engine == "pagefind":
        output.add(SEARCH_PAGE, render(environment, "search.md.j2", **context))
    output.add(f"{PAGES_DIR}/_nav.yml", nav_yaml(config, topics, engine))
    return output


def _topic_pages(
    environment: Environment, context: dict[str, Any], topic: Topic, number: int | None, parts: list[TopicPart]
) -> list[tuple[str, str]]:
    """The topic's own page (its overview, and its papers unless they are split into
    `parts`) and its BibTeX file when `number` is None, else the page of part `number`."""
    members = context["by_topic"][topic.slug]
    if number is None:
        page = render(
            environment, "topic.md.j2", topic=topic, overview=topic_overview(members), members=[] if parts else members, parts=parts, **context
        )
        bibtex = join_entries([context["bibtex_of"][p.key] for p in members])
        return [(f"{PAGES_DIR}/topics/{topic.slug}.md", page), (f"downloads/topics/{topic.slug}.bib", bibtex)]
    part = parts[number]
    neighbours = {"previous": parts[number - 1] if number else None, "next": parts[number + 1] if number + 1 < len(parts) else None}
    part_members = [context["by_key"][key] for key in reversed(part.keys)]  # newest first
    page = render(environment, "topic_part.md.j2", topic=topic, part=part, members=part_members, **neighbours, **context)
    return [(f"{PAGES_DIR}/topics/{part.stem}.md", page)]


def _run(job: Callable[[], list[tuple[str, str]]]) -> list[tuple[str, str]]:
    return job()


def _ris_and_csl(paper: Paper) -> tuple[str, str]:
    """The paper's RIS record and CSL-JSON line, from one `describe`."""
    described = describe(paper)
    return ris_record(paper, described), csl_line(paper, described)


def newest_first(paper: Paper) -> tuple[int, int, int, str]:
    return (-(paper.year or 0), -(paper.month or 0), -(paper.day or 0), paper.key.lower())


def _oldest_first(members: list[Paper]) -> list[tuple[int | None, str]]:
    return [(p.year, p.key) for p in reversed(members)]


# A topic page links at most this many of the papers it is a secondary topic of (newest
# first), so that a broad topic's page stays small.
ALSO_IN_SHOWN = 100

# Markdown a paper entry adds besides its own text: byline, links, tags, fences, buttons.
ENTRY_OVERHEAD = 1_500


def entry_size(paper: Paper, bibtex: str) -> int:
    """About how many bytes of Markdown a paper's entry takes, without rendering it: paper
    text grows when `inert` turns active characters into entities, so it is measured inert."""
    text = " ".join([paper.title, clip(paper.abstract), paper.tldr, paper.note, *paper.claims, *paper.authors[:3], *paper.tags])
    return len(inert(text)) + len(paper.title) + len(bibtex) + ENTRY_OVERHEAD


def _bibtex_and_size(paper: Paper) -> tuple[str, int]:
    bibtex = bibtex_entry(paper)
    return bibtex, entry_size(paper, bibtex)


def _tag_pages(papers: list[Paper], tag_counter: Counter[str], tag_slug: dict[str, str], line_of: dict[str, str]) -> list[ListingPage]:
    tagged: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        for tag in paper.tags:
            tagged[tag].append(line_of[paper.key])
    ordered = sorted(tag_counter, key=lambda tag: (-tag_counter[tag], tag.casefold()))
    sections = [Section(f"tag-{tag_slug[tag]}", f"{inert(tag)} ({tag_counter[tag]})", tuple(tagged[tag])) for tag in ordered]
    return paginate_sections("tags", sections, group_of=lambda section: _initial(section.anchor.removeprefix("tag-")), sort_groups=True)


def _initial(slug: str) -> str:
    return slug[:1] if slug[:1].isalpha() else "other"


def _tag_index(tag_counter: Counter[str], tag_slug: dict[str, str], tag_page: dict[str, str]) -> str:
    ordered = sorted(tag_counter, key=lambda tag: (-tag_counter[tag], tag.casefold()))
    chips = " ".join(f"[{inert(tag)}]({tag_page[tag]}.md#tag-{tag_slug[tag]}){{ .md-tag }}" for tag in ordered[:TAG_CLOUD])
    more = f" … and {len(ordered) - TAG_CLOUD} more tags, each with its papers, below." if len(ordered) > TAG_CLOUD else ""
    return f"{len(ordered)} tags, most used first. {chips}{more}\n"


def _year_pages(papers: list[Paper], line_of: dict[str, str]) -> list[ListingPage]:
    by_year: dict[int | None, list[Paper]] = defaultdict(list)
    for paper in sorted(papers, key=newest_first):  # within a year, newest first
        by_year[paper.year].append(paper)
    sections = [
        Section(f"year-{year}", str(year), tuple(line_of[p.key] for p in by_year[year]))
        for year in sorted((y for y in by_year if y), reverse=True)
    ]
    if by_year[None]:
        sections.append(Section("year-unknown", "Undated", tuple(line_of[p.key] for p in by_year[None])))
    return paginate_sections("years", sections, group_of=lambda section: section.anchor.removeprefix("year-"))


def _title_pages(papers: list[Paper], line_of: dict[str, str]) -> list[ListingPage]:
    """All papers by title (and their citation keys), under the title's first letter."""
    by_letter: dict[str, list[str]] = defaultdict(list)
    for paper in sorted(papers, key=lambda p: (_sort_text(p.title), p.key.lower())):
        initial = next((char for char in unicodedata.normalize("NFKD", paper.title) if char.isalnum()), "#").upper()
        letter = initial if "A" <= initial <= "Z" else "#"
        by_letter[letter].append(f"{line_of[paper.key]} · `{paper.key}`")
    sections = [
        Section(f"letter-{letter.lower() if letter != '#' else 'other'}", letter if letter != "#" else "Digits and other characters", tuple(lines))
        for letter, lines in sorted(by_letter.items())
    ]
    return paginate_sections("papers", sections, group_of=lambda section: section.anchor.removeprefix("letter-"), sort_groups=True)


def _sort_text(title: str) -> str:
    """A title as an index orders it: "École …" among the E's, not after them."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    if decomposed.isascii():  # most titles: no accent to drop, so no need to look at each character
        return decomposed
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _quality_pages(report: Report, line_of: dict[str, str]) -> list[ListingPage]:
    """The lists of the data-quality page; its summary table is the template's intro."""
    papers = report.papers

    def located(paper: Paper) -> str:
        return f"{line_of[paper.key]} — {inert(str(paper.sources[0]))}"

    problems = tuple(f"**{p.severity.value}** {inert(str(p.source))} — {inert(p.message)}" for p in report.problems)
    merges = tuple(f"{inert(m.title)} — {inert(m.reason)}: {', '.join(inert(str(s)) for s in m.sources)}" for m in report.merges)
    sections = [
        Section("problems", "Problems", problems or ("None.",)),
        Section("merges", "Merges", merges or ("None.",)),
        Section("without-a-year", "Without a year", tuple(located(p) for p in papers if p.year is None) or ("None.",)),
        Section("without-an-abstract", "Without an abstract", tuple(located(p) for p in papers if not p.abstract) or ("None.",)),
        Section("without-author-names", "Without author names", tuple(line_of[p.key] for p in papers if not p.authors) or ("None.",)),
    ]
    return paginate_sections("quality", sections)


def _listing(output: Output, environment: Environment, title: str, pages: list[ListingPage], intro: str) -> None:
    for number, page in enumerate(pages):
        text = render(environment, "listing.md.j2", title=title, intro=intro if number == 0 else "", page=page, pages=pages, number=number)
        output.add(f"{PAGES_DIR}/{page.path_stem}.md", text)


def _home(
    output: Output,
    environment: Environment,
    context: dict[str, Any],
    papers: list[Paper],
    topics: list[Topic],
    by_topic: dict[str, list[Paper]],
) -> None:
    topic_rows = [(t.title, len(by_topic[t.slug])) for t in topics]
    year_counts = Counter(p.year for p in papers if p.year)
    year_rows = [(str(year), year_counts[year]) for year in sorted(year_counts)]
    output.add(f"{PAGES_DIR}/charts/topics.svg", bar_chart(topic_rows, "Papers per topic"))
    output.add(f"{PAGES_DIR}/charts/years.svg", bar_chart(year_rows, "Papers per year"))
    dated = sorted((p for p in papers if p.year), key=newest_first)
    output.add(
        f"{PAGES_DIR}/_home.md", render(environment, "home.md.j2", newest=dated[:WHATS_NEW], undated=len(papers) - len(dated), **context)
    )
    # The home page's heading: review.yml's title, which docs/index.md includes above its own words.
    output.add(f"{PAGES_DIR}/_title.md", f"# {inert(context['config'].title)}\n")


def _tag_safe(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def nav_yaml(config: Config, topics: list[Topic], engine: str) -> str:
    """The explicit navigation and the search plugin, which mkdocs.yml pulls in with
    `INHERIT`. Listing every page by hand would need editing mkdocs.yml per topic; leaving
    nav out makes MkDocs put every page in every page's sidebar, which grows the site
    quadratically. Material's search plugin is left out when Pagefind serves search."""
    # Themes print navigation titles as they are, in the menu and in <title>: escaped here,
    # a title such as "Q&A <draft>" shows as written.
    topic_nav: list[object] = [f"{PAGES_DIR}/topics/index.md"] + [{html.escape(t.title): f"{PAGES_DIR}/topics/{t.slug}.md"} for t in topics]
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
    if engine == "pagefind":
        nav.insert(1, {"Search": SEARCH_PAGE})
    nav += hand_written_pages(config)
    header = f"# Written by the generator: the review's name, navigation and search ({engine}); mkdocs.yml INHERITs it.\n"
    plugins = ["search"] if engine == "material" else []
    # The review's title and description from review.yml (mkdocs.yml's own, if set, win).
    # Material prints them as they are in text and attributes, but escapes the logo's
    # tooltip itself: so only what could open a tag or end an attribute is escaped, and
    # "R&D" reads "R&D" in the tooltip too.
    named = {"site_name": _tag_safe(config.title), "site_description": _tag_safe(config.description or DEFAULT_DESCRIPTION)}
    return header + yaml.safe_dump({**named, "nav": nav, "plugins": plugins}, allow_unicode=True, sort_keys=False)
