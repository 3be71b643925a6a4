"""Writing the generated files: only inside the generator's own folders, only what changed,
and all or nothing.

Everything is rendered in memory before this runs, so an error while reading or rendering
leaves the previous output untouched. Files whose bytes are unchanged are not touched (so
`mkdocs serve` does not rebuild), and files this generator wrote before but no longer
produces are removed: inside its own folders only, never elsewhere in `docs/`.

A run that dies while writing must not leave half a site, so writing is a small journal,
as databases do it: every changed file is first written to a staging folder, `docs/.generator-staging/`,
together with the plan (what to replace, what to delete); a `COMMITTED` marker is then
created atomically, and only after that are the staged files renamed into place. A crash
before the marker leaves the previous tree as it was (the next run throws the staging
away); a crash after it is finished by the next run, which replays the plan.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

OWNED_DIRS = ("review", "downloads")  # relative to docs/


class OutputError(Exception):
    pass


class Output:
    """Files to write, by path relative to `docs/`. Like Pelican's writer, it refuses to be
    given the same path twice or a path outside the folders it owns."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, path: str, content: str | bytes) -> None:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or pure.parts[0] not in OWNED_DIRS:
            raise OutputError(f"refusing to write {path!r}: outside the generator's folders {OWNED_DIRS}")
        if path in self.files:
            raise OutputError(f"refusing to write {path!r} twice")
        self.files[path] = content.encode("utf-8") if isinstance(content, str) else content


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def staging_dir(docs_dir: Path) -> Path:
    # Inside docs/ (the generator writes nowhere else); MkDocs skips folders starting with ".".
    return docs_dir / ".generator-staging"


def write_output(output: Output, docs_dir: Path) -> WriteReport:
    docs_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(docs_dir):
        recover(docs_dir)
        changed = {relative: content for relative, content in sorted(output.files.items()) if not _same(docs_dir / relative, content)}
        stale = _stale(output, docs_dir)
        if changed or stale:
            _stage(changed, stale, staging_dir(docs_dir))
            _apply(staging_dir(docs_dir), docs_dir)
    return WriteReport(tuple(changed), len(output.files) - len(changed), tuple(stale))


@contextmanager
def _exclusive(docs_dir: Path) -> Iterator[None]:
    """One writer at a time (say `make site` while `make serve`'s watcher rebuilds): the
    other waits rather than replay or discard a journal that is being written."""
    with (docs_dir / ".generator-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def recover(docs_dir: Path) -> None:
    """Finishes a committed write that a crash interrupted, or drops an uncommitted one."""
    staging = staging_dir(docs_dir)
    if (staging / COMMITTED).is_file():
        _apply(staging, docs_dir)
    elif staging.exists():
        shutil.rmtree(staging)


COMMITTED = "COMMITTED"
PLAN = "plan.json"


def _same(target: Path, content: bytes) -> bool:
    return target.is_file() and target.stat().st_size == len(content) and target.read_bytes() == content


def _stage(changed: dict[str, bytes], stale: list[str], staging: Path) -> None:
    for relative, content in changed.items():
        path = staging / "files" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (staging / PLAN).write_text(json.dumps({"replace": list(changed), "delete": stale}), encoding="utf-8")
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
    for relative in plan["replace"]:
        staged, target = staging / "files" / relative, docs_dir / relative
        if staged.exists():  # already moved by an earlier, interrupted replay otherwise
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
    for relative in plan["delete"]:
        (docs_dir / relative).unlink(missing_ok=True)
    _remove_empty_folders(docs_dir)
    (staging / COMMITTED).unlink()  # first: a crash below then leaves an uncommitted, discardable folder
    shutil.rmtree(staging)


def _stale(output: Output, docs_dir: Path) -> list[str]:
    """Files in the generator's folders that this run does not produce."""
    stale = []
    for owned in OWNED_DIRS:
        root = docs_dir / owned
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(docs_dir).as_posix()
                if (path.is_symlink() or path.is_file()) and relative not in output.files:
                    stale.append(relative)
    return stale


def _remove_empty_folders(docs_dir: Path) -> None:
    for owned in OWNED_DIRS:
        root = docs_dir / owned
        if root.is_dir():
            for path in sorted(root.rglob("*"), reverse=True):  # children before their parents
                if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                    path.rmdir()
