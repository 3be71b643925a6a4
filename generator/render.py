"""Rendering pages from the Jinja2 templates in `templates/`.

Paper text is untrusted. The `md` filter turns any string into inert Markdown: HTML and
every character that Markdown, attr_list or emoji syntax could act on become numeric
character references, which the browser shows as the original characters but which no
Markdown extension parses. Templates never see raw paper text through anything else, and
values are never compiled as templates, so `{{ }}` in a title stays text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pymdownx.snippets import SnippetPreprocessor

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# Markdown, HTML, attr_list `{ }`, emoji `:x:`, tables `|`, math `$`, footnotes `^`, and
# `&` itself (so the text cannot spell an entity).
_MARKDOWN_ACTIVE = "\\`*_{}[]()!|<>:~^=$\"+-"
_ENTITY = {char: f"&#{ord(char)};" for char in _MARKDOWN_ACTIVE}
# `&` and `#` are what entities are made of, so they go first, in one pass together.
_AMPERSAND_AND_HASH = str.maketrans({"&": "&#38;", "#": "&#35;"})


def inert(text: object) -> str:
    """Untrusted text as Markdown that renders as exactly that text and nothing else."""
    flat = " ".join(str(text).split())
    if "&" in flat or "#" in flat:
        flat = flat.translate(_AMPERSAND_AND_HASH)
    # One C-level `replace` per character present: pages call this hundreds of thousands of
    # times, and it is 20× faster than a regex with a callback or a translate table.
    for char, entity in _ENTITY.items():
        if char in flat:
            flat = flat.replace(char, entity)
    # At the start of a line, `2024. Results` would open an ordered list and `??? note` a
    # collapsible block; the template may put the text there.
    if flat[:1].isdigit():
        flat = _LIST_NUMBER.sub(r"\1&#46;", flat, count=1)
    return "&#63;" + flat[1:] if flat.startswith("?") else flat


_LIST_NUMBER = re.compile(r"^(\d+)\.")


def code_lines(text: str) -> list[str]:
    """Untrusted text as the lines of a code block, shown as written. Every line break ends
    a line here, as it does for Markdown: a lone `\r` left inside a line would end the block
    early and let the rest through as HTML. pymdownx.snippets reads every line before any
    code block is found, so a line it would act on (`--8<-- "file"`) gets its escape, one
    `;` that snippets removes again; its own patterns decide which lines those are."""
    return [_snippet_escaped(line) for line in text.splitlines()]


def _snippet_escaped(line: str) -> str:
    if "8<" not in line:  # every snippet marker has it; almost no line does
        return line
    if whole := SnippetPreprocessor.RE_ALL_SNIPPETS.match(line):
        return f"{whole['space']};{line[whole.end('space') :]}"
    if section := SnippetPreprocessor.RE_SNIPPET_SECTION.match(line):
        return f"{section['pre']};{line[section.end('pre') :]}"
    return line


# A real abstract is a few thousand characters; anything far longer (a scrape that ran on)
# is shortened on the page so one paper cannot blow the page-size budget. papers.json keeps it whole.
CLIP_LENGTH = 10_000


def clip(text: str) -> str:
    if len(text) <= CLIP_LENGTH:
        return text
    return f"{text[:CLIP_LENGTH]} … [shortened from {len(text):,} characters; papers.json has the full text]"


def anchor(key: str) -> str:
    """The HTML id of a paper's entry, from its citation key (unique ignoring case). Letters,
    digits and dashes stay; any other character becomes `_<hex>_`, so two keys never share
    an id (`smith:2020` → `p-smith_3a_2020`, `smith.2020` → `p-smith_2e_2020`)."""
    return "p-" + _ID_UNSAFE.sub(lambda m: f"_{ord(m[0]):x}_", key.lower())


_ID_UNSAFE = re.compile(r"[^a-z0-9-]")


MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def paper_date(paper: Any) -> str:
    if paper.year and paper.month:
        return f"{MONTH_NAMES[paper.month - 1]} {paper.year}"
    if paper.year:
        return str(paper.year)
    return "undated"


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=False,  # the output is Markdown: escaping is the `md` filter's job
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["md"] = inert
    environment.filters["anchor"] = anchor
    environment.filters["clip"] = clip
    environment.filters["code_lines"] = code_lines
    environment.filters["date"] = paper_date
    return environment


def render(environment: Environment, template: str, **context: Any) -> str:
    text = environment.get_template(template).render(**context)
    return _BLANK_LINES.sub("\n\n", text).rstrip() + "\n"


# Spelled out rather than `\n{3,}`: a literal prefix lets the regex engine skip ahead to
# each candidate instead of trying every position, 10× faster on a 300 KB page.
_BLANK_LINES = re.compile(r"\n\n\n+")
