"""A paper's links are told apart by host: a citation's url is the paper, not its code."""

from __future__ import annotations

import pytest
from paper_factory import make_paper

from generator.bibtex import bibtex_entry
from generator.csljson import paper_urls
from generator.links import destination, is_about_the_paper, link_label
from generator.pages import find_links
from generator.render import make_environment


@pytest.mark.parametrize(
    ("url", "label", "about_the_paper"),
    [
        ("https://github.com/IST-DASLab/gptq", "Code", False),
        ("https://www.youtube.com/watch?v=x", "Video", False),
        ("https://huggingface.co/org/model", "Hugging Face", False),
        ("https://arxiv.org/abs/2210.17323", "arXiv", True),
        ("https://llm-stacking.github.io/", "llm-stacking.github.io", True),
        ("https://[::1/x", "Link", True),  # malformed: no host to judge by
        ("https://m.youtube.com/watch?v=x", "Video", False),
        ("https://gist.github.com/a/b", "Code", False),
        ("https://raw.githubusercontent.com/a/b/main/x.py", "Code", False),
        ("https://github.com./a/b", "Code", False),
        ("https://export.arxiv.org/abs/1", "arXiv", True),
        ("https://hf.co/org/model", "Hugging Face", False),
        ("https://colab.research.google.com/drive/x", "Code", False),
    ],
)
def test_links_are_labelled_and_judged_by_host(url: str, label: str, about_the_paper: bool) -> None:
    assert link_label(url) == label
    assert is_about_the_paper(url) is about_the_paper


def test_a_citation_points_at_the_paper_and_a_page_says_where_each_link_goes() -> None:
    paper = make_paper("GPTQ", key="gptq", authors=(), urls=("https://github.com/IST-DASLab/gptq", "https://youtu.be/x"), arxiv_id="2210.17323")
    assert "url = {https://arxiv.org/abs/2210.17323}" in bibtex_entry(paper)
    assert "github" not in bibtex_entry(paper)
    assert [label for label, _ in find_links(paper)] == ["arXiv", "Code", "Video"]
    only_code = make_paper("Repo only", key="repo", authors=(), urls=("https://github.com/a/b",), arxiv_id="")
    assert "url =" not in bibtex_entry(only_code)


def test_a_link_label_from_the_papers_data_is_inert() -> None:
    paper = make_paper("Odd host", key="odd", authors=(), urls=("http://**bold**.example.com/:smile:", "http://[v1.:smile:]/x"), arxiv_id="")
    template = make_environment().from_string('{% from "_macros.md.j2" import find_it with context %}{{ find_it(paper) }}')
    line = template.render(paper=paper, find_links=find_links)
    assert "[&#42;&#42;bold&#42;&#42;.example.com](" in line  # not bold
    assert "[v1.&#58;smile&#58;](" in line  # not an emoji image


def test_a_place_is_linked_once_however_its_link_is_spelled() -> None:
    # Zotero writes arXiv papers' url with http://; a curator may give the arXiv page again.
    paper = make_paper(
        "RT-1",
        key="rt1",
        authors=(),
        arxiv_id="2212.06817",
        doi="10.48550/arXiv.2212.06817",
        urls=("http://arxiv.org/abs/2212.06817", "https://arxiv.org/pdf/2212.06817v2.pdf", "https://www.github.com/google-research/robotics_transformer/", "https://github.com/google-research/robotics_transformer"),
    )
    assert find_links(paper) == [("arXiv", "https://arxiv.org/abs/2212.06817"), ("Code", "https://www.github.com/google-research/robotics_transformer/")]
    assert paper_urls(paper) == ["http://arxiv.org/abs/2212.06817", "https://www.github.com/google-research/robotics_transformer/"]
    journal = make_paper("Journal paper", key="j", authors=(), arxiv_id="2212.06817", doi="10.1000/j.1", urls=())
    assert [label for label, _ in find_links(journal)] == ["DOI", "arXiv"]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("http://arxiv.org/abs/2212.06817", "https://arxiv.org/abs/2212.06817v3", True),
        ("https://export.arxiv.org/pdf/hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001", True),
        ("https://doi.org/10.48550/arXiv.2212.06817", "https://arxiv.org/abs/2212.06817", True),
        ("https://example.com/page?id=1", "https://example.com/page?id=2", False),
        ("https://github.com/arxiv/2212.06817", "https://arxiv.org/abs/2212.06817", False),  # not arXiv's
        ("https://notarxiv.org/abs/2212.06817", "https://arxiv.org/abs/2212.06817", False),  # another host
        ("https://example.com/A", "https://example.com/a", False),  # paths are case-sensitive
    ],
)
def test_destination(first: str, second: str, same: bool) -> None:
    assert (destination(first) == destination(second)) is same
