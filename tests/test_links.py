"""A paper's links are told apart by host: a citation's url is the paper, not its code."""

from __future__ import annotations

import pytest
from paper_factory import make_paper

from generator.bibtex import bibtex_entry
from generator.links import is_about_the_paper, link_label
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
