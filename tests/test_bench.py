"""`make bench` must keep working: its whole flow, on a corpus small enough for the suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import run
from bench.corpus import write_corpus


def test_corpus_has_duplicates_across_files_and_is_reproducible(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", 300)
    second = write_corpus(tmp_path / "b", 300)
    assert first == second
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["dump_00000.txt", "references.bib"]
    bib = (tmp_path / "a" / "references.bib").read_text(encoding="utf-8")
    dump = (tmp_path / "a" / "dump_00000.txt").read_text(encoding="utf-8")
    in_both = [p["title"] for p in first if p["title"] in bib and p["title"] in dump]
    assert in_both, "some papers must be in the dump and the .bib, for the merge stage"


def test_bench_measures_every_step_and_the_rerun_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "OUT", tmp_path)
    result = run.bench(300)
    assert result["rerun_written"] == 0
    assert result["generator_s"] > 0 and result["mkdocs_s"] > 0 and result["generator_mb"] > 0
    assert 0 < result["largest_page_kb"] < 1000
    assert result["material_index_mb"] > 0  # a small review keeps Material's search
    assert result["generator_tree_mb"] > 0
    assert 0 < result["added_written"] < result["files"], "adding a paper rewrites the pages it touches, not the whole site"


def test_each_bench_starts_cold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from an earlier run is left to help: no cache, no kept topics or keys."""
    monkeypatch.setattr(run, "OUT", tmp_path)
    project = run.prepare(300)
    for left_over in (".review-cache/analysis.json", "discovered-topics.yml", "citation-keys.yml", "docs/review/x.md"):
        (project / left_over).parent.mkdir(parents=True, exist_ok=True)
        (project / left_over).write_text("from an earlier run", encoding="utf-8")
    project = run.prepare(300)
    assert not (project / ".review-cache").exists()
    assert not (project / "discovered-topics.yml").exists() and not (project / "citation-keys.yml").exists()
    assert not (project / "docs" / "review").exists()
