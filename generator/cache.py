"""The analysis results of the last run, reused when nothing they depend on changed.

Analysis is the slow stage. Its results depend only on the papers' text and curation, the
taxonomy, the tag vocabulary and the analysis code, so a hash of exactly those is the
cache key: any change to one of them (an edited abstract, a new paper, a new version of
`topics.py`) misses, and an unchanged re-run skips the analysis. The cache lives in
`.review-cache/` beside review.yml, not in docs/: `mkdocs serve` rebuilds on any file
event under docs/, even a file being opened for reading.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.models import Paper, Topic
from generator.summaries import Summary, summary_key
from generator.topics import topic_from_data

if TYPE_CHECKING:  # the pipeline imports this module
    from generator.config import Config
    from generator.pipeline import Report

ANALYSIS_MODULES = ("analysis", "topics", "tags", "summaries", "related", "text", "normalize", "models", "cache")
LIBRARIES = ("numpy", "scipy", "sklearn")  # an upgrade may change topics or neighbours
# The fields the analysis reads (sources: its warnings name them), and those it fills in.
INPUT_FIELDS = ("key", "title", "abstract", "topic_override", "tag_overrides")  # and `sources`, as text
RESULT_FIELDS = ("topic", "secondary_topics", "tldr", "short_name", "claims", "tags", "related")
TUPLE_FIELDS = frozenset(f.name for f in fields(Paper) if "tuple" in str(f.type))


CACHE_DIR = ".review-cache"


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def cache_path(root: Path) -> Path:
    return cache_dir(root) / "analysis.json"


def analysis_key(papers: list[Paper], taxonomy: list[Topic], vocabulary: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    code = Path(__file__).parent
    for module in ANALYSIS_MODULES:
        digest.update((code / f"{module}.py").read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library} {importlib.metadata.version('scikit-learn' if library == 'sklearn' else library)}".encode())
    digest.update(json.dumps([asdict(t) for t in taxonomy], sort_keys=True).encode())
    digest.update(json.dumps(list(vocabulary)).encode())
    # One `dumps` of everything: one call per paper, with a callback for sources, cost
    # seconds at 100k papers.
    rows = [[*(getattr(paper, name) for name in INPUT_FIELDS), list(map(str, paper.sources))] for paper in papers]
    digest.update(json.dumps(rows, ensure_ascii=False).encode())
    return digest.hexdigest()


def load(path: Path, key: str, papers: list[Paper]) -> tuple[list[Topic], list[Paper]] | None:
    """The cached results for exactly these inputs, or None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key or len(data["papers"]) != len(papers):
            return None
        topics = [topic_from_data(t) for t in data["topics"]]
        enriched = [replace(paper, **_results(saved)) for paper, saved in zip(papers, data["papers"])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no cache yet, or a damaged one: analyse afresh
    return topics, enriched


def save(path: Path, key: str, topics: list[Topic], papers: list[Paper]) -> None:
    data = {
        "key": key,
        "topics": [asdict(t) for t in topics],
        "papers": [{name: getattr(p, name) for name in RESULT_FIELDS} for p in papers],
    }
    write_json(path, data)


def summaries_path(root: Path) -> Path:
    return cache_dir(root) / "summaries.json"


def load_summaries(path: Path) -> dict[str, Summary]:
    """Summaries of an earlier run by `summary_key` (which covers the summariser's code too),
    so that a changed corpus only summarises its new and edited papers."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: Summary(tldr, name, tuple(claims)) for key, (tldr, name, claims) in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # none yet, or damaged: summarise afresh


def save_summaries(path: Path, papers: list[Paper]) -> None:
    data = {summary_key(p): [p.tldr, p.short_name, list(p.claims)] for p in papers}
    write_json(path, data)


def write_json(path: Path, data: object) -> None:
    """Written beside, then renamed: a crash never leaves half a cache file. A cache that
    cannot be written (a read-only folder, a full disk) only costs the next run its work:
    an older file left in place holds another key, so it is not used."""
    temporary = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


# What the pages are made from besides the report: the code and templates that render them
# and the libraries they call.
RENDER_LIBRARIES = ("jinja2", "PyYAML", "bibtexparser", "pylatexenc")
TEMPLATES_DIR = Path(__file__).parent.parent / "templates"


def render_key(report: Report, config: Config, hand_written: list[str]) -> str:
    """A hash of everything the site's files are rendered from: the run's report (papers,
    topics, merges, problems), the configuration, the hand-written pages the navigation
    lists, and the generator's code and templates. Equal keys give byte-identical files."""
    digest = hashlib.sha256()
    for folder in (Path(__file__).parent, TEMPLATES_DIR):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    for library in RENDER_LIBRARIES:
        digest.update(f"{library} {importlib.metadata.version(library)}".encode())
    digest.update(repr(replace(config, root=Path("."))).encode())  # where the checkout is changes no page
    digest.update(json.dumps(hand_written).encode())
    # The report as JSON, dataclasses inside by their repr (which lists every field in
    # order). Papers go a few thousand per `dumps`: one `dumps` per paper cost seconds at
    # 100,000 papers, and one of them all held a string of hundreds of megabytes.
    state = {name: value for name, value in vars(report).items() if name not in RUN_ONLY_FIELDS | {"papers"}}
    digest.update(json.dumps(state, default=repr, ensure_ascii=False, sort_keys=True).encode())
    rows = [[getattr(paper, name) for name in PAPER_FIELDS] for paper in report.papers]
    for start in range(0, len(rows), PAPERS_PER_DUMP):
        digest.update(json.dumps(rows[start : start + PAPERS_PER_DUMP], default=repr, ensure_ascii=False).encode())
    return digest.hexdigest()


PAPERS_PER_DUMP = 2_000


RUN_ONLY_FIELDS = frozenset({"timings", "peak_memory_mb", "written"})  # how the run went, not what it made
PAPER_FIELDS = tuple(f.name for f in fields(Paper))


def render_key_path(root: Path) -> Path:
    return cache_dir(root) / "rendered-from"


def load_render_key(root: Path) -> str:
    try:
        return render_key_path(root).read_text(encoding="utf-8")
    except OSError:
        return ""


def save_render_key(root: Path, key: str) -> None:
    """Saves what the files in docs/ were rendered from; "" says they are being replaced.
    Saving "" must succeed (else the run stops before any file changes); a key that cannot
    be saved only costs the next run a render."""
    path = render_key_path(root)
    if not key:
        path.unlink(missing_ok=True)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(key, encoding="utf-8")
        temporary.replace(path)
    except OSError:
        path.unlink(missing_ok=True)


def _results(saved: dict[str, object]) -> dict[str, object]:
    return {name: tuple(value) if name in TUPLE_FIELDS else value for name, value in saved.items()}  # type: ignore[arg-type]
