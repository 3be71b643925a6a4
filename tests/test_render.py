"""The `md` filter: any untrusted text renders through Python-Markdown (with the site's
extensions) as exactly its visible text, with no element other than the paragraph."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paper_factory import make_paper

from generator.config import Config
from generator.models import Topic
from generator.pages import nav_yaml
from generator.render import anchor, code_lines, inert, make_environment

EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "pymdownx.details", "pymdownx.superfences", "pymdownx.emoji"]


def rendered(text: str) -> str:
    return markdown.markdown(inert(text), extensions=EXTENSIONS)


def visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200))
def test_any_text_keeps_its_visible_text_and_creates_no_element(text: str) -> None:
    out = rendered(text)
    tags = set(re.findall(r"</?([a-zA-Z][\w-]*)", out))
    assert tags <= {"p"}, (text, out)
    assert visible(out).strip() == " ".join(text.split()).strip()


HOSTILE = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    "[link](javascript:alert(1))",
    "# heading",
    "| a | b |\n|---|---|",
    '!!! danger "admonition"',
    "{{ 7*7 }} {% if x %}y{% endif %}",
    ":smile: *em* **strong** `code` ~~del~~",
    "{ #id .class onclick=x }",
    "&lt;already escaped&gt; &amp;",
    "2024. Results improved.",
    '??? danger "details"',
    "???+ note",
]


def test_hostile_samples_are_inert() -> None:
    for text in HOSTILE:
        out = rendered(text)
        assert set(re.findall(r"</?([a-zA-Z][\w-]*)", out)) <= {"p"}, out
        assert visible(out) == " ".join(text.split())


def test_template_values_are_not_evaluated_as_templates() -> None:
    environment = make_environment()
    template = environment.from_string("{{ value|md }}")
    assert "49" not in template.render(value="{{ 7*7 }}")


def test_anchor_is_a_safe_id() -> None:
    assert anchor("frantar2022gptq") == "p-frantar2022gptq"
    assert re.fullmatch(r"p-[a-z0-9_-]+", anchor("../../etc/passwd"))
    assert re.fullmatch(r"p-[a-z0-9_-]+", anchor("Smith:2020/GPTQ <x>"))


def test_different_keys_never_share_an_anchor() -> None:
    keys = ["smith:2020", "smith.2020", "smith-2020", "smith_2020", "smith_3a_2020", "smith2020"]
    assert len({anchor(key) for key in keys}) == len(keys)


def test_code_lines_end_at_every_line_break_and_escape_snippet_lines() -> None:
    text = 'title = {A\r<img src=x>\u2028b},\n--8<-- "/etc/passwd"\n  --8<--\nkeep -8<- [start:cut] this\nplain 8< text'
    assert code_lines(text) == [
        "title = {A",
        "<img src=x>",
        "b},",
        ';--8<-- "/etc/passwd"',
        "  ;--8<--",
        "keep ;-8<- [start:cut] this",
        "plain 8< text",
    ]


BYLINES = [
    (("A B", "C D", "E F"), 3, "A B, C D, E F ·"),
    (("A B", "C D", "E F"), 4, "A B, C D, E F et al. ·"),  # a list ending in "and others"
    (("A B", "C D"), 9, "A B, C D et al. ·"),
    (("A B", "C D", "E F", "G H"), 4, "A B, C D, E F et al. ·"),
]


@pytest.mark.parametrize(("authors", "count", "shown"), BYLINES)
def test_byline_says_et_al_when_authors_are_left_out(authors: tuple[str, ...], count: int, shown: str) -> None:
    template = make_environment().from_string('{% from "_macros.md.j2" import byline %}{{ byline(paper) }}')
    paper = make_paper("T", key="k", authors=authors, author_count=count, organization="", venue="", upvotes=None)
    assert shown in template.render(paper=paper) + " ·"


def test_topic_titles_reach_the_navigation_escaped() -> None:
    text = nav_yaml(Config(root=Path("/nonexistent")), [Topic("qa", 'Q&A <img src=x onerror="alert(1)">', "")], "material")
    assert "Q&amp;A &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text and "<img" not in text


def test_one_author_is_not_one_authors() -> None:
    template = make_environment().from_string('{% from "_macros.md.j2" import byline %}{{ byline(paper) }}')
    paper = make_paper("T", key="k", authors=(), author_count=1, organization="", venue="", upvotes=None)
    assert "1 author" in template.render(paper=paper) and "1 authors" not in template.render(paper=paper)
