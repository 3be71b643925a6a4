"""The writer: only what changed, only in its folders, and all or nothing when a run dies."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator import write
from generator.write import Output, OutputError, commit, staged_output, staging_dir, write_output


def tree(docs: Path) -> dict[str, bytes]:
    """The files of docs/, without the writer's own hidden lock and journal."""
    files = (p.relative_to(docs).as_posix() for p in sorted(docs.rglob("*")) if p.is_file())
    return {f: (docs / f).read_bytes() for f in files if not f.startswith(".")}


def output(files: dict[str, str]) -> Output:
    out = Output()
    for path, text in files.items():
        out.add(path, text)
    return out


OLD = {"review/a.md": "old a", "review/b.md": "old b", "review/gone.md": "stale", "downloads/x.bib": "old x"}
NEW = {"review/a.md": "new a", "review/b.md": "old b", "review/c.md": "new c", "downloads/x.bib": "new x"}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "notes.md").parent.mkdir(parents=True)
    (docs / "notes.md").write_text("hand-written", encoding="utf-8")
    write_output(output(OLD), docs)
    return docs


def _write_recorded(docs: Path, files: dict[str, str], record: Path) -> write.WriteReport:
    with staged_output(docs, record) as staged:
        for path, content in files.items():
            staged.add(path, content)
        return commit(staged)


def test_writes_only_changed_files_and_removes_stale_ones(docs: Path, tmp_path: Path) -> None:
    record = tmp_path / "written.json"
    shutil.rmtree(docs / "review")
    shutil.rmtree(docs / "downloads")
    _write_recorded(docs, OLD, record)
    report = _write_recorded(docs, NEW, record)
    assert report.written == ("downloads/x.bib", "review/a.md", "review/c.md")
    assert report.unchanged == 1
    assert report.removed == ("review/gone.md",) and report.set_aside == ()
    assert tree(docs) == {"notes.md": b"hand-written", **{k: v.encode() for k, v in NEW.items()}}
    assert _write_recorded(docs, NEW, record).written == ()
    assert staging_dir(docs).exists() is False


def test_a_file_the_generator_did_not_write_is_set_aside_never_deleted_or_overwritten(docs: Path, tmp_path: Path) -> None:
    record = tmp_path / "written.json"
    shutil.rmtree(docs / "review")
    shutil.rmtree(docs / "downloads")
    _write_recorded(docs, NEW, record)
    (docs / "review" / "my-notes.md").write_text("mine", encoding="utf-8")  # beside generated pages
    (docs / "downloads" / "slides.pdf").write_bytes(b"%PDF")
    (docs / "review" / "d.md").write_text("mine too", encoding="utf-8")  # where a new topic's page goes
    report = _write_recorded(docs, {**NEW, "review/d.md": "new d"}, record)
    assert report.set_aside == ("downloads/slides.pdf", "review/d.md", "review/my-notes.md") and report.removed == ()
    aside = tmp_path / write.SET_ASIDE_DIR
    assert tree(aside) == {"downloads/slides.pdf": b"%PDF", "review/d.md": b"mine too", "review/my-notes.md": b"mine"}
    assert (docs / "review" / "d.md").read_text(encoding="utf-8") == "new d"
    (docs / "review" / "my-notes.md").write_text("mine, again", encoding="utf-8")
    _write_recorded(docs, {**NEW, "review/d.md": "new d"}, record)
    assert (aside / "review" / "my-notes.md.1").read_text(encoding="utf-8") == "mine, again"  # beside, not over, the first


def test_without_a_record_a_file_no_longer_produced_is_set_aside(docs: Path, tmp_path: Path) -> None:
    # The fixture wrote OLD without a record: which files were generated is not known.
    report = write_output(output(NEW), docs)
    assert report.removed == () and report.set_aside == ("review/gone.md",)
    assert (tmp_path / write.SET_ASIDE_DIR / "review" / "gone.md").read_text(encoding="utf-8") == "stale"
    assert report.written == ("downloads/x.bib", "review/a.md", "review/c.md")  # overwritten: no record says whose


def _write_in_parts(docs: Path, files: dict[str, list[str]], record: Path | None = None) -> write.WriteReport:
    with staged_output(docs, record) as staged:
        for path, parts in files.items():
            staged.add_parts(path, iter(parts))
        return commit(staged)


def test_a_file_written_in_parts_is_the_joined_parts_and_unchanged_parts_write_nothing(docs: Path, tmp_path: Path) -> None:
    record = tmp_path / "written.json"
    parts = {"downloads/x.bib": ["new ", "x", "é—"], "review/b.md": ["old", " b"]}
    report = _write_in_parts(docs, parts, record)
    assert report.written == ("downloads/x.bib",) and report.unchanged == 1  # review/b.md held "old b"
    assert (docs / "downloads/x.bib").read_text(encoding="utf-8") == "new xé—"
    before = (docs / "downloads/x.bib").stat().st_mtime_ns
    assert _write_in_parts(docs, parts, record).written == ()  # same parts: the record vouches for them
    assert (docs / "downloads/x.bib").stat().st_mtime_ns == before
    assert _write_in_parts(docs, {"downloads/x.bib": ["new ", "x", "é—"]}).written == ()  # no record: compared byte by byte
    assert _write_in_parts(docs, {"downloads/x.bib": ["new ", "y", "é—"]}).written == ("downloads/x.bib",)  # same size, other bytes
    assert not staging_dir(docs).exists()


def test_files_written_in_turn_from_one_pass_are_their_joined_parts(docs: Path) -> None:
    firsts, seconds = itertools.tee(iter([("a", "1"), ("b", "2"), ("c", "3")]))  # one pass making a part of each file
    with staged_output(docs) as staged:
        staged.add_parts_in_turn({"downloads/x.ris": (a for a, _ in firsts), "downloads/x.json": iter(["[", *(b for _, b in seconds), "]"])})
        commit(staged)
    assert (docs / "downloads/x.ris").read_text(encoding="utf-8") == "abc"
    assert (docs / "downloads/x.json").read_text(encoding="utf-8") == "[123]"
    in_memory = Output()
    in_memory.add_parts_in_turn({"downloads/x.ris": iter(["a", "b"]), "downloads/y.ris": iter([])})
    assert in_memory.files == {"downloads/x.ris": b"ab", "downloads/y.ris": b""}


def test_refuses_paths_outside_its_folders() -> None:
    for path in ("notes.md", "../x.md", "/etc/passwd", "review/../../x"):
        with pytest.raises(OutputError):
            Output().add(path, "x")


def test_crash_while_staging_leaves_the_previous_tree_intact(docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree(docs)
    calls = 0
    real = Path.write_bytes

    def dies_on_the_second_file(self: Path, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk full")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", dies_on_the_second_file)
    with pytest.raises(OSError):
        write_output(output(NEW), docs)
    monkeypatch.undo()
    assert tree(docs) == before
    write_output(output(NEW), docs)  # the next run throws the half-staged write away
    assert not staging_dir(docs).exists()
    assert tree(docs) == {"notes.md": b"hand-written", **{k: v.encode() for k, v in NEW.items()}}


def test_crash_after_the_commit_point_is_finished_by_the_next_run(docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace
    moves = 0

    def dies_mid_apply(source: os.PathLike[str], target: os.PathLike[str]) -> None:
        nonlocal moves
        moves += 1
        if moves == 3:  # the commit marker, then one file moved, then the crash
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(write.os, "replace", dies_mid_apply)
    with pytest.raises(KeyboardInterrupt):
        write_output(output(NEW), docs)
    monkeypatch.undo()
    write.recover(docs)
    assert not staging_dir(docs).exists()
    assert tree(docs) == {"notes.md": b"hand-written", **{k: v.encode() for k, v in NEW.items()}}


def test_a_journal_that_cannot_be_read_is_reported_not_replayed(docs: Path) -> None:
    staging = staging_dir(docs)
    staging.mkdir()
    (staging / write.COMMITTED).write_bytes(b"")
    with pytest.raises(OutputError, match="cannot be read"):
        write_output(output(NEW), docs)


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """`folder` made unwritable even for root (who ignores permissions): immutable, where
    the file system supports it; else read-only, for other users."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not supported here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def test_an_unwritable_folder_fails_the_write_before_anything_changes(docs: Path) -> None:
    before = tree(docs)
    with unwritable(docs / "review"), pytest.raises(OutputError, match="cannot write in this folder"):
        write_output(output({"review/a.md": "new a\n", "downloads/papers.json": "[1]\n"}), docs)
    assert tree(docs) == before
    assert not staging_dir(docs).exists()
    write_output(output({"review/a.md": "new a\n", "downloads/papers.json": "[1]\n"}), docs)  # writable again: it goes through


def test_a_folder_on_another_file_system_fails_the_write_before_anything_changes(docs: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = Path("/dev/shm") / tmp_path_factory.mktemp("x").name
    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == os.stat(docs).st_dev:
        pytest.skip("needs a second file system")
    elsewhere.mkdir()
    try:
        (elsewhere / "x.bib").write_text("old x", encoding="utf-8")
        (docs / "downloads" / "x.bib").unlink()
        (docs / "downloads").rmdir()
        (docs / "downloads").symlink_to(elsewhere)  # a user's link to another disk
        before = tree(docs)
        with pytest.raises(OutputError, match="another file system"):
            write_output(output({"review/a.md": "new a\n", "downloads/x.bib": "new x"}), docs)
        assert tree(docs) == before and not staging_dir(docs).exists()
    finally:
        for path in elsewhere.iterdir():
            path.unlink()
        elsewhere.rmdir()
