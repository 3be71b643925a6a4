"""The facts behind a topic's overview paragraph."""

from __future__ import annotations

from generator.overview import topic_overview
from tests.paper_factory import make_paper


def test_representative_papers_are_those_the_topic_relates_to_most_then_the_most_upvoted():
    hub = make_paper("Hub method", key="hub", upvotes=None)
    popular = make_paper("Popular aside", key="popular", upvotes=300)
    others = [make_paper(f"Follow-up {n}", key=f"f{n}", related=("hub", "f0"), upvotes=5) for n in range(1, 4)]
    first = make_paper("Follow-up 0", key="f0", related=("hub",), upvotes=1)
    overview = topic_overview([popular, hub, first, *others])
    assert [p.key for p in overview.representative] == ["hub", "f0", "popular"]


def test_related_papers_outside_the_topic_do_not_count():
    inside = make_paper("Inside", key="inside", related=("outside",), upvotes=2)
    other = make_paper("Other", key="other", related=("outside",), upvotes=9)
    assert [p.key for p in topic_overview([inside, other]).representative] == ["other", "inside"]


def test_years_and_undated_papers_are_counted():
    papers = [make_paper("A", year=2021), make_paper("B", year=2024), make_paper("C", year=None)]
    overview = topic_overview(papers)
    assert (overview.count, overview.first_year, overview.last_year, overview.undated) == (3, 2021, 2024, 1)


def test_strongest_claims_speak_for_three_papers_and_ranges_count_by_their_low_end():
    papers = [
        make_paper("Fast", key="fast", claims=("88× faster", "54× faster")),
        make_paper("Thousands", key="thousands", claims=("1,000× fewer tokens",)),
        make_paper("Range", key="range", claims=("1.48–12.1× higher throughput",)),
        make_paper("Steady", key="steady", claims=("4× memory reduction",)),
        make_paper("Halved", key="halved", claims=("50% less memory",)),
    ]
    claims = [(claim, paper.key) for claim, paper in topic_overview(papers).claims]
    assert claims == [("1,000× fewer tokens", "thousands"), ("88× faster", "fast"), ("4× memory reduction", "steady")]


def test_a_thread_is_a_tag_some_but_not_all_of_the_topics_papers_carry():
    papers = [make_paper(f"P{n}", key=f"p{n}", tags=("GNN", "graph sampling") if n < 2 else ("GNN",)) for n in range(4)]
    assert topic_overview(papers).threads == (("graph sampling", 2),)  # "GNN (4)" would only repeat the topic
