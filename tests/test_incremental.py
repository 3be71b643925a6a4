"""Re-runs as `mkdocs serve` sees them: it rebuilds on any file event under docs/ (watchdog
reports even a file being opened), so an unchanged re-run must not touch docs/ at all."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.config import load_config
from generator.pipeline import build

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
