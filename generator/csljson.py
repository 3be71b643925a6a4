"""CSL-JSON export (Zotero, Mendeley, pandoc/citeproc): one item per paper.

Text is written as Unicode (`ensure_ascii=False`), never as LaTeX; it is only cleaned of
control, zero-width and bidi characters. Items keep the given order and their keys are
sorted, so two runs give the same bytes. Display names ("Ada Lovelace") are split into
`family`/`given` (with particles and suffixes); what does not look like a person's name
(one word, or lowercase words such as "and") is kept whole as a `literal`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.dataset import json_array_parts, json_line
from generator.links import distinct, is_about_the_paper
from generator.models import Paper
from generator.normalize import clean_whitespace
from generator.readers.bibtex import latex_to_text, people

# BibTeX entry types → CSL types; papers from listings are preprints ("article" in CSL).
CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
}
DEFAULT_TYPE = "article"
# Types whose own link is code or data: their url is the item's, whatever its host.
WHAT_THE_LINK_IS = frozenset({"software", "dataset"})
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "le", "la", "ten", "ter", "zu"})
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def csl_json(papers: list[Paper]) -> str:
    """A CSL-JSON array, one item per paper, in the given order."""
    return "".join(json_array_parts(map(csl_line, papers)))


def csl_line(paper: Paper, described: Described | None = None) -> str:
    return json_line(csl_item(paper, described), sort_keys=True)


@dataclass(frozen=True)
class Described:
    """What CSL-JSON and RIS both say of a paper, worked out once for both: decoding its
    BibTeX names and cleaning its abstract cost more than writing either record."""

    title: str
    authors: list[dict[str, str]]
    editors: list[dict[str, str]]
    abstract: str
    doi: str
    venue: str
    urls: list[str]  # `paper_urls`
    details: dict[str, str]  # `bibtex_details`
    keywords: list[str]
    notes: list[str]


def describe(paper: Paper) -> Described:
    details = bibtex_details(paper)
    return Described(
        title=text(paper.title),
        authors=names(paper, "author"),
        editors=names(paper, "editor"),
        abstract=text(paper.abstract),
        doi=text(paper.doi),
        venue=text(paper.venue),
        urls=paper_urls(paper),
        details=details,
        keywords=keywords(paper, details),
        notes=notes(paper, details),
    )


def csl_item(paper: Paper, described: Described | None = None) -> dict[str, Any]:
    """The paper's CSL-JSON item; `described` is `describe(paper)` when the caller has it."""
    about = described or describe(paper)
    item: dict[str, Any] = {
        "id": paper.key,
        "citation-key": paper.key,
        "type": CSL_TYPES.get(paper.bibtex_type, DEFAULT_TYPE),
        "title": about.title,
    }
    if about.authors:
        item["author"] = about.authors
    if about.editors:
        item["editor"] = about.editors
    if paper.year:
        item["issued"] = {"date-parts": [date_parts(paper)]}
    details = about.details
    # A journal's number is its issue; a report's is the report's own number, else the arXiv id.
    journal = paper.bibtex_type in ("article", "periodical")
    issue, number = (details.get("number", ""), "") if journal else ("", details.get("number", ""))
    optional = {
        "abstract": about.abstract,
        "DOI": about.doi,
        "URL": next((text(url) for url in about.urls if is_about_the_paper(url) or paper.bibtex_type in WHAT_THE_LINK_IS), ""),
        "container-title": about.venue,
        "volume": details.get("volume", ""),
        "issue": issue,
        "number": number or (f"arXiv:{text(paper.arxiv_id)}" if paper.arxiv_id else ""),
        "page": details.get("pages", "").replace("–", "-"),
        "publisher": details.get("publisher") or details.get("school") or details.get("institution", ""),
        "publisher-place": details.get("address", ""),
        "edition": details.get("edition", ""),
        "ISBN": details.get("isbn", ""),
        "ISSN": details.get("issn", ""),
        "collection-title": details.get("series", ""),
        "note": "\n".join(about.notes),
        "keyword": ", ".join(about.keywords),
    }
    item |= {name: value for name, value in optional.items() if value}
    return item


# The fields of a user's own BibTeX entry the other exports carry too (decoded to text).
DETAIL_FIELDS = ("volume", "number", "pages", "publisher", "school", "institution", "address", "edition", "isbn", "issn", "series", "keywords", "note")


def bibtex_details(paper: Paper) -> dict[str, str]:
    """The paper's `DETAIL_FIELDS` from its BibTeX entry, as text."""
    fields = {name.lower(): value for name, value in paper.bibtex_fields}
    decoded = {name: text(latex_to_text(fields[name])) for name in DETAIL_FIELDS if name in fields}
    return {name: value for name, value in decoded.items() if value}


def names(paper: Paper, role: str) -> list[dict[str, str]]:
    """CSL names of the paper's authors or editors: from its BibTeX field when it has one,
    which says which words are the family name; else split from the display names."""
    field = next((value for name, value in paper.bibtex_fields if name.lower() == role), "")
    if field:
        return people(field)
    return [csl_name(name) for name in paper.authors if text(name)] if role == "author" else []


def keywords(paper: Paper, details: dict[str, str]) -> list[str]:
    """The paper's tags, then its BibTeX entry's own keywords, each once. They are split at
    commas, semicolons and line breaks (EndNote's export puts one keyword per line), so
    they are read from the field as written, before `bibtex_details` joins its lines."""
    raw = next((value for name, value in paper.bibtex_fields if name.lower() == "keywords"), "")
    own = [latex_to_text(keyword) for keyword in re.split(r"[,;\n]", raw)] if raw else re.split(r"[,;]", details.get("keywords", ""))
    found: dict[str, None] = {}
    for keyword in [*paper.tags, *own]:
        if (keyword := text(keyword)) and keyword.casefold() not in {k.casefold() for k in found}:
            found[keyword] = None
    return list(found)


def text(value: str) -> str:
    """Display text for an export: one line, no invisible or control characters."""
    return _CONTROL.sub("", clean_whitespace(value))


def date_parts(paper: Paper) -> list[int]:
    """[year], [year, month] or [year, month, day]: as much as is known, in order."""
    parts = [paper.year] if paper.year else []
    if parts and paper.month and 1 <= paper.month <= 12:
        parts.append(paper.month)
        if paper.day and 1 <= paper.day <= 31:
            parts.append(paper.day)
    return parts


def paper_urls(paper: Paper) -> list[str]:
    """The paper's links, then its arXiv page if it has one that is not among them; one
    link for each place (http and https, an arXiv abstract and its PDF are one)."""
    urls = [url for url in paper.urls if text(url)]
    return distinct([*urls, f"https://arxiv.org/abs/{paper.arxiv_id}"] if paper.arxiv_id else urls)


def notes(paper: Paper, details: dict[str, str]) -> list[str]:
    """A curator's note, the BibTeX entry's own note (in its `bibtex_details`), then the one-sentence summary."""
    return [note for note in (text(paper.note), details.get("note", ""), text(paper.tldr)) if note]


def csl_name(name: str) -> dict[str, str]:
    parts = split_name(name)
    return parts if "family" in parts else {"literal": text(name)}


def split_name(name: str) -> dict[str, str]:
    """A display name in parts. "Ada Lovelace" → family/given; "Ludwig van Beethoven" → with
    a particle; "Martin Luther King Jr.", "Smith, Jr." → with a suffix; "Lovelace, Ada" and
    "King, Jr., Martin" read as BibTeX would. One word, or a phrase with lowercase words
    ("Research and Development"), gives {}: not a person's name."""
    name = text(name)
    pieces = [piece.strip() for piece in name.split(",")]
    suffix = ""
    if len(pieces) == 3 and pieces[1].lower() in SUFFIXES:
        suffix = pieces.pop(1)  # BibTeX's "Last, Jr., First"
    elif len(pieces) > 1 and pieces[-1].lower() in SUFFIXES:
        suffix = pieces.pop()
    if len(pieces) > 1:
        return _without_empty({"family": pieces[0], "given": ", ".join(pieces[1:]), "suffix": suffix}) if pieces[0] else {}
    tokens = pieces[0].split()
    if not suffix and len(tokens) > 2 and tokens[-1].lower() in SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) < 2 and not suffix:
        return {}
    if not tokens:
        return {}
    family_start = len(tokens) - 1
    while family_start > 0 and tokens[family_start - 1].lower() in PARTICLES:
        family_start -= 1
    given, particle = tokens[:family_start], tokens[family_start:-1]
    if any(token[:1].islower() for token in given):
        return {}  # "Research and Development Team": an organisation, not a person
    return _without_empty(
        {"family": tokens[-1], "given": " ".join(given), "non-dropping-particle": " ".join(particle), "suffix": suffix}
    )


def _without_empty(parts: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in parts.items() if value}
