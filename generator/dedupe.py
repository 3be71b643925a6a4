"""Merging records that describe the same paper, and applying curated overrides.

Records are the same paper when they share a DOI or an arXiv id, or a normalised title
(transitively), unless the title is all they share and they clearly are two papers: another
first author ("Deep learning" by LeCun et al., and by Goodfellow et al.), or another arXiv
id. Such papers stay apart, each is reported, and the later ones' identities name
their first author and year. The merge policy is fixed, so output never depends on input
order:

- records are ranked curated YAML > BibTeX > Daily Papers listing; within a kind, a
  published version (a venue that is no preprint server) before a preprint, then the
  fuller BibTeX entry (more fields: Zotero's full record before Google Scholar's stub),
  then by `path:line` (never by input order);
- title and author list come from the best-ranked record that has them;
- the abstract is the longest one (listings truncate; a fuller one is richer);
- the date is the most complete one (an explicit year beats one taken from
  `reference_year`; then month, then day), ties going to the better rank; but the year of
  the BibTeX entry that is exported wins over another, so downloads and pages agree;
- upvotes take the maximum; author count the largest of the list length and the counts;
- organisation, DOI, arXiv id, venue and the BibTeX entry come from the best-ranked record
  that has them; links and sources are united.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from generator.models import Merge, Override, Paper, Problem, Record, Severity, Source, SourceKind
from generator.normalize import title_identity

RANK = {SourceKind.CURATED: 0, SourceKind.BIBTEX: 1, SourceKind.LISTING: 2}


def _find(parent: list[int], index: int) -> int:
    while parent[index] != index:
        parent[index] = parent[parent[index]]
        index = parent[index]
    return index


def group_records(records: list[Record]) -> list[list[Record]]:
    """Records that are one paper, grouped by union-find over shared identifiers. Records
    are taken best-ranked first, so which of two clashing groups a record joins does not
    depend on input order."""
    ordered = sorted(records, key=_rank)
    parent = list(range(len(ordered)))
    members: dict[int, list[int]] = {}  # root -> its records, for groups of more than one
    signatures: dict[int, _Signature] = {}  # root -> its group's, made only when a title is shared

    def signature(root: int) -> _Signature:
        if root not in signatures:
            signatures[root] = _Signature.of([ordered[index] for index in members.get(root, [root])])
        return signatures[root]

    holders: dict[str, list[int]] = defaultdict(list)  # identifier -> groups (roots) holding it
    for index, record in enumerate(ordered):
        for identifier in _identifiers(record):
            root = _find(parent, index)
            # A DOI or arXiv id names one paper, unless an export gave a wrong one; a title
            # may name two. So each joins only a group it does not clash with (the first
            # one, in rank order).
            by_title = identifier.startswith("title:")
            roots = [_find(parent, holder) for holder in holders[identifier]]
            holder = next((r for r in roots if r == root or not signature(r).kept_apart(signature(root), by_title)), None)
            if holder is None:
                holders[identifier].append(root)
            elif holder != root:
                parent[root] = holder
                members[holder] = members.get(holder, [holder]) + members.pop(root, [root])
                signatures.pop(holder, None)
    groups: dict[int, list[Record]] = defaultdict(list)
    for index, record in enumerate(ordered):
        groups[_find(parent, index)].append(record)
    return list(groups.values())


@dataclass(frozen=True)
class _Signature:
    """What tells two papers with one title apart: first authors, years, arXiv ids, DOIs."""

    first_authors: frozenset[frozenset[str]]  # each record's first author, by `_family_names`
    title_words: frozenset[frozenset[str]]  # each record's title's words
    years: frozenset[int]
    arxiv_ids: frozenset[str]
    dois: frozenset[str]  # publishers' DOIs; arXiv's own (10.48550/…) name a preprint of anything

    @classmethod
    def of(cls, records: list[Record]) -> _Signature:
        firsts = (_family_names(r.authors[0]) for r in records if r.authors)
        return cls(
            frozenset(first for first in firsts if first and not first <= _PLACEHOLDER_NAMES),
            frozenset(frozenset(title_identity(r.title).split()) for r in records),
            frozenset(r.year for r in records if r.year is not None and not r.year_from_reference),
            frozenset(r.arxiv_id.lower() for r in records if r.arxiv_id),
            frozenset(r.doi.lower() for r in records if r.doi and not r.doi.startswith(_ARXIV_DOI)),
        )

    def another_first_author(self, other: _Signature) -> bool:
        """Both name first authors, and none of one's is any of the other's."""
        return bool(self.first_authors and other.first_authors) and all(
            mine.isdisjoint(theirs) for mine in self.first_authors for theirs in other.first_authors
        )

    def kept_apart(self, other: _Signature, by_title: bool) -> bool:
        """Whether two groups that share a title (`by_title`), or a DOI or arXiv id, are
        two papers all the same."""
        return self.clashes(other) if by_title else self.unrelated(other)

    def unrelated(self, other: _Signature) -> bool:
        """Nothing but an identifier in common: other first authors and titles that share
        less than half their words. Then the identifier is an export's mistake, such as a
        proceedings volume's DOI given for each of its papers (DETR and NeRF, one LNCS
        volume), rather than one paper retitled between preprint and print."""
        return self.another_first_author(other) and all(_word_overlap(mine, theirs) < SAME_PAPER_WORDS for mine in self.title_words for theirs in other.title_words)

    def clashes(self, other: _Signature) -> bool:
        """Two papers, not one: other arXiv ids, or another year with another first author
        or DOI. Exports of one paper disagree on names ("OpenAI" or "Josh Achiam") and on
        the year by one (preprint, then proceedings) often enough that neither alone may
        split it; together they mark "Deep learning" by LeCun et al. (2015) and by Goodfellow
        et al. (2016). The first author, not the whole list, is compared (those two share
        Bengio), and any first author of one matching any of the other's makes one."""
        if self.arxiv_ids and other.arxiv_ids and self.arxiv_ids.isdisjoint(other.arxiv_ids):
            return True
        if not (self.years and other.years and self.years.isdisjoint(other.years)):
            return False
        another_author = self.another_first_author(other)
        another_doi = bool(self.dois and other.dois and self.dois.isdisjoint(other.dois))
        return another_author or another_doi


SAME_PAPER_WORDS = 0.5  # a retitled paper keeps at least this share of its title's words


def _word_overlap(first: frozenset[str], second: frozenset[str]) -> float:
    return len(first & second) / max(1, min(len(first), len(second)))


# Names that stand for no one in particular: they tell no paper apart.
_PLACEHOLDER_NAMES = frozenset({"anonymous", "others", "et", "al", "unknown", "author", "authors"})
_ARXIV_DOI = "10.48550/"
# How one family name is spelled across exports: "Schölkopf", "Schoelkopf"; "Søgaard", "Soegaard".
_SPELLINGS = str.maketrans({"ø": "o", "æ": "a", "œ": "o", "ł": "l", "đ": "d"})
_DIGRAPHS = re.compile(r"([aou])e")


def _family_names(name: str) -> frozenset[str]:
    """Keys for the family name in a display name ("Yann LeCun", "Y. Le Cun", "OpenAI"): each
    word after the first and all of them run together, with umlauts and Nordic letters as
    plain vowels. A given name is left out, so "John Doe" and "John Smith" share nothing."""
    words = [_DIGRAPHS.sub(r"\1", word.translate(_SPELLINGS)) for word in title_identity(name).split()]
    family = [word for word in words[1:] if len(word) > 1] if len(words) > 1 else words
    return frozenset([*family, "".join(family)]) if family else frozenset()


def _identifiers(record: Record) -> list[str]:
    identifiers = [f"title:{title_identity(record.title)}"]
    if record.doi:
        identifiers.append(f"doi:{record.doi}")
    if record.arxiv_id:
        identifiers.append(f"arxiv:{record.arxiv_id.lower()}")
    return identifiers


def _rank(record: Record) -> tuple[int, bool, int, Source]:
    """See the module's policy: which record of a paper speaks for it."""
    return RANK[record.kind], not is_published(record.venue), -len(record.bibtex_fields), record.source


# Venues that are preprint servers: a record naming one is not the published version.
_PREPRINT_VENUE = re.compile(r"arxiv|\bcorr\b|preprint|biorxiv|medrxiv|ssrn|openreview\.net|techrxiv|research ?square", re.I)


def is_published(venue: str) -> bool:
    return bool(venue.strip()) and not _PREPRINT_VENUE.search(venue)


def _date_score(record: Record) -> int:
    return (
        4 * (record.year is not None and not record.year_from_reference)
        + 2 * (record.year is not None)
        + (record.month is not None)
        + (record.day is not None)
    )


def _first(values: list[str]) -> str:
    return next((value for value in values if value), "")


def merge_group(group: list[Record]) -> Paper:
    """One paper from records ranked best first (see the module's policy)."""
    best = group[0]
    with_authors = next((r for r in group if r.authors), None)
    dated = max(group, key=_date_score)  # max keeps the first (best-ranked) of equals
    counts = [r.author_count for r in group if r.author_count] + [len(with_authors.authors) if with_authors else 0]
    upvotes = [r.upvotes for r in group if r.upvotes is not None]
    bibtex = next((r for r in group if r.bibtex_fields), None)
    if bibtex is not None and bibtex.year is not None and dated.year != bibtex.year:
        # The user's entry is exported as written: its year is the paper's, so that pages,
        # RIS and CSL-JSON say what the .bib says (Scholar's ICLR 2022 beside Zotero's arXiv
        # date of 2021). A more precise date of the same year still wins.
        dated = bibtex
    curated = [r for r in group if r.kind is SourceKind.CURATED]
    keyed = [r for r in group if r.bibtex_key]
    return Paper(
        identity=title_identity(best.title),
        title=best.title,
        original_title=best.original_title,
        abstract=max((r.abstract for r in group), key=len),
        authors=with_authors.authors if with_authors else (),
        author_count=max(counts) or None,
        organization=_first([r.organization for r in group]),
        year=dated.year,
        month=dated.month,
        day=dated.day,
        upvotes=max(upvotes) if upvotes else None,
        doi=_first([r.doi for r in group]),
        arxiv_id=_first([r.arxiv_id for r in group]),
        urls=tuple(dict.fromkeys(url for r in group for url in r.urls)),
        venue=_first([r.venue for r in group]),
        sources=tuple(sorted({r.source for r in group})),
        bibtex_key=keyed[0].bibtex_key if keyed else "",
        other_bibtex_keys=_other_keys(keyed),
        link_labels=_first_labels(group),
        bibtex_type=bibtex.bibtex_type if bibtex else "",
        bibtex_fields=bibtex.bibtex_fields if bibtex else (),
        topic_override=_first([r.topic for r in curated]),
        tag_overrides=tuple(dict.fromkeys(tag for r in curated for tag in r.tags)),
        note=_first([r.note for r in curated]),
        aliases=tuple(sorted({title_identity(r.title) for r in group} - {title_identity(best.title)})) if len(group) > 1 else (),
    )


def _first_labels(group: list[Record]) -> tuple[tuple[str, str], ...]:
    """Each link's label from the first record that names it."""
    labels: dict[str, str] = {}
    for record in group:
        for url, label in record.link_labels:
            labels.setdefault(url, label)
    return tuple(labels.items())


def _other_keys(keyed: list[Record]) -> tuple[tuple[str, Source], ...]:
    """The keys of the records after the first, each once and where it was written: two
    exports of one paper (Google Scholar's `hu2022lora`, Zotero's `huLoRALowRankAdaptation2021`)."""
    seen = {record.bibtex_key.lower() for record in keyed[:1]}
    others = []
    for record in keyed[1:]:
        if record.bibtex_key.lower() not in seen:
            seen.add(record.bibtex_key.lower())
            others.append((record.bibtex_key, record.source))
    return tuple(others)


def merge_records(records: list[Record]) -> tuple[list[Paper], list[Merge]]:
    """Unique papers sorted by identity, and the merges made (for the report)."""
    papers: list[Paper] = []
    merges: list[Merge] = []
    for group in group_records(records):
        paper = merge_group(group)
        papers.append(paper)
        if len(group) > 1:
            merges.append(Merge(paper.title, paper.sources, _merge_reason(group)))
    papers = _distinct_identities(papers)
    papers.sort(key=lambda p: (p.identity, p.sources))
    merges.sort(key=lambda m: m.sources)
    return papers, merges


def _distinct_identities(papers: list[Paper]) -> list[Paper]:
    """Papers that share a title but were kept apart each get an identity of their own
    (`_told_apart`). It depends on the paper alone, not on which of them ranks first, so
    their keys and pages stay theirs as inputs change. The title alone stays an alias, for
    keys made for it."""
    counts = Counter(paper.identity for paper in papers)
    shared = [paper for paper in papers if counts[paper.identity] > 1]
    if not shared:
        return papers
    renamed = {id(paper): _told_apart(paper, shared) for paper in shared}
    return [
        replace(paper, identity=renamed[id(paper)], aliases=tuple(sorted({*paper.aliases, paper.identity}))) if id(paper) in renamed else paper
        for paper in papers
    ]


def _told_apart(paper: Paper, shared: list[Paper]) -> str:
    """The title and the first author's surname; with the year, then the arXiv id, then the
    first source, when a namesake has that too: no two papers may share an identity, as
    they would share a key."""
    namesakes = [p for p in shared if p.identity == paper.identity]
    for depth in (1, 2, 3):
        told = told_identity(paper, depth)
        if sum(told_identity(p, depth) == told for p in namesakes) == 1:
            return told
    return f"{paper.identity} {paper.sources[0]}"


def told_identity(paper: Paper, depth: int = 1) -> str:
    """The identity with the first `depth` of: the first author's surname, the year, the arXiv id."""
    surname = title_identity(paper.authors[0]).split()[-1] if paper.authors and title_identity(paper.authors[0]) else ""
    extra = [surname, str(paper.year or ""), paper.arxiv_id][:depth]
    return " ".join([paper.identity, *filter(None, extra)])


def same_title_problems(papers: list[Paper]) -> list[Problem]:
    """A warning for each paper that shares its title with an earlier one but was kept apart
    (`_Signature.clashes`): worth a look, as a curator may know better."""
    by_title: defaultdict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        title = title_identity(paper.title)
        if title in paper.aliases:  # only a paper told apart from a namesake has its own title as an alias
            by_title[title].append(paper)
    problems = []
    for namesakes in by_title.values():
        first, *others = sorted(namesakes, key=lambda p: p.sources)
        for paper in others:
            message = f"same title as {first.title!r} ({first.sources[0]}) but another first author and year, or arXiv id: kept as two papers"
            problems.append(Problem(paper.sources[0], message, Severity.WARNING))
    return problems


def shared_identifier_problems(papers: list[Paper]) -> list[Problem]:
    """A warning for each paper kept apart from an earlier one with its DOI or arXiv id
    (`_Signature.unrelated`): one of their exports gave a wrong identifier."""
    holders: defaultdict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        for identifier in (f"DOI {paper.doi.lower()}" if paper.doi else "", f"arXiv id {paper.arxiv_id.lower()}" if paper.arxiv_id else ""):
            if identifier:
                holders[identifier].append(paper)
    problems = []
    for identifier, sharing in sorted(holders.items()):
        first, *others = sorted(sharing, key=lambda p: p.sources)
        for paper in others:
            message = f"{identifier} is also {first.title!r}'s ({first.sources[0]}), but the titles and first authors differ: kept as two papers; one export's {identifier.split()[0]} is wrong"
            problems.append(Problem(paper.sources[0], message, Severity.WARNING))
    return problems


def _merge_reason(group: list[Record]) -> str:
    shared = set.intersection(*(set(_identifiers(r)) for r in group))
    if any(i.startswith("title:") for i in shared):
        return "same title"
    return "same DOI or arXiv id"


def apply_overrides(papers: list[Paper], overrides: list[Override]) -> tuple[list[Paper], list[Problem]]:
    """Curated topic, tags, note and links for papers matched by citation key or title."""
    if not overrides:
        return papers, []
    by_key = {}
    for index, paper in enumerate(papers):
        for key in (paper.key, paper.bibtex_key, *(other for other, _ in paper.other_bibtex_keys)):
            if key:
                by_key.setdefault(key.lower(), index)
    by_title: defaultdict[str, list[int]] = defaultdict(list)
    for index, paper in enumerate(papers):
        by_title[title_identity(paper.title)].append(index)
    for index, paper in enumerate(papers):  # after all titles: a paper's own title matches first
        for alias in paper.aliases:  # the title another record of it gave
            if index not in by_title[alias]:
                by_title[alias].append(index)
    problems: list[Problem] = []
    result = list(papers)
    for override in overrides:
        titled = by_title.get(title_identity(override.match_title), [])
        index = by_key.get(override.match_key.lower()) if override.match_key else next(iter(titled), None)
        if index is None:
            wanted = f"key {override.match_key!r}" if override.match_key else f"title {override.match_title!r}"
            problems.append(Problem(override.source, f"override matches no paper ({wanted})"))
            continue
        if not override.match_key and len(titled) > 1:
            keys = ", ".join(papers[i].key for i in titled)
            message = f"override's title matches {len(titled)} papers ({keys}); it applies to {papers[index].key}: match by `key:` to choose"
            problems.append(Problem(override.source, message, Severity.WARNING))
        paper = result[index]
        result[index] = _overridden(paper, override)
    return result, problems


def _overridden(paper: Paper, override: Override) -> Paper:
    return replace(
        paper,
        topic_override=override.topic or paper.topic_override,
        tag_overrides=tuple(dict.fromkeys(paper.tag_overrides + override.tags)),
        note=override.note or paper.note,
        urls=tuple(dict.fromkeys(paper.urls + override.urls)),
        link_labels=tuple((dict(paper.link_labels) | dict(override.link_labels)).items()),
        sources=tuple(sorted(set(paper.sources) | {override.source})),
    )


def unknown_topics(records: list[Record], overrides: list[Override], slugs: set[str]) -> list[Problem]:
    """A warning, where it was written, for each curated topic that is no topic's slug: the
    paper keeps the topic the analysis gives it."""
    curated = [(record.source, record.topic) for record in records if record.kind is SourceKind.CURATED and record.topic]
    wanted = curated + [(override.source, override.topic) for override in overrides if override.topic]
    known = ", ".join(sorted(slugs))
    return [Problem(source, f"curated topic {topic!r} is not a topic slug; known: {known}", Severity.WARNING) for source, topic in wanted if topic not in slugs]
