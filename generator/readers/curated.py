"""Reader for the hand-curated YAML list.

    papers:                      # whole entries
      - title: GPTQ: Accurate Post-Training Quantization for …
        authors: [Elias Frantar, Saleh Ashkboos]
        year: 2022
        month: 10
        abstract: …
        doi: 10.48550/arXiv.2210.17323
        arxiv: "2210.17323"
        links: [https://github.com/IST-DASLab/gptq]
        topic: quantization
        tags: [PTQ, LLM]
        note: The baseline every later PTQ paper compares with.
    overrides:                   # changes to papers read from other sources
      - title: Layer Normalization       # or  key: ba2016layer
        topic: optimization
        tags: [normalization]
        note: …
        links: {Code: https://…}

A file that is a bare list is read as `papers:`. Line numbers come from PyYAML's node marks.
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.models import Override, Problem, Record, Severity, Source, SourceKind
from generator.normalize import clean_whitespace, display_text, find_arxiv_id, normalize_arxiv_id, normalize_doi

PAPER_FIELDS = frozenset(
    {
        "title",
        "abstract",
        "authors",
        "year",
        "month",
        "day",
        "doi",
        "arxiv",
        "url",
        "links",
        "venue",
        "organization",
        "key",
        "topic",
        "tags",
        "note",
        "upvotes",
    }
)
OVERRIDE_FIELDS = frozenset({"key", "title", "topic", "tags", "note", "links", "url"})


def read_curated(path: str, text: str) -> tuple[list[Record], list[Override], list[Problem]]:
    problems: list[Problem] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        return [], [], [Problem(Source(path, line), f"invalid YAML: {problem}", Severity.ERROR)]
    if root is None:
        return [], [], []
    paper_nodes, override_nodes = _sections(root, path, problems)
    records = [r for node in paper_nodes if (r := _paper(node, path, problems)) is not None]
    overrides = [o for node in override_nodes if (o := _override(node, path, problems)) is not None]
    return records, overrides, problems


def _sections(root: yaml.Node, path: str, problems: list[Problem]) -> tuple[list[yaml.Node], list[yaml.Node]]:
    if isinstance(root, yaml.SequenceNode):
        return list(root.value), []
    if not isinstance(root, yaml.MappingNode):
        problems.append(Problem(_where(path, root), "expected `papers:` and/or `overrides:` lists", Severity.ERROR))
        return [], []
    sections: dict[str, list[yaml.Node]] = {"papers": [], "overrides": []}
    for key_node, value_node in root.value:
        name = key_node.value
        if name not in sections:
            problems.append(Problem(_where(path, key_node), f"unknown section {name!r} ignored (expected `papers` or `overrides`)"))
        elif not isinstance(value_node, yaml.SequenceNode):
            problems.append(Problem(_where(path, value_node), f"`{name}` must be a list", Severity.ERROR))
        else:
            sections[name] = list(value_node.value)
    return sections["papers"], sections["overrides"]


def _where(path: str, node: yaml.Node) -> Source:
    return Source(path, node.start_mark.line + 1)


def _mapping(node: yaml.Node, path: str, allowed: frozenset[str], problems: list[Problem]) -> dict[str, Any] | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(_where(path, node), "expected a mapping of fields; skipped", Severity.ERROR))
        return None
    values: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.value not in allowed:
            problems.append(
                Problem(_where(path, key_node), f"unknown field {key_node.value!r} ignored; known: {', '.join(sorted(allowed))}")
            )
            continue
        values[key_node.value] = _raw(value_node)
    return values


_NULL_TAG = "tag:yaml.org,2002:null"


def _raw(node: yaml.Node) -> Any:
    """A value as the curator wrote it. YAML's own typing would turn `arxiv: 2106.09680` into
    the float 2106.0968 and `title: No` into False; numbers are converted where needed."""
    if isinstance(node, yaml.SequenceNode):
        return [_raw(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(_raw(key)): _raw(value) for key, value in node.value}
    return None if node.tag == _NULL_TAG else str(node.value)


def _text(value: Any) -> str:
    return display_text(str(value)) if value is not None else ""


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(s for item in items if item is not None and (s := clean_whitespace(str(item))))


def _links(values: dict[str, Any], source: Source, problems: list[Problem]) -> tuple[str, ...]:
    raw = values.get("links")
    links = list(raw.values()) if isinstance(raw, dict) else list(_strings(raw))
    links += list(_strings(values.get("url")))
    safe = []
    for link in links:
        link = str(link).strip()
        if link.startswith(("https://", "http://")):
            safe.append(link)
        else:
            problems.append(Problem(source, f"link {link[:60]!r} ignored: only http(s) links are allowed"))
    return tuple(dict.fromkeys(safe))


def _int(values: dict[str, Any], name: str, source: Source, problems: list[Problem], low: int, high: int) -> int | None:
    value = values.get(name)
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        problems.append(Problem(source, f"`{name}` must be a whole number from {low} to {high}, not {value!r}; ignored"))
        return None
    return number


def _paper(node: yaml.Node, path: str, problems: list[Problem]) -> Record | None:
    values = _mapping(node, path, PAPER_FIELDS, problems)
    source = _where(path, node)
    if values is None:
        return None
    title = str(values.get("title") or "").strip()
    if not title:
        problems.append(Problem(source, "curated paper has no `title`; skipped", Severity.ERROR))
        return None
    authors = _strings(values.get("authors"))
    arxiv = normalize_arxiv_id(str(values.get("arxiv") or ""))
    links = _links(values, source, problems)
    return Record(
        source=source,
        kind=SourceKind.CURATED,
        title=display_text(title),
        original_title=title,
        abstract=_text(values.get("abstract")),
        authors=authors,
        author_count=len(authors) or None,
        organization=_text(values.get("organization")),
        year=_int(values, "year", source, problems, 1000, 2999),
        month=_int(values, "month", source, problems, 1, 12),
        day=_int(values, "day", source, problems, 1, 31),
        upvotes=_int(values, "upvotes", source, problems, 0, 10**9),
        doi=normalize_doi(str(values.get("doi") or "")),
        arxiv_id=arxiv or find_arxiv_id(" ".join(links)),
        urls=links,
        venue=_text(values.get("venue")),
        bibtex_key=str(values.get("key") or "").strip(),
        topic=str(values.get("topic") or "").strip(),
        tags=_strings(values.get("tags")),
        note=_text(values.get("note")),
    )


def _override(node: yaml.Node, path: str, problems: list[Problem]) -> Override | None:
    values = _mapping(node, path, OVERRIDE_FIELDS, problems)
    source = _where(path, node)
    if values is None:
        return None
    if not values.get("key") and not values.get("title"):
        problems.append(Problem(source, "override needs `key` or `title` to say which paper it changes; skipped", Severity.ERROR))
        return None
    return Override(
        source=source,
        match_key=str(values.get("key") or "").strip(),
        match_title=str(values.get("title") or "").strip(),
        topic=str(values.get("topic") or "").strip(),
        tags=_strings(values.get("tags")),
        note=_text(values.get("note")),
        urls=_links(values, source, problems),
    )
