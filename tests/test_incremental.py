"""Re-runs as `mkdocs serve` sees them: it rebuilds on any file event under docs/ (watchdog
reports even a file being opened), so an unchanged re-run must not touch docs/ at all."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator import pages
from generator.cli import main
from generator.config import load_config
from generator.pipeline import build
from generator.write import Output, OutputError

ROOT = Path(__file__).resolve().parent.parent


class Recorder(FileSystemEventHandler):
    """What mkdocs serve's own handler reacts to: every event that is not about a folder."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.events.append(f"{type(event).__name__} {event.src_path}")


def events_during(docs: Path, action) -> list[str]:
    recorder = Recorder()
    observer = Observer()
    observer.schedule(recorder, str(docs), recursive=True)
    observer.start()
    try:
        time.sleep(0.3)
        action()
        time.sleep(0.5)
    finally:
        observer.stop()
        observer.join()
    return recorder.events


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "review.yml", tmp_path / "review.yml")
    shutil.copytree(ROOT / "papers", tmp_path / "papers")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    return tmp_path


def test_an_unchanged_rerun_causes_no_file_event_in_docs(project: Path) -> None:
    config = load_config(project / "review.yml")
    build(config)
    assert events_during(project / "docs", lambda: build(config)) == []


def test_an_edited_generated_file_is_noticed_and_restored(project: Path) -> None:
    config = load_config(project / "review.yml")
    build(config)
    page = project / "docs" / "review" / "about.md"
    original = page.read_bytes()
    page.write_text("edited by hand\n", encoding="utf-8")
    report = build(config)
    assert report.written is not None and "review/about.md" in report.written.written
    assert page.read_bytes() == original


def test_adding_a_paper_rewrites_only_some_pages(project: Path) -> None:
    config = load_config(project / "review.yml")
    build(config)
    (project / "papers" / "extra.bib").write_text(
        "@article{extra2025, title={A Study of Gradient Checkpointing for Memory-Efficient Training}, year={2025},"
        " abstract={We propose a checkpointing schedule that cuts activation memory by half during training.}}\n",
        encoding="utf-8",
    )
    report = build(config)
    assert report.written is not None
    total = len(report.written.written) + report.written.unchanged
    assert 0 < len(report.written.written) < total


def test_an_unchanged_rerun_does_not_render_the_site_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering every page only to find it unchanged took most of a re-run."""
    config = load_config(project / "review.yml")
    build(config)
    monkeypatch.setattr(pages, "site_files", lambda *_: pytest.fail("rendered although nothing changed"))
    report = build(config)
    assert report.written is not None and not report.written.written and report.written.unchanged > 0


def test_a_generated_file_edited_by_hand_is_rendered_again(project: Path) -> None:
    config = load_config(project / "review.yml")
    build(config)
    page = project / "docs" / "review" / "about.md"
    original = page.read_bytes()
    page.write_text("edited\n", encoding="utf-8")
    report = build(config)
    assert report.written is not None and report.written.written == ("review/about.md",)
    assert page.read_bytes() == original


def test_a_new_hand_written_page_reaches_the_navigation(project: Path) -> None:
    config = load_config(project / "review.yml")
    build(config)
    (project / "docs" / "notes.md").write_text("# My notes\n", encoding="utf-8")
    build(config)
    assert "notes.md" in (project / "docs" / "review" / "_nav.yml").read_text(encoding="utf-8")


def test_a_file_put_in_the_generated_folders_is_set_aside_and_named_even_when_quiet(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(project / "review.yml")
    build(config)
    stray = project / "docs" / "review" / "my-notes.md"
    stray.write_text("mine\n", encoding="utf-8")
    assert main(["build", "--config", str(project / "review.yml"), "--quiet"]) == 0
    assert not stray.exists() and (project / "docs-set-aside" / "review" / "my-notes.md").read_text(encoding="utf-8") == "mine\n"
    assert "set aside: docs/review/my-notes.md was not written by the generator" in capsys.readouterr().out


def test_a_moved_checkout_does_not_render_the_site_again(project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    build(load_config(project / "review.yml"))
    moved = tmp_path_factory.mktemp("elsewhere") / "review"
    shutil.copytree(project, moved)  # keeps modification times, as `mv` or a copy with -p does
    monkeypatch.setattr(pages, "site_files", lambda *_: pytest.fail("rendered although only the folder moved"))
    report = build(load_config(moved / "review.yml"))
    assert report.written is not None and not report.written.written


def test_a_full_disk_while_staging_changes_nothing_and_says_so_but_keys_are_kept(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(load_config(project / "review.yml"))
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()}
    (project / "citation-keys.yml").unlink()
    dump = sorted((project / "papers").glob("*.txt"))[0]
    dump.write_text(dump.read_text(encoding="utf-8").replace("We propose", "We present", 1), encoding="utf-8")

    def no_space(self: Output, path: str, parts: object) -> None:
        raise OSError(28, "No space left on device", str(project / "docs" / path))

    monkeypatch.setattr(Output, "add_parts", no_space)
    with pytest.raises(OutputError, match=r"No space left on device; nothing in .* was changed"):
        build(load_config(project / "review.yml"))
    assert {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()} == before
    assert (project / "citation-keys.yml").exists()  # kept before the site: keys are never handed out afresh
