"""Writing the generated files: only inside the generator's own folders, only what changed,
and all or nothing.

Everything is rendered in memory before this runs, so an error while reading or rendering
leaves the previous output untouched. Files whose bytes are unchanged are not touched (so
`mkdocs serve` does not rebuild), and files this generator wrote before but no longer
produces are removed: inside its own folders only, never elsewhere in `docs/`. A file in
its folders that it did not write (a page saved there by hand) is never deleted or
overwritten: it is moved to `docs-set-aside/` beside `docs/`, and the run says so.

A run that dies while writing must not leave half a site, so writing is a small journal,
as databases do it: every changed file is first written to a staging folder, `docs/.generator-staging/`,
together with the plan (what to replace, what to delete); a `COMMITTED` marker is then
created atomically, and only after that are the staged files renamed into place. A crash
before the marker leaves the previous tree as it was (the next run throws the staging
away); a crash after it is finished by the next run, which replays the plan.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from generator.config import Config

OWNED_DIRS = ("review", "downloads")  # relative to docs/
SET_ASIDE_DIR = "docs-set-aside"  # beside docs/: files found in OWNED_DIRS that the generator did not write


class OutputError(Exception):
    pass


def hand_written_pages(config: Config) -> list[str]:
    """Markdown pages in docs/ outside the generator's folders, for the navigation."""
    docs = config.root / config.docs_dir
    if not docs.is_dir():
        return []
    found = (p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    # MkDocs skips dot-folders (and so does this: the generator's staging folder is one).
    return sorted(
        p
        for p in found
        if p.split("/")[0] not in OWNED_DIRS and p != "index.md" and not any(part.startswith(".") for part in p.split("/"))
    )


class Output:
    """Files to write, by path relative to `docs/`. Like Pelican's writer, it refuses to be
    given the same path twice or a path outside the folders it owns.

    Made by `staged_output`, it keeps nothing in memory: each file that differs from the one
    in docs/ goes straight into the staging folder (a large site is gigabytes), and
    `commit` then puts them in place. Made directly, it holds the files in `files`."""

    def __init__(self, docs_dir: Path | None = None, written_before: dict[str, list[object]] | None = None) -> None:
        self.docs_dir = docs_dir
        self.files: dict[str, bytes] = {}  # held in memory when there is no docs_dir
        self.paths: set[str] = set()
        self.changed: list[str] = []  # staged: differs from docs/
        self.unchanged = 0
        self.written_before = written_before or {}  # path → [size, mtime_ns, sha256] after the last run
        self.digests: dict[str, str] = {}

    def add(self, path: str, content: str | bytes) -> None:
        self._claim(path)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if self.docs_dir is None:
            self.files[path] = data
            return
        self.digests[path] = hashlib.sha256(data).hexdigest()
        if _unchanged(self.docs_dir / path, len(data), self.digests[path], self.written_before.get(path), lambda old: old.read_bytes() == data):
            self.unchanged += 1
        else:
            staged = self._staged(path)
            staged.write_bytes(data)
            self.changed.append(path)

    def add_parts(self, path: str, parts: Iterable[str]) -> None:
        """`add(path, "".join(parts))` without the whole text in memory: a download of the
        whole corpus is 100-200 MB at 100,000 papers, twice that as a Python string once a
        single character is outside Latin-1. The parts go to the staging folder as they come."""
        self.add_parts_in_turn({path: parts})

    def add_parts_in_turn(self, files: dict[str, Iterable[str]]) -> None:
        """`add_parts` for several files, taking a part of each in turn: files made in one
        pass over the papers (its results split with `itertools.tee`) are then written as
        the pass goes, and none is held whole."""
        if self.docs_dir is None:
            for path, parts in files.items():
                self.add(path, "".join(parts))
            return
        for path in files:
            self._claim(path)
        with contextlib.ExitStack() as stack:
            staging = {path: stack.enter_context(_StagedFile(self._staged(path))) for path in files}
            for path, part in _in_turn(files):
                staging[path].write(part)
        for path, staged in staging.items():
            self.digests[path] = staged.digest.hexdigest()
            same_bytes = partial(filecmp.cmp, staged.path, shallow=False)
            if _unchanged(self.docs_dir / path, staged.size, self.digests[path], self.written_before.get(path), same_bytes):
                staged.path.unlink()
                self.unchanged += 1
            else:
                self.changed.append(path)

    def _claim(self, path: str) -> None:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or pure.parts[0] not in OWNED_DIRS:
            raise OutputError(f"refusing to write {path!r}: outside the generator's folders {OWNED_DIRS}")
        if path in self.paths:
            raise OutputError(f"refusing to write {path!r} twice")
        self.paths.add(path)

    def _staged(self, path: str) -> Path:
        assert self.docs_dir is not None
        staged = staging_dir(self.docs_dir) / "files" / path
        staged.parent.mkdir(parents=True, exist_ok=True)
        return staged


class _StagedFile:
    """A file being staged a part at a time, hashed and measured as it is written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.digest = hashlib.sha256()
        self.size = 0

    def __enter__(self) -> _StagedFile:
        self.file = self.path.open("wb")
        return self

    def __exit__(self, *_: object) -> None:
        self.file.close()

    def write(self, part: str) -> None:
        data = part.encode("utf-8")
        self.digest.update(data)
        self.size += self.file.write(data)


def _in_turn(files: dict[str, Iterable[str]]) -> Iterator[tuple[str, str]]:
    """(path, part): the next part of each file in turn, until every file has run out."""
    remaining = {path: iter(parts) for path, parts in files.items()}
    while remaining:
        for path, parts in list(remaining.items()):
            if (part := next(parts, None)) is None:
                del remaining[path]
            else:
                yield path, part


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    set_aside: tuple[str, ...] = ()  # moved to SET_ASIDE_DIR, same relative path


def staging_dir(docs_dir: Path) -> Path:
    # Inside docs/ (the generator writes nowhere else); MkDocs skips folders starting with ".".
    return docs_dir / ".generator-staging"


@contextmanager
def staged_output(docs_dir: Path, record: Path | None = None) -> Iterator[Output]:
    """An `Output` that stages into docs/; `commit` it before the block ends, or nothing
    in docs/ changes (an error inside the block throws the staged files away). `record`
    (outside docs/) keeps each written file's size, time and hash, so that the next run
    knows an unchanged file without opening it."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(docs_dir):
        recover(docs_dir)
        output = Output(docs_dir, _read_record(record))
        try:
            yield output
            if record is not None:
                _write_record(record, output)
        finally:
            recover(docs_dir)  # after a commit this finds nothing; otherwise it drops the staging


def commit(output: Output) -> WriteReport:
    """Makes the staged files the generated tree, all or nothing (see the module's docstring)."""
    assert output.docs_dir is not None, "commit needs an Output made by staged_output"
    docs_dir = output.docs_dir
    stale = _stale(output.paths, docs_dir)
    changed = sorted(output.changed)
    foreign = _not_written_here(output, stale, changed)
    stale = [path for path in stale if path not in foreign]
    if changed or stale or foreign:
        _check_writable([docs_dir / path for path in changed + stale + foreign], docs_dir)
        _commit(changed, stale, foreign, staging_dir(docs_dir))
        _apply(staging_dir(docs_dir), docs_dir)
    return WriteReport(tuple(changed), output.unchanged, tuple(stale), tuple(foreign))


def _not_written_here(output: Output, stale: list[str], changed: list[str]) -> list[str]:
    """Files in the generator's folders that its last run did not write (by its record),
    which this run would delete (`stale`) or overwrite (`changed`): someone put them there.
    With no record, only files to delete are counted: no file can be told apart then, and
    a generated one set aside by mistake costs a look, a hand-written one deleted is lost."""
    assert output.docs_dir is not None
    before = output.written_before
    overwritten = [path for path in changed if before and path not in before and (output.docs_dir / path).is_file()]
    return sorted({*(path for path in stale if path not in before), *overwritten})


def write_output(output: Output, docs_dir: Path) -> WriteReport:
    """Writes an in-memory `Output` (tests and small tools; the pipeline stages as it renders)."""
    with staged_output(docs_dir) as staged:
        for path, content in sorted(output.files.items()):
            staged.add(path, content)
        return commit(staged)


def recorded_tree(docs_dir: Path, record: Path) -> dict[str, list[object]] | None:
    """The record of the last run, if the generated files are exactly those it lists, each
    untouched since (same size and modification time), with no run half-done: then the
    same files rendered again would change nothing. Else None. Looks at file metadata
    only, and never opens a file in docs/."""
    written = _read_record(record)
    if not written or staging_dir(docs_dir).exists():
        return None
    for path, entry in written.items():
        try:
            stat = (docs_dir / path).stat()
        except OSError:
            return None
        if entry[:2] != [stat.st_size, stat.st_mtime_ns]:
            return None
    return None if _stale(set(written), docs_dir) else written


def _unchanged(target: Path, size: int, digest: str, before: list[object] | None, same_bytes: Callable[[Path], bool]) -> bool:
    """Whether `target` already holds the new content (`size` bytes hashing to `digest`),
    without opening it when the record of the last run vouches for it: `mkdocs serve`
    rebuilds on any file event in docs/, even a read. `same_bytes` compares it byte by byte."""
    try:
        stat = target.stat()
    except FileNotFoundError:
        return False
    if stat.st_size != size:
        return False
    if before == [stat.st_size, stat.st_mtime_ns, digest]:
        return True
    return same_bytes(target)  # no record, or the file was touched since: look


def _read_record(record: Path | None) -> dict[str, list[object]]:
    try:
        data = json.loads(record.read_text(encoding="utf-8")) if record is not None else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_record(record: Path, output: Output) -> None:
    assert output.docs_dir is not None
    entries = {}
    for path, digest in output.digests.items():
        stat = (output.docs_dir / path).stat()
        entries[path] = [stat.st_size, stat.st_mtime_ns, digest]
    if entries != output.written_before:
        temporary = record.with_name(f".{record.name}.tmp")
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")
            temporary.replace(record)
        except OSError:  # the site is in place; without a record the next run compares files instead
            for leftover in (temporary, record):
                with contextlib.suppress(OSError):  # unreadable folder: an outdated record only costs a render
                    leftover.unlink(missing_ok=True)


@contextmanager
def _exclusive(docs_dir: Path) -> Iterator[None]:
    """One writer at a time (say `make site` while `make serve`'s watcher rebuilds): the
    other waits rather than replay or discard a journal that is being written. The lock is
    on the docs/ folder itself: a lock file would be a file event for `mkdocs serve`."""
    if fcntl is None:  # Windows: no advisory locks; one writer at a time is then up to the user
        yield
        return
    folder = os.open(docs_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build to finish writing {docs_dir} …", file=sys.stderr, flush=True)
            fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # closing releases the lock


def recover(docs_dir: Path) -> None:
    """Finishes a committed write that a crash interrupted, or drops an uncommitted one."""
    staging = staging_dir(docs_dir)
    if (staging / COMMITTED).is_file():
        _apply(staging, docs_dir)
    elif staging.exists():
        shutil.rmtree(staging)


COMMITTED = "COMMITTED"
PLAN = "plan.json"


def _check_writable(targets: list[Path], docs_dir: Path) -> None:
    """Fails before the commit point when a file or folder cannot be written: after it, the
    hand-over would stop half done, and every later run with it, until the user fixes it."""
    folders = set()
    for target in targets:
        folder = target.parent
        while not folder.exists() and folder != docs_dir:
            folder = folder.parent
        folders.add(folder)
        if target.exists() and not os.access(target, os.W_OK):
            raise OutputError(f"{target}: cannot be replaced (read-only or immutable); nothing in {docs_dir} was changed")
    device = os.stat(docs_dir).st_dev  # the staging folder's: files are moved into place by renaming
    for folder in sorted(folders):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{folder}: cannot write in this folder (read-only or immutable); nothing in {docs_dir} was changed")
        if os.stat(folder).st_dev != device:
            raise OutputError(f"{folder}: on another file system than {docs_dir} (a link?), where files cannot be renamed into it; nothing in {docs_dir} was changed")


def _commit(changed: list[str], stale: list[str], foreign: list[str], staging: Path) -> None:
    staging.mkdir(parents=True, exist_ok=True)  # nothing staged when the run only removes files
    (staging / PLAN).write_text(json.dumps({"set_aside": foreign, "replace": changed, "delete": stale}), encoding="utf-8")
    os.sync()  # the staged files reach the disk before the marker says they are complete
    marker = staging / f"{COMMITTED}.tmp"
    marker.write_bytes(b"")
    os.replace(marker, staging / COMMITTED)  # the commit point


def _apply(staging: Path, docs_dir: Path) -> None:
    """Replays a committed plan. Safe to run again after a crash: each step is idempotent."""
    try:
        plan = json.loads((staging / PLAN).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise OutputError(f"{staging}: an interrupted write left a journal that cannot be read ({error}); delete that folder") from error
    try:
        for relative in plan.get("set_aside", []):  # first: nobody's file is replaced before it is safe
            _set_aside(docs_dir, relative)
        for relative in plan["replace"]:
            staged, target = staging / "files" / relative, docs_dir / relative
            if staged.exists():  # already moved by an earlier, interrupted replay otherwise
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
        for relative in plan["delete"]:
            (docs_dir / relative).unlink(missing_ok=True)
    except OSError as error:
        raise OutputError(f"{error.filename}: {error.strerror}; once that is fixed, the next run finishes putting the new files in place") from error
    _remove_empty_folders(docs_dir)
    (staging / COMMITTED).unlink()  # first: a crash below then leaves an uncommitted, discardable folder
    shutil.rmtree(staging)


def set_aside_path(docs_dir: Path, relative: str) -> Path:
    return docs_dir.parent / SET_ASIDE_DIR / relative


def _set_aside(docs_dir: Path, relative: str) -> None:
    """Moves a file out of the generator's folders, next to any set aside before (never over one)."""
    source = docs_dir / relative
    if not source.is_file() and not source.is_symlink():
        return  # moved by an earlier, interrupted replay
    target = set_aside_path(docs_dir, relative)
    number = 1
    while target.exists() or target.is_symlink():
        target = set_aside_path(docs_dir, f"{relative}.{number}")
        number += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)  # a copy where docs/ is on another file system


def _stale(paths: set[str], docs_dir: Path) -> list[str]:
    """Files in the generator's folders that this run does not produce."""
    stale = []
    for owned in OWNED_DIRS:
        root = docs_dir / owned
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(docs_dir).as_posix()
                if (path.is_symlink() or path.is_file()) and relative not in paths:
                    stale.append(relative)
    return stale


def _remove_empty_folders(docs_dir: Path) -> None:
    for owned in OWNED_DIRS:
        root = docs_dir / owned
        if root.is_dir():
            for path in sorted(root.rglob("*"), reverse=True):  # children before their parents
                if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                    path.rmdir()
