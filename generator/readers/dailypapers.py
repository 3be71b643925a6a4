"""Reader for plain-text dumps of Hugging Face "Daily Papers" listings.

A dump is a run of blocks separated by blank lines. After optional header lines (`new`,
`Subscribe`, `Daily Papers`, …) and a listing date (`Mar 14`) come the papers: a title
block, an abstract block and, in one of the two layouts, a meta block such as

      • 3 authors            or      openbmb OpenBMB
    ·                                ·
    Jun 16, 2020                     Jun 9 5

(a date without a year means the listing's year; a trailing number is the upvote count).
Entries without a meta block occur even in files that otherwise have one.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from generator.links import is_a_paper
from generator.models import Problem, Record, Source, SourceKind
from generator.normalize import clean_whitespace, display_text
from generator.readers.result import FileRead, Rejects

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "byak and the research community",
        "by ak and the research community",
        "trending papers",
    }
)
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# A month's name or its abbreviation, capitalised: "Janus 2" is a title, not January 2nd.
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_UPVOTES = r"(?: (?P<upvotes>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?k|\d+))?"  # 42, 1,234 or 1.2k
_DATES = (  # `Jun 16, 2020`, `Oct 23`, `16 Jun 2020`, `2020-06-16`, each maybe with upvotes
    re.compile(rf"^(?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?{_UPVOTES}$"),
    re.compile(rf"^(?P<day>\d{{1,2}}) (?P<month>{_MONTH})(?: (?P<year>\d{{4}}))?{_UPVOTES}$"),
    re.compile(rf"^(?P<year>\d{{4}})-(?P<number>\d{{2}})-(?P<day>\d{{2}}){_UPVOTES}$"),
)
# Listing headings that are no single day: `January 2025`, `Week 2, 2025`, `Jan 6 - Jan 12`.
_LISTING_PERIOD = re.compile(rf"^(?:{_MONTH} \d{{4}}|Week \d{{1,2}}(?:, \d{{4}})?|{_MONTH} \d{{1,2}} ?[-–] ?(?:{_MONTH} )?\d{{1,2}}(?:, \d{{4}})?)$")
# `• 3 authors`, `· 1,350 authors`, or `3 authors` under a bullet copied on its own line.
_AUTHORS = re.compile(r"^[•·]?\s*(\d{1,3}(?:,\d{3})+|\d+)\s+authors?$")
# Parts of a paper card that are no paper: who submitted it, the upvote button, counts.
_CHROME = re.compile(r"^(?:submitted by(?: \S+)?|upvote|view on github|\d[\d,]* comments?|★ ?[\d.,]+k?|github ?[\d.,]+k?|.+'s (?:profile picture|avatar))$", re.I)
_CHROME_LABELS = frozenset({"submitted by", "github"})  # a label whose value the copy put on the next line
_DOTS = frozenset({"·", "•"})  # the page's separator and bullet, copied on a line of their own
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?k?")
# Listing headings of more than a day that give their year: the month, the week, the dates.
_MONTH_HEADING = re.compile(rf"^(?P<month>{_MONTH}) (?P<year>\d{{4}})$")
_WEEK_HEADING = re.compile(r"^Week (?P<week>\d{1,2}), (?P<year>\d{4})$")
_RANGE_HEADING = re.compile(rf"^(?P<first>{_MONTH}) \d{{1,2}} ?[-–] ?(?:(?P<month>{_MONTH}) )?(?P<day>\d{{1,2}}), (?P<year>\d{{4}})$")
# A link in an abstract: it ends at a space, a quote, an unmatched bracket or a brace (the
# rest of a LaTeX `\href{url}{text}` scraped with it), and keeps a bracketed part of its
# own (`wiki/Foo_(bar)`).
_URL = re.compile(r"https?://(?:[^\s()\[\]{}<>\"'\\|]|\([^\s(){}]*\))+")
# An abstract is prose: long, or at least a sentence. A title is a short single line.
_MIN_ABSTRACT_WORDS = 25
_MAX_TITLE_LINES = 3  # a long title wrapped when copied
_MAX_TITLE_WORDS = 50  # a one-line title may be this long; prose longer is an abstract
_MAX_META_LINE = 120  # characters: an organisation's name and a date, with room to spare
_MIN_SHORT_ABSTRACT_WORDS = 4
# How a whole abstract may end: a sentence, a bracket or quote, a formula, a word with a
# digit (`12%`, `3x`, `ImageNet-1k`), or a link or path (`github.com/foo/bar`). A last word
# of plain letters may have been cut.
_ENDS_SENTENCE = re.compile(r"""[.!?…)\]"'”’$]$|\S*[/.:\d]\S*$""")


@dataclass(frozen=True)
class Block:
    line: int  # 1-based number of the block's first line
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class ListingDate:
    month: int
    day: int
    year: int | None
    upvotes: int | None


def split_blocks(text: str) -> list[Block]:
    """Runs of non-blank lines, each with the number of its first line. Lines end where an
    editor and `grep -n` end them (\n, \r\n, \r), not at U+2028 or a form feed, so the
    line numbers in problems are the ones the user sees."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(_LINE_BREAK.split(text.removesuffix("\n")), 1):
        line = clean_whitespace(raw)
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append(Block(start, tuple(current)))
            current = []
    if current:
        blocks.append(Block(start, tuple(current)))
    return blocks


def parse_date(line: str) -> ListingDate | None:
    """`Jun 16, 2020`, `Oct 23`, `16 Jun 2020` or `2020-06-16`, maybe with upvotes after it
    (`Jun 12, 2023 1`, `… 1,234`, `… 1.2k`); None otherwise."""
    match = next((found for pattern in _DATES if (found := pattern.match(line))), None)
    if match is None:
        return None
    groups = match.groupdict()
    month = int(groups["number"]) if groups.get("number") else MONTHS[groups["month"][:3].lower()]
    day = int(match["day"])
    year = int(match["year"]) if match["year"] else None
    # No such day ("Feb 29, 2023", "Sep 31") is no date; without a year, Feb 29 may be one.
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]):
        return None
    return ListingDate(month=month, day=day, year=year, upvotes=_upvotes(match["upvotes"]))


def _upvotes(text: str | None) -> int | None:
    if not text:
        return None
    if text.endswith("k"):
        return round(float(text[:-1]) * 1000)
    return int(text.replace(",", ""))


def is_meta(block: Block) -> bool:
    """A paper's meta block: its author count or the `·` the page puts between organisation
    and date; or an organisation and then a date, the `·` lost in the copy."""
    if "·" in block.lines or _AUTHORS.match(block.lines[0]):
        return True  # as the page copies it
    if any(len(line) > _MAX_META_LINE for line in block.lines):
        return False  # prose: asked of every abstract, so answered without parsing it
    kinds = [_meta_kind(part) for line in block.lines for part in _meta_parts(line)]
    if "dot" in kinds or "authors" in kinds:
        return True
    return len(block.lines) >= 2 and kinds[-1] == "date" and all(kinds[1:])


def _meta_parts(line: str) -> list[str]:
    """A meta line's parts: `• 3 authors · Jun 16, 2020` (copied as one line) is two, and
    `Published on Jun 16, 2020` is its date."""
    parts = [part.strip() for part in line.split(" · ")] if " · " in line else [line]
    return [part.removeprefix("Published on ").strip() for part in parts if part.strip()]


def _meta_kind(part: str) -> str:
    if part in _DOTS:
        return "dot"
    if _AUTHORS.match(part):
        return "authors"
    return "date" if parse_date(part) is not None else ""


def looks_like_abstract(block: Block) -> bool:
    words = block.text.split()
    return len(words) >= _MIN_ABSTRACT_WORDS or (len(words) >= 8 and block.text.endswith("."))


def is_header(block: Block) -> bool:
    return all(line.casefold() in HEADER_LINES for line in block.lines)


@dataclass(frozen=True)
class Meta:
    author_count: int | None = None
    organization: str = ""
    date: ListingDate | None = None


def organisation_name(line: str) -> str:
    """`openbmb OpenBMB` → `OpenBMB`: the listing shows the Hub handle, then the name."""
    handle, _, name = line.partition(" ")
    return name.strip() if name.strip() and re.fullmatch(r"[a-z0-9][a-z0-9._-]*", handle) else line


def parse_meta(block: Block, path: str, problems: list[Problem]) -> Meta:
    author_count, organization, date = None, "", None
    for offset, line in enumerate(block.lines):
        for part in _meta_parts(line):
            if part in _DOTS or _is_chrome(part):
                continue
            if m := _AUTHORS.match(part):
                author_count = int(m[1].replace(",", ""))
            elif (parsed := parse_date(part)) is not None:
                date = parsed
            elif date is not None and date.upvotes is None and _COUNT.fullmatch(part):
                date = replace(date, upvotes=_upvotes(part))  # the count on a line of its own, after the date
            elif any(pattern.match(part) for pattern in _DATES):
                problems.append(Problem(Source(path, block.line + offset), f"{part[:40]!r} is no day of the calendar (no such day in that month); the paper is undated"))
            elif not organization and part == line and not (author_count or date):
                organization = organisation_name(line)  # the first line, after any avatar text
            else:
                problems.append(Problem(Source(path, block.line + offset), f"unrecognised line in meta block: {part[:80]!r}"))
    return Meta(author_count, organization, date)


def _merged(metas: list[Meta]) -> Meta:
    """One paper's meta, copied as several blocks (blank lines between its lines)."""
    return Meta(
        next((m.author_count for m in metas if m.author_count is not None), None),
        next((m.organization for m in metas if m.organization), ""),
        next((m.date for m in metas if m.date is not None), None),
    )


def _is_chrome(line: str) -> bool:
    return len(line) <= _MAX_META_LINE and bool(_CHROME.match(line))  # prose is never the card's


def _without_chrome(blocks: list[Block]) -> list[Block]:
    """The blocks without the parts of a paper card that are no paper ("Submitted by" and
    its user, "Upvote", a count before the meta block): taken for a title or an abstract,
    they made papers called "Upvote"."""
    kept = [block for block in blocks if not (all(_is_chrome(line) for line in block.lines) or (len(block.lines) == 2 and block.lines[0].lower() in _CHROME_LABELS))]
    # A count beside a meta block is its upvotes or comments; before an abstract, a title ("2048").
    return [
        block
        for index, block in enumerate(kept)
        if not (
            _COUNT.fullmatch(block.text)
            and ((index + 1 < len(kept) and is_meta(kept[index + 1])) or (index and is_meta(kept[index - 1])))
            and not _is_prose_at(kept, index + 1)
        )
    ]


def read_entries(path: str, text: str, reference_year: int | None) -> FileRead:
    """All papers in one dump; a date without a year takes the listing's year when the dump
    gives one (`Jan 2, 2024`), else `reference_year` (or stays unknown).

    Entries are titles and stray abstracts; one that cannot become a paper is rejected.
    """
    problems: list[Problem] = []
    rejects = Rejects()
    records = list(_entries(path, _without_chrome(split_blocks(text)), reference_year, problems, rejects))
    if not records and not rejects and text.strip():
        problems.append(Problem(Source(path, 1), "no papers found: is this a Daily Papers text dump?"))
    return FileRead(records, sorted(problems + rejects.problems, key=lambda p: p.source), len(rejects))


def read_dailypapers(path: str, text: str, reference_year: int | None) -> tuple[list[Record], list[Problem]]:
    result = read_entries(path, text, reference_year)
    return result.records, result.problems


def _entries(path: str, blocks: list[Block], reference_year: int | None, problems: list[Problem], rejects: Rejects) -> Iterator[Record]:
    index = 0
    listed: ListingDate | None = None  # the listing's own date, when it gives the year
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if _is_listing_date(block) or _is_header_with_date(block):
            day = listing_date(block.lines[-1])
            listed = day if day is not None and day.year is not None else None  # a heading without a year: its year is unknown
            continue
        if is_header(block):
            continue  # the page header; it recurs mid-file where dumps of several pages were joined
        if is_meta(block):
            problems.append(Problem(Source(path, block.line), "meta block without a paper before it; skipped"))
            continue
        if not _is_title_at(blocks, index - 1):
            if _is_stray_abstract(block):
                rejects.add(Source(path, block.line), f"abstract without a title before it; skipped: {block.text[:60]!r}")
                index += _meta_follows(blocks, index)  # the rest of the broken entry
            else:
                problems.append(Problem(Source(path, block.line), f"unrecognised text skipped: {block.text[:60]!r}"))
            continue
        if not (index < len(blocks) and _is_abstract_at(blocks, index)):
            if index < len(blocks) and _is_debris_after(blocks, index):
                problems.append(Problem(Source(path, block.line), f"unrecognised text skipped: {block.text[:60]!r}"))
                continue
            # A dump gives every paper an abstract: a lone title is a truncated entry.
            rejects.add(Source(path, block.line), f"title without an abstract (truncated entry?); skipped: {block.text[:60]!r}")
            index += _meta_follows(blocks, index)
            continue
        paragraphs = [blocks[index]]
        index += 1
        while index < len(blocks) and _is_paragraph_at(blocks, index):  # an abstract of several paragraphs
            paragraphs.append(blocks[index])
            index += 1
        metas: list[Meta] = []
        # The meta block, maybe copied in pieces (`• 3 authors`, `·`, `Jun 16, 2020`), ends
        # with its date. A date alone after the abstract, with no piece before it, is taken
        # for the next listing's heading, as a dump cannot tell the two apart.
        while index < len(blocks) and not any(m.date for m in metas) and (_meta_follows(blocks, index) or (metas and _is_lone_date(blocks[index]))):
            metas.append(parse_meta(blocks[index], path, problems))
            index += 1
        meta = _merged(metas)
        if not metas and index == len(blocks) and not _ENDS_SENTENCE.search(paragraphs[-1].text):
            ending = paragraphs[-1].text[-30:]
            problems.append(Problem(Source(path, paragraphs[-1].line), f"the file's last abstract stops mid-sentence (…{ending!r}): was the dump cut short?"))
        abstract = " ".join(paragraph.text for paragraph in paragraphs)
        yield _record(path, block, abstract, meta, _year_of(meta.date, listed, reference_year))


def _meta_follows(blocks: list[Block], index: int) -> int:
    """1 when the block at `index` is a meta block, else 0."""
    return int(index < len(blocks) and is_meta(blocks[index]))


def _is_wordy(text: str) -> bool:
    """Has a letter, and at least half its visible characters are letters or digits: a title
    does, while debris such as `<<<<<<< HEAD`, `%%%%` or `—` does not."""
    visible = [ch for ch in text if not ch.isspace()]
    return any(ch.isalpha() for ch in visible) and 2 * sum(ch.isalnum() for ch in visible) >= len(visible)


def is_title(block: Block) -> bool:
    """One short line of words: a stray `12` or `—` is scraping debris."""
    return len(block.lines) == 1 and not looks_like_abstract(block) and _is_wordy(block.text)


def _is_title_at(blocks: list[Block], index: int) -> bool:
    """A title; or, with prose after it, a title that reads like a sentence (`… for
    Everything.`) or one wrapped over a few lines."""
    block = blocks[index]
    if is_title(block):
        return True
    if len(block.lines) == 1 and _COUNT.fullmatch(block.text) and _is_prose_at(blocks, index + 1) and _meta_follows(blocks, index + 2):
        return True  # a number for a title ("2048"), as its abstract and meta block show
    return (
        len(block.lines) <= _MAX_TITLE_LINES
        and (len(block.text.split()) < _MIN_ABSTRACT_WORDS or _is_long_title_at(blocks, index))
        and _is_wordy(block.text)
        and not is_meta(block)
        and not is_header(block)
        and _is_prose_at(blocks, index + 1)
    )


def _is_long_title_at(blocks: list[Block], index: int) -> bool:
    """A title long enough to read like prose (25 words or more), which a dump still writes
    as one line without a full stop, followed by one abstract: its own."""
    block = blocks[index]
    return (
        len(block.lines) == 1
        and len(block.text.split()) <= _MAX_TITLE_WORDS
        and not block.text.endswith(".")
        and _is_prose_at(blocks, index + 1)
        and not _is_prose_at(blocks, index + 2)
    )


def _is_paragraph_at(blocks: list[Block], index: int) -> bool:
    """Whether the prose at `index`, after an abstract, is more of it (a paragraph break the
    page kept): it is when the entry's meta block follows it. Followed by anything else, it
    is what a lost title line left of the next entry, or that entry's long title."""
    return _is_stray_abstract(blocks[index]) and not is_meta(blocks[index]) and bool(_meta_follows(blocks, index + 1))


def _is_stray_abstract(block: Block) -> bool:
    """Prose on one line, as a dump writes an abstract: what is left of an entry whose title
    was lost. Multi-line text is debris (`Upvote / Submitted by …`)."""
    return len(block.lines) == 1 and looks_like_abstract(block)


def _is_abstract_at(blocks: list[Block], index: int) -> bool:
    """Whether the block after a title is its abstract. It is not when it is meta or page
    header, nor when it is a short line followed by prose: then it is the next paper's
    title and this paper's abstract is missing (a truncated dump)."""
    block = blocks[index]
    if is_meta(block) or is_header(block) or _is_listing_date(block):
        return False
    if looks_like_abstract(block):
        return True
    # Multi-line debris ("Upvote / Submitted by …") is no abstract: dumps put one on one line.
    if len(block.lines) != 1:
        return False
    if _meta_follows(blocks, index + 1):
        return True
    # Without a meta block to vouch for it, a short abstract ("We release the Foo dataset.")
    # still says something; a word or two ("Previous", "Next"; "Log In") is page debris.
    return not _is_prose_at(blocks, index + 1) and len(block.text.split()) >= _MIN_SHORT_ABSTRACT_WORDS


def _is_debris_after(blocks: list[Block], index: int) -> bool:
    """Whether a short line sits at `index` that starts no entry either (no prose after it):
    menu text copied with the page ("Log In", "Sign Up"), not a paper cut short."""
    block = blocks[index]
    return len(block.lines) == 1 and not looks_like_abstract(block) and not is_meta(block) and not _is_prose_at(blocks, index + 1)


def _is_prose_at(blocks: list[Block], index: int) -> bool:
    """Whether an abstract-like block (not a meta block) is at `index`."""
    return index < len(blocks) and looks_like_abstract(blocks[index]) and not is_meta(blocks[index])


def _is_lone_date(block: Block) -> bool:
    return len(block.lines) == 1 and _meta_kind(block.lines[0]) == "date"


def listing_date(line: str) -> ListingDate | None:
    """A listing heading's day, or the last day of the month or week it lists (`January
    2024`, `Week 2, 2024`, `Jan 8 - Jan 14, 2024`): a paper dated after it is from the year
    before."""
    if (day := parse_date(line)) is not None:
        return day
    if found := _MONTH_HEADING.match(line):
        year, month = int(found["year"]), MONTHS[found["month"][:3].lower()]
        return ListingDate(month, calendar.monthrange(year, month)[1], year, None)
    if found := _WEEK_HEADING.match(line):
        try:
            end = datetime.date.fromisocalendar(int(found["year"]), int(found["week"]), 7)
        except ValueError:  # no such week
            return None
        return ListingDate(end.month, end.day, end.year, None)
    if found := _RANGE_HEADING.match(line):
        month = MONTHS[(found["month"] or found["first"])[:3].lower()]
        return ListingDate(month, int(found["day"]), int(found["year"]), None)
    return None


def _is_header_with_date(block: Block) -> bool:
    """The page header and the listing's date copied without blank lines between them
    ("Daily Papers" / "byAK and the research community" / "Jan 2, 2025")."""
    *header, last = block.lines
    return bool(header) and all(line.casefold() in HEADER_LINES for line in header) and _is_listing_date(Block(block.line, (last,)))


def _is_listing_date(block: Block) -> bool:
    return len(block.lines) == 1 and (parse_date(block.lines[0]) is not None or bool(_LISTING_PERIOD.match(block.lines[0])))


def _year_of(date: ListingDate | None, listed: ListingDate | None, reference_year: int | None) -> int | None:
    """A paper's year: its own; else the listing's, or the year before for a date after the
    listing's (`Dec 30` in a listing of `Jan 2, 2024`); else `reference_year`. A paper
    with no date at all under a listing that gives its year was listed that year."""
    if date is None:  # listed that day: the listing's year is the paper's
        return listed.year if listed is not None else None
    if date.year is not None:
        return date.year
    if listed is not None and listed.year is not None:
        return listed.year - ((date.month, date.day) > (listed.month, listed.day))
    return reference_year


def _record(path: str, title_block: Block, abstract_text: str, meta: Meta, year: int | None) -> Record:
    original_title = " ".join(title_block.lines)
    abstract = display_text(abstract_text)
    date = meta.date
    # An abstract is written before its paper has an arXiv id or a DOI: a paper link in it
    # cites another paper ("building on LoRA (arXiv:2106.09685)"). Taken as the paper's
    # own, it merged DoRA and QLoRA into LoRA. So a listing's links are its code and project
    # pages, and its identity is its title.
    mentioned = dict.fromkeys(url.rstrip(".,;:!?") for url in _URL.findall(abstract))
    urls = tuple(url for url in mentioned if not is_a_paper(url))
    return Record(
        source=Source(path, title_block.line),
        kind=SourceKind.LISTING,
        title=display_text(original_title),
        original_title=original_title,
        abstract=abstract,
        author_count=meta.author_count,
        organization=meta.organization,
        year=year,
        month=date.month if date else None,
        day=date.day if date else None,
        year_from_reference=year is not None and (date is None or date.year is None),  # not the paper's own
        upvotes=date.upvotes if date else None,
        urls=urls,
    )
