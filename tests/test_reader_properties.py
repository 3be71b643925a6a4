"""Property-based tests over the readers: whatever the input, a reader returns records and
problems (never an exception), and what it cannot read is reported, never silently lost.
Also the bad-file table for `read_inputs` (empty, binary, invalid UTF-8, UTF-16)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from paper_factory import make_paper

from generator.bibtex import bibtex_file
from generator.models import Severity
from generator.normalize import clean_whitespace, display_text
from generator.readers import bibtex, curated, dailypapers, read_inputs
from generator.readers.result import FileRead

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that end a line for str.splitlines: a dump's title or abstract cannot hold them.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
one_line = st.characters(blacklist_characters=LINE_BREAKS, blacklist_categories=("Cs",))
word = st.text(one_line, min_size=1, max_size=12).map(lambda w: w.replace(" ", "") or "x")
title_text = st.lists(word, min_size=1, max_size=12).map(" ".join)
abstract_text = st.lists(word, min_size=30, max_size=60).map(" ".join)


def dump_of(entries: list[tuple[str, str]]) -> tuple[str, list[int]]:
    """A dump with one entry per (title, abstract), and each entry's title line."""
    lines: list[str] = []
    starts = []
    for title, abstract in entries:
        starts.append(len(lines) + 1)
        lines += [title, "", abstract, ""]
    return "\n".join(lines), starts


@FAST
@given(st.lists(st.tuples(title_text, abstract_text), min_size=1, max_size=6))
def test_dump_entries_read_back_as_written_or_are_reported(entries: list[tuple[str, str]]) -> None:
    text, starts = dump_of(entries)
    result = dailypapers.read_entries("d.txt", text, 2025)
    by_line = {record.source.line: record for record in result.records}
    expected = {start: entry for start, entry in zip(starts, entries)}
    for start, (title, abstract) in expected.items():
        record = by_line.get(start)
        if record is not None:
            assert (record.title, record.abstract) == (display_text(title), display_text(abstract))
            assert record.original_title == clean_whitespace(title)
        else:  # not read: then reported at one of its own lines
            assert any(start <= p.source.line <= start + 2 for p in result.problems), (start, result.problems)
    assert set(by_line) <= set(expected)  # no paper made of pieces of others
    assert result.rejected == sum(p.severity is Severity.ERROR for p in result.problems)


@FAST
@given(st.lists(st.tuples(st.text(one_line, max_size=80), st.text(one_line, max_size=300)), max_size=6))
def test_dumps_of_any_text_give_records_or_problems(entries: list[tuple[str, str]]) -> None:
    text, _ = dump_of(entries)
    result = dailypapers.read_entries("d.txt", text, None)
    lines = text.splitlines()
    for record in result.records:
        assert record.title and clean_whitespace(lines[record.source.line - 1]) == record.original_title
    assert all(1 <= p.source.line <= max(len(lines), 1) for p in result.problems)
    assert result.rejected == sum(p.severity is Severity.ERROR for p in result.problems)


def read_any(suffix: str, text: str) -> FileRead:
    if suffix == ".txt":
        return dailypapers.read_entries("f.txt", text, 2025)
    if suffix == ".bib":
        return bibtex.read_entries("f.bib", text)
    return curated.read_entries("f.yml", text)


# Text made of each format's syntax, so that the readers' error paths are reached often.
SYNTAX = st.sampled_from(
    ["@article{", "@string{", "@comment{", "}", "{", '"', "#", "=", ",", "%", "\\", "\n", " ", "title", "k", "-", ":", "[", "]"]
    + ["&a", "*a", "papers:", "\n  - ", "title: ", "\n\n", "•", "·", "Jun 3, 2020", "new", "\t", "\x00", "\ufffd", "é"]
)
syntax_soup = st.lists(st.one_of(SYNTAX, st.text(max_size=5)), max_size=60).map("".join)


@FAST
@given(st.sampled_from([".txt", ".bib", ".yml"]), st.one_of(st.text(max_size=400), syntax_soup))
def test_any_text_gives_problems_never_an_exception(suffix: str, text: str) -> None:
    result = read_any(suffix, text)
    n_lines = max(len(text.splitlines()), 1) + 1
    assert all(0 <= p.source.line <= n_lines for p in result.problems), result.problems
    assert all(record.title for record in result.records)
    assert result.rejected <= sum(p.severity is Severity.ERROR for p in result.problems)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([".txt", ".bib", ".yml", ".yaml"]), st.binary(max_size=600))
def test_any_bytes_in_any_input_file_give_problems_never_an_exception(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / f"input{suffix}").write_bytes(data)
        result = read_inputs(["."], Path(folder).resolve(), 2025)
    assert all(p.source.path == f"input{suffix}" for p in result.problems)
    assert result.rejected <= sum(p.severity is Severity.ERROR for p in result.problems)


# Characters the exporter writes as LaTeX that decodes back to them. Others are reduced on
# purpose (`ą` → `a`: pdflatex's OT1 has no glyph), which test_bibtex_export covers.
LATIN1_LETTERS = "".join(chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha() and chr(c) not in "ÞþÐðª")
ROUND_TRIP = st.sampled_from([chr(c) for c in range(0x20, 0x7F)] + list(LATIN1_LETTERS) + list("αβγδεθλμπσωΓΔΩ–—‘’“”×²"))
# Dashes and quotes, often next to each other: TeX joins some pairs into one glyph (`--` → –).
LIGATURE_PRONE = st.sampled_from(list("-–—'‘’“”`!?"))


@FAST
@given(st.lists(st.text(st.one_of(ROUND_TRIP, LIGATURE_PRONE), min_size=1, max_size=120), min_size=1, max_size=4))
def test_titles_exported_as_bibtex_read_back_as_the_same_text(titles: list[str]) -> None:
    shown = [display_text(title) for title in titles]
    assume(all(shown))
    papers = [make_paper(title, key=f"k{index}") for index, title in enumerate(shown)]
    result = bibtex.read_entries("references.bib", bibtex_file(papers))
    assert (result.problems, result.rejected) == ([], 0)
    assert [record.title for record in result.records] == shown


# --- whole files that are not what their name says ----------------------------------------------

BAD_FILES = [
    # file name, bytes → (line, severity, words) of the one problem; papers still read from good.txt
    ("empty.txt", b"", (1, "warning", "empty file")),
    ("blank.bib", b" \n\n\t\n", (1, "warning", "empty file")),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (1, "error", "binary")),
    (
        "random.bib",
        bytes(range(128, 256)) * 8 + b"\n" + bytes(range(128, 256)) * 8 + b"\n" * 3 + bytes(range(128, 256)),
        (1, "error", "binary"),
    ),
    ("latin1.yml", "papers:\n  - title: Gödel\n".encode("latin-1"), (2, "warning", "read as Windows-1252")),
    ("mixed.yml", "papers:\n  - title: Gödel\n".encode("latin-1") + "# Gödel\n".encode(), (2, "warning", "invalid UTF-8")),
]


@pytest.mark.parametrize(("name", "data", "expected"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_are_reported_and_the_others_read(tmp_path: Path, name: str, data: bytes, expected: tuple) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text("A Good Paper\n\n" + " ".join(["word"] * 30) + ".\n", encoding="utf-8")
    result = read_inputs(["."], tmp_path, 2025)
    assert "A Good Paper" in [r.title for r in result.records]
    [problem] = result.problems
    assert (problem.source.path, problem.source.line, problem.severity.value) == (name, expected[0], expected[1])
    assert expected[2] in problem.message


def test_every_line_with_invalid_utf8_is_reported_and_the_text_kept(tmp_path: Path) -> None:
    abstract = " ".join(["word"] * 30) + "."
    # The first title is valid UTF-8, so the file is UTF-8 with bad bytes, not a Latin-1 file.
    data = "First Pap\u00e9r\n\n".encode() + f"{abstract}\n\nSecond Caf\xe9 Paper\n\n{abstract} na\xefve.\n".encode("latin-1")
    (tmp_path / "dump.txt").write_bytes(data)
    result = read_inputs(["dump.txt"], tmp_path, 2025)
    assert [r.title for r in result.records] == ["First Papér", "Second Caf\ufffd Paper"]
    assert [(p.source.line, p.severity) for p in result.problems] == [(5, Severity.WARNING), (7, Severity.WARNING)]


def test_a_file_with_no_utf8_at_all_is_read_as_windows_1252(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_bytes("@article{k, title={Caf\u00e9 na\u00efve \u2014 G\u00f6del}, author={M\u00fcller, J}}\n".encode("cp1252"))
    result = read_inputs(["refs.bib"], tmp_path, 2025)
    assert [(r.title, r.authors) for r in result.records] == [("Café naïve — Gödel", ("J Müller",))]
    assert [(str(p.source), p.severity) for p in result.problems] == [("refs.bib:1", Severity.WARNING)]


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_bytes("@article{k, title={Gödel}}\n".encode("utf-16"))
    result = read_inputs(["refs.bib"], tmp_path, 2025)
    assert ([r.title for r in result.records], result.problems) == (["Gödel"], ())


def test_read_inputs_sums_the_rejects_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Lonely Title\n", encoding="utf-8")
    (tmp_path / "b.bib").write_text("@article{x, year=2020}\n@article{y, title={Kept}}\n", encoding="utf-8")
    (tmp_path / "c.yml").write_text("papers:\n  - year: 2020\n  - title: Also Kept\n", encoding="utf-8")
    result = read_inputs(["."], tmp_path, 2025)
    assert sorted(r.title for r in result.records) == ["Also Kept", "Kept"]
    assert result.rejected == 3
    assert sorted(str(p.source) for p in result.problems if p.severity is Severity.ERROR) == ["a.txt:1", "b.bib:1", "c.yml:2"]
