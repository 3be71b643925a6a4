"""One module per input format; this one finds the input files and sends each to its reader.

Every record and problem carries the `path:line` it came from; paths are shown relative to
the folder of `review.yml`, so output does not depend on where the project is checked out.
"""

from __future__ import annotations

import codecs
import glob
import os
from dataclasses import replace
from pathlib import Path

from generator.models import Override, Problem, ReadResult, Record, Severity, Source
from generator.parallel import fork_map
from generator.readers import bibtex, curated, dailypapers
from generator.readers.result import FileRead, InputError

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
                problems.append(Problem(Source(pattern, 0), "no files match this pattern", Severity.ERROR))
        elif path.is_dir():
            matches = _files_under(path, root, problems)
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


def _files_under(folder: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """Input files in `folder` and below (not hidden ones); a folder that cannot be listed is
    an error (`Path.rglob` would pass over it in silence, and its papers with it)."""

    def unlisted(error: OSError) -> None:
        problems.append(Problem(Source(display_path(Path(error.filename), root), 0), f"cannot list folder: {error.strerror}", Severity.ERROR))

    found = [Path(top) / name for top, _, names in os.walk(folder, onerror=unlisted) for name in names]
    inputs = sorted(p for p in found if p.suffix.lower() in SUFFIXES and not p.name.startswith("."))
    for broken in (p for p in inputs if p.is_symlink() and not p.exists()):  # its papers are where it pointed
        shown = (Path(display_path(broken.parent, root)) / broken.name).as_posix()  # the link's own path, not its target's
        problems.append(Problem(Source(shown, 0), f"cannot read: a link to {os.readlink(broken)!r}, which does not exist", Severity.ERROR))
    return [p for p in inputs if p.is_file()]


def display_path(path: Path, root: Path) -> str:
    """`path` relative to the project (`../seeds/a.txt` outside it): the same inputs give
    the same site wherever the checkout is."""
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # on another Windows drive there is no relative path
        return path.as_posix()


_BINARY_SHARE = 0.1  # more than this share of characters undecodable: not text at all
_MAX_ENCODING_REPORTS = 20
PARALLEL_BYTES = 2_000_000  # about 2,000 papers of input: below it, reading is quicker than starting workers


def decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (UTF-16 with a byte-order mark too; Windows-1252 when no byte is UTF-8's);
    bad bytes become U+FFFD and each line holding some is reported. None for binary files."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: judge it as bytes below
    if b"\x00" in data[:8192]:
        return None, [Problem(Source(shown, 1), "binary file skipped (not text)", Severity.ERROR)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="replace")
    bad = [number for number, line in enumerate(data.split(b"\n"), 1) if not _is_utf8(line)]
    if text.count("\ufffd") > _BINARY_SHARE * len(text.strip()):  # mostly undecodable: no text at all
        return None, [Problem(Source(shown, bad[0]), "binary file skipped (not UTF-8 text)", Severity.ERROR)]
    if not any(char > "\x7f" and char != "\ufffd" for char in text):
        # Not one valid UTF-8 sequence among the non-ASCII bytes: a file saved in the legacy
        # Western encoding (old JabRef and Mendeley exports), not UTF-8 with a few bad bytes.
        message = "not UTF-8; read as Windows-1252 (Latin-1): save it as UTF-8 to be sure of its accents"
        return data.decode("cp1252", errors="replace"), [Problem(Source(shown, bad[0]), message, Severity.WARNING)]
    problems = [Problem(Source(shown, line), "invalid UTF-8; the bad bytes are shown as �") for line in bad[:_MAX_ENCODING_REPORTS]]
    if len(bad) > _MAX_ENCODING_REPORTS:
        more = len(bad) - _MAX_ENCODING_REPORTS
        problems.append(Problem(Source(shown, bad[_MAX_ENCODING_REPORTS]), f"invalid UTF-8 on {more} more lines (not listed)"))
    return text, problems


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_file(path: Path, shown: str, reference_year: int | None) -> FileRead:
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileRead(problems=[Problem(Source(shown, 0), f"cannot read: {error.strerror}", Severity.ERROR)], unreadable=True)
    text, problems = decode(data, shown)
    if text is None:
        return FileRead(problems=problems)
    if not text.strip():
        return FileRead(problems=[*problems, Problem(Source(shown, 1), "empty file")])
    kind = SUFFIXES[path.suffix.lower()]
    if kind == "dailypapers":
        result = dailypapers.read_entries(shown, text, reference_year)
    elif kind == "bibtex":
        result = bibtex.read_entries(shown, text)
    else:
        result = curated.read_entries(shown, text)
    return replace(result, problems=problems + result.problems)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # `read_file` reports it


def read_inputs(patterns: list[str], root: Path, reference_year: int | None) -> ReadResult:
    """Every input, in a sorted and stable order. Entries read = len(records) + rejected."""
    files, problems = find_input_files(patterns, root)
    if lost := [problem for problem in problems if problem.severity is Severity.ERROR]:
        raise InputError(_lost_inputs(lost))
    records: list[Record] = []
    overrides: list[Override] = []
    rejected = 0
    # Files are read independently, so a folder of dumps is shared among the cores; a
    # handful of files of a few papers each is read here rather than start workers for it.
    total_size = sum(map(_size, files))
    results = fork_map(lambda path: read_file(path, display_path(path, root), reference_year), files, parallel=total_size >= PARALLEL_BYTES)
    if lost := [problem for result in results if result.unreadable for problem in result.problems]:
        raise InputError(_lost_inputs(lost))
    for result in results:
        records += result.records
        overrides += result.overrides
        problems += result.problems
        rejected += result.rejected
    return ReadResult(tuple(records), tuple(overrides), tuple(problems), rejected)


def _lost_inputs(problems: list[Problem]) -> str:
    where = "; ".join(f"{problem.source.path}: {problem.message}" for problem in problems)
    return f"{where}; nothing was built, and the site is as it was"
