"""End to end: the sample corpus plus a hostile corpus, generated and built by MkDocs
(--strict), with assertions on the built HTML, the downloads and the files on disk."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import bibtexparser
import pytest

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
HAND_WRITTEN = "# My notes\n\nWritten by hand; the generator must never touch this.\n"


def make_project(tmp: Path) -> Path:
    project = tmp / "project"
    project.mkdir()
    for name in ("review.yml", "mkdocs.yml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "papers", project / "papers")
    (project / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "index.md", project / "docs" / "index.md")
    (project / "docs" / "notes.md").write_text(HAND_WRITTEN, encoding="utf-8")
    shutil.copytree(HOSTILE, project / "hostile")
    return project


def generate(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator", "build", "--config", str(project / "review.yml"), *extra]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, env=env)


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    project = make_project(tmp_path_factory.mktemp("site"))
    run = generate(project, "--input", str(project / "hostile"))
    assert run.returncode == 0, run.stdout + run.stderr
    build = mkdocs_build(project)
    assert build.returncode == 0, build.stderr
    return project, run


def all_html(project: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((project / "site").rglob("*.html")))


def test_paper_text_never_becomes_live_html(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    html = all_html(built[0])
    for live in ('<script>alert("title-xss")', "<img src=x onerror", "<iframe", '<a href="javascript:', "<b>bold</b>", "<b>tag</b>"):
        assert live not in html, live
    assert not re.search(r"""href=["']?\s*javascript:""", html, re.I)
    assert ">there</a>" not in html and ">a link</a>" not in html, "Markdown link syntax in paper text became a link"
    text = unescape(html)
    assert "{{ 7*7 }}" in text and "{% if true %}JINJA-EVALUATED{% endif %}" in text, "template syntax was evaluated"
    assert "admonition-injection" in text and 'class="admonition danger"' not in html


def test_hostile_text_stays_visible_as_text(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    text = unescape(re.sub(r"<[^>]+>", " ", all_html(built[0])))
    assert '<script>alert("title-xss")</script> Attention Is Not Enough' in text
    assert '[here](javascript:alert("md-link"))' in text
    assert "‮" not in text and "\u200b" not in text, "bidi override or zero-width character reached a page"
    # A user's own BibTeX entry is shown as written: snippet lines inside it stay text.
    assert '--8<-- "/etc/passwd"' in text and "-8<- [start:cut] kept" in text


def test_every_valid_paper_is_kept_and_bad_spots_reported(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    project, run = built
    papers = json.loads((project / "docs" / "downloads" / "papers.json").read_text(encoding="utf-8"))
    titles = {p["title"] for p in papers}
    assert len(papers) == 183 + 7, sorted(t for t in titles if "Layer" in t or "hostile" in t.lower())
    assert any("Path traversal key" in t for t in titles)
    assert "hostile/hostile.bib:13" in run.stdout, run.stdout  # the unbalanced entry, by file and line
    assert "conservation check ok" in run.stdout


def test_no_file_outside_the_generated_folders(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    project = built[0]
    docs = project / "docs"
    top_level = {p.name for p in docs.iterdir()}
    assert top_level == {"index.md", "notes.md", "review", "downloads"}
    assert (docs / "notes.md").read_text(encoding="utf-8") == HAND_WRITTEN
    assert not (project / "etc").exists() and not (ROOT.parent / "etc" / "passwd.md").exists()


def test_downloads_exist_and_bib_parses(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    downloads = built[0] / "site" / "downloads"
    for name in ("references.bib", "references.ris", "references.json", "papers.json"):
        assert (downloads / name).stat().st_size > 0, name
    library = bibtexparser.parse_string((downloads / "references.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert len(library.entries) == 190
    topic_files = sorted((downloads / "topics").glob("*.bib"))
    assert sum(len(bibtexparser.parse_string(p.read_text(encoding="utf-8")).entries) for p in topic_files) == 190


def test_rebuild_is_byte_identical_and_writes_nothing(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    project = built[0]
    before = tree_digest(project / "docs")
    mtimes = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*") if p.is_file()}
    run = generate(project, "--input", str(project / "hostile"))
    assert run.returncode == 0
    assert tree_digest(project / "docs") == before
    assert {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*") if p.is_file()} == mtimes
    assert "wrote 0 files" in run.stdout


def test_strict_flag_fails_on_warnings(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    assert generate(built[0], "--input", str(built[0] / "hostile"), "--strict").returncode == 1


def test_keys_are_stable_when_a_paper_is_added(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert generate(project).returncode == 0
    first = {p["title"]: p["key"] for p in json.loads((project / "docs/downloads/papers.json").read_text(encoding="utf-8"))}
    extra = project / "papers" / "extra.yml"
    extra.write_text('papers:\n  - title: "GPTQ: Another Paper Sharing a Key Prefix"\n    year: 2022\n', encoding="utf-8")
    assert generate(project).returncode == 0
    second = {p["title"]: p["key"] for p in json.loads((project / "docs/downloads/papers.json").read_text(encoding="utf-8"))}
    assert len(second) == len(first) + 1
    assert all(second[title] == key for title, key in first.items())


def test_the_reviews_own_title_names_the_site(tmp_path: Path) -> None:
    # README: edit review.yml's title, and the site is named by it (tab, header, home heading).
    project = make_project(tmp_path)
    review = (project / "review.yml").read_text(encoding="utf-8")
    (project / "review.yml").write_text(review.replace("title: Efficient Training of Machine Learning Models", 'title: "Robot Learning: Q&A <draft>"'), encoding="utf-8")
    assert generate(project, "--quiet").returncode == 0
    assert mkdocs_build(project).returncode == 0
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>([^<]*)</title>", home)
    assert title and unescape(title[1]) == "Robot Learning: Q&A <draft>"
    heading = re.search(r"<h1[^>]*>([^<]*)<", home)
    assert heading and unescape(heading[1]) == "Robot Learning: Q&A <draft>"  # shown as written, not as HTML
    # Material escapes the logo's tooltip itself: "&" must reach it unescaped ("<" cannot).
    tooltip = re.search(r'title="([^"]*)" class="md-header__button md-logo"', home)
    assert tooltip and unescape(tooltip[1]).startswith("Robot Learning: Q&A ")
    assert "Efficient Training of Machine Learning Models" not in home
