"""The records that flow through the pipeline. Frozen dataclasses, no I/O.

Readers produce `Record`s (one per entry in one input file) and `Override`s (curated
changes to papers that come from elsewhere). `dedupe` merges records into `Paper`s, which
the analysis stages enrich and the writers render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, order=True)
class Source:
    """Where something was read: a file and a 1-based line number."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Problem:
    """Something a curator should know about, tied to the place it was found."""

    source: Source
    message: str
    severity: Severity = Severity.WARNING

    def __str__(self) -> str:
        return f"{self.source}: {self.severity.value}: {self.message}"


class SourceKind(StrEnum):
    """Input formats, in the order of trust used by the merge policy (highest first)."""

    CURATED = "yaml"
    BIBTEX = "bibtex"
    LISTING = "dailypapers"


@dataclass(frozen=True)
class Record:
    """One entry as read from one input, before merging.

    Text fields hold the display form (normalised); `original_title` keeps the text as
    it stood in the input so nothing is lost.
    """

    source: Source
    kind: SourceKind
    title: str
    original_title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    organization: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_from_reference: bool = False  # the input gave no year; the config's was used
    upvotes: int | None = None
    doi: str = ""
    arxiv_id: str = ""
    urls: tuple[str, ...] = ()
    link_labels: tuple[tuple[str, str], ...] = ()  # (url, label) where the curator named a link: `Slides: https://…`
    venue: str = ""
    # BibTeX only: the user's key, entry type and undecoded (LaTeX) fields for export.
    bibtex_key: str = ""
    bibtex_type: str = ""
    bibtex_fields: tuple[tuple[str, str], ...] = ()
    # Curated only: the YAML list may fix these directly.
    topic: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Override:
    """A curated change to a paper read from another source, matched by key or title."""

    source: Source
    match_key: str = ""
    match_title: str = ""
    topic: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    urls: tuple[str, ...] = ()
    link_labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Merge:
    """Records from several places that the merge step made into one paper."""

    title: str
    sources: tuple[Source, ...]
    reason: str


@dataclass(frozen=True)
class Paper:
    """One unique paper after merging. Analysis stages fill the fields after `sources`."""

    identity: str  # the normalised title that merging matched on
    title: str
    original_title: str
    abstract: str
    authors: tuple[str, ...]
    author_count: int | None
    organization: str
    year: int | None
    month: int | None
    day: int | None
    upvotes: int | None
    doi: str
    arxiv_id: str
    urls: tuple[str, ...]
    venue: str
    sources: tuple[Source, ...]
    bibtex_key: str = ""
    bibtex_type: str = ""
    bibtex_fields: tuple[tuple[str, str], ...] = ()
    topic_override: str = ""
    tag_overrides: tuple[str, ...] = ()
    note: str = ""
    aliases: tuple[str, ...] = ()  # the other titles its records gave, normalised: keys made for them stay its own
    # The user's keys of its other BibTeX records (the same paper in a second export), each
    # where it was written; and those of the user's keys it is not cited by that no paper
    # is, which its entry lists (biblatex `ids`) so that citations of them still resolve.
    other_bibtex_keys: tuple[tuple[str, Source], ...] = ()
    link_labels: tuple[tuple[str, str], ...] = ()  # (url, label) for links a curator named
    key_aliases: tuple[str, ...] = ()
    key: str = ""
    short_name: str = ""
    tldr: str = ""
    claims: tuple[str, ...] = ()
    topic: str = ""  # slug
    secondary_topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # keys


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    # A discovered topic's terms (as `text.analyze` counts them) with their NMF weights: how
    # strongly each term makes a paper belong to the topic (`topics.model_weights`).
    term_weights: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class ReadResult:
    """What reading all inputs gave: records, overrides and the problems met.

    `rejected` counts the entries that could not become records, each reported by one error
    problem: entries read = len(records) + rejected."""

    records: tuple[Record, ...] = ()
    overrides: tuple[Override, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    rejected: int = 0
