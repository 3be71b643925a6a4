"""What one reader gives back for one file, and the rule for rejected entries.

An *entry* is something a reader recognised as an attempt at a paper: a dump's title or
stray abstract, a BibTeX `@article{…}`, an item of a YAML `papers:` list. Each entry becomes
a `Record` or is *rejected*, and each reject is reported by exactly one ERROR problem at its
line, so that the build can check conservation: entries read = records + rejected.
Debris (garbage lines, orphan meta blocks, text between BibTeX entries) is no entry: it is
reported as a warning and not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.models import Override, Problem, Record, Severity, Source


@dataclass(frozen=True)
class FileRead:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # warnings, errors and the rejects' errors
    rejected: int = 0
    overrides: list[Override] = field(default_factory=list)
    unreadable: bool = False  # the file could not be read at all: its papers would vanish from the site


class InputError(Exception):
    """Inputs that cannot be read at all: a missing file or folder, a pattern matching no
    file, a file or folder without read permission. Building without them would replace
    the site with a smaller one, so nothing is built; the message lists each, by path."""


class Rejects:
    """Collects rejected entries: one ERROR problem each, counted."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, source: Source, message: str) -> None:
        self.problems.append(Problem(source, message, Severity.ERROR))

    def __len__(self) -> int:
        return len(self.problems)
