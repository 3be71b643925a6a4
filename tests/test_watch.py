"""`generator watch`: a change to an input or the configuration triggers one rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import watch as watching


def project(tmp_path: Path) -> Path:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "a.bib").write_text("@misc{a, title={A}}\n", encoding="utf-8")
    config = tmp_path / "review.yml"
    config.write_text("inputs: [papers/]\n", encoding="utf-8")
    return config


def run(config: Path, monkeypatch: pytest.MonkeyPatch, change) -> int:
    """Polls three times; `change` runs during the first poll's sleep. Returns rebuilds."""
    sleeps = []

    def sleep(_: float) -> None:
        sleeps.append(1)
        if len(sleeps) == 1:
            change()

    monkeypatch.setattr(watching.time, "sleep", sleep)
    rebuilds: list[int] = []
    watching.watch(config, lambda: rebuilds.append(1), rounds=3)
    return len(rebuilds)


def test_nothing_changed_means_no_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(project(tmp_path), monkeypatch, lambda: None) == 0


def test_an_edited_input_rebuilds_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project(tmp_path)
    assert run(config, monkeypatch, lambda: (tmp_path / "papers" / "a.bib").write_text("@misc{a, title={A paper}}\n")) == 1


def test_a_new_input_file_or_config_edit_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project(tmp_path)
    assert run(config, monkeypatch, lambda: (tmp_path / "papers" / "b.bib").write_text("@misc{b, title={B}}\n")) == 1
    assert run(config, monkeypatch, lambda: config.write_text("title: Renamed review\ninputs: [papers/]\n")) == 1


def test_a_new_or_removed_hand_written_page_rebuilds_for_the_navigation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project(tmp_path)
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "notes.md"
    assert run(config, monkeypatch, lambda: page.write_text("# Notes\n")) == 1
    assert run(config, monkeypatch, lambda: page.write_text("# Notes, edited\n")) == 0  # its content is no part of the navigation
    assert run(config, monkeypatch, page.unlink) == 1
