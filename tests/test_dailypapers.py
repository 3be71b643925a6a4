"""The Daily Papers text-dump reader: both layouts and every quirk, on small inline dumps
(line numbers fixed by construction) and on the real samples in papers/ (expected values
read from the files by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.models import Record, SourceKind
from generator.readers.dailypapers import read_dailypapers, read_entries
from generator.readers.result import FileRead

SAMPLES = Path(__file__).resolve().parents[1] / "papers"
ABSTRACT = (
    "We propose a simple method that makes the training of large neural networks much cheaper "
    "by reusing computation across optimisation steps, and we show that it matches the baseline "
    "on many benchmarks."
)
OTHER_ABSTRACT = (
    "Training large models is expensive. This paper studies how the batch size, the learning rate "
    "and the number of accelerators interact, and derives rules that cut the cost of a run in half."
)
# Lines 1-12: the page header as the dumps have it; the first paper starts on line 13.
HEADER = [
    "new",
    "",
    "Get trending papers in your email inbox!",
    "",
    "Subscribe",
    "",
    "Daily Papers",
    "",
    "byAK and the research community",
    "",
    "Mar 14",
    "",
]


def dump(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def read(text: str, reference_year: int | None = 2025) -> tuple[list[Record], list[str]]:
    records, problems = read_dailypapers("dump.txt", text, reference_year)
    return records, [str(problem) for problem in problems]


def read_dump(text: str, reference_year: int | None = 2025) -> FileRead:
    return read_entries("dump.txt", text, reference_year)


def by_line(records: list[Record]) -> dict[int, Record]:
    return {record.source.line: record for record in records}


# --- layouts ------------------------------------------------------------------------------


def test_layout_without_meta_blocks() -> None:
    text = dump(*HEADER, "First Paper Title", "", ABSTRACT, "", "Second Paper Title", "", OTHER_ABSTRACT)
    records, problems = read(text)
    assert problems == []
    assert [(r.source.path, r.source.line, r.title) for r in records] == [
        ("dump.txt", 13, "First Paper Title"),
        ("dump.txt", 17, "Second Paper Title"),
    ]
    assert [r.abstract for r in records] == [ABSTRACT, OTHER_ABSTRACT]
    for record in records:
        assert record.kind is SourceKind.LISTING
        # The listing date `Mar 14` in the header is not a paper's date.
        assert (record.year, record.month, record.day, record.upvotes, record.author_count) == (None,) * 5
        assert record.organization == ""


def test_layout_with_meta_blocks_and_one_entry_without() -> None:
    text = dump(
        *HEADER,
        "Paper With Authors",  # 13
        "",
        ABSTRACT,
        "",
        "  • 3 authors",
        "·",
        "Jun 16, 2020",
        "",
        "Paper Without Meta",  # 21
        "",
        OTHER_ABSTRACT,
        "",
        "Paper With Organisation",  # 25
        "",
        ABSTRACT,
        "",
        "openbmb OpenBMB",
        "·",
        "Jun 9 5",
    )
    records, problems = read(text, reference_year=2025)
    assert problems == []
    lines = by_line(records)
    assert sorted(lines) == [13, 21, 25]
    first, middle, last = lines[13], lines[21], lines[25]
    assert (first.author_count, first.year, first.month, first.day, first.upvotes) == (3, 2020, 6, 16, None)
    # The entry without meta must not borrow its neighbour's.
    assert (middle.author_count, middle.organization, middle.year, middle.month, middle.day, middle.upvotes) == (
        None,
        "",
        None,
        None,
        None,
        None,
    )
    assert middle.abstract == OTHER_ABSTRACT
    assert (last.organization, last.author_count, last.year, last.month, last.day, last.upvotes) == ("OpenBMB", None, 2025, 6, 9, 5)


# --- the meta block, quirk by quirk -------------------------------------------------------

META_CASES = [
    # meta lines, reference year → author_count, organization, year, month, day, upvotes, year_from_reference
    (["  • 3 authors", "·", "Jun 16, 2020"], 2025, (3, "", 2020, 6, 16, None, False)),
    (["  • 1 author", "·", "Apr 1, 2019"], 2025, (1, "", 2019, 4, 1, None, False)),
    (["  • 25 authors", "·", "Jun 12, 2023 1"], 2025, (25, "", 2023, 6, 12, 1, False)),
    (["  • 9 authors", "·", "May 2 3"], 2025, (9, "", 2025, 5, 2, 3, True)),
    (["  • 7 authors", "·", "Oct 23"], 2024, (7, "", 2024, 10, 23, None, True)),
    # No reference year: the year stays unknown, never guessed.
    (["  • 7 authors", "·", "Oct 23"], None, (7, "", None, 10, 23, None, False)),
    (["  • 9 authors", "·", "May 2 3"], None, (9, "", None, 5, 2, 3, False)),
    # An organisation line: the Hub handle, then the display name.
    (["openbmb OpenBMB", "·", "Jun 9 5"], 2025, (None, "OpenBMB", 2025, 6, 9, 5, True)),
    (["kaist-ai KAIST AI", "·", "Sep 26 4"], 2025, (None, "KAIST AI", 2025, 9, 26, 4, True)),
    (["nvidia NVIDIA", "·", "Jul 19, 2024 2"], 2025, (None, "NVIDIA", 2024, 7, 19, 2, False)),
    # A name without a handle is kept whole.
    (["Meta AI", "·", "Feb 1, 2024"], 2025, (None, "Meta AI", 2024, 2, 1, None, False)),
    # Dates and counts as other locales and longer listings write them.
    (["  • 3 authors", "·", "Jun 16, 2020 1.2k"], 2025, (3, "", 2020, 6, 16, 1200, False)),
    (["  • 3 authors", "·", "Jun 16, 2020 1,234"], 2025, (3, "", 2020, 6, 16, 1234, False)),
    (["  • 3 authors", "·", "16 Jun 2020"], 2025, (3, "", 2020, 6, 16, None, False)),
    (["  • 3 authors", "·", "2020-06-16 7"], 2025, (3, "", 2020, 6, 16, 7, False)),
    (["  • 3 authors", "·", "September 3"], 2025, (3, "", 2025, 9, 3, None, True)),
]


@pytest.mark.parametrize(("meta", "reference_year", "expected"), META_CASES, ids=[" / ".join(c[0]).strip() for c in META_CASES])
def test_meta_block(meta: list[str], reference_year: int | None, expected: tuple) -> None:
    records, problems = read(dump("A Paper", "", ABSTRACT, "", *meta), reference_year)
    assert problems == []
    [record] = records
    got = (
        record.author_count,
        record.organization,
        record.year,
        record.month,
        record.day,
        record.upvotes,
        record.year_from_reference,
    )
    assert got == expected


# --- header, positions, truncation, garbage ------------------------------------------------


def test_header_lines_and_listing_date_are_not_papers() -> None:
    records, problems = read(dump(*HEADER, "Only Paper", "", ABSTRACT))
    assert problems == []
    assert [r.title for r in records] == ["Only Paper"]


@pytest.mark.parametrize("heading", ["2 Jan", "January 2025", "Week 2, 2025", "Jan 6 - Jan 12", "Jan 6 – 12, 2025", "by AK and the research community"])
def test_listing_headings_of_other_periods_are_not_papers(heading: str) -> None:
    records, problems = read(dump(heading, "", "Only Paper", "", ABSTRACT))
    assert ([r.title for r in records], problems) == (["Only Paper"], [])


def test_a_title_that_starts_like_a_month_is_a_title() -> None:
    records, problems = read(dump("Janus 2", "", ABSTRACT, "", "Mayhem 3", "", OTHER_ABSTRACT))
    assert ([r.title for r in records], problems) == (["Janus 2", "Mayhem 3"], [])


def test_a_listing_date_with_a_year_dates_its_papers_and_december_falls_in_the_year_before() -> None:
    meta = lambda day: ["  • 3 authors", "·", day]  # noqa: E731
    records, _ = read(dump("Jan 2, 2024", "", "New Year", "", ABSTRACT, "", *meta("Jan 1"), "", "Old Year", "", OTHER_ABSTRACT, "", *meta("Dec 30")))
    assert [(r.title, r.year, r.month) for r in records] == [("New Year", 2024, 1), ("Old Year", 2023, 12)]


def test_line_numbers_count_only_the_line_breaks_an_editor_shows() -> None:
    text = dump("First Paper", "", ABSTRACT + "\u2028 and \u2029\u2029 more \f text.", "", "Lonely Title")
    result = read_dump(text)
    assert [r.title for r in result.records] == ["First Paper"] and "\u2029" not in result.records[0].abstract
    assert [p.source.line for p in result.problems] == [5]


def test_header_repeated_mid_file_is_not_a_paper() -> None:
    # Two dumps pasted one after the other: the second page header must not become papers.
    text = dump(*HEADER, "First Paper", "", ABSTRACT, "", *HEADER[:-2], "Mar 15", "", "Second Paper", "", OTHER_ABSTRACT)
    records, problems = read(text)
    assert [r.title for r in records] == ["First Paper", "Second Paper"]
    assert problems == []


def test_every_record_points_at_its_title_line() -> None:
    text = dump(
        *HEADER,
        "Alpha",  # 13
        "",
        ABSTRACT,
        "",
        "  • 2 authors",
        "·",
        "Jan 5, 2021",
        "",
        "",
        "",
        "Beta",  # 23: extra blank lines before it
        "",
        OTHER_ABSTRACT,
        "",
        "Gamma",  # 27
        "",
        ABSTRACT,
    )
    records, _ = read(text)
    assert [(r.title, r.source.line) for r in records] == [("Alpha", 13), ("Beta", 23), ("Gamma", 27)]
    assert all(r.source.path == "dump.txt" for r in records)


def test_crlf_line_endings_read_the_same() -> None:
    text = dump(*HEADER, "Alpha", "", ABSTRACT, "", "  • 2 authors", "·", "Jan 5, 2021")
    unix, unix_problems = read(text)
    windows, windows_problems = read(text.replace("\n", "\r\n"))
    assert windows == unix
    assert windows_problems == unix_problems == []


def test_title_without_abstract_at_the_end_is_rejected_and_reported() -> None:
    text = dump(*HEADER, "Complete Paper", "", ABSTRACT, "", "Truncated Paper")  # Truncated Paper: line 17
    result = read_dump(text)
    assert [(r.title, r.abstract) for r in result.records] == [("Complete Paper", ABSTRACT)]
    assert result.rejected == 1
    [problem] = [str(p) for p in result.problems]
    assert problem.startswith("dump.txt:17: error:")
    assert "without an abstract" in problem and "Truncated Paper" in problem


def test_title_without_abstract_in_the_middle_does_not_swallow_the_next_title() -> None:
    result = read_dump(dump("Lonely Title", "", "Next Paper", "", ABSTRACT))
    assert [(r.title, r.source.line, r.abstract) for r in result.records] == [("Next Paper", 3, ABSTRACT)]
    assert result.rejected == 1
    [problem] = [str(p) for p in result.problems]
    assert problem.startswith("dump.txt:1: error:") and "without an abstract" in problem


def test_title_followed_directly_by_meta_is_rejected_with_its_meta() -> None:
    result = read_dump(dump("Title Only", "", "  • 4 authors", "·", "Mar 3, 2022", "", "Next Paper", "", ABSTRACT))
    assert [r.title for r in result.records] == ["Next Paper"]
    assert result.rejected == 1
    [problem] = [str(p) for p in result.problems]  # the meta block goes with its entry: no second report
    assert problem.startswith("dump.txt:1: error:") and "without an abstract" in problem


def test_abstract_without_title_is_rejected_and_its_neighbours_survive() -> None:
    # A dump cut at the top starts mid-entry; a lost title line leaves an abstract alone.
    text = dump(
        OTHER_ABSTRACT,
        "",
        "  • 2 authors",
        "·",
        "Jan 5, 2021",
        "",
        "Good One",
        "",
        ABSTRACT,
        "",
        OTHER_ABSTRACT,
        "",
        "Good Two",
        "",
        ABSTRACT,
    )
    result = read_dump(text)
    assert [(r.title, r.source.line) for r in result.records] == [("Good One", 7), ("Good Two", 13)]
    assert result.rejected == 2
    assert [(p.source.line, p.severity.value) for p in result.problems] == [(1, "error"), (11, "error")]
    assert all("abstract without a title" in p.message for p in result.problems)


def test_a_title_that_ends_like_a_sentence_is_still_a_title() -> None:
    title = "Scaling Laws Are All You Need for Efficient Training."
    result = read_dump(dump(title, "", ABSTRACT))
    assert [(r.title, r.abstract) for r in result.records] == [(title, ABSTRACT)]
    assert result.problems == [] and result.rejected == 0


GARBAGE_CASES = [
    # lines between two good entries; offsets (from the junk's first line) that must be reported
    (["Upvote", "Submitted by someone", "12"], [0]),
    (["12"], []),  # a count beside a meta block is its upvotes or comments: card furniture, skipped
    (["—"], [0]),
    (["12", "", "Upvote", "Submitted by someone"], []),  # no title and abstract made of a card's count and buttons
    (["  • 3 authors", "·", "Jun 16, 2020"], [0]),  # a meta block with no paper before it
    (["<<<<<<< HEAD"], [0]),  # symbols with a word among them are still no title
    (["%%%% ---- ####"], [0]),
    (["\ufffd\ufffd\ufffd\ufffdx\ufffd"], [0]),  # what invalid UTF-8 leaves behind
    (["<<<<<<< HEAD", "", "=======", "", ">>>>>>> branch"], [0, 2, 4]),
]


@pytest.mark.parametrize(
    ("junk", "offsets"),
    GARBAGE_CASES,
    ids=["multi-line", "number", "dash", "number+lines", "orphan-meta", "conflict-marker", "symbols", "replacement-chars", "conflict"],
)
def test_garbage_is_reported_with_its_line_and_neighbours_survive(junk: list[str], offsets: list[int]) -> None:
    before = ["Good One", "", ABSTRACT, "", "  • 2 authors", "·", "Jan 5, 2021", ""]
    after = ["", "Good Two", "", OTHER_ABSTRACT]
    records, problems = read(dump(*before, *junk, *after))
    assert [r.title for r in records] == ["Good One", "Good Two"]
    assert records[0].author_count == 2
    assert records[1].abstract == OTHER_ABSTRACT
    reported = sorted(int(p.split(":")[1]) for p in problems)
    assert reported == [len(before) + 1 + offset for offset in offsets], problems
    assert all(": warning: " in p for p in problems)  # debris, not a rejected paper


@pytest.mark.parametrize("junk", [["Previous", "", "Next"], ["Hugging Face", "", "Models", "", "Log In", "", "Sign Up"]], ids=["pager", "menus"])
def test_short_lines_copied_with_the_page_make_no_paper(junk: list[str]) -> None:
    """Two short lines are not a title and its abstract. The last one, right before an
    entry, reads as a title whose abstract was cut (an error); the others are debris."""
    before = ["Good One", "", ABSTRACT, ""]
    result = read_dump(dump(*before, *junk, "", "Good Two", "", OTHER_ABSTRACT))
    assert [r.title for r in result.records] == ["Good One", "Good Two"]
    lines = [number for number, line in enumerate(junk, len(before) + 1) if line]
    assert [(p.source.line, p.severity.value) for p in result.problems] == [(n, "warning") for n in lines[:-1]] + [(lines[-1], "error")]
    assert result.rejected == 1


def test_stray_lines_at_the_end_of_a_dump_make_no_paper() -> None:
    result = read_dump(dump("Good One", "", ABSTRACT, "", "Previous", "", "Next"))
    assert [r.title for r in result.records] == ["Good One"]
    assert [p.source.line for p in result.problems] == [5, 7]


def test_a_stray_line_of_words_is_a_rejected_entry_not_a_paper() -> None:
    result = read_dump(dump("Good One", "", ABSTRACT, "", "lorem ipsum dolor", "", "Good Two", "", OTHER_ABSTRACT))
    assert [r.title for r in result.records] == ["Good One", "Good Two"]
    assert (result.rejected, [(p.source.line, p.severity.value) for p in result.problems]) == (1, [(5, "error")])


def test_garbage_line_inside_a_meta_block_is_reported_at_its_own_line() -> None:
    text = dump("A Paper", "", ABSTRACT, "", "  • 3 authors", "·", "Jun 16, 2020", "Submitted by AK", "Reviewed by nobody")
    records, problems = read(text)
    [record] = records
    assert (record.author_count, record.year) == (3, 2020)
    assert len(problems) == 1  # "Submitted by AK" is the card's, and skipped
    assert problems[0].startswith("dump.txt:9:") and "Reviewed by nobody" in problems[0]


PAPER_ONE = ["Paper One", "", ABSTRACT]
PAPER_TWO = ["Paper Two", "", OTHER_ABSTRACT]


@pytest.mark.parametrize(
    "card",
    [
        ["• 3 authors · Jun 16, 2020"],  # copied as one line
        ["• 3 authors", "", "·", "", "Jun 16, 2020"],  # in pieces
        ["•", "3 authors", "·", "Published on Jun 16, 2020"],  # Firefox's bullet; a trending card
        ["Submitted by", "akhaliq", "", "Upvote", "", "42", "", "· 3 authors", "·", "Jun 16, 2020"],  # card furniture
        ["Google's profile picture", "google Google", "· 3 authors", "Jun 16, 2020 5"],  # no `·` line
    ],
)
def test_a_paper_card_copied_another_way_keeps_its_date_and_authors(card: list[str]) -> None:
    result = read_dump(dump("Mar 14, 2025", "", *PAPER_ONE, "", *card, "", *PAPER_TWO, "", "• 1,350 authors", "·", "Mar 13"))
    assert [(r.title, r.year, r.month, r.day, r.author_count) for r in result.records] == [("Paper One", 2020, 6, 16, 3), ("Paper Two", 2025, 3, 13, 1350)]
    assert not result.problems and not result.rejected


@pytest.mark.parametrize(("heading", "year"), [("January 2024", 2024), ("Week 2, 2024", 2024), ("Jan 8 - Jan 14, 2024", 2024), ("Week 1, 2021", 2021)])
def test_a_month_or_week_heading_gives_its_year(heading: str, year: int) -> None:
    result = read_dump(dump(heading, "", *PAPER_ONE, "", "• 3 authors", "·", "Jan 5"))
    assert [(r.year, r.month, r.day) for r in result.records] == [(year, 1, 5)]


def test_a_file_that_is_not_a_dump_says_so() -> None:
    records, problems = read(dump("id,title,year", "1,Foo,2020", "2,Bar,2021"))
    assert records == []
    assert any("no papers found" in p for p in problems)
    assert all(p.startswith("dump.txt:1:") for p in problems)


def test_titles_and_abstracts_are_normalised_and_the_original_title_kept() -> None:
    text = dump("E$^{2}$GAN:\u200b Efficient  Training", "", ABSTRACT.replace("much cheaper", "10times cheaper"))
    [record], _ = read(text)
    assert record.title == "E²GAN: Efficient Training"
    assert record.original_title.startswith("E$^{2}$GAN")
    assert "10× cheaper" in record.abstract and "10times" not in record.abstract


# --- the real samples ----------------------------------------------------------------------


def read_sample(name: str, reference_year: int | None = 2025) -> tuple[list[Record], list[str]]:
    path = SAMPLES / name
    records, problems = read_dailypapers(f"papers/{name}", path.read_text(encoding="utf-8"), reference_year)
    return records, [str(p) for p in problems]


# Counted by hand: non-blank lines minus the header, divided by 2 (title, abstract) in the
# first layout and by 5 (title, abstract, three meta lines) in the second; 003 has one
# entry without meta (Quamba2, line 157): (213 - 6 - 2) / 5 + 1 = 42.
SAMPLE_COUNTS = {
    "000_dc6dbf71c2996150.txt": 27,
    "001_dddf701e1ef19054.txt": 92,
    "002_dc74ac00e6a7abb4.txt": 35,
    "003_97c4bdf2a185f57e.txt": 42,
}


@pytest.mark.parametrize(("name", "count"), SAMPLE_COUNTS.items())
def test_sample_files_read_completely_and_cleanly(name: str, count: int) -> None:
    records, problems = read_sample(name)
    assert len(records) == count
    assert problems == []


@pytest.mark.parametrize("name", SAMPLE_COUNTS)
def test_sample_record_lines_are_the_title_lines(name: str) -> None:
    lines = (SAMPLES / name).read_text(encoding="utf-8").splitlines()
    records, _ = read_sample(name)
    for record in records:
        assert lines[record.source.line - 1].strip() == record.original_title
        assert lines[record.source.line].strip() == ""  # a blank line follows every title


SAMPLE_RECORDS = [
    # file, title line, title starts with, author_count, organization, (year, month, day), upvotes, year_from_reference
    ("002_dc74ac00e6a7abb4.txt", 13, "Learning Rates as a Function of Batch Size", 3, "", (2020, 6, 16), None, False),
    ("002_dc74ac00e6a7abb4.txt", 21, "Large Batch Optimization for Deep Learning", 10, "", (2019, 4, 1), None, False),
    ("002_dc74ac00e6a7abb4.txt", 101, "Compact Language Models via Pruning", 9, "", (2024, 7, 19), 2, False),
    ("002_dc74ac00e6a7abb4.txt", 229, "Low-Precision Training of Large Language Models", 9, "", (2025, 5, 2), 3, True),
    ("002_dc74ac00e6a7abb4.txt", 237, "MiniCPM4: Ultra-Efficient LLMs on End Devices", None, "OpenBMB", (2025, 6, 9), 5, True),
    ("003_97c4bdf2a185f57e.txt", 29, "Distilled Decoding 2", 7, "", (2025, 10, 23), 2, True),
    ("003_97c4bdf2a185f57e.txt", 61, "Benchmarking Neural Network Training Algorithms", 25, "", (2023, 6, 12), 1, False),
    ("003_97c4bdf2a185f57e.txt", 157, "Quamba2: A Robust and Scalable", None, "", (None, None, None), None, False),
    ("003_97c4bdf2a185f57e.txt", 161, "PIGEON: Optimizing CUDA Code Generator", 7, "", (2023, 1, 16), None, False),
    ("003_97c4bdf2a185f57e.txt", 257, "Meta-Awareness Enhances Reasoning Models", None, "KAIST AI", (2025, 9, 26), 4, True),
    ("000_dc6dbf71c2996150.txt", 11, "CityGaussianV2", None, "", (None, None, None), None, False),
]


@pytest.mark.parametrize(
    ("name", "line", "title", "authors", "organization", "date", "upvotes", "from_reference"),
    SAMPLE_RECORDS,
    ids=[f"{c[0][:3]}:{c[1]}" for c in SAMPLE_RECORDS],
)
def test_known_sample_papers(
    name: str, line: int, title: str, authors: int | None, organization: str, date: tuple, upvotes: int | None, from_reference: bool
) -> None:
    record = by_line(read_sample(name, reference_year=2025)[0])[line]
    assert record.title.startswith(title)
    assert record.author_count == authors
    assert record.organization == organization
    assert (record.year, record.month, record.day) == date
    assert record.upvotes == upvotes
    assert record.year_from_reference is from_reference
    assert record.abstract  # every sample entry has one


def test_sample_dates_without_a_year_stay_unknown_without_a_reference_year() -> None:
    record = by_line(read_sample("002_dc74ac00e6a7abb4.txt", reference_year=None)[0])[237]
    assert (record.year, record.month, record.day, record.upvotes) == (None, 6, 9, 5)
    # ...while a date with its own year does not need one.
    assert by_line(read_sample("002_dc74ac00e6a7abb4.txt", reference_year=None)[0])[13].year == 2020


def test_sample_scraping_artefacts_are_repaired() -> None:
    records = by_line(read_sample("000_dc6dbf71c2996150.txt")[0])
    assert records[15].title == "E²GAN: Efficient Training of Efficient GANs for Image-to-Image Translation"
    assert records[15].original_title.startswith("E$^{2}$GAN")
    assert "up to 10× compression" in records[11].abstract
    assert "1.6-1.8× increase" in records[31].abstract
    assert not any("0times" in r.abstract for r in records.values())


def test_a_title_wrapped_over_two_lines_is_one_title() -> None:
    records, problems = read(dump("Scaling Laws for Sparsely-Connected Foundation Models:", "A Study of Everything", "", ABSTRACT))
    assert ([r.title for r in records], problems) == (["Scaling Laws for Sparsely-Connected Foundation Models: A Study of Everything"], [])


def test_a_last_abstract_cut_mid_word_is_kept_and_reported() -> None:
    result = read_dump(dump("Good One", "", ABSTRACT, "", "Cut Short", "", ABSTRACT[:-30]))
    assert [r.title for r in result.records] == ["Good One", "Cut Short"]
    assert [(p.source.line, p.severity.value) for p in result.problems] == [(7, "warning")]
    assert "mid-sentence" in result.problems[0].message
    assert read_dump(dump("Good One", "", ABSTRACT)).problems == []  # a whole sentence: nothing to say


def test_a_short_abstract_without_a_meta_block_is_still_an_abstract() -> None:
    text = dump("Good One", "", ABSTRACT, "", "Foo Dataset", "", "We release the Foo dataset.", "", "Good Two", "", OTHER_ABSTRACT)
    result = read_dump(text)
    assert [(r.title, r.abstract) for r in result.records][1] == ("Foo Dataset", "We release the Foo dataset.")
    assert result.problems == []


def test_a_listing_heading_without_a_year_ends_the_year_of_the_one_before() -> None:
    meta = ["  • 3 authors", "·", "Mar 10"]
    records, _ = read(dump("Jan 2, 2024", "", "Early", "", ABSTRACT, "", "Mar 14", "", "Later", "", OTHER_ABSTRACT, "", *meta), reference_year=2024)
    assert records[1].year == 2024  # from reference_year, not Jan 2, 2024's year minus one


@pytest.mark.parametrize(
    "ending", ["code at github.com/foo/bar", "bounds of $O(n)$", "an error of 3", "see https://x.org/a", "gain of 12%", "speed-up of 3x", "on ImageNet-1k"]
)
def test_a_last_abstract_ending_in_a_link_formula_or_number_is_not_reported_as_cut(ending: str) -> None:
    assert read_dump(dump("Good One", "", ABSTRACT, "", "Last One", "", f"{OTHER_ABSTRACT} Our {ending}")).problems == []


@pytest.mark.parametrize(
    ("written", "link"),
    [
        ("Code: https://github.com/wenhaoli-xmu/seco{here}.", "https://github.com/wenhaoli-xmu/seco"),
        ("See https://llm-stacking.github.io/{https://llm-stacking.github.io/}.", "https://llm-stacking.github.io/"),
        ("As in https://en.wikipedia.org/wiki/Foo_(bar) today.", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("(Code at https://github.com/a/b.)", "https://github.com/a/b"),
    ],
)
def test_links_in_an_abstract_end_where_the_link_does(written: str, link: str) -> None:
    abstract = "We propose a method that trains large models faster on many machines and reports results. " + written
    records, _ = read(dump("A Method", "", abstract))
    assert records[0].urls == (link,)


LONG_TITLE = (
    "Towards a Unified Framework for Efficient and Scalable Training of Very Large Language Models "
    "Across Heterogeneous Clusters With Pipeline Tensor and Data Parallelism Combined Together Today"
)


def test_a_title_as_long_as_an_abstract_keeps_its_paper() -> None:
    text = dump("Good One", "", ABSTRACT, "", "  • 2 authors", "·", "Jan 5, 2021", "", LONG_TITLE, "", OTHER_ABSTRACT, "", "  • 3 authors", "·", "Jan 6, 2021")
    result = read_dump(text)
    assert [(r.title, r.source.line, r.day) for r in result.records] == [("Good One", 1, 5), (LONG_TITLE, 9, 6)]
    assert not result.problems and not result.rejected


def test_an_abstract_of_two_paragraphs_is_one_abstract_with_its_meta() -> None:
    text = dump("Good One", "", OTHER_ABSTRACT, "", ABSTRACT, "", "  • 2 authors", "·", "Jan 5, 2021", "", "Good Two", "", ABSTRACT)
    result = read_dump(text)
    assert [(r.title, r.abstract, r.day) for r in result.records] == [("Good One", f"{OTHER_ABSTRACT} {ABSTRACT}", 5), ("Good Two", ABSTRACT, None)]
    assert not result.problems and not result.rejected


@pytest.mark.parametrize("date", ["Feb 29, 2023", "Sep 31, 2024", "31 Apr 2020", "2021-02-30"])
def test_a_date_that_does_not_exist_is_reported_and_leaves_the_paper_undated(date: str) -> None:
    result = read_dump(dump("Good One", "", ABSTRACT, "", "  • 2 authors", "·", date))
    assert [(r.title, r.year, r.month, r.day) for r in result.records] == [("Good One", None, None, None)]
    assert [str(p.source) for p in result.problems] == ["dump.txt:7"] and "no such day" in result.problems[0].message


def test_february_29_of_a_leap_year_or_of_no_year_is_a_date() -> None:
    result = read_dump(dump("Good One", "", ABSTRACT, "", "  • 2 authors", "·", "Feb 29, 2024", "", "Good Two", "", ABSTRACT, "", "·", "Feb 29"))
    assert [(r.month, r.day) for r in result.records] == [(2, 29), (2, 29)] and not result.problems


def test_a_header_run_together_with_the_listing_date_still_gives_its_year() -> None:
    result = read_dump(dump("Daily Papers", "byAK and the research community", "Jan 2, 2024", "", "Good One", "", ABSTRACT, "", "·", "Dec 30"))
    assert [(r.year, r.month, r.day) for r in result.records] == [(2023, 12, 30)] and not result.problems


def test_a_number_for_a_title_keeps_its_paper() -> None:
    result = read_dump(dump(*PAPER_ONE, "", "• 3 authors", "·", "Jun 16, 2020", "", "2048", "", OTHER_ABSTRACT, "", "• 2 authors", "·", "Mar 13"))
    assert [r.title for r in result.records] == ["Paper One", "2048"] and not result.problems and not result.rejected


def test_a_paper_with_no_date_under_a_listing_with_a_year_takes_that_year() -> None:
    text = "Jun 14, 2024\n\nA Paper On Suction Grasping\n\nWe propose a suction grasping method for bins.\n\nAnother Paper On Legs\n\nWe present a legged controller.\n\n  • 2 authors\n·\nJun 12\n"
    records, problems = read_dailypapers("d.txt", text, None)
    assert [(r.year, r.month, r.day, r.year_from_reference) for r in records] == [(2024, None, None, True), (2024, 6, 12, True)]
    assert problems == []


def test_an_upvote_count_on_its_own_line_after_the_date_is_read() -> None:
    text = "A Paper On Suction Grasping\n\nWe propose a suction grasping method for bins.\n\n  • 3 authors\n·\nJun 13, 2024\n1.2k\n"
    records, problems = read_dailypapers("d.txt", text, None)
    assert [(r.year, r.upvotes) for r in records] == [(2024, 1200)] and problems == []
