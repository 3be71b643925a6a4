"""Build `Paper` objects for tests without spelling out every required field."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.models import Paper, Source
from generator.normalize import title_identity

_DEFAULTS: dict[str, Any] = {
    "abstract": "We study a problem and propose a method.",
    "authors": ("Ada Lovelace", "Charles Babbage"),
    "author_count": None,
    "organization": "",
    "year": 2024,
    "month": 3,
    "day": None,
    "upvotes": None,
    "doi": "",
    "arxiv_id": "",
    "urls": (),
    "venue": "",
}


def make_paper(title: str = "A Study of Things", key: str = "", **overrides: Any) -> Paper:
    """A paper with sensible defaults; `key` defaults to one derived from the title. Any
    `Paper` field may be overridden by name."""
    required = {name: overrides.pop(name, default) for name, default in _DEFAULTS.items()}
    paper = Paper(
        identity=overrides.pop("identity", "") or title_identity(title) or title,
        title=title,
        original_title=overrides.pop("original_title", title),
        sources=overrides.pop("sources", (Source("papers/test.txt", 1),)),
        **required,
    )
    return replace(paper, key=key or _key_for(title), **overrides)


def _key_for(title: str) -> str:
    words = title_identity(title).split()
    return ("".join(words[:3]) or "paper")[:40]


def hostile_titles() -> list[str]:
    """Titles that break naive BibTeX or LaTeX writers, one trap each."""
    return [
        "Closing } brace alone",
        "Opening { brace alone",
        "Percent 100% of the rest of the line",
        "Back\\slash and \\textbf{commands} and \\",
        "Dollar $5 and $x^2$ math",
        "Hash #1 and under_score and amp & and caret ^ and tilde ~",
        "Greek ε and umlaut ü and times 10× and square m² and Γ",
        "Long " + "x" * 2000 + " word",
        "Zero\u200bwidth\u200d joiners\ufeff and bidi \u202eoverride\u202c and soft\u00adhyphen",
        "Quotes “curly” ‘single’ — dashes – and ellipsis…",
        "CJK 中文 and emoji 😀 and ogonek ą and eth ð",
        "Control\x07 characters\x00 and\ttabs\nand newlines",
        "@misc{injected, title={x}} and @string",
        "Unbalanced }}}{{{ braces {",
        "Angle <brackets> and | pipes and \"double quotes\"",
    ]
