"""A corpus too big for one page per topic: pages split, and none passes 1 MB of HTML."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from tests.test_site import ROOT, generate, mkdocs_build

MAX_PAGE_BYTES = 1_000_000
CONFIG = """\
title: Scale test
inputs: [papers/]
topics:
  - title: Systems
    slug: systems
    description: Parallelism, memory, kernels, communication, hardware and runtime.
    keywords: [parallelism, memory, kernels, communication, cluster, GPUs]
  - title: Models
    slug: models
    description: Quantization, pruning, adapters, experts, attention and distillation.
    keywords: [quantization, pruning, LoRA, experts, attention, distillation]
"""


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("scale") / "project"
    (project / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copy(ROOT / "docs" / "index.md", project / "docs" / "index.md")
    (project / "review.yml").write_text(CONFIG, encoding="utf-8")
    write_corpus(project / "papers", 1_500)
    run = generate(project, "--quiet")
    assert run.returncode == 0, run.stdout + run.stderr
    build = mkdocs_build(project)
    assert build.returncode == 0, build.stderr
    return project


def test_big_topics_and_listings_are_split_into_several_pages(big_site: Path) -> None:
    topic_pages = list((big_site / "docs" / "review" / "topics").glob("*--*.md"))
    assert len(topic_pages) >= 10
    assert len(list((big_site / "docs" / "review").glob("tags-?.md"))) > 1  # a page per initial


def test_no_built_page_exceeds_one_megabyte(big_site: Path) -> None:
    sizes = {page.relative_to(big_site).as_posix(): page.stat().st_size for page in (big_site / "site").rglob("*.html")}
    assert len(sizes) > 30
    too_big = {page: size for page, size in sizes.items() if size > MAX_PAGE_BYTES}
    assert not too_big


def test_every_paper_has_exactly_one_entry_across_the_topic_pages(big_site: Path) -> None:
    papers = json.loads((big_site / "docs" / "downloads" / "papers.json").read_text(encoding="utf-8"))
    entries = [
        line
        for page in (big_site / "docs" / "review" / "topics").glob("*.md")
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("## ") and "{ #p-" in line
    ]
    assert len(entries) == len(papers) == 1_500
