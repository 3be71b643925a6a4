"""The analysis cache: an unchanged re-run reuses the results, any relevant change misses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import analysis, summaries
from generator.config import load_config
from generator.pipeline import build
from generator.write import OutputError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "review.yml", tmp_path / "review.yml")
    shutil.copytree(ROOT / "papers", tmp_path / "papers")
    (tmp_path / "docs").mkdir()
    return tmp_path


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = analysis.analyse

    def analyse(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "analyse", analyse)
    return calls


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def test_unchanged_rerun_reuses_the_analysis_and_gives_the_same_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    config = load_config(project / "review.yml")
    build(config)
    first = snapshot(project / "docs")
    second = build(config)
    assert len(calls) == 1
    assert second.written is not None and second.written.written == ()
    assert snapshot(project / "docs") == first


def test_an_edited_abstract_or_taxonomy_runs_the_analysis_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    build(load_config(project / "review.yml"))
    dump = sorted((project / "papers").glob("*.txt"))[0]
    text = dump.read_text(encoding="utf-8")
    dump.write_text(text.replace("We propose", "We present", 1), encoding="utf-8")
    build(load_config(project / "review.yml"))
    assert len(calls) == 2
    config = (project / "review.yml").read_text(encoding="utf-8")
    (project / "review.yml").write_text(config.replace("Distributed and parallel training", "Parallel training", 1), encoding="utf-8")
    build(load_config(project / "review.yml"))
    assert len(calls) == 3


def test_a_damaged_cache_is_ignored(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    config = load_config(project / "review.yml")
    build(config)
    cache_file = project / ".review-cache" / "analysis.json"
    cache_file.write_text("{not json", encoding="utf-8")
    build(config)
    assert len(calls) == 2


def test_a_changed_corpus_summarises_only_new_or_edited_papers(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(load_config(project / "review.yml"))
    summarised: list[str] = []
    real = summaries.summarize_text

    def counting_summaries(title_and_abstract: tuple[str, str]) -> summaries.Summary:
        summarised.append(title_and_abstract[0])
        return real(title_and_abstract)

    monkeypatch.setattr(summaries, "summarize_text", counting_summaries)
    dump = sorted((project / "papers").glob("*.txt"))[0]
    text = dump.read_text(encoding="utf-8")
    dump.write_text(text.replace("We propose", "We present", 1), encoding="utf-8")
    report = build(load_config(project / "review.yml"))
    assert len(summarised) == 1  # only the edited paper
    edited = next(p for p in report.papers if p.title == summarised[0])
    assert "We present" in edited.abstract


def test_a_cache_with_the_right_key_but_a_wrong_shape_is_ignored(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    config = load_config(project / "review.yml")
    build(config)
    cache_file = project / ".review-cache" / "analysis.json"
    data = json.loads(cache_file.read_text(encoding="utf-8"))
    del data["topics"]
    cache_file.write_text(json.dumps(data), encoding="utf-8")
    build(config)
    assert len(calls) == 2


def test_a_cache_that_cannot_be_written_costs_only_the_next_runs_work(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = Path.replace

    def read_only_cache(self: Path, target: Path) -> Path:
        if ".review-cache" in str(target) and Path(target).suffix == ".json":
            raise PermissionError(13, "Permission denied", str(target))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", read_only_cache)
    report = build(load_config(project / "review.yml"))  # no traceback: the site is built
    assert report.written is not None and report.written.written
    assert not list((project / ".review-cache").glob("*.tmp"))  # and no half-written cache left


def test_a_key_file_that_cannot_be_written_stops_the_run_before_the_site_changes(project: Path) -> None:
    (project / ".citation-keys.yml.tmp").mkdir()  # where the key file is written first: unwritable
    with pytest.raises(OutputError, match=r"citation-keys.yml: cannot write it .*; nothing in docs/ was changed"):
        build(load_config(project / "review.yml"))
    assert not (project / "docs" / "review").exists()
