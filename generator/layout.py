"""How content is split into pages so that no page grows past a size budget.

A browser stalls on multi-megabyte pages, and MkDocs' time grows with page size, so every
page that lists papers is split once it passes `PAGE_BUDGET` bytes of Markdown. Splits are
chosen for stable URLs: a topic too big for one page is split by year (a paper's page then
depends only on its topic and year), and a year too big for one page is cut into parts in
date order, so new papers, which are mostly recent, land on the last part.

Everything here is pure: sizes in, page plans out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

# Measured on the sample site: a page's HTML is 1.75–2.4× its Markdown (tags and the table
# of contents add most), plus ~50 KB of theme. 300 KB of Markdown stays under 1 MB of HTML.
PAGE_BUDGET = 300_000

Item = TypeVar("Item")


def chunk(items: Sequence[Item], size_of: Callable[[Item], int], budget: int | None = None) -> list[list[Item]]:
    """Consecutive runs of `items`, each as large as fits in `budget` (at least one item)."""
    budget = PAGE_BUDGET if budget is None else budget
    chunks: list[list[Item]] = [[]]
    used = 0
    for item in items:
        size = size_of(item)
        if chunks[-1] and used + size > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(item)
        used += size
    return chunks if chunks[0] else []


@dataclass(frozen=True)
class Section:
    """A heading (with its HTML id) and the Markdown list lines under it."""

    anchor: str
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ListingPage:
    path_stem: str  # e.g. "tags" for the first page, "tags-2" or "tags-q" for the next
    sections: tuple[Section, ...]
    label: str = ""  # how the pager names it ("Q", "Q (2)"); by default its number


def paginate_sections(
    stem: str,
    sections: Sequence[Section],
    budget: int | None = None,
    group_of: Callable[[Section], str] | None = None,
    sort_groups: bool = False,
) -> list[ListingPage]:
    """Sections on one page `stem` when they fit; else packed into pages `stem-2`, `stem-3`,
    …, a section too long for one page continuing on the next under the same heading.

    With `group_of` (a section's initial, its year), each group gets pages of its own,
    `stem-<group>`, `stem-<group>-2`, …, after an index page `stem`: a section then moves
    only when its own group outgrows a page, not whenever an earlier section grows, and the
    links to it, on every paper's entry, stay put. Groups come in the order of their first
    section, or by name with `sort_groups`."""
    budget = PAGE_BUDGET if budget is None else budget
    pieces = _pieces(sections, budget)
    if group_of is None or sum(size for _, size in pieces) <= budget:
        pages = chunk(pieces, lambda piece: piece[1], budget)
        return [
            ListingPage(stem if number == 0 else f"{stem}-{number + 1}", tuple(piece for piece, _ in page)) for number, page in enumerate(pages)
        ] or [ListingPage(stem, ())]
    groups: dict[str, list[tuple[Section, int]]] = {}
    for piece in pieces:
        groups.setdefault(group_of(piece[0]), []).append(piece)
    listing = [ListingPage(stem, (), "Index")]
    for group in sorted(groups) if sort_groups else groups:
        for number, page in enumerate(chunk(groups[group], lambda piece: piece[1], budget)):
            name = group.upper() if len(group) == 1 else group.capitalize()  # "Q", "2024", "Unknown"
            suffix, label = (group, name) if number == 0 else (f"{group}-{number + 1}", f"{name} ({number + 1})")
            listing.append(ListingPage(f"{stem}-{suffix}", tuple(piece for piece, _ in page), label))
    return listing


def _pieces(sections: Sequence[Section], budget: int) -> list[tuple[Section, int]]:
    """Each section, cut into pieces that fit a page, with the size of each piece."""
    pieces: list[tuple[Section, int]] = []
    for section in sections:
        runs = chunk(section.lines, lambda line: len(line) + 3, budget) or [[]]
        for number, run in enumerate(runs):
            # "--part-N": slugs never hold a double dash, so no tag or year can take this id.
            anchor = section.anchor if number == 0 else f"{section.anchor}--part-{number + 1}"
            heading = section.heading if number == 0 else f"{section.heading} (continued)"
            pieces.append((Section(anchor, heading, tuple(run)), sum(len(line) + 3 for line in run) + len(heading) + 40))
    return pieces


def anchor_pages(pages: Sequence[ListingPage]) -> dict[str, str]:
    """The page stem each section anchor first appears on."""
    found: dict[str, str] = {}
    for page in pages:
        for section in page.sections:
            found.setdefault(section.anchor, page.path_stem)
    return found


@dataclass(frozen=True)
class TopicPart:
    """One page of a topic too big for a single page: a year (or "undated"), maybe a part."""

    stem: str  # the file name without .md, e.g. "quantization--2024-2"
    label: str  # e.g. "2024 (part 2)"
    keys: tuple[str, ...]


def split_topic(slug: str, dated_keys: Sequence[tuple[int | None, str]], size_of: Callable[[str], int]) -> list[TopicPart]:
    """The part pages of a topic, or [] when it fits on its own page. `dated_keys` are
    (year, key) in date order, oldest first."""
    if sum(size_of(key) for _, key in dated_keys) <= PAGE_BUDGET:
        return []
    by_year: dict[int | None, list[str]] = {}
    for year, key in dated_keys:
        by_year.setdefault(year, []).append(key)
    parts = []
    for year in sorted(by_year, key=lambda y: (y is None, -(y or 0))):  # newest first, undated last
        name = str(year) if year is not None else "undated"
        runs = chunk(by_year[year], size_of)
        for number, run in enumerate(runs):
            suffix = "" if number == 0 else f"-{number + 1}"
            label = name if len(runs) == 1 else f"{name} (part {number + 1} of {len(runs)})"
            parts.append(TopicPart(f"{slug}--{name}{suffix}", label, tuple(run)))
    return parts
