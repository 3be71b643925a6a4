"""Merging records into papers: the sample's known duplicates, identifiers, the documented
merge policy, and independence from input order."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.dedupe import apply_overrides, merge_records, same_title_problems, shared_identifier_problems
from generator.models import Override, Paper, Record, Severity, Source, SourceKind
from generator.normalize import title_identity
from generator.readers.bibtex import read_bibtex
from generator.readers.curated import read_curated
from generator.readers.dailypapers import read_dailypapers

SAMPLES = Path(__file__).resolve().parents[1] / "papers"


def sample_records(reference_year: int | None = 2025) -> list[Record]:
    records: list[Record] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        found, _ = read_dailypapers(f"papers/{path.name}", path.read_text(encoding="utf-8"), reference_year)
        records += found
    return records


def record(kind: SourceKind, title: str, path: str = "in", line: int = 1, **fields) -> Record:
    return Record(Source(path, line), kind, title, title, **fields)


def one_paper(records: list[Record]) -> Paper:
    papers, _ = merge_records(records)
    assert len(papers) == 1, [p.title for p in papers]
    return papers[0]


# --- the sample -------------------------------------------------------------------------------

# Found by hand: titles that occur in more than one dump (grep of the title lines).
SAMPLE_DUPLICATES = {
    "Benchmarking Neural Network Training Algorithms": ["000:91", "001:27", "003:61"],
    "Can we learn better with hard samples?": ["002:29", "003:305"],
    "Concurrent Adversarial Learning for Large-Batch Training": ["001:155", "002:69"],
    "Discrete Key-Value Bottleneck": ["001:203", "002:133"],
    "One Epoch Is All You Need": ["000:87", "003:249"],
}


def short(source: Source) -> str:
    return f"{Path(source.path).name[:3]}:{source.line}"


def test_sample_merges_into_183_papers_and_13_duplicates() -> None:
    records = sample_records()
    papers, merges = merge_records(records)
    assert len(records) == 196
    assert len(papers) == 183
    assert sum(len(m.sources) - 1 for m in merges) == 13
    assert len(merges) == 12
    assert sum(len(p.sources) for p in papers) == 196  # every record is in exactly one paper
    assert len({s for p in papers for s in p.sources}) == 196


@pytest.mark.parametrize(("title", "sources"), SAMPLE_DUPLICATES.items())
def test_known_sample_duplicates(title: str, sources: list[str]) -> None:
    papers, _ = merge_records(sample_records())
    [paper] = [p for p in papers if p.title == title]
    assert [short(s) for s in paper.sources] == sources


def test_sample_merge_takes_the_richest_data() -> None:
    papers, _ = merge_records(sample_records(reference_year=2025))
    bench = next(p for p in papers if p.title == "Benchmarking Neural Network Training Algorithms")
    # Only the 003 entry has a meta block: 25 authors, Jun 12, 2023, 1 upvote.
    assert (bench.author_count, bench.year, bench.month, bench.day, bench.upvotes) == (25, 2023, 6, 12, 1)
    demons = next(p for p in papers if p.title.startswith("Demons in the Detail"))
    # 001:91 has no meta, 002:261 says `Jan 20 2`: the reference year fills in.
    assert (demons.year, demons.month, demons.day, demons.upvotes, demons.author_count) == (2025, 1, 20, 2, 10)


# --- identifiers ------------------------------------------------------------------------------

IDENTIFIER_CASES = [
    ({"doi": "10.1000/abc"}, {"doi": "10.1000/abc"}, True),
    ({"doi": "10.1000/abc"}, {"doi": "10.1000/other"}, False),
    ({"arxiv_id": "2210.17323"}, {"arxiv_id": "2210.17323"}, True),
    ({"arxiv_id": "hep-th/9901001"}, {"arxiv_id": "HEP-TH/9901001"}, True),
    ({"arxiv_id": "2210.17323"}, {"arxiv_id": "2210.17324"}, False),
    ({"arxiv_id": "2210.17323"}, {"doi": "10.1000/abc"}, False),
    ({}, {}, False),
]


@pytest.mark.parametrize(("one", "other", "merged"), IDENTIFIER_CASES)
def test_merge_by_doi_or_arxiv_when_titles_differ(one: dict, other: dict, merged: bool) -> None:
    records = [
        record(SourceKind.BIBTEX, "GPTQ: Accurate Post-Training Quantization", "a.bib", 3, **one),
        record(SourceKind.LISTING, "GPTQ: Accurate Quantization for Generative Transformers", "d.txt", 9, **other),
    ]
    papers, merges = merge_records(records)
    assert len(papers) == (1 if merged else 2)
    assert len(merges) == (1 if merged else 0)


def test_identifiers_merge_transitively() -> None:
    records = [
        record(SourceKind.BIBTEX, "Title A", "a.bib", 1, doi="10.1/x"),
        record(SourceKind.CURATED, "Title B", "c.yml", 1, doi="10.1/x", arxiv_id="2101.00001"),
        record(SourceKind.LISTING, "Title C", "d.txt", 1, arxiv_id="2101.00001"),
        record(SourceKind.LISTING, "Title A", "d.txt", 20),
    ]
    paper = one_paper(records)
    assert paper.title == "Title B"  # the curated record ranks first
    assert len(paper.sources) == 4


def test_versions_of_one_preprint_read_from_different_formats_merge() -> None:
    bib, _ = read_bibtex("a.bib", "@misc{x, title={Some Title}, eprint={2210.17323v2}, archivePrefix={arXiv}}")
    yml, _, _ = read_curated("c.yml", "papers:\n  - title: A Different Title\n    arxiv: arXiv:2210.17323\n")
    one_paper(bib + yml)


# --- the merge policy -------------------------------------------------------------------------

SHORT = "A truncated abstract."
LONG = "A truncated abstract. With the rest of it, which the listing cut off, and more detail."


def test_richer_abstract_wins_whatever_its_rank() -> None:
    paper = one_paper(
        [
            record(SourceKind.CURATED, "T", "c.yml", 1, abstract=SHORT),
            record(SourceKind.LISTING, "T", "d.txt", 1, abstract=LONG),
            record(SourceKind.BIBTEX, "T", "a.bib", 1, abstract=""),
        ]
    )
    assert paper.abstract == LONG


def test_explicit_year_beats_reference_year() -> None:
    from_reference = record(SourceKind.LISTING, "T", "a.txt", 1, year=2025, month=10, day=23, year_from_reference=True)
    explicit = record(SourceKind.LISTING, "T", "b.txt", 1, year=2024, month=10, day=23)
    for records in ([from_reference, explicit], [explicit, from_reference]):
        paper = one_paper(records)
        assert (paper.year, paper.month, paper.day) == (2024, 10, 23)


def test_explicit_year_beats_a_fuller_date_from_the_reference_year() -> None:
    paper = one_paper(
        [
            record(SourceKind.LISTING, "T", "a.txt", 1, year=2025, month=10, day=23, year_from_reference=True),
            record(SourceKind.LISTING, "T", "b.txt", 1, year=2024),
        ]
    )
    assert paper.year == 2024


def test_most_complete_date_wins_then_rank() -> None:
    paper = one_paper(
        [
            record(SourceKind.BIBTEX, "T", "a.bib", 1, year=2023),
            record(SourceKind.LISTING, "T", "d.txt", 1, year=2023, month=6, day=12),
        ]
    )
    assert (paper.year, paper.month, paper.day) == (2023, 6, 12)
    paper = one_paper(
        [
            record(SourceKind.LISTING, "T", "d.txt", 1, year=2022, month=1),
            record(SourceKind.BIBTEX, "T", "a.bib", 1, year=2023, month=6),
        ]
    )
    assert (paper.year, paper.month) == (2023, 6)  # equally complete: the better rank


def test_upvotes_take_the_maximum() -> None:
    paper = one_paper(
        [
            record(SourceKind.LISTING, "T", "a.txt", 1, upvotes=2),
            record(SourceKind.LISTING, "T", "b.txt", 1, upvotes=7),
            record(SourceKind.LISTING, "T", "c.txt", 1),
            record(SourceKind.BIBTEX, "T", "a.bib", 1),
        ]
    )
    assert paper.upvotes == 7
    assert one_paper([record(SourceKind.LISTING, "T", "a.txt", 1)]).upvotes is None


def test_sources_are_united_and_sorted() -> None:
    paper = one_paper(
        [
            record(SourceKind.LISTING, "T", "papers/b.txt", 40),
            record(SourceKind.CURATED, "T", "list.yml", 3),
            record(SourceKind.LISTING, "T", "papers/a.txt", 100),
            record(SourceKind.LISTING, "T", "papers/a.txt", 9),
        ]
    )
    assert [str(s) for s in paper.sources] == ["list.yml:3", "papers/a.txt:9", "papers/a.txt:100", "papers/b.txt:40"]


def test_title_authors_and_bibtex_from_the_best_ranked_record() -> None:
    paper = one_paper(
        [
            record(SourceKind.LISTING, "E²GAN: Efficient Training", "d.txt", 1, author_count=5, organization="Snap"),
            record(
                SourceKind.BIBTEX,
                "E2GAN: Efficient Training",
                "a.bib",
                1,
                authors=("Yifan Gong", "Zheng Zhan"),
                bibtex_key="gong2024e2gan",
                bibtex_type="inproceedings",
                bibtex_fields=(("title", "E$^{2}$GAN: Efficient Training"),),
                urls=("https://b.example",),
            ),
            record(SourceKind.CURATED, "E²GAN: Efficient Training!", "c.yml", 1, urls=("https://c.example",), topic="gan"),
        ]
    )
    assert paper.title == "E²GAN: Efficient Training!"
    assert paper.authors == ("Yifan Gong", "Zheng Zhan")
    assert paper.author_count == 5  # the listing counted more authors than the list names
    assert paper.organization == "Snap"
    assert (paper.bibtex_key, paper.bibtex_type) == ("gong2024e2gan", "inproceedings")
    assert paper.urls == ("https://c.example", "https://b.example")
    assert paper.topic_override == "gan"


# --- order independence -----------------------------------------------------------------------


def synthetic_records() -> list[Record]:
    return [
        record(SourceKind.BIBTEX, "GPTQ: Accurate Post-Training Quantization", "a.bib", 3, doi="10.1/gptq", year=2022),
        record(SourceKind.CURATED, "GPTQ", "c.yml", 2, doi="10.1/gptq", tags=("PTQ",), abstract=SHORT),
        record(SourceKind.BIBTEX, "Benchmarking Neural Network Training Algorithms", "a.bib", 20, authors=("George E. Dahl",), year=2023),
        record(SourceKind.LISTING, "Same Length A", "x.txt", 1, abstract="aaaa", upvotes=1),
        record(SourceKind.LISTING, "Same Length A", "y.txt", 1, abstract="bbbb", upvotes=3),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_input_order_does_not_change_the_result(seed: int) -> None:
    records = sample_records() + synthetic_records()
    expected_papers, expected_merges = merge_records(records)
    shuffled = list(records)
    random.Random(seed).shuffle(shuffled)
    assert shuffled != records
    papers, merges = merge_records(shuffled)
    assert papers == expected_papers
    assert merges == expected_merges


def test_equal_length_abstracts_tie_break_by_source_not_order() -> None:
    a = record(SourceKind.LISTING, "T", "x.txt", 1, abstract="aaaa")
    b = record(SourceKind.LISTING, "T", "y.txt", 1, abstract="bbbb")
    assert one_paper([a, b]).abstract == one_paper([b, a]).abstract == "aaaa"


def test_merging_is_idempotent_on_single_records() -> None:
    single = record(SourceKind.LISTING, "Alone", "d.txt", 5, abstract="x", upvotes=3, year=2020)
    paper = one_paper([single])
    assert (paper.title, paper.abstract, paper.upvotes, paper.year, paper.sources) == ("Alone", "x", 3, 2020, (single.source,))


# --- one title, two papers ------------------------------------------------------------------


def test_one_title_by_different_authors_is_two_papers_each_with_its_own_identity() -> None:
    lecun = record(SourceKind.BIBTEX, "Deep learning", "refs.bib", 1, authors=("Yann LeCun", "Yoshua Bengio"), year=2015)
    goodfellow = record(SourceKind.BIBTEX, "Deep Learning", "refs.bib", 9, authors=("Ian Goodfellow", "Yoshua Bengio"), year=2016)
    listing = record(SourceKind.LISTING, "Deep Learning", "dump.txt", 3)  # no names: joins the first
    papers, merges = merge_records([goodfellow, listing, lecun])
    assert sorted(p.authors[0] for p in papers) == ["Ian Goodfellow", "Yann LeCun"]
    assert sorted(p.identity for p in papers) == ["deep learning goodfellow", "deep learning lecun"]  # neither depends on rank
    assert all("deep learning" in p.aliases for p in papers)  # a key made for the title alone stays theirs
    assert [m.sources for m in merges] == [(Source("dump.txt", 3), Source("refs.bib", 1))]
    problems = same_title_problems(papers)
    assert [(str(p.source), p.severity) for p in problems] == [("refs.bib:9", Severity.WARNING)]
    assert "(dump.txt:3)" in problems[0].message  # the other paper, by its first source


def test_one_title_and_one_first_author_is_one_paper() -> None:
    arxiv = record(SourceKind.BIBTEX, "Deep Learning", "a.bib", 1, authors=("Y. LeCun",), year=2015)
    journal = record(SourceKind.BIBTEX, "Deep learning", "b.bib", 1, authors=("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"), year=2015)
    assert one_paper([arxiv, journal]).authors[0] == "Y. LeCun"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("OpenAI",), ("Josh Achiam", "Steven Adler")),  # a corporate author in one export, the people in another
        (("Anonymous",), ("Ann Smith",)),  # under review, then published
        (("Bernhard Schölkopf",), ("B. Schoelkopf",)),  # transliterated
    ],
)
def test_one_title_in_one_year_is_one_paper_whoever_the_exports_name(first: tuple[str, ...], second: tuple[str, ...]) -> None:
    a = record(SourceKind.BIBTEX, "GPT-4 Technical Report", "a.bib", 1, authors=first, year=2023)
    b = record(SourceKind.BIBTEX, "GPT-4 Technical Report", "b.bib", 1, authors=second, year=2023)
    one_paper([a, b])


def test_a_placeholder_author_tells_no_paper_apart() -> None:
    a = record(SourceKind.BIBTEX, "Introduction", "a.bib", 1, authors=("Anonymous",), year=2019)
    b = record(SourceKind.BIBTEX, "Introduction", "b.bib", 1, authors=("Ann Smith",), year=2020)
    one_paper([a, b])


def test_one_title_with_two_arxiv_ids_is_two_papers() -> None:
    first = record(SourceKind.BIBTEX, "Introduction", "a.bib", 1, arxiv_id="2101.00001")
    second = record(SourceKind.BIBTEX, "Introduction", "a.bib", 5, arxiv_id="2202.00002")
    papers, _ = merge_records([second, first])
    assert len(papers) == 2


def test_a_shared_doi_merges_whatever_the_authors() -> None:
    garbled = record(SourceKind.BIBTEX, "Deep learning", "a.bib", 1, authors=("C ukasz",), doi="10.1038/nature14539")
    clean = record(SourceKind.CURATED, "Deep learning", "c.yml", 1, authors=("Łukasz Kaiser",), doi="10.1038/nature14539")
    assert one_paper([garbled, clean]).authors == ("Łukasz Kaiser",)


def test_namesakes_with_one_surname_and_year_still_get_identities_of_their_own() -> None:
    john = record(SourceKind.BIBTEX, "A Note on Scaling", "a.bib", 1, authors=("John Smith",), year=2023, arxiv_id="2303.00001")
    jane = record(SourceKind.BIBTEX, "A Note on Scaling", "a.bib", 2, authors=("Jane Smith",), year=2023, arxiv_id="2305.00002")
    nameless = [record(SourceKind.BIBTEX, "Technical Report", "a.bib", 3 + n, year=2023 + n, arxiv_id=f"240{n}.0000{n}") for n in range(2)]
    papers, _ = merge_records([john, jane, *nameless])
    assert len({p.identity for p in papers}) == 4


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"authors": ("John Doe",), "year": 2019}, {"authors": ("John Smith",), "year": 2020}),  # a shared given name is no shared author
        ({"authors": ("Maria Garcia",), "year": 2017, "doi": "10.1/fw.2017"}, {"authors": ("Maria Garcia",), "year": 2018, "doi": "10.1/fw.2018"}),
    ],
)
def test_yearly_namesakes_are_two_papers(first: dict, second: dict) -> None:
    papers, _ = merge_records([record(SourceKind.BIBTEX, "Editorial", "a.bib", 1, **first), record(SourceKind.BIBTEX, "Editorial", "a.bib", 2, **second)])
    assert len(papers) == 2


@pytest.mark.parametrize(("preprint", "proceedings"), [("Bernhard Schölkopf", "B. Schoelkopf"), ("Yann LeCun", "Y. Le Cun"), ("K.-R. Müller", "Klaus-Robert Mueller")])
def test_a_preprint_and_its_proceedings_are_one_paper_however_the_name_is_spelled(preprint: str, proceedings: str) -> None:
    one_paper([
        record(SourceKind.BIBTEX, "Kernel Methods Revisited", "a.bib", 1, authors=(preprint,), year=2022),
        record(SourceKind.BIBTEX, "Kernel Methods Revisited", "b.bib", 1, authors=(proceedings,), year=2023, doi="10.48550/arXiv.2201.00001"),
    ])


CITING_LISTINGS = """Daily Papers

Mar 14

DoRA: Weight-Decomposed Low-Rank Adaptation

Among the widely used parameter-efficient fine-tuning methods, LoRA (https://arxiv.org/abs/2106.09685) and its variants have gained considerable popularity. We propose Weight-Decomposed Low-Rank Adaptation (DoRA) which decomposes the weight into magnitude and direction.

  • 7 authors
·
Feb 14, 2024

QLoRA: Efficient Finetuning of Quantized LLMs

We present QLoRA, an efficient finetuning approach building on LoRA (arXiv:2106.09685) that reduces memory usage enough to finetune a 65B parameter model on a single 48GB GPU while preserving full 16-bit finetuning task performance.

  • 4 authors
·
May 23, 2023
"""


def test_papers_whose_abstracts_cite_one_arxiv_id_stay_apart_from_it_and_each_other() -> None:
    listed, _ = read_dailypapers("dump.txt", CITING_LISTINGS, 2025)
    cited, _ = read_bibtex("lora.bib", "@misc{hu2021lora, title={LoRA: Low-Rank Adaptation of Large Language Models}, eprint={2106.09685}, archivePrefix={arXiv}}")
    papers, merges = merge_records(listed + cited)
    assert sorted(paper.title.split(":")[0] for paper in papers) == ["DoRA", "LoRA", "QLoRA"] and not merges
    dora = next(paper for paper in papers if paper.title.startswith("DoRA"))
    assert not dora.arxiv_id and not any("arxiv.org" in url for url in dora.urls)  # the cited paper's link is not DoRA's


def test_an_override_matches_a_merged_paper_by_the_title_any_of_its_records_gave() -> None:
    records, _ = read_bibtex(
        "q.bib",
        "@misc{a, title={QLoRA: Efficient Finetuning of Quantized Large Language Models}, eprint={2305.14314}, archivePrefix={arXiv}}\n"
        "@misc{b, title={QLoRA: Efficient Finetuning of Quantized LLMs}, eprint={2305.14314}, archivePrefix={arXiv}}\n",
    )
    (paper,), _ = merge_records(records)
    other_title = next(r.title for r in records if title_identity(r.title) != paper.identity)
    (overridden,), problems = apply_overrides([paper], [Override(Source("c.yml", 3), match_title=other_title, note="Mine.")])
    assert overridden.note == "Mine." and not problems


def test_a_merged_paper_is_dated_as_the_entry_its_bibtex_export_is() -> None:
    records, _ = read_bibtex(
        "a.bib",
        "@inproceedings{hu2022lora, title={LoRA: Low-Rank Adaptation of Large Language Models}, booktitle={ICLR}, year={2022}}\n"
        "@article{huLoRA2021, title={LoRA: Low-Rank Adaptation of Large Language Models}, date={2021-10-16}}\n"
        "@misc{again, title={LoRA: Low-Rank Adaptation of Large Language Models}, date={2022-04-25}}\n",
    )
    (paper,), _ = merge_records(records[:2])
    assert (paper.year, paper.month, paper.day) == (2022, None, None) and dict(paper.bibtex_fields)["year"] == "2022"
    (paper,), _ = merge_records([records[0], records[2]])
    assert (paper.year, paper.month, paper.day) == (2022, 4, 25)  # the same year, said more precisely


def test_a_fuller_export_speaks_for_a_paper_whatever_its_file_is_called() -> None:
    # Google Scholar's stub sorts first by path; the user's Zotero record is the fuller one.
    scholar = "@article{brohan2022rt, title={Rt-1: Robotics transformer for real-world control at scale}, author={Brohan, Anthony and others}, journal={arXiv preprint arXiv:2212.06817}, year={2022}}\n"
    zotero = (
        "@inproceedings{brohanRT1RoboticsTransformer2023, title = {{RT-1}: Robotics Transformer for Real-World Control at Scale},"
        " author = {Brohan, Anthony and Brown, Noah and others}, booktitle = {Robotics: Science and Systems}, year = {2023},"
        " doi = {10.15607/RSS.2023.XIX.025}, url = {https://robotics-transformer1.github.io}, abstract = {By transferring knowledge.}}\n"
    )
    for first, second in (("a-scholar.bib", "b-zotero.bib"), ("b-scholar.bib", "a-zotero.bib")):
        records = read_bibtex(first, scholar)[0] + read_bibtex(second, zotero)[0]
        paper = one_paper(records)
        assert (paper.bibtex_key, paper.year, paper.title) == ("brohanRT1RoboticsTransformer2023", 2023, "RT-1: Robotics Transformer for Real-World Control at Scale")
        assert paper.other_bibtex_keys[0][0] == "brohan2022rt"


def test_a_published_version_speaks_for_a_paper_before_arxivs_own_export() -> None:
    # arXiv's export carries the year of the latest version, and more fields than Scholar's.
    arxiv = (
        "@misc{vaswani2023attention, title={Attention Is All You Need}, author={Ashish Vaswani and Noam Shazeer}, year={2023},"
        " eprint={1706.03762}, archivePrefix={arXiv}, primaryClass={cs.CL}, url={https://arxiv.org/abs/1706.03762}}\n"
    )
    scholar = "@inproceedings{vaswani2017attention, title={Attention is all you need}, author={Vaswani, Ashish and Shazeer, Noam}, booktitle={Advances in Neural Information Processing Systems}, year={2017}}\n"
    paper = one_paper(read_bibtex("a-arxiv.bib", arxiv)[0] + read_bibtex("b-scholar.bib", scholar)[0])
    assert (paper.bibtex_key, paper.bibtex_type, paper.year) == ("vaswani2017attention", "inproceedings", 2017)


def test_papers_that_share_only_a_volumes_doi_stay_two_papers_and_are_reported() -> None:
    volume = "10.1007/978-3-030-58452-8"
    text = (
        f"@inproceedings{{carion2020detr, title={{End-to-End Object Detection with Transformers}}, author={{Carion, Nicolas}}, year={{2020}}, doi={{{volume}}}}}\n"
        f"@inproceedings{{mildenhall2020nerf, title={{NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis}}, author={{Mildenhall, Ben}}, year={{2020}}, doi={{{volume}}}}}\n"
    )
    papers, merges = merge_records(read_bibtex("eccv.bib", text)[0])
    assert sorted(p.bibtex_key for p in papers) == ["carion2020detr", "mildenhall2020nerf"] and not merges
    (warning,) = shared_identifier_problems(papers)
    assert str(warning.source) == "eccv.bib:2" and f"DOI {volume}" in warning.message and "End-to-End Object Detection" in warning.message


def test_a_paper_retitled_in_print_is_still_one_paper_by_its_doi() -> None:
    preprint = record(SourceKind.BIBTEX, "Scaling Sparse Models to Trillions", "a.bib", 1, authors=("William Fedus",), doi="10.5555/switch")
    printed = record(SourceKind.BIBTEX, "Switch Transformers: Scaling to Trillion Parameter Models", "b.bib", 1, authors=("William Fedus",), doi="10.5555/switch")
    anonymous = record(SourceKind.LISTING, "Switch: a sparse model", "c.txt", 1, doi="10.5555/switch")
    assert one_paper([preprint, printed, anonymous]).doi == "10.5555/switch"
