"""RIS and CSL-JSON exports: every paper present, well-formed, and readable by citeproc-py."""

from __future__ import annotations

import json
import re

import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from hypothesis import given, settings
from hypothesis import strategies as st
from paper_factory import hostile_titles, make_paper

from generator.csljson import csl_json, csl_name, split_name, text
from generator.models import Paper
from generator.ris import page_range, ris_file, ris_name

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")
# citeproc-py 0.11 bundles this one style (older releases bundled `harvard1`).
STYLE = "harvard-cite-them-right"


def papers() -> list[Paper]:
    result = [
        make_paper(
            "GPTQ: Accurate Post-Training Quantization",
            key="frantar2022gptq",
            authors=("Elias Frantar", "Ludwig van Beethoven", "Martin Luther King Jr."),
            year=2022,
            month=10,
            day=31,
            doi="10.48550/arxiv.2210.17323",
            arxiv_id="2210.17323",
            urls=("https://github.com/IST-DASLab/gptq",),
            venue="ICLR",
            tags=("quantization", "llm"),
            tldr="Quantizes GPT models to 3-4 bits in a few GPU hours.",
            note="Seminal.",
        ),
        make_paper("No authors, no date", key="noauth", authors=(), year=None, month=None, organization="OpenBMB"),
        make_paper("User's own article", key="user2020", bibtex_type="article", bibtex_fields=(("title", "x"),), venue="J. Tests"),
    ]
    result += [make_paper(title, key=f"hostile{index}") for index, title in enumerate(hostile_titles())]
    return result


def ris_records(text: str) -> list[list[str]]:
    records, current = [], []
    for line in text.split("\r\n"):
        if not line:
            continue
        current.append(line)
        if line.startswith("ER  -"):
            records.append(current)
            current = []
    assert current == [], "text after the last ER"
    return records


def test_ris_has_one_well_formed_record_per_paper() -> None:
    items = papers()
    text = ris_file(items)
    assert text.count("TY  - ") == len(items) == text.count("ER  - ")
    assert "\n" not in text.replace("\r\n", "")  # CRLF throughout, no bare LF or CR
    records = ris_records(text)
    assert len(records) == len(items)
    for paper, record in zip(items, records):
        assert record[0].startswith("TY  - ") and record[-1] == "ER  - "
        assert all(RIS_LINE.match(line) for line in record), record
        assert f"ID  - {paper.key}" in record
        assert sum(line.startswith("TI  - ") for line in record) == 1


def test_ris_fields_of_a_full_paper() -> None:
    record = ris_records(ris_file(papers()[:1]))[0]
    for line in [
        "TY  - GEN",
        "AU  - Frantar, Elias",
        "AU  - van Beethoven, Ludwig",
        "AU  - King, Martin Luther, Jr.",
        "PY  - 2022",
        "DA  - 2022/10/31/",
        "DO  - 10.48550/arxiv.2210.17323",
        "UR  - https://github.com/IST-DASLab/gptq",
        "UR  - https://arxiv.org/abs/2210.17323",
        "T2  - ICLR",
        "KW  - quantization",
        "KW  - llm",
        "N1  - Seminal.",
        "N1  - Quantizes GPT models to 3-4 bits in a few GPU hours.",
    ]:
        assert line in record
    assert not any(line.startswith("AU  - ") for line in ris_records(ris_file(papers()[1:2]))[0])
    assert "TY  - JOUR" in ris_records(ris_file(papers()[2:3]))[0]


def test_csl_json_has_every_paper_with_its_fields() -> None:
    items = papers()
    data = json.loads(csl_json(items))
    assert [item["id"] for item in data] == [paper.key for paper in items]
    first = data[0]
    assert first["type"] == "article"
    assert first["author"][:2] == [{"family": "Frantar", "given": "Elias"}, {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}]
    assert first["issued"] == {"date-parts": [[2022, 10, 31]]}
    assert first["DOI"] == "10.48550/arxiv.2210.17323"
    assert first["URL"] == "https://arxiv.org/abs/2210.17323"  # the paper, not its code
    assert first["container-title"] == "ICLR"
    assert first["number"] == "arXiv:2210.17323"
    assert first["note"] == "Seminal.\nQuantizes GPT models to 3-4 bits in a few GPU hours."
    assert "author" not in data[1] and "issued" not in data[1]
    assert data[2]["type"] == "article-journal"


def test_csl_json_is_deterministic_unicode() -> None:
    items = papers()
    text = csl_json(items)
    assert text == csl_json(list(items))
    assert "ε" in text and "\\u03b5" not in text
    assert "\u200b" not in text and "\u202e" not in text


def render_bibliography(csl: str) -> str:
    data = json.loads(csl)
    source = CiteProcJSON(data)
    bibliography = CitationStylesBibliography(CitationStylesStyle(STYLE, validate=False), source, formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"]) for item in data]))
    return "\n".join(str(entry) for entry in bibliography.bibliography())


# citeproc-py does not know CSL 1.0.2's `citation-key` (Zotero and pandoc do); any other
# warning is an error.
@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported. citation_key:UserWarning")
@pytest.mark.filterwarnings("error")
def test_citeproc_renders_every_title() -> None:
    items = papers()
    rendered = render_bibliography(csl_json(items))
    assert len(rendered.splitlines()) == len(items)
    for paper in items:
        assert text(paper.title) in rendered, paper.title


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ada Lovelace", {"family": "Lovelace", "given": "Ada"}),
        ("Lovelace, Ada", {"family": "Lovelace", "given": "Ada"}),
        ("Ludwig van Beethoven", {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}),
        ("Smith, Jr.", {"family": "Smith", "suffix": "Jr."}),
        ("King, Jr., Martin Luther", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("Jean-Luc Picard", {"family": "Picard", "given": "Jean-Luc"}),
        ("Plato", {}),
        ("Research and Development Team", {}),
    ],
)
def test_split_name(name: str, parts: dict[str, str]) -> None:
    assert split_name(name) == parts


def test_ris_name_forms() -> None:
    assert ris_name(csl_name("Ada Lovelace")) == "Lovelace, Ada"
    assert ris_name(csl_name("OpenAI")) == "OpenAI"


BOOK = make_paper(
    "The Art of Computer Programming",
    key="knuth1997",
    authors=(),
    year=1997,
    bibtex_type="book",
    bibtex_fields=(
        ("title", "The Art of Computer Programming"),
        ("editor", "Knuth, Donald E."),
        ("publisher", "Addison-Wesley"),
        ("address", "Reading, MA"),
        ("edition", "3rd"),
        ("isbn", "978-0-201-89683-1"),
        ("year", "1997"),
    ),
)
ARTICLE = make_paper(
    "A Paper with Many Authors",
    key="many2013",
    authors=("Gabriel García Márquez", "Google DeepMind", "Martin Luther King", "Marcos Lopez de Prado", "Ludwig van Beethoven"),
    year=2013,
    venue="Big Science",
    bibtex_type="article",
    bibtex_fields=(
        ("title", "A Paper with Many Authors"),
        ("author", "Garc{\\'\\i}a M{\\'a}rquez, Gabriel and {Google DeepMind} and King, Jr., Martin Luther and Lopez de Prado, Marcos and van Beethoven, Ludwig and others"),
        ("journal", "Big Science"),
        ("volume", "1"),
        ("number", "3"),
        ("pages", "123--145"),
        ("keywords", "regret, bandits"),
        ("note", "Reprinted 2020."),
        ("year", "2013"),
    ),
)


def test_a_users_bibtex_details_reach_ris_and_csl_json() -> None:
    book, article = ris_records(ris_file([BOOK, ARTICLE]))
    for line in ["TY  - BOOK", "ED  - Knuth, Donald E.", "PB  - Addison-Wesley", "CY  - Reading, MA", "ET  - 3rd", "SN  - 978-0-201-89683-1"]:
        assert line in book
    for line in ["TY  - JOUR", "VL  - 1", "IS  - 3", "SP  - 123", "EP  - 145", "KW  - regret", "KW  - bandits", "N1  - Reprinted 2020."]:
        assert line in article
    book_item, article_item = json.loads(csl_json([BOOK, ARTICLE]))
    assert book_item["editor"] == [{"family": "Knuth", "given": "Donald E."}]
    assert (book_item["publisher"], book_item["publisher-place"], book_item["edition"], book_item["ISBN"]) == ("Addison-Wesley", "Reading, MA", "3rd", "978-0-201-89683-1")
    assert (article_item["volume"], article_item["issue"], article_item["page"]) == ("1", "3", "123-145")


def test_names_keep_the_parts_their_bibtex_entry_gives() -> None:
    assert json.loads(csl_json([ARTICLE]))[0]["author"] == [
        {"family": "García Márquez", "given": "Gabriel"},
        {"literal": "Google DeepMind"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"family": "Lopez de Prado", "given": "Marcos"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
    ]
    authors = [line for line in ris_records(ris_file([ARTICLE]))[0] if line.startswith("AU  - ")]
    assert authors == ["AU  - García Márquez, Gabriel", "AU  - Google DeepMind", "AU  - King, Martin Luther, Jr.", "AU  - Lopez de Prado, Marcos", "AU  - van Beethoven, Ludwig"]


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported. citation_key:UserWarning")
def test_citeproc_shows_the_volume_and_pages_of_an_article() -> None:
    rendered = render_bibliography(csl_json([ARTICLE]))
    assert "123" in rendered and "Preprint" not in rendered, rendered


@settings(max_examples=200, deadline=None)
@given(titles=st.lists(st.text(max_size=100), min_size=1, max_size=4), authors=st.lists(st.text(max_size=20), max_size=3))
def test_any_text_keeps_records_apart(titles: list[str], authors: list[str]) -> None:
    items = [make_paper(title, key=f"k{index}", authors=tuple(authors), abstract=title) for index, title in enumerate(titles)]
    records = ris_records(ris_file(items))
    assert len(records) == len(items)
    assert all(RIS_LINE.match(line) for record in records for line in record)
    assert [item["id"] for item in json.loads(csl_json(items))] == [paper.key for paper in items]


def test_a_json_download_is_a_list_with_one_record_per_line() -> None:
    from generator.dataset import json_array_parts, json_line

    assert "".join(json_array_parts([])) == "[]\n"
    text = "".join(json_array_parts(json_line(record, sort_keys=True) for record in [{"b": 1, "a": "é—"}, {"c": [2]}]))
    assert text == '[\n{"a": "é—", "b": 1},\n{"c": [2]}\n]\n'
    assert json.loads(text) == [{"a": "é—", "b": 1}, {"c": [2]}]


@pytest.mark.parametrize(
    ("pages", "first", "last"),
    [("123--145", "123", "145"), ("xii–xx", "xii", "xx"), ("1---3", "1", "3"), ("1--10, 20--30", "1--10, 20--30", ""), ("e1234", "e1234", "")],
)
def test_ris_splits_a_page_range_and_keeps_anything_else_whole(pages: str, first: str, last: str) -> None:
    assert page_range(pages) == (first, last)


def test_software_and_a_dataset_keep_their_types_and_a_software_its_code_link() -> None:
    software = make_paper("PyTorch", key="pytorch", authors=(), urls=("https://github.com/pytorch/pytorch",), arxiv_id="", bibtex_type="software", bibtex_fields=(("title", "PyTorch"),))
    dataset = make_paper("ImageNet", key="imagenet", authors=(), arxiv_id="", bibtex_type="dataset", bibtex_fields=(("title", "ImageNet"),))
    items = json.loads(csl_json([software, dataset]))
    assert [item["type"] for item in items] == ["software", "dataset"]
    assert items[0]["URL"] == "https://github.com/pytorch/pytorch"
    assert [record[0] for record in ris_records(ris_file([software, dataset]))] == ["TY  - COMP", "TY  - DATA"]


def test_keywords_on_lines_of_their_own_are_several() -> None:
    paper = make_paper("ResNet", key="he2016", authors=(), arxiv_id="", bibtex_type="article", bibtex_fields=(("title", "ResNet"), ("keywords", "deep learning\nresidual networks\nimage recognition")))
    assert json.loads(csl_json([paper]))[0]["keyword"] == "deep learning, residual networks, image recognition"
