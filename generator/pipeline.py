"""The build, as one linear sequence of stages: read → merge → key → curate → analyse →
render → write. Everything before `write` is pure and in memory, so a failure anywhere
leaves the previous site untouched."""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from threadpoolctl import threadpool_limits

from generator import analysis, cache, pages
from generator.bibtex import unencodable_problems
from generator.config import Config
from generator.dedupe import apply_overrides, merge_records, same_title_problems, shared_identifier_problems, unknown_topics
from generator.keys import assign_keys, dump_pinned, load_pinned, replaced_keys, with_key_aliases
from generator.models import Merge, Paper, Problem, Severity, Topic
from generator.readers import read_inputs
from generator.topics import dump_topics, load_topics
from generator.write import Output, OutputError, WriteReport, commit, hand_written_pages, recorded_tree, staged_output


@dataclass
class Report:
    records_read: int = 0  # entries that became records
    rejected: int = 0  # entries the readers could not use, each reported as an error
    papers: list[Paper] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_mb: dict[str, float] = field(default_factory=dict)  # the process's peak so far, after each stage
    written: WriteReport | None = None

    @property
    def merged_away(self) -> int:
        return sum(len(merge.sources) - 1 for merge in self.merges)

    @property
    def entries_read(self) -> int:
        return self.records_read + self.rejected

    @property
    def conserved(self) -> bool:
        """Every entry read is a paper, was merged into one, or was reported as rejected:
        none silently lost."""
        return self.entries_read == len(self.papers) + self.merged_away + self.rejected

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


Progress = Callable[[str], None]


def quiet(_: str) -> None:
    pass


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


@contextmanager
def _stage(report: Report, name: str, progress: Progress) -> Iterator[None]:
    progress(f"{name}…")
    start = time.perf_counter()
    yield
    report.timings[name] = time.perf_counter() - start
    report.peak_memory_mb[name] = peak_memory_mb()
    progress(f"{name}: {report.timings[name]:.2f}s")


def build(config: Config, extra_inputs: tuple[str, ...] = (), write: bool = True, progress: Progress = quiet) -> Report:
    """The whole run. `progress` is told when each stage starts and ends."""
    # The build shares work among processes (`parallel.fork_map`); BLAS and OpenMP threads
    # on top of them fought over the cores and made the SVD and k-means several times
    # slower. One thread also keeps floating-point sums in one order on every machine.
    with threadpool_limits(limits=1), _young_collections_every(YOUNG_COLLECTION_EVERY):
        return _build(config, extra_inputs, write, progress)


# By default Python collects its youngest objects once 700 more container objects (lists,
# tuples, dataclasses) have been made than freed. A build makes millions that nearly all
# live until it ends and form almost no cycles, so those collections are wasted work:
# waiting for 50,000 took 3% off a 10,000-paper build, for no measurable memory
# (alternating runs).
YOUNG_COLLECTION_EVERY = 50_000


@contextmanager
def _young_collections_every(allocations: int) -> Iterator[None]:
    threshold = gc.get_threshold()
    gc.set_threshold(allocations, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _build(config: Config, extra_inputs: tuple[str, ...], write: bool, progress: Progress) -> Report:
    report = Report()
    with _stage(report, "read", progress):
        read = read_inputs(list(config.inputs) + list(extra_inputs), config.root, config.reference_year)
        report.records_read = len(read.records)
        report.rejected = read.rejected
        report.problems += read.problems
    with _stage(report, "merge", progress):
        papers, report.merges = merge_records(list(read.records))
        report.problems += same_title_problems(papers) + shared_identifier_problems(papers)
        # Overrides are matched by title or by the key a user knows (their own BibTeX key,
        # or one handed out earlier), so keys are given before curation.
        pinned = load_pinned(config.keys_path)
        keys = assign_keys(papers, pinned)
        papers = with_key_aliases([replace(paper, key=keys[paper.identity]) for paper in papers])
        report.problems += replaced_keys(papers)
        report.problems += unencodable_problems(papers)
        papers, override_problems = apply_overrides(papers, list(read.overrides))
        report.problems += override_problems
    with _stage(report, "analyse", progress):
        analysed = _analyse(config, papers, use_cache=write)
        slugs = {topic.slug for topic in analysed.taxonomy} | {analysis.OTHER.slug}
        report.problems += unknown_topics(list(read.records), list(read.overrides), slugs)
    report.papers = sorted(analysed.papers, key=lambda p: p.key.lower())
    report.topics = analysed.topics
    if not write:
        with _stage(report, "render", progress):
            pages.site_files(report, config, Output())
        return report
    # The kept topics and keys first: a site whose keys were not kept would hand them out
    # afresh next time, while a kept key whose page failed to be written is only early.
    if analysed.discovered:
        _replace_file(config.discovered_topics_path, dump_topics(analysed.taxonomy))
    new_keys = pinned | keys
    if new_keys != pinned:
        _replace_file(config.keys_path, dump_pinned(new_keys))
    report.written = _write_site(report, config, progress)
    return report


def _write_site(report: Report, config: Config, progress: Progress) -> WriteReport:
    """Renders the site into docs/, unless the files there are already what it would render."""
    docs_dir, record = config.root / config.docs_dir, cache.cache_dir(config.root) / "written.json"
    with _stage(report, "fingerprint", progress):
        rendered_from = cache.render_key(report, config, hand_written_pages(config))
        in_place = recorded_tree(docs_dir, record) if rendered_from == cache.load_render_key(config.root) else None
    if in_place is not None:
        # The same inputs would render the same files, and they are in place: rendering
        # them only to compare took most of an unchanged re-run.
        return WriteReport((), len(in_place), ())
    # Rendered files go straight to the staging folder, and into docs/ only at `commit`,
    # which reports its own errors: an OSError here (a full disk) came before it. The
    # render key is saved under the same lock as the files, so that of two builds at once
    # the last to write the files also says what they were made from.
    try:
        with staged_output(docs_dir, record) as output:
            cache.save_render_key(config.root, "")  # until this run's files are all in place
            with _stage(report, "render", progress):
                pages.site_files(report, config, output)
            with _stage(report, "write", progress):
                written = commit(output)
            cache.save_render_key(config.root, rendered_from)
    except OSError as error:
        raise OutputError(f"{error.filename or docs_dir}: {error.strerror or error}; nothing in {docs_dir} was changed") from error
    return written


def _replace_file(path: Path, text: str) -> None:
    """Written beside, then renamed: a crash must not truncate the key file, which would
    silently hand out new keys."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:  # before the site is written: nothing else has changed
        raise OutputError(f"{path}: cannot write it ({error.strerror or error}); nothing in docs/ was changed") from error


class Analysed(NamedTuple):
    taxonomy: list[Topic]  # configured, kept from an earlier run, or discovered now
    discovered: bool  # now: to be kept for the next run
    topics: list[Topic]  # the taxonomy and Other
    papers: list[Paper]  # with topics, summaries, tags and related papers


def _analyse(config: Config, papers: list[Paper], use_cache: bool) -> Analysed:
    """The taxonomy and `analysis.analyse`'s results, from the last run when nothing they
    depend on changed.

    The taxonomy is the configured one; else the one discovered on an earlier run (kept in
    a file, so that adding papers never reshuffles or renames topics); else it is discovered
    now."""
    kept = list(config.topics) or load_topics(config.discovered_topics_path)
    path = cache.cache_path(config.root)
    if kept and use_cache and (cached := cache.load(path, cache.analysis_key(papers, kept, config.tags), papers)) is not None:
        return Analysed(kept, False, *cached)
    summaries_path = cache.summaries_path(config.root)
    taxonomy, paper_summaries = analysis.taxonomy_and_summaries(papers, kept, cache.load_summaries(summaries_path) if use_cache else None)
    key = cache.analysis_key(papers, taxonomy, config.tags)
    if not kept and use_cache and (cached := cache.load(path, key, papers)) is not None:
        return Analysed(taxonomy, True, *cached)  # topics discovered again (their file was deleted), as before
    topics, enriched = analysis.analyse(papers, config, taxonomy, paper_summaries)
    if use_cache:
        cache.save(path, key, topics, enriched)
        cache.save_summaries(summaries_path, enriched)
    return Analysed(taxonomy, not kept, topics, enriched)
