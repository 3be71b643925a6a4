"""Writing the generated files: only inside the generator's own folders, only what changed.

Everything is rendered in memory before this runs, so an error while reading or rendering
leaves the previous output untouched. Each file is replaced atomically (written beside, then
renamed), files whose bytes are unchanged are not touched (so `mkdocs serve` does not
rebuild), and files this generator wrote before but no longer produces are removed: inside
its own folders only, never elsewhere in `docs/`.
"""

from __future__ import annotations

import os
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


def write_output(output: Output, docs_dir: Path) -> WriteReport:
    written = []
    unchanged = 0
    for relative, content in sorted(output.files.items()):
        target = docs_dir / relative
        if target.is_file() and target.read_bytes() == content:
            unchanged += 1
            continue
        _atomic_write(target, content)
        written.append(relative)
    removed = _prune(output, docs_dir)
    return WriteReport(tuple(written), unchanged, tuple(removed))


def _atomic_write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def _prune(output: Output, docs_dir: Path) -> list[str]:
    removed = []
    for owned in OWNED_DIRS:
        root = docs_dir / owned
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*"), reverse=True):  # files before their folders
            relative = path.relative_to(docs_dir).as_posix()
            if path.is_symlink() or path.is_file():
                if relative not in output.files:
                    path.unlink()
                    removed.append(relative)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return removed
