"""Topics are stable: the same input gives the same analysis, and adding one paper to the
sample corpus moves at most 2% of the existing papers to another primary topic and renames
no topic slug, with the configured taxonomy and with discovered (kept) topics."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.config import load_config
from generator.pipeline import Report, build
from generator.topics import discover_topics, dump_topics, load_topics
from tests.paper_factory import make_paper

REPO = Path(__file__).resolve().parents[1]
AUTOMATIC = "title: Sample review\ninputs:\n  - papers/\nreference_year: 2025\n"
MAX_MOVED = 0.02
NEW_PAPERS = {
    "on-topic": (
        "QuickLoRA: 4-bit Quantized Low-Rank Adaptation on a Single GPU",
        "Fine-tuning large language models is expensive in memory. We propose QuickLoRA, which "
        "quantizes the frozen base model to 4 bits and trains low-rank adapters on top of it. "
        "QuickLoRA fine-tunes a 65B model on one 48GB GPU and matches 16-bit fine-tuning accuracy "
        "while using 70% less memory.",
    ),
    "off-topic": (
        "A Field Survey of Pollinator Decline in Alpine Meadows",
        "We counted bees and butterflies along twelve transects in alpine meadows over five summers. "
        "Pollinator abundance fell by a third, most strongly at lower altitudes, and flowering "
        "plants shifted their blooming earlier in the season.",
    ),
}


def make_project(root: Path, config: str) -> Path:
    shutil.copytree(REPO / "papers", root / "papers")
    (root / "review.yml").write_text(config, encoding="utf-8")
    return root


def add_paper(root: Path, title: str, abstract: str) -> str:
    (root / "extra").mkdir(exist_ok=True)
    path = root / "extra" / "new.yml"
    path.write_text(f"papers:\n  - title: {title!r}\n    year: 2025\n    abstract: {abstract!r}\n", encoding="utf-8")
    return "extra/new.yml"


def primary_topics(report: Report) -> dict[str, str]:
    return {paper.identity: paper.topic for paper in report.papers}


def moved_share(before: Report, after: Report) -> float:
    old, new = primary_topics(before), primary_topics(after)
    assert set(old) < set(new)  # one paper more, none lost
    return sum(old[identity] != new[identity] for identity in old) / len(old)


def analysis_of(report: Report) -> list[tuple]:
    return [(p.key, p.topic, p.secondary_topics, p.tags, p.tldr, p.short_name, p.claims, p.related) for p in report.papers]


@pytest.fixture(scope="module")
def guided(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    root = make_project(tmp_path_factory.mktemp("guided"), (REPO / "review.yml").read_text(encoding="utf-8"))
    return root, build(load_config(root / "review.yml"), write=False)


@pytest.fixture(scope="module")
def automatic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    root = make_project(tmp_path_factory.mktemp("automatic"), AUTOMATIC)
    report = build(load_config(root / "review.yml"))  # writes discovered-topics.yml
    assert (root / "discovered-topics.yml").exists()
    return root, report


@pytest.mark.parametrize("kind", sorted(NEW_PAPERS))
def test_guided_one_more_paper_moves_at_most_2_percent(guided: tuple[Path, Report], kind: str) -> None:
    root, before = guided
    extra = add_paper(root, *NEW_PAPERS[kind])
    after = build(load_config(root / "review.yml"), (extra,), write=False)
    assert [t.slug for t in after.topics] == [t.slug for t in before.topics]
    assert moved_share(before, after) <= MAX_MOVED


@pytest.mark.parametrize("kind", sorted(NEW_PAPERS))
def test_automatic_one_more_paper_keeps_topics_and_moves_at_most_2_percent(automatic: tuple[Path, Report], kind: str) -> None:
    root, before = automatic
    kept = (root / "discovered-topics.yml").read_text(encoding="utf-8")
    extra = add_paper(root, *NEW_PAPERS[kind])
    after = build(load_config(root / "review.yml"), (extra,), write=False)
    assert [(t.slug, t.title) for t in after.topics] == [(t.slug, t.title) for t in before.topics]
    assert (root / "discovered-topics.yml").read_text(encoding="utf-8") == kept
    assert moved_share(before, after) <= MAX_MOVED


def test_off_topic_paper_goes_to_other(guided: tuple[Path, Report]) -> None:
    root, _ = guided
    title, abstract = NEW_PAPERS["off-topic"]
    after = build(load_config(root / "review.yml"), (add_paper(root, title, abstract),), write=False)
    assert next(p.topic for p in after.papers if p.title == title) == "other"


def test_kept_topics_round_trip(automatic: tuple[Path, Report], tmp_path: Path) -> None:
    root, report = automatic
    topics = load_topics(root / "discovered-topics.yml")
    assert [t.slug for t in topics] == [t.slug for t in report.topics if t.slug != "other"]
    (tmp_path / "again.yml").write_text(dump_topics(topics), encoding="utf-8")
    assert load_topics(tmp_path / "again.yml") == topics


def test_discovered_topics_have_readable_distinct_names(automatic: tuple[Path, Report]) -> None:
    _, report = automatic
    discovered = [t for t in report.topics if t.slug != "other"]
    assert 10 <= len(discovered) <= 30  # a sensible number for 183 papers
    assert len({t.slug for t in discovered}) == len({t.title for t in discovered}) == len(discovered)
    for topic in discovered:
        assert not topic.title.lower().startswith("topic")
        assert 4 <= len(topic.keywords) <= 12
        assert all(keyword == keyword.strip() and keyword for keyword in topic.keywords)


def test_two_runs_give_the_same_analysis(guided: tuple[Path, Report], automatic: tuple[Path, Report]) -> None:
    for root, report in (guided, automatic):
        again = build(load_config(root / "review.yml"), write=False)
        assert analysis_of(again) == analysis_of(report)
        assert again.topics == report.topics


def test_discovery_ignores_input_order(guided: tuple[Path, Report]) -> None:
    _, report = guided
    papers = report.papers
    assert discover_topics(papers) == discover_topics(list(reversed(papers)))


def test_a_few_titles_without_abstracts_found_no_topic_and_land_in_other() -> None:
    """A small Google Scholar export: titles only, sharing no word that is not a field
    word. There is no topic to discover; the papers are all kept, in Other."""
    titles = [
        "Attention Is All You Need",
        "Deep Residual Learning for Image Recognition",
        "Adam: A Method for Stochastic Optimization",
        "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift",
        "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
        "Generative Adversarial Nets",
    ]
    papers = [make_paper(title, abstract="") for title in titles]
    assert discover_topics(papers) == []


def test_papers_with_no_word_to_count_are_analysed_and_land_in_other(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "c.yml").write_text("papers: [{title: A}, {title: The}, {title: Deep learning}]\n", encoding="utf-8")
    (tmp_path / "review.yml").write_text("title: T\ninputs: [papers/]\n", encoding="utf-8")
    report = build(load_config(tmp_path / "review.yml"), write=False)
    assert sorted(p.title for p in report.papers) == ["A", "Deep learning", "The"]
    assert {p.topic for p in report.papers} == {"other"}


def test_discovered_topics_copied_into_review_yml_place_papers_as_before(automatic: tuple[Path, Report], tmp_path: Path) -> None:
    # discovered-topics.yml says: copy the topics under `topics:` to curate them.
    root, report = automatic
    copied = make_project(tmp_path / "copied", AUTOMATIC + (root / "discovered-topics.yml").read_text(encoding="utf-8"))
    again = build(load_config(copied / "review.yml"), write=False)
    assert primary_topics(again) == primary_topics(report)
    assert any(topic.term_weights for topic in load_topics(root / "discovered-topics.yml"))
