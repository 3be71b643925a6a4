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

import re
from typing import Any

import yaml

from generator.models import Override, Problem, Record, Severity, Source, SourceKind
from generator.normalize import clean_whitespace, display_text, find_arxiv_id, normalize_arxiv_id, normalize_doi
from generator.readers.result import FileRead, Rejects

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


def read_entries(path: str, text: str) -> FileRead:
    """Papers and overrides in one curated file. Each item of `papers:` is an entry: it becomes
    a record or is rejected (not a mapping, no title) with one error at its line."""
    problems: list[Problem] = []
    rejects = Rejects()
    root, error = _compose(text)
    if error is not None:
        paper_nodes, override_nodes = _read_items_one_by_one(text, path, error, problems, rejects)
    elif root is None:
        return FileRead()
    else:
        paper_nodes, override_nodes = _sections(root, path, problems)
    records = [r for node in paper_nodes if (r := _paper(node, path, problems, rejects)) is not None]
    overrides = [o for node in override_nodes if (o := _override(node, path, problems)) is not None]
    return FileRead(records, sorted(problems + rejects.problems, key=lambda p: p.source), len(rejects), overrides)


def read_curated(path: str, text: str) -> tuple[list[Record], list[Override], list[Problem]]:
    result = read_entries(path, text)
    return result.records, result.overrides, result.problems


class _InvalidYaml(Exception):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.problem = line, problem  # line is 0-based, like PyYAML's marks


def _compose(text: str) -> tuple[yaml.Node | None, _InvalidYaml | None]:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, _InvalidYaml(mark.line if mark else 0, getattr(error, "problem", None) or str(error))
    except RecursionError:  # PyYAML composes nested lists recursively
        return None, _InvalidYaml(0, "nested too deeply")


_TOP_KEY = re.compile(r"^([^\s#-][^:#]*):")
_ITEM = re.compile(r"^(\s*)-(?:\s|$)")


def _item_chunks(lines: list[str]) -> list[tuple[str, int, str]]:
    """The top-level list items of a curated file, found by indentation alone: (section,
    first line index, text). What lies outside `papers:`/`overrides:` items is left out."""
    chunks: list[tuple[str, int, list[str]]] = []
    section, indent = "papers", None  # a bare list is papers
    for index, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            if chunks and section:
                chunks[-1][2].append(line)
            continue
        if top := _TOP_KEY.match(line):
            section = top[1].strip() if top[1].strip() in {"papers", "overrides"} else ""
            indent = None
            continue
        item = _ITEM.match(line)
        if section and item and (indent is None or len(item[1]) == indent):
            indent = len(item[1])
            chunks.append((section, index, [line]))
        elif section and chunks and chunks[-1][0] == section:
            chunks[-1][2].append(line)
    return [(name, start, "".join(body)) for name, start, body in chunks]


def _read_items_one_by_one(
    text: str, path: str, error: _InvalidYaml, problems: list[Problem], rejects: Rejects
) -> tuple[list[yaml.Node], list[yaml.Node]]:
    """After a syntax error, each list item is read on its own, so that one broken entry
    costs only itself: a broken paper is rejected at the line of its error."""
    papers: list[yaml.Node] = []
    overrides: list[yaml.Node] = []
    item_failed = False
    lines = text.splitlines(keepends=True)
    anchors = _curator_sections(lines)
    for section, start, chunk in _item_chunks(lines):
        node, item_error = _compose(chunk)
        if item_error is not None and anchors and (with_anchors := _item_with_anchors(anchors, chunk)) is not None:
            node, item_error = with_anchors, None  # it uses an anchor (`<<: *common`) of a section of the curator's
        if item_error is not None:
            item_failed = True
            source = Source(path, start + 1)  # the item's own line: its error may show only at its end
            hint = _QUOTE_HINT if "'?'" in item_error.problem else ""
            detail = f"{item_error.problem} (line {start + item_error.line + 1}){hint}"
            if section == "papers":
                rejects.add(source, f"invalid YAML in this curated paper, skipped: {detail}")
            else:
                problems.append(Problem(source, f"invalid YAML in this override, skipped: {detail}", Severity.ERROR))
        elif isinstance(node, yaml.SequenceNode):
            _shift_lines(node, start)
            (papers if section == "papers" else overrides).extend(node.value)
    if not item_failed:  # the error lies outside the items: report it as found
        problems.append(Problem(Source(path, error.line + 1), f"invalid YAML: {error.problem}", Severity.ERROR))
    return papers, overrides


# In a one-line mapping (`links: {Video: https://…?v=1}`) YAML reads `?` as its own syntax.
_QUOTE_HINT = "; a URL with `?` inside `{ }` must be quoted"


def _curator_sections(lines: list[str]) -> str:
    """The text of the file's own sections (`x-common: &common …`), whose anchors its items
    may use: read with each item, so that a syntax error elsewhere does not cost them."""
    kept: list[str] = []
    inside = False
    for line in lines:
        if top := _TOP_KEY.match(line):
            inside = top[1].strip().startswith(("_", "x-"))
        if inside:
            kept.append(line)
    return "".join(kept)


def _item_with_anchors(anchors: str, chunk: str) -> yaml.Node | None:
    """An item read after the curator's sections, its lines as in the chunk; None if that
    fails too (the item's own error is then the one to report)."""
    node, error = _compose(f"{anchors}\n_item:\n{chunk}")
    if error is not None or not isinstance(node, yaml.MappingNode):
        return None
    item = node.value[-1][1]
    _shift_lines(item, -(anchors.count("\n") + 2))
    return item


def _shift_lines(root: yaml.Node, offset: int) -> None:
    """Marks of a node read from a chunk, moved to the chunk's place in the file."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for mark in {id(node.start_mark): node.start_mark, id(node.end_mark): node.end_mark}.values():
            if id(mark) not in seen:
                seen.add(id(mark))
                mark.line += offset
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]


def _sections(root: yaml.Node, path: str, problems: list[Problem]) -> tuple[list[yaml.Node], list[yaml.Node]]:
    if isinstance(root, yaml.SequenceNode):
        return list(root.value), []
    if not isinstance(root, yaml.MappingNode):
        problems.append(Problem(_where(path, root), "expected `papers:` and/or `overrides:` lists", Severity.ERROR))
        return [], []
    sections: dict[str, list[yaml.Node]] = {"papers": [], "overrides": []}
    for key_node, value_node in root.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        if name not in sections and name.startswith(("_", "x-")):
            continue  # a curator's own section, such as anchors for merge keys (`x-common: &common`)
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
    """The known fields of an entry, as written; None when the entry is no mapping."""
    if not isinstance(node, yaml.MappingNode):
        return None
    values: dict[str, Any] = {}
    for key_node, value_node in _with_merged(node):
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        if name not in allowed:
            problems.append(Problem(_where(path, key_node), f"unknown field {_shown(name)} ignored; known: {', '.join(sorted(allowed))}"))
        elif name in values:
            problems.append(Problem(_where(path, key_node), f"field `{name}` given twice; the first value is used"))
        else:
            try:
                values[name] = _raw(value_node, [_MAX_NODES])
            except ValueError as error:
                problems.append(Problem(_where(path, value_node), f"`{name}` ignored: {error}"))
    return values


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _with_merged(node: yaml.MappingNode, depth: int = 0) -> list[tuple[yaml.Node, yaml.Node]]:
    """The mapping's pairs, with those of YAML merge keys (`<<: *common`) after its own and
    only where it has none of that name: its own fields win, as YAML says."""
    own = [(key, value) for key, value in node.value if key.tag != _MERGE_TAG]
    names = {key.value for key, _ in own if isinstance(key, yaml.ScalarNode)}
    for key, value in node.value:
        if key.tag != _MERGE_TAG or depth > 10:  # deeper: an alias cycle, not a curator's file
            continue
        for merged in value.value if isinstance(value, yaml.SequenceNode) else [value]:
            if isinstance(merged, yaml.MappingNode):
                for pair in _with_merged(merged, depth + 1):
                    if isinstance(pair[0], yaml.ScalarNode) and pair[0].value not in names:
                        names.add(pair[0].value)
                        own.append(pair)
    return own


def _shown(name: str) -> str:
    return repr(clean_whitespace(name)[:40])


_NULL_TAG = "tag:yaml.org,2002:null"
# Aliases can make a small file expand into a huge value ("billion laughs") or a cycle.
_MAX_NODES = 10_000


def _raw(node: yaml.Node, budget: list[int], depth: int = 0) -> Any:
    """A value as the curator wrote it. YAML's own typing would turn `arxiv: 2106.09680` into
    the float 2106.0968 and `title: No` into False; numbers are converted where needed.
    `budget` counts the nodes still allowed, so aliases cannot blow a value up."""
    budget[0] -= 1
    if budget[0] < 0 or depth > 50:
        raise ValueError("value too large or nested too deeply (YAML aliases?)")
    if node.tag.startswith("tag:yaml.org,2002:python/") or not node.tag.startswith("tag:yaml.org,2002:"):
        # Never constructed (the file is only composed), but worth saying why it is ignored.
        raise ValueError(f"YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')!r} is not allowed here")
    if isinstance(node, yaml.SequenceNode):
        return [_raw(item, budget, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(_raw(key, budget, depth + 1)): _raw(value, budget, depth + 1) for key, value in node.value}
    if node.tag == _NULL_TAG:
        return None
    text = str(node.value)
    # YAML's "\uD800" escape makes a lone surrogate, which no UTF-8 file can hold.
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _scalar(values: dict[str, Any], name: str, source: Source, problems: list[Problem]) -> str:
    """A text field; a list or mapping where text belongs is reported and ignored."""
    value = values.get(name)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        problems.append(Problem(source, f"`{name}` must be text, not a {'list' if isinstance(value, list) else 'mapping'}; ignored"))
        return ""
    return str(value)


def _text(values: dict[str, Any], name: str, source: Source, problems: list[Problem]) -> str:
    return display_text(_scalar(values, name, source, problems))


# One text where a list belongs is read as the list it spells: `tags: quantization, pruning`,
# `authors: Ada Lovelace and Charles Babbage` (BibTeX's way) or `…; …`.
_TAG_SEPARATOR = re.compile(r"\s*[,;]\s*")
_AUTHOR_SEPARATOR = re.compile(r"\s+and\s+|\s*;\s*")


def _strings(values: dict[str, Any], name: str, source: Source, problems: list[Problem], separator: re.Pattern[str] | None = None) -> tuple[str, ...]:
    """A list of texts (or one text, split at `separator`); nested lists and mappings are
    reported and ignored."""
    value = values.get(name)
    if value is None:
        return ()
    items = value if isinstance(value, list) else separator.split(value) if separator and isinstance(value, str) else [value]
    if any(isinstance(item, list | dict) for item in items):
        problems.append(Problem(source, f"`{name}` must be a list of texts; nested lists and mappings ignored"))
    return tuple(s for item in items if isinstance(item, str) and (s := clean_whitespace(item)))


def _tags(values: dict[str, Any], source: Source, problems: list[Problem]) -> tuple[str, ...]:
    """The curated tags; one with no letter or digit ("🔥", "--") names nothing a tag index
    can list, and is reported rather than dropped unseen."""
    tags = _strings(values, "tags", source, problems, separator=_TAG_SEPARATOR)
    for tag in tags:
        if not _has_letters(tag):
            problems.append(Problem(source, f"tag {tag!r} has no letter or digit; ignored", Severity.WARNING))
    return tuple(tag for tag in tags if _has_letters(tag))


def _has_letters(text: str) -> bool:
    return any(char.isalnum() for char in text)  # of any script


def _comma_listed(names: tuple[str, ...], source: Source, problems: list[Problem]) -> list[str]:
    """`Ada Lovelace, Charles Babbage, Alan Turing` written as one text is three authors,
    where each part has a given and a family name. Two such parts may as well be one name
    in BibTeX's order (`De La Cruz, Maria Jose`): kept as one, and said so."""
    if len(names) != 1 or "," not in names[0]:
        return list(names)
    parts = [part.strip() for part in names[0].split(",")]
    if not all(len(part.split()) >= 2 for part in parts):
        return list(names)  # `Lovelace, Ada`: one name, family first
    if len(parts) == 2:
        message = f"authors {names[0]!r} read as one name, family first; for two authors write a list or join them with `and`"
        problems.append(Problem(source, message, Severity.WARNING))
        return list(names)
    return parts


def _unbraced(name: str) -> str:
    """`{OpenAI}`, BibTeX's way to say "one name, as written", is the name OpenAI: the
    braces are not part of it."""
    while name.startswith("{") and name.endswith("}") and "}" not in name[1:-1] and "{" not in name[1:-1]:
        name = name[1:-1].strip()
    return name


def _arxiv_id(values: dict[str, Any], source: Source, problems: list[Problem]) -> str:
    given = _scalar(values, "arxiv", source, problems).strip()
    arxiv = normalize_arxiv_id(given)
    if given and not arxiv:
        problems.append(Problem(source, f"`arxiv` {given[:60]!r} is no arXiv identifier (such as 2401.12345 or arXiv:2401.12345v2); ignored"))
    return arxiv


def _links(values: dict[str, Any], source: Source, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """The http(s) links of `links` (a list, or a mapping of labels to links: `Code: https://…`)
    and `url`, each with its label, empty when none was given."""
    raw = values.get("links")
    labelled = [(str(label), link) for label, link in raw.items()] if isinstance(raw, dict) else [("", link) for link in _strings(values, "links", source, problems)]
    labelled += [("", link) for link in _strings(values, "url", source, problems)]
    safe: dict[str, str] = {}
    for label, link in labelled:
        link = str(link).strip()
        if link.startswith(("https://", "http://")):
            safe[link] = safe.get(link) or clean_whitespace(label)
        else:
            problems.append(Problem(source, f"link {link[:60]!r} ignored: only http(s) links are allowed"))
    return tuple(safe.items())


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


def _paper(node: yaml.Node, path: str, problems: list[Problem], rejects: Rejects) -> Record | None:
    source = _where(path, node)
    values = _mapping(node, path, PAPER_FIELDS, problems)
    if values is None:
        rejects.add(source, "curated paper is not a mapping of fields (`title: …`); skipped")
        return None
    if isinstance(values.get("title"), list | dict):
        rejects.add(source, "curated paper's `title` is not text; skipped")
        return None
    title = _scalar(values, "title", source, problems).strip()
    if not display_text(title):
        rejects.add(source, "curated paper has no `title`; skipped")
        return None
    named = [_unbraced(name) for name in _comma_listed(_strings(values, "authors", source, problems, separator=_AUTHOR_SEPARATOR), source, problems)]
    authors = tuple(name for name in named if name and name.lower() != "others")
    truncated = len(authors) < len(named)  # BibTeX's `and others`: more authors than named
    arxiv = _arxiv_id(values, source, problems)
    links = _links(values, source, problems)
    return Record(
        source=source,
        kind=SourceKind.CURATED,
        title=display_text(title),
        original_title=title,
        abstract=_text(values, "abstract", source, problems),
        authors=authors,
        author_count=len(authors) + truncated if authors else None,
        organization=_text(values, "organization", source, problems),
        year=_int(values, "year", source, problems, 1000, 2999),
        month=_int(values, "month", source, problems, 1, 12),
        day=_int(values, "day", source, problems, 1, 31),
        upvotes=_int(values, "upvotes", source, problems, 0, 10**9),
        doi=normalize_doi(_scalar(values, "doi", source, problems)),
        arxiv_id=arxiv or find_arxiv_id(" ".join(link for link, _ in links)),
        urls=tuple(link for link, _ in links),
        link_labels=tuple((link, label) for link, label in links if label),
        venue=_text(values, "venue", source, problems),
        bibtex_key=_scalar(values, "key", source, problems).strip(),
        topic=_scalar(values, "topic", source, problems).strip(),
        tags=_tags(values, source, problems),
        note=_text(values, "note", source, problems),
    )


def _override(node: yaml.Node, path: str, problems: list[Problem]) -> Override | None:
    source = _where(path, node)
    values = _mapping(node, path, OVERRIDE_FIELDS, problems)
    if values is None:
        problems.append(Problem(source, "override is not a mapping of fields (`title: …`); skipped", Severity.ERROR))
        return None
    match_key = _scalar(values, "key", source, problems).strip()
    match_title = _scalar(values, "title", source, problems).strip()
    if not match_key and not match_title:
        problems.append(Problem(source, "override needs `key` or `title` to say which paper it changes; skipped", Severity.ERROR))
        return None
    links = _links(values, source, problems)
    return Override(
        source=source,
        match_key=match_key,
        match_title=match_title,
        topic=_scalar(values, "topic", source, problems).strip(),
        tags=_tags(values, source, problems),
        note=_text(values, "note", source, problems),
        urls=tuple(link for link, _ in links),
        link_labels=tuple((link, label) for link, label in links if label),
    )
