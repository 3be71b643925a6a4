"""Citation keys: readable formats, uniqueness ignoring case, `a`/`b` suffixes, stability as
the collection grows, and the key file."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from generator.bibtex import bibtex_entry
from generator.config import ConfigError, load_config
from generator.dedupe import merge_records
from generator.keys import assign_keys, dump_pinned, load_pinned, replaced_keys, with_key_aliases
from generator.models import Paper, Record, Severity, Source, SourceKind
from generator.normalize import title_identity
from generator.pipeline import build
from generator.readers.bibtex import read_bibtex
from generator.readers.dailypapers import read_dailypapers
from tests.paper_factory import make_paper

SAMPLES = Path(__file__).resolve().parents[1] / "papers"


def paper(title: str, year: int | None = None, authors: tuple[str, ...] = (), bibtex_key: str = "") -> Paper:
    return Paper(
        identity=title_identity(title),
        title=title,
        original_title=title,
        abstract="",
        authors=authors,
        author_count=len(authors) or None,
        organization="",
        year=year,
        month=None,
        day=None,
        upvotes=None,
        doi="",
        arxiv_id="",
        urls=(),
        venue="",
        sources=(Source("in", 1),),
        bibtex_key=bibtex_key,
    )


def key_of(p: Paper, pinned: dict[str, str] | None = None) -> str:
    return assign_keys([p], pinned or {})[p.identity]


FORMAT_CASES = [
    # surname + year + first significant title word
    (paper("GPTQ: Accurate Post-Training Quantization", 2022, ("Elias Frantar", "Dan Alistarh")), "frantar2022gptq"),
    (paper("On the Difficulty of Training Recurrent Neural Networks", 2013, ("Razvan Pascanu",)), "pascanu2013difficulty"),
    (paper("Über Kompression", 2021, ("Jörg Müller",)), "muller2021uber"),
    (paper("Read After the Broken One", 2019, ("John Smith Jr.",)), "smith2019read"),
    (paper("Layer Normalization", 2016, ("Ba, Jimmy Lei",)), "ba2016layer"),
    (paper("E²GAN: Efficient Training", 2024, ("Yifan Gong",)), "gong2024e2gan"),
    # no authors (Daily Papers): first word + year + second word
    (paper("GPTQ: Accurate Post-Training Quantization", 2022), "gptq2022accurate"),
    (paper("A Multigrid Method for Efficiently Training Video Models", 2019), "multigrid2019method"),
    (paper("Layer Normalization"), "layernormalization"),
    # the user's own BibTeX key is kept when BibTeX and URLs can carry it
    (paper("Whatever", 2020, ("A B",), bibtex_key="MyOwnKey:2020"), "MyOwnKey:2020"),
    (paper("Whatever", 2020, ("Ann Bee",), bibtex_key="has space"), "bee2020whatever"),
    (paper("Whatever", 2020, ("Ann Bee",), bibtex_key="x" * 65), "bee2020whatever"),
]


@pytest.mark.parametrize(("p", "key"), FORMAT_CASES, ids=[c[1] for c in FORMAT_CASES])
def test_readable_key_formats(p: Paper, key: str) -> None:
    assert key_of(p) == key


def test_collisions_get_a_b_suffixes() -> None:
    papers = [
        paper("Scaling Laws for Neural Language Models", 2020, ("Jared Kaplan",)),
        paper("Scaling Laws for Autoregressive Generative Modeling", 2020, ("Tom Henighan", "Jared Kaplan")),
        paper("Scaling Laws for Transfer", 2021, ("Danny Hernandez",)),
        paper("Scaling Laws Under the Microscope", 2020, ("Jared Kaplan",)),
        paper("Scaling Laws Revisited", 2020, ("Jared Kaplan",)),
    ]
    keys = assign_keys(papers, {})
    kaplan = sorted(keys[p.identity] for p in papers if p.authors[0] == "Jared Kaplan")
    assert kaplan == ["kaplan2020scaling", "kaplan2020scalinga", "kaplan2020scalingb"]
    assert keys[papers[2].identity] == "hernandez2021scaling"


def test_keys_are_unique_ignoring_case() -> None:
    papers = [
        paper("Alpha", 2020, bibtex_key="Smith2020"),
        paper("Beta", 2020, bibtex_key="smith2020"),
        paper("Gamma Paper", 2020, ("Jo Smith",), bibtex_key="SMITH2020"),
    ]
    keys = list(assign_keys(papers, {}).values())
    assert len({k.lower() for k in keys}) == 3
    assert "Smith2020" in keys  # the first by identity keeps the user's spelling


def test_a_generated_key_does_not_take_a_pinned_key_in_another_case() -> None:
    newcomer = paper("Layer Normalization", 2016, ("Jimmy Ba",))
    keys = assign_keys([newcomer], {"some removed paper": "BA2016LAYER"})
    assert keys[newcomer.identity].lower() != "ba2016layer"


def test_keys_are_stable_when_a_colliding_paper_is_added() -> None:
    old = [
        paper("Efficient Training of Language Models", 2023, ("Wei Zhang",)),
        paper("Efficient Transformers: A Survey", 2023, ("Wei Zhang",)),
    ]
    first = assign_keys(old, {})
    assert sorted(first.values()) == ["zhang2023efficient", "zhang2023efficienta"]
    # A newcomer with the same base key whose identity sorts before both.
    newcomer = paper("Efficient Attention", 2023, ("Wei Zhang",))
    assert newcomer.identity < min(p.identity for p in old)
    unpinned = assign_keys([*old, newcomer], {})
    assert any(unpinned[p.identity] != first[p.identity] for p in old), "the scenario must be one where sorting alone moves keys"
    second = assign_keys([*old, newcomer], first)
    assert {p.identity: second[p.identity] for p in old} == first
    assert second[newcomer.identity] == "zhang2023efficientb"


def test_a_removed_papers_key_is_not_handed_on() -> None:
    gone, stays = paper("Efficient Training", 2023, ("Wei Zhang",)), paper("Efficient Inference", 2023, ("Wei Zhang",))
    pinned = assign_keys([gone, stays], {})
    later = paper("Efficient Serving", 2023, ("Wei Zhang",))
    keys = assign_keys([stays, later], pinned)
    assert keys[stays.identity] == pinned[stays.identity]
    assert keys[later.identity] not in {k.lower() for k in pinned.values()}


def test_user_key_that_collides_with_a_pinned_key_is_suffixed() -> None:
    pinned_paper = paper("Layer Normalization", 2016, ("Jimmy Ba",))
    pinned = assign_keys([pinned_paper], {})
    user = paper("Something Else", 2016, bibtex_key="ba2016layer")
    keys = assign_keys([pinned_paper, user], pinned)
    assert keys[pinned_paper.identity] == "ba2016layer"
    assert keys[user.identity] == "ba2016layera"


def test_sample_keys_are_readable_and_unique() -> None:
    records = []
    for path in sorted(SAMPLES.glob("*.txt")):
        records += read_dailypapers(path.name, path.read_text(encoding="utf-8"), 2025)[0]
    papers, _ = merge_records(records)
    keys = assign_keys(papers, {})
    assert len(keys) == 183
    assert len({k.lower() for k in keys.values()}) == 183
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys.values()), keys
    # GPTQ is only in 000, a dump without dates or authors: word + word, no year.
    assert keys["gptq accurate post training quantization for generative pre trained transformers"] == "gptqaccurate"
    # Deterministic: the same papers in another order give the same keys.
    assert assign_keys(list(reversed(papers)), {}) == keys


def test_key_file_round_trip(tmp_path: Path) -> None:
    keys = {"gptq accurate post training quantization": "frantar2022gptq", "über kompression": "muller2021uber"}
    path = tmp_path / "citation-keys.yml"
    path.write_text(dump_pinned(keys), encoding="utf-8")
    assert load_pinned(path) == keys
    assert load_pinned(tmp_path / "missing.yml") == {}


@pytest.mark.parametrize(("text", "line"), [("- just\n- a list\n", 1), ("a: b\nc: [\n", 3), ("a: b\n  c: d\n", 2)])
def test_a_broken_key_file_is_a_config_error_naming_the_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "citation-keys.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{path}:{line}:")):
        load_pinned(path)


def test_of_a_duplicate_bibtex_key_the_first_entry_keeps_it() -> None:
    # The second entry's title sorts first, so ordering by title alone would hand it the key.
    text = "@article{dup, title={Zebra Finches Sing}, year=2020}\n\n@article{dup, title={Aardvarks Dig}, year=2021}\n"
    records, problems = read_bibtex("refs.bib", text)
    assert len(records) == 2 and "kept under a new key" in problems[0].message
    papers, _ = merge_records(records)
    keys = assign_keys(papers, {})
    by_title = {p.title: keys[p.identity] for p in papers}
    assert by_title == {"Zebra Finches Sing": "dup", "Aardvarks Dig": "dupa"}


def test_a_user_key_that_is_not_kept_is_reported_with_the_key_to_cite() -> None:
    odd = make_paper("FlashAttention", key="dao2022flashattention", bibtex_key="../dao", sources=(Source("refs.bib", 4),))
    kept = make_paper("GPTQ", key="frantar2022gptq", bibtex_key="frantar2022gptq")
    problems = replaced_keys([odd, kept])
    assert [(str(p.source), p.severity) for p in problems] == [("refs.bib:4", Severity.WARNING)]
    assert "'dao2022flashattention'" in problems[0].message and "cannot carry" in problems[0].message


@pytest.mark.parametrize("key", ["DBLP:conf/nips/DaoFERR22", "10.1145/3292500.3330701"])
def test_dblp_and_acm_keys_are_kept(key: str) -> None:
    paper = make_paper("FlashAttention", bibtex_key=key)
    assert assign_keys([paper], {}) == {paper.identity: key}


def test_a_key_the_key_file_gives_two_present_papers_goes_to_one_of_them() -> None:
    """A paper known by two titles (merged by arXiv id) turned out to be two papers: the key
    file maps both titles to its key, and only one of them may have it."""
    a, b = make_paper("Quantizing Transformers the Easy Way"), make_paper("EasyQuant: Quantizing Transformers the Easy Way")
    keys = assign_keys([a, b], {a.identity: "smith2023quant", b.identity: "smith2023quant"})
    assert "smith2023quant" in keys.values() and len({k.lower() for k in keys.values()}) == 2


def test_of_two_namesakes_the_key_made_for_their_title_goes_to_its_own_paper() -> None:
    """"Deep learning" was LeCun et al.'s alone; the book arrives and both become namesakes:
    LeCun's paper keeps its key whichever of them ranks first."""
    lecun = make_paper("Deep learning", identity="deep learning lecun", authors=("Yann LeCun",), year=2015, aliases=("deep learning",))
    book = make_paper("Deep Learning", identity="deep learning goodfellow", authors=("Ian Goodfellow",), year=2016, aliases=("deep learning",))
    keys = assign_keys([book, lecun], {"deep learning": "lecun2015deep"})
    assert keys == {"deep learning lecun": "lecun2015deep", "deep learning goodfellow": "goodfellow2016deep"}


def test_a_paper_whose_best_title_changes_keeps_its_key() -> None:
    """A better-ranked record of a paper arrives with another title (matched by DOI): the
    paper's identity changes, its key must not."""
    def bib(path: str, title: str) -> Record:
        return Record(Source(path, 1), SourceKind.BIBTEX, title, title, authors=("Ann Smith",), year=2021, doi="10.1234/sparse.2021")

    mine = bib("b_mine.bib", "Sparse Adapters for Efficient Fine-Tuning")
    papers, _ = merge_records([mine])
    pinned = assign_keys(papers, {})
    papers, _ = merge_records([mine, bib("a_zotero.bib", "Sparse Adapters for Efficient Fine-Tuning: A Study on GLUE")])
    assert assign_keys(papers, pinned) == {papers[0].identity: pinned[title_identity(mine.title)]}


def test_when_a_namesake_is_removed_its_key_is_not_handed_to_the_other() -> None:
    """LeCun's "Deep learning" alone, then with the book, then the book alone: the book
    keeps its own key, LeCun's stays reserved."""
    lecun = make_paper("Deep learning", authors=("Yann LeCun",), year=2015)
    book = make_paper("Deep Learning", authors=("Ian Goodfellow",), year=2016, bibtex_key="goodfellow2016deep")
    pinned = assign_keys([lecun], {})
    both, _ = merge_records([_record(lecun, "a.bib"), _record(book, "b.bib")])
    pinned |= assign_keys(both, pinned)
    alone, _ = merge_records([_record(book, "b.bib")])
    assert list(assign_keys(alone, pinned).values()) == ["goodfellow2016deep"]


def _record(paper: Paper, path: str) -> Record:
    return Record(Source(path, 1), SourceKind.BIBTEX, paper.title, paper.title, authors=paper.authors, year=paper.year, bibtex_key=paper.bibtex_key)


def test_the_keys_of_a_second_export_of_a_paper_are_reported_and_still_resolve(tmp_path: Path) -> None:
    scholar = "@inproceedings{vaswani2017attention, title={Attention is all you need}, author={Vaswani, Ashish}, year={2017}}\n"
    zotero = "\n@article{vaswaniAttentionAllYou2017, title = {Attention Is All You Need}, author = {Vaswani, Ashish}, year = {2017}}\n"
    papers_dir = tmp_path / "papers"
    papers_dir.mkdir()
    (papers_dir / "scholar.bib").write_text(scholar, encoding="utf-8")
    (papers_dir / "zotero.bib").write_text(zotero, encoding="utf-8")
    (papers_dir / "notes.yml").write_text("overrides:\n  - key: vaswaniAttentionAllYou2017\n    note: Read twice.\n", encoding="utf-8")
    (tmp_path / "review.yml").write_text("title: T\ninputs: [papers/]\n", encoding="utf-8")
    report = build(load_config(tmp_path / "review.yml"), write=False)
    (paper,) = report.papers
    assert paper.key == "vaswani2017attention" and paper.note == "Read twice."  # the override found it by its other key
    warned = [p for p in report.problems if "vaswaniAttentionAllYou2017" in p.message]
    assert [str(p.source) for p in warned] == ["papers/zotero.bib:2"] and "cite it as 'vaswani2017attention'" in warned[0].message
    assert "ids = {vaswaniAttentionAllYou2017}" in bibtex_entry(paper)


def test_a_key_alias_is_never_a_key_another_paper_holds() -> None:
    first = replace(paper("One title", 2020, ("Ada Lovelace",), bibtex_key="shared"), key="shared", other_bibtex_keys=(("taken", Source("b.bib", 1)),))
    other = replace(paper("Another title", 2021, ("Alan Turing",), bibtex_key="taken"), key="taken")
    assert [p.key_aliases for p in with_key_aliases([first, other])] == [(), ()]


def test_a_paper_whose_title_typo_is_fixed_keeps_its_key() -> None:
    before = paper("VPTQ: Extreme Low-bit Vector Post-Training Quantization for Large Language Models", 2024, ("Yifei Liu",))
    other = paper("Efficient Inference", 2023, ("Wei Zhang",))
    pinned = assign_keys([before, other], {})
    fixed = paper("VPTQ: Extreme Low-bit Vector Post-Training Quantisation for Large Language Models", 2024, ("Yifei Liu",))
    unrelated = paper("A Different Paper Entirely", 2024, ("Yifei Liu",))
    keys = assign_keys([fixed, other, unrelated], pinned)
    assert keys[fixed.identity] == pinned[before.identity]
    assert keys[unrelated.identity] not in {key.lower() for key in pinned.values()}


@pytest.mark.parametrize(
    ("gone", "new"),
    [
        ("Qwen2 Technical Report", "Qwen2.5 Technical Report"),
        ("GPT-4 Technical Report", "GPT-4o Technical Report"),
        ("YOLOv3: An Incremental Improvement", "YOLOv4: An Incremental Improvement"),
    ],
)
def test_the_next_paper_of_a_series_does_not_take_a_removed_papers_key(gone: str, new: str) -> None:
    # A removed paper's key stays its own: a document citing it must not get another paper.
    pinned = assign_keys([paper(gone, 2024, ("Qwen Team",))], {})
    keys = assign_keys([paper(new, 2024, ("Qwen Team",))], pinned)
    assert keys[title_identity(new)] != pinned[title_identity(gone)]
