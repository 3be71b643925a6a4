"""The whole build on the bundled sample, in a temporary project: papers.json has the shape
DESIGN.md fixes, nothing is lost, builds are byte-identical, hand-written pages survive."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from generator import pipeline
from generator.config import load_config
from generator.pipeline import Report, build
from generator.readers import find_input_files, read_inputs
from generator.readers.result import InputError
from generator.render import anchor

REPO = Path(__file__).resolve().parents[1]
CONFIG = "title: Sample review\ninputs:\n  - papers/\nreference_year: 2025\n"
FIELDS = {
    "key",
    "title",
    "abstract",
    "year",
    "month",
    "authors",
    "author_count",
    "organization",
    "upvotes",
    "topic",
    "tags",
    "tldr",
    "related",
    "sources",
    "urls",
}
NOTES = "# My notes\n\nWritten by hand; the generator must never touch this.\n"


def make_project(root: Path) -> Path:
    shutil.copytree(REPO / "papers", root / "papers")
    (root / "review.yml").write_text(CONFIG, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "notes.md").write_text(NOTES, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    root = make_project(tmp_path_factory.mktemp("project"))
    stale = root / "docs" / "review" / "stale-page-from-an-old-run.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("old\n", encoding="utf-8")
    report = build(load_config(root / "review.yml"))
    return root, report


@pytest.fixture(scope="module")
def dataset(built: tuple[Path, Report]) -> list[dict]:
    root, _ = built
    return json.loads((root / "docs" / "downloads" / "papers.json").read_text(encoding="utf-8"))


def fold(text: str) -> str:
    """Letters and digits only, for comparing a raw title line with a display title."""
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFKD", text).casefold())


def test_the_builds_collection_setting_ends_with_it_even_when_it_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make serve` runs build after build in one process, and watches on after one fails:
    the rarer collections of young objects that a build runs with must not outlive it."""
    before = gc.get_threshold()
    during = []

    def failing_build(*_: object) -> Report:
        during.append(gc.get_threshold())
        raise RuntimeError("a stage failed")

    monkeypatch.setattr(pipeline, "_build", failing_build)
    with pytest.raises(RuntimeError):
        build(load_config(make_project(tmp_path) / "review.yml"))
    assert during == [(pipeline.YOUNG_COLLECTION_EVERY, *before[1:])]
    assert gc.get_threshold() == before


# --- the report ---------------------------------------------------------------------------------


def test_conservation_check(built: tuple[Path, Report]) -> None:
    _, report = built
    assert report.records_read == report.entries_read == 196
    assert report.rejected == 0
    assert len(report.papers) == 183
    assert report.merged_away == 13
    assert report.conserved
    assert report.errors == []


def test_conservation_counts_rejected_entries_and_catches_a_lost_paper(built: tuple[Path, Report]) -> None:
    _, report = built
    with_rejects = replace(report, rejected=3)
    assert with_rejects.entries_read == 199
    assert with_rejects.conserved
    lost_one = replace(report, papers=report.papers[1:])
    assert not lost_one.conserved


# --- papers.json ----------------------------------------------------------------------------------


def test_papers_json_has_183_objects_with_exactly_the_documented_fields(dataset: list[dict]) -> None:
    assert isinstance(dataset, list)
    assert len(dataset) == 183
    for paper in dataset:
        assert set(paper) == FIELDS, paper.get("key")


def test_papers_json_field_types(dataset: list[dict]) -> None:
    keys = {paper["key"] for paper in dataset}
    assert len(keys) == 183
    assert len({key.lower() for key in keys}) == 183
    for paper in dataset:
        assert isinstance(paper["key"], str) and paper["key"]
        assert isinstance(paper["title"], str) and paper["title"]
        assert isinstance(paper["abstract"], str)
        assert paper["year"] is None or isinstance(paper["year"], int)
        assert paper["month"] is None or (isinstance(paper["month"], int) and 1 <= paper["month"] <= 12)
        assert isinstance(paper["authors"], list) and all(isinstance(a, str) for a in paper["authors"])
        assert paper["author_count"] is None or (isinstance(paper["author_count"], int) and paper["author_count"] > 0)
        assert paper["organization"] is None or isinstance(paper["organization"], str)
        assert paper["upvotes"] is None or isinstance(paper["upvotes"], int)
        assert set(paper["topic"]) == {"slug", "title"}
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", paper["topic"]["slug"])
        assert isinstance(paper["topic"]["title"], str) and paper["topic"]["title"]
        assert isinstance(paper["tags"], list) and all(isinstance(t, str) and t for t in paper["tags"])
        assert isinstance(paper["tldr"], str)
        assert isinstance(paper["related"], list) and set(paper["related"]) <= keys - {paper["key"]}
        assert isinstance(paper["urls"], list) and all(re.match(r"https?://", u) for u in paper["urls"])


def test_sources_are_path_line_of_each_title(built: tuple[Path, Report], dataset: list[dict]) -> None:
    root, _ = built
    seen = []
    for paper in dataset:
        assert paper["sources"] == sorted(paper["sources"], key=lambda s: (s.rsplit(":", 1)[0], int(s.rsplit(":", 1)[1])))
        for source in paper["sources"]:
            match = re.fullmatch(r"(papers/\d{3}_[0-9a-f]{16}\.txt):(\d+)", source)
            assert match, source
            line = (root / match[1]).read_text(encoding="utf-8").splitlines()[int(match[2]) - 1]
            assert fold(line) == fold(paper["title"]), (source, line, paper["title"])
            seen.append(source)
    assert len(seen) == len(set(seen)) == 196


KNOWN = [
    # title, year, month, author_count, organization, upvotes, sources (read from the dumps by hand)
    (
        "Benchmarking Neural Network Training Algorithms",
        2023,
        6,
        25,
        None,
        1,
        ["papers/000_dc6dbf71c2996150.txt:91", "papers/001_dddf701e1ef19054.txt:27", "papers/003_97c4bdf2a185f57e.txt:61"],
    ),
    ("MiniCPM4: Ultra-Efficient LLMs on End Devices", 2025, 6, None, "OpenBMB", 5, ["papers/002_dc74ac00e6a7abb4.txt:237"]),
    (
        "E²GAN: Efficient Training of Efficient GANs for Image-to-Image Translation",
        None,
        None,
        None,
        None,
        None,
        ["papers/000_dc6dbf71c2996150.txt:15"],
    ),
]


@pytest.mark.parametrize(("title", "year", "month", "authors", "organization", "upvotes", "sources"), KNOWN, ids=[k[0][:20] for k in KNOWN])
def test_known_papers(dataset: list[dict], title: str, year, month, authors, organization, upvotes, sources) -> None:
    [paper] = [p for p in dataset if p["title"] == title]
    assert (paper["year"], paper["month"], paper["author_count"], paper["organization"], paper["upvotes"]) == (
        year,
        month,
        authors,
        organization,
        upvotes,
    )
    assert paper["sources"] == sources
    assert paper["authors"] == []  # Daily Papers dumps give a count, never names


def test_downloads_have_their_stable_urls(built: tuple[Path, Report], dataset: list[dict]) -> None:
    downloads = built[0] / "docs" / "downloads"
    for name in ("references.bib", "references.ris", "references.json", "papers.json"):
        assert (downloads / name).is_file(), name
    for slug in {paper["topic"]["slug"] for paper in dataset}:
        assert (downloads / "topics" / f"{slug}.bib").is_file(), slug


def test_each_topic_page_links_the_papers_it_is_a_secondary_topic_of(built: tuple[Path, Report]) -> None:
    root, report = built
    secondary = [(slug, paper) for paper in report.papers for slug in paper.secondary_topics if slug in {p.topic for p in report.papers}]
    assert secondary, "no paper of the sample has a secondary topic with a page"
    for slug, paper in secondary:
        page = (root / "docs" / "review" / "topics" / f"{slug}.md").read_text(encoding="utf-8")
        relevant = page.split("## Also relevant", 1)[1]
        assert f"#{anchor(paper.key)})" in relevant, (slug, paper.key)


# --- what is the generator's and what is not -------------------------------------------------------


def test_hand_written_page_survives_and_stale_output_is_pruned(built: tuple[Path, Report]) -> None:
    root, _ = built
    assert (root / "docs" / "notes.md").read_text(encoding="utf-8") == NOTES
    assert not (root / "docs" / "review" / "stale-page-from-an-old-run.md").exists()


def test_a_second_build_changes_nothing(built: tuple[Path, Report]) -> None:
    root, _ = built
    before = tree(root)
    report = build(load_config(root / "review.yml"))
    assert report.written is not None
    assert report.written.written == () and report.written.removed == ()
    assert tree(root) == before
    assert (root / "docs" / "notes.md").read_text(encoding="utf-8") == NOTES


# --- byte-identical builds -----------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    """Every generated file: docs/ and the state files beside review.yml."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "docs").rglob("*")) if p.is_file()}
    for name in ("citation-keys.yml", "discovered-topics.yml"):
        if (root / name).exists():
            files[name] = (root / name).read_bytes()
    return files


def start_build(root: Path, hash_seed: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", "build", "--quiet"]
    return subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_fresh_builds_are_byte_identical(tmp_path: Path) -> None:
    # Different hash seeds: set and dict ordering must not leak into the output.
    one, two = make_project(tmp_path / "one"), make_project(tmp_path / "two")
    for process in [start_build(one, "1"), start_build(two, "2")]:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    first, second = tree(one), tree(two)
    assert "docs/downloads/papers.json" in first
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


# --- finding the inputs ----------------------------------------------------------------------------

ABSTRACT = "We show that a careful choice of learning rate and batch size makes the training of large models cheaper than before."


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    (tmp_path / "papers" / "sub").mkdir(parents=True)
    (tmp_path / "papers" / "a.txt").write_text(f"Paper A\n\n{ABSTRACT}\n", encoding="utf-8")
    (tmp_path / "papers" / "sub" / "b.bib").write_text("@article{b, title={Paper B}, year={2020}}\n", encoding="utf-8")
    (tmp_path / "papers" / "sub" / "c.yaml").write_text("- title: Paper C\n", encoding="utf-8")
    (tmp_path / "papers" / "README.md").write_text("not an input\n", encoding="utf-8")
    (tmp_path / "papers" / ".hidden.txt").write_text(f"Hidden\n\n{ABSTRACT}\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    return tmp_path


def names(files: list[Path], root: Path) -> list[str]:
    return [f.relative_to(root).as_posix() for f in files]


def test_folders_are_searched_recursively_for_known_types(inputs: Path) -> None:
    files, problems = find_input_files(["papers/"], inputs)
    assert names(files, inputs) == ["papers/a.txt", "papers/sub/b.bib", "papers/sub/c.yaml"]
    assert problems == []


def test_a_file_named_twice_is_read_once(inputs: Path) -> None:
    files, _ = find_input_files(["papers/", "papers/a.txt", str(inputs / "papers" / "a.txt"), "papers/*.txt"], inputs)
    assert names(files, inputs) == ["papers/a.txt", "papers/sub/b.bib", "papers/sub/c.yaml"]


PROBLEM_CASES = [
    (["missing/"], "missing/:0: error: input not found"),
    (["papers/*.ris"], "papers/*.ris:0: error: no files match this pattern"),
    (["notes.csv"], "notes.csv:0: warning: unknown input type '.csv' skipped"),
]


@pytest.mark.parametrize(("patterns", "problem"), PROBLEM_CASES)
def test_inputs_that_give_nothing_are_reported(inputs: Path, patterns: list[str], problem: str) -> None:
    files, problems = find_input_files(patterns, inputs)
    assert files == []
    assert [str(p)[: len(problem)] for p in problems] == [problem]


@pytest.mark.parametrize("patterns", [["missing/"], ["papers/*.ris"], ["papers/", "papers/*.ris"]])
def test_an_input_that_gives_no_file_stops_the_reading(inputs: Path, patterns: list[str]) -> None:
    with pytest.raises(InputError, match="nothing was built, and the site is as it was"):
        read_inputs(patterns, inputs, 2025)


def test_a_file_or_folder_that_cannot_be_read_stops_the_reading(inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "b.bib":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(InputError, match=r"papers/sub/b\.bib: cannot read: Permission denied"):
        read_inputs(["papers/"], inputs, 2025)
    real_walk = os.walk
    monkeypatch.setattr(os, "walk", lambda top, onerror=None: real_walk(inputs / "no-such-folder", onerror=onerror))
    with pytest.raises(InputError, match="cannot list folder"):
        read_inputs(["papers/"], inputs, 2025)


def test_a_link_to_a_file_that_is_gone_stops_the_reading(inputs: Path) -> None:
    (inputs / "papers" / "old.txt").symlink_to(inputs / "moved-away.txt")
    with pytest.raises(InputError, match=r"papers/old\.txt: cannot read: a link to '.*moved-away\.txt', which does not exist"):
        read_inputs(["papers/"], inputs, 2025)


def test_globs_give_files_only(inputs: Path) -> None:
    files, problems = find_input_files(["papers/**"], inputs)
    assert [str(p.source) for p in problems] == ["papers/README.md:0"]  # a file of no known type
    assert "papers/sub/b.bib" in names(files, inputs)
    assert all(f.is_file() for f in files)


def test_read_inputs_shows_paths_relative_to_the_config(inputs: Path) -> None:
    result = read_inputs(["papers/"], inputs, 2025)
    assert sorted(str(r.source) for r in result.records) == ["papers/a.txt:1", "papers/sub/b.bib:1", "papers/sub/c.yaml:1"]
    assert result.problems == ()


def test_inputs_outside_the_project_are_shown_relative_to_it(inputs: Path) -> None:
    project = inputs / "project"
    project.mkdir()
    result = read_inputs(["../papers/sub/"], project, 2025)
    assert sorted(str(r.source) for r in result.records) == ["../papers/sub/b.bib:1", "../papers/sub/c.yaml:1"]


def test_all_papers_are_listed_by_title_and_each_year_newest_first(built: tuple[Path, Report]) -> None:
    root, report = built
    listing = (root / "docs" / "review" / "papers.md").read_text(encoding="utf-8")
    titles = [report.papers[[p.key for p in report.papers].index(key)].title for key in re.findall(r"#p-[^)]*\) · [^`]*`([^`]+)`", listing)]
    assert len(titles) == len(report.papers)
    folded = ["".join(c for c in unicodedata.normalize("NFKD", title.casefold()) if not unicodedata.combining(c)) for title in titles]
    lettered = [title for title in folded if "a" <= next(c for c in title if c.isalnum()) <= "z"]
    assert lettered == sorted(lettered)
    years = (root / "docs" / "review" / "years.md").read_text(encoding="utf-8")
    section = years.split("## 2025", 1)[1].split("\n## ", 1)[0]
    months = re.findall(r"\) · (\w{3}) 2025", section)
    order = ["Dec", "Nov", "Oct", "Sep", "Aug", "Jul", "Jun", "May", "Apr", "Mar", "Feb", "Jan"]
    assert months and months == sorted(months, key=order.index), months
