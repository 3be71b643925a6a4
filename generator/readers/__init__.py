"""One module per input format; this one finds the input files and sends each to its reader.

Every record and problem carries the `path:line` it came from; paths are shown relative to
the folder of `review.yml`, so output does not depend on where the project is checked out.
"""

from __future__ import annotations

import glob
from pathlib import Path

from generator.models import Override, Problem, ReadResult, Record, Severity, Source
from generator.readers.bibtex import read_bibtex
from generator.readers.curated import read_curated
from generator.readers.dailypapers import read_dailypapers

SUFFIXES = {".txt": "dailypapers", ".bib": "bibtex", ".yml": "curated", ".yaml": "curated"}


def find_input_files(patterns: list[str], root: Path) -> tuple[list[Path], list[Problem]]:
    """Files named by the inputs: files as given, folders searched recursively, globs expanded."""
    files: list[Path] = []
    problems: list[Problem] = []
    for pattern in patterns:
        path = Path(pattern) if Path(pattern).is_absolute() else root / pattern
        if any(ch in pattern for ch in "*?["):
            matches = [Path(p) for p in sorted(glob.glob(str(path), recursive=True)) if Path(p).is_file()]
            if not matches:  # most likely a typo: say so rather than build a smaller site
                problems.append(Problem(Source(pattern, 0), "no files match this pattern"))
        elif path.is_dir():
            matches = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."))
        elif path.is_file():
            matches = [path]
        else:
            problems.append(Problem(Source(pattern, 0), "input not found", Severity.ERROR))
            continue
        for match in matches:
            if match.suffix.lower() not in SUFFIXES:
                problems.append(
                    Problem(
                        Source(display_path(match, root), 0), f"unknown input type {match.suffix!r} skipped (expected .txt, .bib, .yml)"
                    )
                )
            elif match.resolve() not in {f.resolve() for f in files}:
                files.append(match)
    return files, problems


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text; bad bytes become U+FFFD and are reported at their line. None for binary."""
    if b"\x00" in data[:8192]:
        return None, [Problem(Source(shown, 1), "binary file skipped (not text)", Severity.ERROR)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem = Problem(Source(shown, line), "invalid UTF-8; the bad bytes are shown as �")
        return data.decode("utf-8-sig", errors="replace"), [problem]


def read_file(path: Path, shown: str, reference_year: int | None) -> tuple[list[Record], list[Override], list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [], [Problem(Source(shown, 0), f"cannot read: {error.strerror}", Severity.ERROR)]
    text, problems = decode(data, shown)
    if text is None:
        return [], [], problems
    if not text.strip():
        return [], [], problems + [Problem(Source(shown, 1), "empty file")]
    kind = SUFFIXES[path.suffix.lower()]
    if kind == "dailypapers":
        records, found = read_dailypapers(shown, text, reference_year)
        return records, [], problems + found
    if kind == "bibtex":
        records, found = read_bibtex(shown, text)
        return records, [], problems + found
    records, overrides, found = read_curated(shown, text)
    return records, overrides, problems + found


def read_inputs(patterns: list[str], root: Path, reference_year: int | None) -> ReadResult:
    files, problems = find_input_files(patterns, root)
    records: list[Record] = []
    overrides: list[Override] = []
    for path in files:
        found_records, found_overrides, found_problems = read_file(path, display_path(path, root), reference_year)
        records += found_records
        overrides += found_overrides
        problems += found_problems
    return ReadResult(tuple(records), tuple(overrides), tuple(problems))
