"""End-to-end checks of the built site in headless Chromium.

The sample review (review.yml + papers/) is generated and built ONCE per module into a
temporary project, so the repository is never touched. The site is served from a sub-path
(`http://127.0.0.1:<port>/prefix/`, or the path of `site_url` when one is configured), as
on GitHub project pages, which catches links that only work at the root of a domain.
Missing paths get the site's 404.html, as GitHub Pages does.

Requests to other hosts (Google Fonts) are answered with an empty response, so the tests
neither need the network nor wait for it.

Chromium is Debian's /usr/bin/chromium. Without it the tests are skipped, unless the CI
environment variable is set: then a missing browser is a broken setup and they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import bibtexparser
import pytest

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEFAULT_PREFIX = "/prefix/"  # the sub-path the site is hosted under when site_url gives none
GENERATED_DOCS = ("review", "downloads")  # written by the generator into docs/, never copied
TIMEOUT_MS = 15_000
BUILD_TIMEOUT_S = 180
SEARCH_TOGGLE = 'label.md-header__button[for="__search"]'


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip on a developer machine; in CI a missing browser is a broken setup, so fail."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is an error rather than a skip)")
    pytest.skip(reason)


# ---------------------------------------------------------------------------- building and serving


@dataclass
class Site:
    base_url: str  # http://127.0.0.1:<port><path>
    path: str  # the sub-path, "/prefix/" or site_url's; starts and ends with "/"
    site_url: str  # as configured for MkDocs ("" when unset)
    root: Path  # the built site, served at `path`
    papers: list[dict]
    topic_counts: dict[str, int]  # topic slug -> number of paper entries on its page
    external_hosts: set[str] = field(default_factory=set)

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


def _run(command: list[str], cwd: Path, what: str, site_url: str = "") -> None:
    env = {name: value for name, value in os.environ.items() if name != "SITE_URL"} | {"NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        env["SITE_URL"] = site_url  # mkdocs.yml reads it, as the Pages workflow sets it
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took longer than {BUILD_TIMEOUT_S}s: {' '.join(command)}")
    if done.returncode != 0:
        pytest.fail(f"{what} failed with status {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")


def _copy_project(project: Path) -> None:
    """The hand-written inputs of the sample review; the generated folders stay behind."""
    project.mkdir()
    for name in ("review.yml", "mkdocs.yml", "citation-keys.yml", "discovered-topics.yml"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, project / name)
    shutil.copytree(REPO / "papers", project / "papers")
    shutil.copytree(
        REPO / "docs",
        project / "docs",
        ignore=lambda folder, names: [n for n in names if Path(folder) == REPO / "docs" and n in GENERATED_DOCS],
    )


def _canonical_site_url(built: Path) -> str:
    """MkDocs writes a canonical link into every page when (and only when) site_url is set."""
    match = re.search(r'<link rel="canonical" href="([^"]+)"', (built / "index.html").read_text(encoding="utf-8"))
    return match.group(1) if match else ""


class _Handler(SimpleHTTPRequestHandler):
    """Static files; a missing path gets the site's 404.html with status 404, as on GitHub Pages."""

    not_found: ClassVar[Path | None] = None

    def log_message(self, format, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        if code != 404 or self.not_found is None or not self.not_found.is_file():
            return super().send_error(code, message, explain)
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


@pytest.fixture(scope="module")
def chromium_ready() -> None:
    if sync_playwright is None:
        unavailable("the playwright Python package is not installed")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing; install Debian's chromium package")


def _build_site(tmp: Path, search: str | None = None, site_url: str = "") -> tuple[Path, str, str]:
    """Generates and builds the sample review into `tmp`, with `site_url` as SITE_URL when
    given; returns (served folder, sub-path, site_url)."""
    project = tmp / "project"
    _copy_project(project)
    if search:
        with (project / "review.yml").open("a", encoding="utf-8") as config:
            config.write(f"\nsearch: {search}\n")
    # Paths in review.yml are relative to it, so everything is written inside `project`;
    # the generator runs from the repository so that `generator` is importable.
    _run(
        [sys.executable, "-m", "generator", "build", "--quiet", "--config", str(project / "review.yml")], REPO, "python -m generator build"
    )
    built = tmp / "built"
    # cwd matters: pymdownx.snippets' base_path (docs) is relative to the working directory.
    _run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(built)],
        project,
        "mkdocs build --strict",
        site_url,
    )
    _run([sys.executable, "-m", "generator", "search-index", "--site", str(built)], REPO, "python -m generator search-index")
    site_url = _canonical_site_url(built)
    path = urlsplit(site_url).path if site_url else DEFAULT_PREFIX
    path = "/" + path.strip("/") + "/" if path.strip("/") else "/"
    served = tmp / "served"
    root = served / path.strip("/")
    root.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(built, root)
    return served, path, site_url


def _serve(served: Path, path: str, site_url: str, server: ThreadingHTTPServer | None = None):
    """Serves the site; `server`: one already bound (its port was needed for the build)."""
    root = served / path.strip("/")
    papers = json.loads((root / "downloads" / "papers.json").read_text(encoding="utf-8"))
    assert papers, "papers.json lists no papers"
    topic_counts = {
        page.parent.name: len(re.findall(r'<h2 id="p-', page.read_text(encoding="utf-8")))
        for page in (root / "review" / "topics").glob("*/index.html")
    }

    handler = type("Handler", (_Handler,), {"not_found": root / "404.html"})
    server = server or ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.RequestHandlerClass = lambda *args: handler(*args, directory=str(served))  # type: ignore[assignment]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}{path}", path, site_url, root, papers, topic_counts)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from _serve(*_build_site(tmp_path_factory.mktemp("browser-site")))


@pytest.fixture(scope="module")
def hosted_site(tmp_path_factory):
    """The sample review as the Pages workflow builds it: SITE_URL says where it is served."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    url = f"http://127.0.0.1:{server.server_address[1]}{DEFAULT_PREFIX}"
    yield from _serve(*_build_site(tmp_path_factory.mktemp("hosted-site"), site_url=url), server=server)


@pytest.fixture
def hosted_page(browser: Browser, hosted_site: Site):
    yield from _new_page(browser, hosted_site)


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory):
    """The sample review with `search: pagefind`, as large reviews get it automatically."""
    yield from _serve(*_build_site(tmp_path_factory.mktemp("pagefind-site"), search="pagefind"))


@pytest.fixture(scope="module")
def browser(chromium_ready):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, site: Site):
    yield from _new_page(browser, site)


def _new_page(browser: Browser, site: Site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)

    def offline(route):
        site.external_hosts.add(urlsplit(route.request.url).netloc)
        content_type = "text/css" if route.request.resource_type == "stylesheet" else "text/plain"
        route.fulfill(status=200, body="", content_type=content_type)

    # Everything not served by our server gets an empty answer: no network, no waiting.
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/).*"), offline)
    try:
        yield context.new_page()
    finally:
        context.close()


# ---------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def target(site: Site) -> tuple[dict, str]:
    return _pick_target(site)


def _pick_target(site: Site) -> tuple[dict, str]:
    """A paper with a topic and tags, and the rarest word of its title (the search term).

    Rarity is counted over every paper's title, abstract, TL;DR and tags, by a prefix of
    the word, so that search stemming ('pipelined' ~ 'pipeline') finds few other papers.
    """
    texts = [
        " ".join([p.get("title") or "", p.get("abstract") or "", p.get("tldr") or "", *(p.get("tags") or [])]).casefold()
        for p in site.papers
    ]

    def rarity(word: str) -> int:
        stem = word.casefold()[: max(6, len(word) - 3)]
        return sum(stem in text for text in texts)

    candidates = [
        (rarity(word), -len(word), word.casefold(), index)
        for index, paper in enumerate(site.papers)
        if paper.get("tags") and (paper.get("topic") or {}).get("slug")
        for word in set(re.findall(r"[A-Za-z]+", paper.get("title") or ""))
        if len(word) >= 6
    ]
    assert candidates, "no paper in papers.json has tags, a topic and a title word of 6+ letters"
    _, _, word, index = min(candidates)
    return site.papers[index], word


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")
    expect(page.locator(".md-content")).to_be_visible()


def _search(page: Page, query: str) -> None:
    """Type into Material's search box (on narrow screens it first needs the header button)."""
    toggle = page.locator(SEARCH_TOGGLE)
    if toggle.is_visible():
        toggle.click()
    box = page.locator(".md-search__input")
    box.click()
    expect(box).to_be_focused()
    # Real key presses: Material reads the query on keyup, which fill() does not send, so
    # a fill() after the search index is ready would never search.
    box.press_sequentially(query, delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible()


def _biggest_topic(site: Site) -> str:
    return max(sorted(site.topic_counts), key=lambda slug: site.topic_counts[slug])


# ---------------------------------------------------------------------------- tests


def test_search_finds_a_paper_by_a_rare_title_word_and_opens_its_entry(page: Page, site: Site, target, request) -> None:
    paper, word = target
    key, slug = paper["key"], paper["topic"]["slug"]
    request.node.user_properties += [("search_term", word), ("search_target", key)]
    _open(page, site.url())
    _search(page, word)

    # Material groups hits by page; the paper's section on its topic page must be among them.
    hit = page.locator(f'a.md-search-result__link[href*="review/topics/{slug}/"][href$="#p-{key}"]').first
    expect(hit).to_be_attached()
    if not hit.is_visible():  # further sections of a page sit in a collapsed "N more on this page"
        hit.locator("xpath=ancestor::details[1]/summary").click()
    expect(hit).to_be_visible()
    expect(hit).to_contain_text(re.compile(re.escape(word), re.IGNORECASE))

    hit.click()
    page.wait_for_url(re.compile(rf"^{re.escape(site.url(f'review/topics/{slug}/'))}[^#]*#p-{re.escape(key)}$"))
    entry = page.locator(f'h2[id="p-{key}"]')
    expect(entry).to_be_visible()
    expect(entry).to_be_in_viewport()


def test_tag_link_leads_to_the_tag_section_that_lists_the_paper(page: Page, site: Site, target) -> None:
    paper, _ = target
    key, slug = paper["key"], paper["topic"]["slug"]
    _open(page, site.url(f"review/topics/{slug}/"))

    # This paper's tag links: in the blocks between its h2 and the next h2.
    tag = page.locator(
        f"xpath=//h2[@id='p-{key}']/following-sibling::*[preceding-sibling::h2[1][@id='p-{key}']]//a[contains(@class, 'md-tag')]"
    ).first
    expect(tag).to_be_visible()
    href = tag.get_attribute("href") or ""
    match = re.search(r"#(tag-[\w-]+)$", href)
    assert match, f"tag link {href!r} of #p-{key} does not point to a #tag-… section"
    tag_id = match.group(1)

    tag.click()
    page.wait_for_url(site.url(f"review/tags/#{tag_id}"))
    heading = page.locator(f'h2[id="{tag_id}"]')
    expect(heading).to_be_visible()
    expect(heading).to_be_in_viewport()

    listed = page.evaluate(
        """(id) => {
            const links = [];
            for (let node = document.getElementById(id).nextElementSibling; node && node.tagName !== 'H2'; node = node.nextElementSibling)
                node.querySelectorAll('a[href]').forEach(a => links.push(a.href));
            return links;
        }""",
        tag_id,
    )
    wanted = site.url(f"review/topics/{slug}/#p-{key}")
    assert wanted in listed, f"section #{tag_id} of the tags page does not link to {wanted}; its links: {listed[:10]}"


def test_bibtex_download_on_the_home_page_parses(page: Page, site: Site) -> None:
    _open(page, site.url())
    link = page.locator('a[download][href$="references.bib"]').first
    expect(link).to_be_attached()
    url = link.evaluate("a => a.href")
    assert url == site.url("downloads/references.bib"), f"the BibTeX link resolves to {url}"

    response = page.request.get(url)
    assert response.ok, f"GET {url} -> {response.status}"
    library = bibtexparser.parse_string(response.text())
    failed = [block.raw[:300] for block in library.failed_blocks]
    assert not failed, f"{len(failed)} BibTeX blocks failed to parse; the first: {failed[0]!r}"
    assert len(library.entries) >= len(site.papers), f"references.bib has {len(library.entries)} entries for {len(site.papers)} papers"


@pytest.mark.parametrize("which", ["home", "topic", "tags"])
def test_no_javascript_errors(page: Page, site: Site, which: str) -> None:
    path = {"home": "", "topic": f"review/topics/{_biggest_topic(site)}/", "tags": "review/tags/"}[which]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: message.type == "error" and errors.append(f"console: {message.text} @ {message.location}"))
    page.on("response", lambda response: response.status >= 400 and errors.append(f"HTTP {response.status}: {response.url}"))
    _open(page, site.url(path))
    page.wait_for_load_state("networkidle")
    # Exercise the search worker too: it loads the index from a path relative to the page.
    _search(page, "training")
    assert not errors, "\n".join(errors)


def test_biggest_topic_page_load_time(page: Page, site: Site, request) -> None:
    """Measured and reported (junit properties and stdout), never asserted against a budget."""
    slug = _biggest_topic(site)
    _open(page, site.url(f"review/topics/{slug}/"))
    page.wait_for_function("() => performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0")
    timing = page.evaluate(
        """() => {
            const n = performance.getEntriesByType('navigation')[0];
            return {load: n.loadEventEnd - n.startTime, dom: n.domContentLoadedEventEnd - n.startTime, bytes: n.transferSize};
        }"""
    )
    expect(page.locator('h2[id^="p-"]')).to_have_count(site.topic_counts[slug])
    assert timing["load"] > 0
    for name, value in [
        ("topic_page", slug),
        ("topic_page_papers", site.topic_counts[slug]),
        ("topic_page_load_ms", round(timing["load"], 1)),
        ("topic_page_domcontentloaded_ms", round(timing["dom"], 1)),
        ("external_hosts_stubbed", ",".join(sorted(site.external_hosts))),
    ]:
        request.node.user_properties.append((name, value))
    print(
        f"\ntopic page {slug!r} ({site.topic_counts[slug]} papers, {timing['bytes']} bytes):"
        f" load event after {timing['load']:.0f} ms, DOMContentLoaded after {timing['dom']:.0f} ms"
    )


def test_no_links_leave_the_sub_path(site: Site) -> None:
    """Hosted under a sub-path, a root-relative link ("/review/…") would leave the site."""
    offenders = [
        f"{html.relative_to(site.root)}: {link}"
        for html in sorted(site.root.rglob("*.html"))
        if html.name != "404.html"  # needs site_url: see test_not_found_page_works_under_the_sub_path
        for link in re.findall(r'(?:href|src)="(/[^/"][^"]*)"', html.read_text(encoding="utf-8"))
        if not link.startswith(site.path)
    ]
    assert not offenders, f"root-relative links break hosting under {site.path}: {offenders[:10]}"


def test_not_found_page_works_under_the_sub_path(hosted_page: Page, hosted_site: Site) -> None:
    """MkDocs writes the 404 page's links from site_url (the page is served at any depth),
    so this is the site as the Pages workflow builds it, with SITE_URL set."""
    page, site = hosted_page, hosted_site
    assert site.site_url, "SITE_URL did not reach mkdocs.yml's site_url"
    broken: list[str] = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and broken.append(f"HTTP {response.status}: {response.url}")
        ),
    )
    response = page.goto(site.url("no-such-page/"), wait_until="load")
    assert response is not None and response.status == 404
    page.wait_for_load_state("networkidle")
    home = page.locator("a.md-header__button.md-logo").first.evaluate("a => a.href")
    problems = broken + ([f"the header's home link goes to {home}"] if home != site.base_url else [])
    assert not problems, "\n".join(problems)


@pytest.fixture
def pagefind_page(browser: Browser, pagefind_site: Site):
    yield from _new_page(browser, pagefind_site)


def test_pagefind_search_finds_a_paper_and_opens_its_entry(pagefind_page: Page, pagefind_site: Site) -> None:
    """Large reviews search with Pagefind: its own page, a chunked index, hits per paper entry."""
    site, page = pagefind_site, pagefind_page
    paper, word = _pick_target(site)
    key = paper["key"]
    index_bytes: list[int] = []
    page.on("response", lambda r: index_bytes.append(len(r.body())) if "/pagefind/" in r.url and r.ok else None)
    _open(page, site.url())
    page.get_by_role("link", name="Search", exact=True).first.click()
    box = page.locator(".pagefind-ui__search-input")
    expect(box).to_be_visible()
    box.press_sequentially(word, delay=20)
    hit = page.locator(f'a.pagefind-ui__result-link[href$="#p-{key}"]').first
    expect(hit).to_be_visible()
    assert 0 < sum(index_bytes) <= 1_000_000, f"first query fetched {sum(index_bytes)} bytes of index"
    hit.click()
    page.wait_for_url(re.compile(rf"^{re.escape(site.url('review/topics/'))}[^#]*#p-{re.escape(key)}$"))
    expect(page.locator(f'h2[id="p-{key}"]')).to_be_in_viewport()
    assert not (site.root / "search" / "search_index.json").exists(), "Material's index should be left out"


def test_pagefind_search_page_works_when_opened_directly(pagefind_page: Page, pagefind_site: Site) -> None:
    """A bookmarked or shared search page loads the UI without Material's instant navigation."""
    _open(pagefind_page, pagefind_site.url("review/search/"))
    box = pagefind_page.locator(".pagefind-ui__search-input")
    expect(box).to_be_visible()
    box.press_sequentially("training", delay=20)
    expect(pagefind_page.locator("a.pagefind-ui__result-link").first).to_be_visible()
    expect(pagefind_page.locator("#paper-search-missing")).to_be_hidden()
