"""The curated YAML reader (whole entries, overrides, warnings with path:line) and how its
overrides reach merged papers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from generator.dedupe import apply_overrides, merge_records
from generator.models import Override, Record, Severity, Source, SourceKind
from generator.pages import find_links
from generator.readers.curated import read_curated, read_entries

FIXTURE = Path(__file__).parent / "fixtures" / "inputs" / "curated.yml"


def read(text: str) -> tuple[list[Record], list[Override], list[str]]:
    records, overrides, problems = read_curated("list.yml", text)
    return records, overrides, [str(p) for p in problems]


@pytest.fixture(scope="module")
def fixture() -> tuple[list[Record], list[Override], list[str]]:
    records, overrides, problems = read_curated("curated.yml", FIXTURE.read_text(encoding="utf-8"))
    return records, overrides, [str(p) for p in problems]


def test_whole_entry(fixture) -> None:
    records, _, _ = fixture
    lora = records[0]
    assert lora.source == Source("curated.yml", 3)
    assert lora.kind is SourceKind.CURATED
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora.authors == ("Edward J. Hu", "Yelong Shen", "Phillip Wallis")
    assert lora.author_count == 3
    assert (lora.year, lora.month, lora.day) == (2021, 6, None)
    assert lora.abstract == "We propose Low-Rank Adaptation, or LoRA, which freezes the pre-trained weights."
    assert lora.doi == "10.48550/arxiv.2106.09685"
    assert lora.arxiv_id == "2106.09685"
    assert lora.urls == ("https://github.com/microsoft/LoRA",)
    assert lora.venue == "ICLR 2022"
    assert lora.bibtex_key == "hu2021lora"
    assert lora.topic == "parameter-efficient-fine-tuning"
    assert lora.tags == ("LoRA", "PEFT")
    assert lora.note == "The adapter everyone starts from."
    assert lora.upvotes == 12


def test_a_title_yaml_would_read_as_a_boolean_stays_text(fixture) -> None:
    records, _, _ = fixture
    assert records[1].title == "No"
    assert records[1].year is None  # `nineteen` is reported, not guessed


def test_overrides_by_key_and_by_title(fixture) -> None:
    _, overrides, _ = fixture
    by_key, by_title = overrides
    assert (by_key.source, by_key.match_key, by_key.match_title) == (Source("curated.yml", 21), "ba2016layer", "")
    assert (by_key.topic, by_key.tags, by_key.note, by_key.urls) == (
        "optimization",
        ("normalization",),
        "Classic.",
        ("https://example.org/code",),
    )
    assert (by_title.source, by_title.match_key, by_title.match_title, by_title.tags) == (
        Source("curated.yml", 26),
        "",
        "layer normalization",
        ("LN",),
    )


def test_fixture_problems_name_their_lines(fixture) -> None:
    _, _, problems = fixture
    lines = {int(p.split(":")[1]): p for p in problems}
    assert sorted(lines) == [3, 17, 18, 21, 28, 29], problems
    assert "colour" in lines[17] and "warning" in lines[17]  # unknown field, at its own line
    assert "mood" in lines[28]
    assert "javascript:" in lines[3]  # the refused link, in the entry that has it
    assert "JavaScript:" in lines[21]
    assert "year" in lines[18]
    assert "error" in lines[29] and "key" in lines[29]  # an override that names no paper


def test_a_bare_list_is_read_as_papers() -> None:
    records, overrides, problems = read("- title: First\n  year: 2020\n- title: Second\n")
    assert [(r.title, r.year, r.source.line) for r in records] == [("First", 2020, 1), ("Second", None, 3)]
    assert overrides == [] and problems == []


INVALID_YAML = [
    ("papers:\n  - title: a\n    year: [\n", 4),
    ("papers:\n  - title: a\n  -title: b\n bad: x\n", 3),
    ("papers:\n\t- title: tab\n", 2),
    ('papers:\n  - title: "unclosed\n', 3),
]


@pytest.mark.parametrize(("text", "line"), INVALID_YAML)
def test_invalid_yaml_gives_path_and_line(text: str, line: int) -> None:
    result = read_entries("list.yml", text)
    assert result.records == [] and result.overrides == [] and result.rejected == 1
    [problem] = map(str, result.problems)
    # At the broken paper's first line, and where the YAML parser stopped.
    assert problem.startswith("list.yml:2: error: invalid YAML") and f"(line {line})" in problem


def test_a_yaml_syntax_error_costs_only_its_own_entry() -> None:
    text = (
        "papers:\n"
        "  - title: Good One\n"  # 2
        '  - title: "Broken\n'  # 3
        "    year: 2021\n"
        "  - title: Good Two\n"  # 5
        "    tags: [a, b]\n"
        "\n"
        "  - title: Bad Two\n"  # 8
        "    year: [\n"
        "overrides:\n"
        "  - title: Good One\n"  # 11
        "    note: fine\n"
        "  - title: x\n"  # 13
        "    note: {\n"
    )
    result = read_entries("list.yml", text)
    assert [(r.title, r.source.line) for r in result.records] == [("Good One", 2), ("Good Two", 5)]
    assert result.records[1].tags == ("a", "b")
    assert [(o.match_title, o.note, o.source.line) for o in result.overrides] == [("Good One", "fine", 11)]
    assert result.rejected == 2
    assert [(p.source.line, p.severity) for p in result.problems] == [(3, Severity.ERROR), (8, Severity.ERROR), (13, Severity.ERROR)]


def test_a_yaml_error_outside_the_lists_is_reported_and_the_lists_read() -> None:
    result = read_entries("list.yml", "title: [unclosed\npapers:\n  - title: Kept\n")
    assert [r.title for r in result.records] == ["Kept"]
    [problem] = result.problems
    assert problem.severity is Severity.ERROR and "invalid YAML" in problem.message and result.rejected == 0


REJECT_CASES = [
    # one item of `papers:` → the message of its single error
    ("  - just a string", "not a mapping"),
    ("  - [a, list]", "not a mapping"),
    ("  - year: 2020", "no `title`"),
    ("  - title: ''", "no `title`"),
    ("  - title: null", "no `title`"),
    ('  - title: "\\u200b"', "no `title`"),  # only a zero-width space: nothing to show
    ("  - title: [a, b]", "not text"),
    ("  - title: {a: b}", "not text"),
]


@pytest.mark.parametrize(("item", "words"), REJECT_CASES)
def test_papers_that_cannot_be_read_are_rejected_at_their_line(item: str, words: str) -> None:
    result = read_entries("list.yml", f"papers:\n  - title: Good\n{item}\n  - title: Also Good\n")
    assert [r.title for r in result.records] == ["Good", "Also Good"]
    assert result.rejected == 1
    [problem] = result.problems
    assert (problem.source.line, problem.severity) == (3, Severity.ERROR) and words in problem.message


def test_alias_bombs_and_cycles_are_refused_not_expanded() -> None:
    text = (
        "papers:\n"
        "  - title: Bomb\n"
        "    tags: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "    authors: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "    note: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "    venue: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "  - title: Cycle\n"
        "    tags: &r [*r]\n"
    )
    result = read_entries("list.yml", text)
    assert [r.title for r in result.records] == ["Bomb", "Cycle"]
    assert result.records[1].tags == ()
    assert {p.source.line for p in result.problems if "too large" in p.message} == {6, 8}
    assert all(p.severity is Severity.WARNING for p in result.problems)


def test_deeply_nested_yaml_is_an_error_not_a_crash() -> None:
    result = read_entries("list.yml", "papers:\n  - title: T\n    tags: " + "[" * 1000 + "]" * 1000 + "\n")
    assert result.records == [] and result.problems and result.problems[0].severity is Severity.ERROR


def test_a_field_given_twice_keeps_the_first_and_warns_at_the_second() -> None:
    result = read_entries("list.yml", "papers:\n  - title: First\n    year: 2020\n    title: Second\n")
    assert [r.title for r in result.records] == ["First"]
    [problem] = result.problems
    assert (problem.source.line, problem.severity) == (4, Severity.WARNING) and "twice" in problem.message


def test_text_fields_given_as_lists_are_reported_and_ignored() -> None:
    result = read_entries("list.yml", "papers:\n  - title: T\n    abstract: [a, b]\n    tags: [x, [y], {z: 1}]\n")
    [record] = result.records
    assert (record.abstract, record.tags) == ("", ("x",))
    assert [p.severity for p in result.problems] == [Severity.WARNING, Severity.WARNING]


LINK_CASES = [
    ("links: [https://ok.example/a]", ("https://ok.example/a",), 0),
    ("links: [http://ok.example/a, https://ok.example/b]", ("http://ok.example/a", "https://ok.example/b"), 0),
    ("links: [javascript:alert(1)]", (), 1),
    ('links: ["JAVASCRIPT:alert(1)"]', (), 1),
    ("links: {Code: 'javascript:void(0)', Paper: 'https://ok.example/p'}", ("https://ok.example/p",), 1),
    ("links: ['data:text/html,<script>alert(1)</script>']", (), 1),
    ("url: javascript:alert(1)", (), 1),
    ("url: https://ok.example/u", ("https://ok.example/u",), 0),
]


@pytest.mark.parametrize(("line", "urls", "refused"), LINK_CASES)
def test_only_http_links_are_accepted(line: str, urls: tuple[str, ...], refused: int) -> None:
    records, _, problems = read(f"papers:\n  - title: T\n    {line}\noverrides:\n  - title: T\n    {line}\n")
    _, overrides, _ = read_curated("list.yml", f"overrides:\n  - title: T\n    {line}\n")
    assert records[0].urls == urls
    assert overrides[0].urls == urls
    assert len(problems) == 2 * refused
    assert all("javascript" not in url.lower() for url in records[0].urls + overrides[0].urls)


VALUE_CASES = [
    # YAML would turn these into floats, booleans or dates; the curator meant the text.
    ("arxiv: 2310.06770", "arxiv_id", "2310.06770"),
    ("arxiv: arXiv:2310.06770v2", "arxiv_id", "2310.06770"),
    ("key: 2020", "bibtex_key", "2020"),
    ("note: yes", "note", "yes"),
    ("venue: 2021-06-01", "venue", "2021-06-01"),
    ("tags: [yes, 3D, null]", "tags", ("yes", "3D")),
]


@pytest.mark.parametrize(("line", "field", "expected"), VALUE_CASES)
def test_values_are_read_as_written(line: str, field: str, expected: object) -> None:
    [record], _, problems = read(f"papers:\n  - title: T\n    {line}\n")
    assert getattr(record, field) == expected
    assert problems == []


@pytest.mark.parametrize("given", ["2401.12345\\\"><script>alert(1)</script>", "soon", "https://example.org/2401.12345"])
def test_an_arxiv_value_that_is_no_identifier_is_warned_about_and_makes_no_link(given: str) -> None:
    [record], _, problems = read(f"papers:\n  - title: T\n    arxiv: \"{given}\"\n")
    assert record.arxiv_id == ""
    assert len(problems) == 1 and problems[0].startswith("list.yml:2: warning: `arxiv`") and "no arXiv identifier" in problems[0]


def test_unknown_section_and_fields_warn_with_their_line() -> None:
    text = "papers:\n  - title: T\n    colour: red\nextras:\n  - x\n"
    records, _, problems = read(text)
    assert [r.title for r in records] == ["T"]
    assert sorted(p.split(": ")[0] for p in problems) == ["list.yml:3", "list.yml:4"]
    assert all(": warning: " in p for p in problems)


# --- overrides reach the merged papers -------------------------------------------------------


def listing(title: str, line: int) -> Record:
    return Record(Source("dump.txt", line), SourceKind.LISTING, title, title, abstract="An abstract.")


def test_overrides_apply_by_title_and_by_key() -> None:
    papers, _ = merge_records([listing("Layer Normalization", 1), listing("Deep Residual Learning", 5)])
    papers = [replace(p, key="ba2016layer") if p.identity == "layer normalization" else p for p in papers]
    _, overrides, _ = read_curated("c.yml", FIXTURE.read_text(encoding="utf-8"))
    result, problems = apply_overrides(papers, overrides)
    assert problems == []
    layer = next(p for p in result if p.identity == "layer normalization")
    assert layer.topic_override == "optimization"
    assert layer.tag_overrides == ("normalization", "LN")  # by key, then by title (case does not matter)
    assert layer.note == "Classic."
    assert layer.urls == ("https://example.org/code",)
    assert Source("c.yml", 21) in layer.sources and Source("c.yml", 26) in layer.sources
    other = next(p for p in result if p.identity != "layer normalization")
    assert (other.topic_override, other.tag_overrides, other.note) == ("", (), "")


def test_an_override_that_matches_nothing_is_reported_at_its_line() -> None:
    papers, _ = merge_records([listing("Something Else", 1)])
    _, overrides, _ = read_curated("c.yml", "overrides:\n  - title: Not There\n    tags: [x]\n  - key: nobody2020\n    note: n\n")
    result, problems = apply_overrides(papers, overrides)
    assert result == papers
    assert sorted(str(p.source) for p in problems) == ["c.yml:2", "c.yml:4"]
    assert all(p.severity is Severity.WARNING for p in problems)


def test_an_override_by_a_title_two_papers_share_applies_to_one_and_says_so() -> None:
    def bib(line: int, author: str, year: int) -> Record:
        return Record(Source("refs.bib", line), SourceKind.BIBTEX, "Deep learning", "Deep learning", authors=(author,), year=year)

    papers, _ = merge_records([bib(1, "Yann LeCun", 2015), bib(9, "Ian Goodfellow", 2016)])
    papers = [replace(p, key=f"k{i}") for i, p in enumerate(papers)]
    override = Override(Source("c.yml", 3), match_title="Deep Learning", topic="optimization")
    result, problems = apply_overrides(papers, [override])
    assert [p.topic_override for p in result] == ["optimization", ""]
    assert [(str(p.source), p.severity) for p in problems] == [("c.yml:3", Severity.WARNING)]
    assert "k0, k1" in problems[0].message


def test_an_unknown_curated_topic_is_reported_where_it_was_written(tmp_path: Path) -> None:
    from generator.config import load_config
    from generator.pipeline import build

    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "a.bib").write_text("@article{k1, title={Layer Normalization}, author={Ba, Jimmy}, year={2016}}\n", encoding="utf-8")
    curated = "papers:\n  - title: My preprint\n    topic: no-such-topic\noverrides:\n  - title: Layer Normalization\n    topic: also-unknown\n"
    (tmp_path / "papers" / "curated.yml").write_text(curated, encoding="utf-8")
    (tmp_path / "review.yml").write_text("title: T\ninputs: [papers/]\ntopics:\n  - title: Optimization\n", encoding="utf-8")
    report = build(load_config(tmp_path / "review.yml"), write=False)
    unknown = sorted(str(p.source) for p in report.problems if "is not a topic slug" in p.message)
    assert unknown == ["papers/curated.yml:2", "papers/curated.yml:5"]
    assert {p.key: p.topic for p in report.papers}["k1"] != "also-unknown"


def test_one_text_where_a_list_belongs_is_read_as_the_list_it_spells() -> None:
    text = "papers:\n  - title: T\n    authors: Ada Lovelace and Charles Babbage\n    tags: quantization, pruning\n  - title: U\n    authors: A. Turing; C. Shannon\n"
    records, _, problems = read_curated("list.yml", text)
    assert [r.authors for r in records] == [("Ada Lovelace", "Charles Babbage"), ("A. Turing", "C. Shannon")]
    assert records[0].tags == ("quantization", "pruning") and not problems


def test_a_lone_surrogate_from_a_yaml_escape_becomes_a_replacement_character() -> None:
    records, _, _ = read_curated("list.yml", 'papers:\n  - title: "A \\uD800 paper"\n    note: "n\\uDC00"\n')
    assert records[0].original_title == "A \ufffd paper" and records[0].note == "n\ufffd"
    records[0].original_title.encode("utf-8")  # what every later stage does


def test_braced_names_are_names_and_others_means_more_authors() -> None:
    text = 'papers:\n  - title: T\n    authors: ["{OpenAI}", "Ada Lovelace", others]\n  - title: U\n    authors: ["{Google DeepMind}"]\n'
    records, _, problems = read_curated("list.yml", text)
    assert [(r.authors, r.author_count) for r in records] == [(("OpenAI", "Ada Lovelace"), 3), (("Google DeepMind",), 1)]
    assert not problems


def test_curated_tags_in_any_script_are_kept_and_one_without_letters_is_reported() -> None:
    records, _, problems = read_curated("list.yml", 'papers:\n  - title: A paper\n    tags: ["分布式训练", "обучение", "LoRA", "🔥"]\n')
    assert records[0].tags == ("分布式训练", "обучение", "LoRA")
    assert [(str(p.source), p.severity) for p in problems] == [("list.yml:2", Severity.WARNING)] and "'🔥'" in problems[0].message


def test_a_curators_names_for_links_label_them_on_the_page() -> None:
    text = (
        "papers:\n  - title: A paper\n    links: {Slides: https://example.org/s.pdf, Data: https://example.org/d}\n"
        "overrides:\n  - title: A paper\n    links: {Talk: https://example.org/talk}\n"
    )
    records, overrides, problems = read_curated("list.yml", text)
    papers, _ = merge_records(records)
    (paper,), _ = apply_overrides(papers, overrides)
    assert not problems
    assert [label for label, _ in find_links(paper)][:3] == ["Slides", "Data", "Talk"]


def test_yaml_merge_keys_give_their_fields_and_a_section_of_ones_own_is_quiet() -> None:
    text = (
        "x-common: &common\n  year: 2024\n  topic: quantization\n  tags: [a]\n"
        "papers:\n  - <<: *common\n    title: One paper\n    tags: [b]\n  - title: Two\n    <<: [*common]\n"
    )
    records, _, problems = read_curated("list.yml", text)
    assert [(r.title, r.year, r.topic, r.tags) for r in records] == [("One paper", 2024, "quantization", ("b",)), ("Two", 2024, "quantization", ("a",))]
    assert problems == []


def test_a_syntax_error_elsewhere_costs_an_item_using_a_merge_key_nothing() -> None:
    text = (
        "x-common: &corl\n  venue: CoRL\n  year: 2022\n\n"
        "papers:\n  - title: Uses the anchor\n    <<: *corl\n"
        "  - title: Broken\n    links: {Code: https://github.com/a/b, Video: https://www.youtube.com/watch?v=abc}\n"
        "  - title: Fine\n    year: 2021\n"
    )
    records, _, problems = read_curated("list.yml", text)
    assert [(str(r.source), r.title, r.venue, r.year) for r in records] == [("list.yml:6", "Uses the anchor", "CoRL", 2022), ("list.yml:10", "Fine", "", 2021)]
    (problem,) = problems
    assert str(problem.source) == "list.yml:8" and problem.message.endswith("; a URL with `?` inside `{ }` must be quoted")


@pytest.mark.parametrize(
    ("authors", "read"),
    [
        ("Ada Lovelace, Charles Babbage, Alan Turing", ("Ada Lovelace", "Charles Babbage", "Alan Turing")),
        ("Lovelace, Ada", ("Lovelace, Ada",)),
        ("De La Cruz, Maria Jose", ("De La Cruz, Maria Jose",)),  # one name or two: kept as one, with a warning
        ("Lovelace, Ada and Babbage, Charles", ("Lovelace, Ada", "Babbage, Charles")),
    ],
)
def test_authors_written_as_one_text_are_split_where_they_are_a_list(authors: str, read: tuple[str, ...]) -> None:
    records, _, problems = read_curated("list.yml", f"papers:\n  - title: A paper\n    authors: {authors}\n")
    assert records[0].authors == read
    assert [str(p.source) for p in problems] == (["list.yml:2"] if authors.startswith("De La") else [])


def test_a_python_or_unknown_yaml_tag_is_named_as_the_reason_a_value_is_ignored() -> None:
    _, _, problems = read_curated("list.yml", "papers:\n  - title: Good\n    abstract: !!python/object/apply:os.system [echo hi]\n    note: !!str kept\n")
    assert [str(p) for p in problems] == ["list.yml:3: warning: `abstract` ignored: YAML tag '!!python/object/apply:os.system' is not allowed here"]
