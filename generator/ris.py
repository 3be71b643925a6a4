"""RIS export (EndNote, Zotero, Mendeley): one record per paper.

Each line is `TAG  - value` (two-letter tag, two spaces, hyphen, space) ending in CRLF, as
the RIS specification asks; a record opens with `TY` and closes with `ER  - `, and records
are separated by a blank line. Values are Unicode on a single line (newlines, control,
zero-width and bidi characters removed), so no value can start a tag of its own.
Authors are written `Family, Given` (the form RIS readers split on), or whole when the
name is not a person's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from generator.csljson import Described, date_parts, describe, text
from generator.models import Paper

EOL = "\r\n"
RIS_TYPES = {
    "article": "JOUR",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "proceedings": "CONF",
    "book": "BOOK",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "manual": "RPRT",
    "unpublished": "UNPB",
    "online": "ELEC",
    "electronic": "ELEC",
    "www": "ELEC",
    "software": "COMP",
    "dataset": "DATA",
    "patent": "PAT",
}
DEFAULT_TYPE = "GEN"


def ris_file(papers: list[Paper]) -> str:
    """Every paper as an RIS record, in the given order."""
    return "".join(ris_file_parts(map(ris_record, papers)))


def ris_file_parts(records: Iterable[str]) -> Iterator[str]:
    """An RIS file of `records` (each a `ris_record`), a record at a time."""
    for index, record in enumerate(records):
        yield (EOL if index else "") + record


def ris_record(paper: Paper, described: Described | None = None) -> str:
    """The paper's RIS record; `described` is `describe(paper)` when the caller has it."""
    about = described or describe(paper)
    lines = [("TY", RIS_TYPES.get(paper.bibtex_type, DEFAULT_TYPE)), ("ID", paper.key), ("TI", about.title)]
    lines += [("AU", ris_name(name)) for name in about.authors]
    lines += [("ED", ris_name(name)) for name in about.editors]
    if paper.year:
        lines.append(("PY", f"{paper.year:04d}"))
        lines.append(("DA", ris_date(paper)))
    details = about.details
    first_page, last_page = page_range(details.get("pages", ""))
    lines += [("T2", about.venue), ("AB", about.abstract), ("DO", about.doi)]
    lines += [("VL", details.get("volume", "")), ("IS", details.get("number", "")), ("SP", first_page), ("EP", last_page)]
    lines += [("PB", details.get("publisher") or details.get("school") or details.get("institution", "")), ("CY", details.get("address", ""))]
    lines += [("ET", details.get("edition", "")), ("SN", details.get("isbn") or details.get("issn", "")), ("T3", details.get("series", ""))]
    lines += [("UR", text(url)) for url in about.urls]
    lines += [("KW", keyword) for keyword in about.keywords]
    lines += [("N1", note) for note in about.notes]
    body = "".join(f"{tag}  - {value}{EOL}" for tag, value in lines if value)
    return f"{body}ER  - {EOL}"


_PAGE_RANGE = re.compile(r"^\s*(\w+)\s*[-–—]+\s*(\w+)\s*$")


def page_range(pages: str) -> tuple[str, str]:
    """First and last page of a range ("123--145", "xii–xx"); anything else ("1--10,
    20--30", "e1234") is the first page as written, with no last."""
    if found := _PAGE_RANGE.match(pages):
        return found[1], found[2]
    return pages.strip(), ""


def ris_date(paper: Paper) -> str:
    """`YYYY/MM/DD/`, with the parts not known left empty (`2024/03//`)."""
    parts = [f"{part:02d}" for part in date_parts(paper)] + ["", "", ""]
    return f"{parts[0]}/{parts[1]}/{parts[2]}/"


def ris_name(parts: dict[str, str]) -> str:
    """CSL name parts as RIS writes a name: `Family, Given, Suffix`, or a literal whole."""
    if "family" not in parts:
        return parts.get("literal", "")
    family = " ".join(part for part in (parts.get("non-dropping-particle"), parts["family"]) if part)
    return ", ".join(part for part in (family, parts.get("given"), parts.get("suffix")) if part)
