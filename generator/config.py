"""Loads and validates `review.yml` into a frozen `Config`."""

from __future__ import annotations

import glob
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.models import Topic

KNOWN_KEYS = ("title", "description", "inputs", "reference_year", "topics", "tags", "keys_file", "search")
SEARCH_MODES = ("auto", "material", "pagefind")
TOPIC_KEYS = ("title", "slug", "description", "keywords", "term_weights")
DEFAULT_TITLE = "Literature review"
# "other" is the topic of papers that fit none; topics/index.md is the list of topics.
RESERVED_SLUGS = frozenset({"other", "index"})


class ConfigError(Exception):
    """A problem in the configuration file; the message names `path:line`."""


@dataclass(frozen=True)
class Config:
    root: Path  # paths in the config are relative to the folder holding it
    title: str = DEFAULT_TITLE
    description: str = ""
    inputs: tuple[str, ...] = ("papers/",)
    reference_year: int | None = None
    topics: tuple[Topic, ...] = ()
    tags: tuple[str, ...] = ()
    keys_file: str = "citation-keys.yml"
    search: str = "auto"  # one of SEARCH_MODES
    docs_dir: str = "docs"

    @property
    def keys_path(self) -> Path:
        return self.root / self.keys_file

    @property
    def discovered_topics_path(self) -> Path:
        return self.root / "discovered-topics.yml"


def slugify(text: str, fallback: str = "topic") -> str:
    """A URL-safe slug: lowercase ASCII letters, digits and single dashes, never empty. Text
    with no such letter ("分布式训练") gets `fallback` and a short hash of itself, so two such
    titles still get two slugs, the same on every run."""
    # Decompose first, so that `Über` keeps its `u` when the accent is dropped.
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60].rstrip("-")
    return slug or f"{fallback}-{hashlib.blake2b(text.strip().encode('utf-8'), digest_size=3).hexdigest()}"


def _line_of(node: yaml.Node | None, key: str) -> int:
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if key_node.value == key:
                return key_node.start_mark.line + 1
    return 1


def load_config(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) or {}
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error.strerror}") from error
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text; save the configuration as UTF-8") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(f"{path}:{mark.line + 1 if mark else 1}: invalid YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping of settings such as `title:` and `inputs:`")
    return config_from_dict(data, path, node)


def config_from_dict(data: dict[str, Any], path: Path, node: yaml.Node | None = None) -> Config:
    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{path}:{_line_of(node, key)}: `{key}`: {message}")

    for key in data:
        if key not in KNOWN_KEYS:
            raise fail(key, f"unknown setting; known settings are {', '.join(KNOWN_KEYS)}")
    inputs = data.get("inputs", ["papers/"])
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise fail("inputs", "must be a list of files, folders or glob patterns")
    root = path.parent.resolve()
    # A typo here would otherwise build a site without those papers and replace the good one.
    named = inputs if "inputs" in data else []  # the default, papers/, may not be made yet
    for missing in (i for i in named if not any(ch in i for ch in "*?[") and not (root / i).exists()):
        raise fail("inputs", f"{missing!r} not found; nothing was built, and the site is as it was")
    for pattern in (i for i in named if any(ch in i for ch in "*?[")):
        if not any(Path(match).is_file() for match in glob.iglob(str(root / pattern), recursive=True)):
            raise fail("inputs", f"{pattern!r} matches no file; nothing was built, and the site is as it was")
    keys_file = str(data.get("keys_file") or "citation-keys.yml")
    if (root / keys_file).is_dir() or not (root / keys_file).parent.is_dir():
        raise fail("keys_file", f"{keys_file!r} must name a file in an existing folder")
    year = data.get("reference_year")
    if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2999):
        raise fail("reference_year", f"must be a year such as 2025, not {year!r}")
    tags = data.get("tags") or []
    if not isinstance(tags, list):
        raise fail("tags", "must be a list of tag names")
    search = data.get("search", "auto")
    if search not in SEARCH_MODES:
        raise fail("search", f"must be one of {', '.join(SEARCH_MODES)}, not {search!r}")
    return Config(
        root=root,
        title=str(data.get("title") or DEFAULT_TITLE),
        description=str(data.get("description") or ""),
        inputs=tuple(inputs),
        reference_year=year,
        topics=_topics(data["topics"], fail) if "topics" in data else (),
        tags=tuple(str(tag) for tag in tags),
        keys_file=keys_file,
        search=search,
    )


def _topics(raw: Any, fail: Any) -> tuple[Topic, ...]:
    if raw is None or raw == []:
        # Half-edited (the list cut to paste a new one, under `make serve`): building now would
        # replace every topic page with discovered topics. Automatic topics are asked for by
        # leaving the key out.
        raise fail("topics", "is empty: list the topics under it, or remove the key for automatic topics; nothing was built")
    if not isinstance(raw, list):
        raise fail("topics", "must be a list of topics, each with `title` and `description`")
    topics: list[Topic] = []
    for index, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not item.get("title"):
            raise fail("topics", f"topic {index} needs a `title`")
        unknown = set(item) - set(TOPIC_KEYS)
        if unknown:
            raise fail("topics", f"topic {item['title']!r} has unknown keys {sorted(unknown)}; known: {', '.join(TOPIC_KEYS)}")
        keywords = item.get("keywords") or []
        if not isinstance(keywords, list):
            raise fail("topics", f"topic {item['title']!r}: `keywords` must be a list")
        weights = item.get("term_weights") or {}
        if not isinstance(weights, dict) or not all(map(_is_weight, weights.values())):
            raise fail("topics", f"topic {item['title']!r}: `term_weights` must map terms to weights of 0 or more, as discovered-topics.yml writes them")
        slug = slugify(str(item.get("slug") or item["title"]))
        if slug in RESERVED_SLUGS or any(t.slug == slug for t in topics):
            raise fail("topics", f"topic {item['title']!r}: slug {slug!r} is used twice or reserved")
        weighted = tuple((str(term), float(weight)) for term, weight in weights.items())
        topics.append(Topic(slug, str(item["title"]), str(item.get("description") or ""), tuple(str(k) for k in keywords), weighted))
    return tuple(topics)


def _is_weight(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
