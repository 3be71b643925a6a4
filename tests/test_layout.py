"""Page layout: splitting long lists and large topics under the page-size budget."""

from __future__ import annotations

from generator import layout
from generator.layout import Section, anchor_pages, chunk, paginate_sections, split_topic


def test_chunk_packs_items_up_to_the_budget_and_never_leaves_one_out():
    assert chunk([4, 4, 4, 9, 1], size_of=lambda n: n, budget=8) == [[4, 4], [4], [9], [1]]
    assert chunk([], size_of=len, budget=8) == []


def test_short_listing_is_one_page_with_the_given_stem():
    pages = paginate_sections("tags", [Section("tag-a", "a", ("x", "y"))])
    assert [page.path_stem for page in pages] == ["tags"]
    assert pages[0].sections[0].lines == ("x", "y")


def test_long_section_continues_on_the_next_page_under_its_heading():
    lines = tuple(f"line {n:03d}" + "." * 90 for n in range(50))
    pages = paginate_sections("years", [Section("year-2024", "2024", lines)], budget=1_000)
    assert len(pages) > 1
    assert [p.path_stem for p in pages[:3]] == ["years", "years-2", "years-3"]
    assert [line for page in pages for section in page.sections for line in section.lines] == list(lines)
    assert pages[1].sections[0].heading == "2024 (continued)"
    assert anchor_pages(pages)["year-2024"] == "years"
    assert pages[1].sections[0].anchor == "year-2024--part-2"
    assert len({s.anchor for p in pages for s in p.sections}) == sum(len(p.sections) for p in pages)  # ids unique


def test_topic_that_fits_is_not_split():
    assert split_topic("t", [(2024, "a"), (2025, "b")], size_of=lambda key: 10) == []


def test_large_topic_is_split_by_year_newest_first_and_big_years_into_parts(monkeypatch):
    monkeypatch.setattr(layout, "PAGE_BUDGET", 100)
    keys = [(2023, "old")] + [(2024, f"k{n}") for n in range(5)] + [(None, "undated")]
    parts = split_topic("topic", keys, size_of=lambda key: 40)
    assert [p.stem for p in parts] == ["topic--2024", "topic--2024-2", "topic--2024-3", "topic--2023", "topic--undated"]
    assert parts[0].keys == ("k0", "k1")
    assert parts[1].label == "2024 (part 2 of 3)"
    assert sorted(k for p in parts for k in p.keys) == sorted(k for _, k in keys)


def test_adding_a_newer_paper_moves_no_older_paper_to_another_page(monkeypatch):
    monkeypatch.setattr(layout, "PAGE_BUDGET", 100)
    keys = [(2024, f"k{n}") for n in range(5)]
    before = {k: p.stem for p in split_topic("t", keys, lambda key: 40) for k in p.keys}
    after = {k: p.stem for p in split_topic("t", [*keys, (2024, "new")], lambda key: 40) for k in p.keys}
    assert all(after[k] == stem for k, stem in before.items())


def test_grouped_sections_stay_on_their_group_pages_when_another_group_grows():
    def sections(a_lines: int) -> list[Section]:
        return [Section("tag-alpha", "alpha", tuple("x" * 90 for _ in range(a_lines))), Section("tag-beta", "beta", ("y" * 90,))]

    def initial(section: Section) -> str:
        return section.anchor.removeprefix("tag-")[0]

    before = paginate_sections("tags", sections(20), budget=1_000, group_of=initial)
    after = paginate_sections("tags", sections(40), budget=1_000, group_of=initial)
    assert [p.path_stem for p in before] == ["tags", "tags-a", "tags-a-2", "tags-b"]
    assert len(after) > len(before)  # "alpha" grew by pages…
    assert anchor_pages(before)["tag-beta"] == anchor_pages(after)["tag-beta"] == "tags-b"  # …and "beta" stayed
    assert [p.label for p in before] == ["Index", "A", "A (2)", "B"]
    assert [p.path_stem for p in paginate_sections("tags", sections(2), budget=1_000, group_of=initial)] == ["tags"]  # fits: one page
