"""`python -m generator watch`: regenerate whenever an input or the configuration changes.

`make serve` runs it beside `mkdocs serve`, which then reloads the pages the new run
rewrote (the writer touches only changed files). It polls file times and sizes once a
second: no dependency, and the same on every platform and file system.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from generator.config import ConfigError, load_config
from generator.readers import find_input_files
from generator.write import hand_written_pages

Signature = tuple[tuple[str, int, int], ...]


def signature(config_path: Path) -> Signature:
    """(path, modification time, size) of the configuration and every input file, and the
    names of the hand-written pages in docs/ (the navigation lists them)."""
    paths = [config_path]
    pages: list[tuple[str, int, int]] = []
    try:
        config = load_config(config_path)
        paths += find_input_files(list(config.inputs), config.root)[0]
        pages = [(f"docs page {page}", 0, 0) for page in hand_written_pages(config)]
    except ConfigError:
        pass  # a broken config is still watched: the run after it is fixed will say more
    stats = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue  # deleted between listing and looking: the next poll sees it gone
        stats.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(stats + pages))


def watch(config_path: Path, rebuild: Callable[[], object], interval: float = 1.0, rounds: int | None = None) -> None:
    """Calls `rebuild` after every change; `rounds` bounds the polls (for tests)."""
    seen = signature(config_path)
    polls = 0
    while rounds is None or polls < rounds:
        time.sleep(interval)
        polls += 1
        current = signature(config_path)
        if current != seen:
            seen = current
            rebuild()
