"""Command line: a thin layer over `pipeline.build`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.status import Status

from generator.config import ConfigError, load_config
from generator.readers.result import InputError
from generator.search import index_site, uses_pagefind
from generator.watch import watch
from generator.write import SET_ASIDE_DIR, OutputError

if TYPE_CHECKING:
    from generator.pipeline import Report


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator", description="Turn a collection of papers into a MkDocs literature-review site."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="read the inputs and write the generated pages and downloads into docs/")
    build_parser.add_argument(
        "--config", type=Path, default=Path("review.yml"), metavar="FILE", help="the review configuration (default: review.yml)"
    )
    build_parser.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="PATH",
        help="an extra input file, folder or glob, added to the config's inputs; repeatable",
    )
    build_parser.add_argument("--strict", action="store_true", help="exit with status 1 when any warning or error was reported")
    build_parser.add_argument("--quiet", action="store_true", help="print only problems and the one-line summary")
    watch_parser = commands.add_parser("watch", help="regenerate whenever an input or the configuration changes (make serve runs it)")
    watch_parser.add_argument(
        "--config", type=Path, default=Path("review.yml"), metavar="FILE", help="the review configuration (default: review.yml)"
    )
    index_parser = commands.add_parser(
        "search-index", help="after `mkdocs build`: index the built site with Pagefind when the review uses it (large reviews)"
    )
    index_parser.add_argument("--site", type=Path, default=Path("site"), metavar="DIR", help="the built site (default: site)")
    return parser


LISTED_REMOVALS = 20


def summary(report: Report, verbose: bool) -> list[str]:
    lines = []
    if verbose:
        for merge in report.merges:
            lines.append(f"merged: {merge.title[:70]!r} from {', '.join(map(str, merge.sources))} ({merge.reason})")
    lines += [str(problem) for problem in report.problems]
    check = "ok" if report.conserved else "FAILED"
    lines.append(
        f"{report.entries_read} entries read = {len(report.papers)} unique papers + {report.merged_away} merged duplicates"
        f" + {report.rejected} rejected (conservation check {check}); {len(report.topics)} topics; {len(report.problems)} problems"
    )
    if report.written is not None:
        removed = report.written.removed
        lines.append(f"wrote {len(report.written.written)} files, {report.written.unchanged} unchanged, removed {len(removed)}")
        lines += [f"removed: {path}" for path in removed[:LISTED_REMOVALS]] if verbose else []
        if verbose and len(removed) > LISTED_REMOVALS:
            lines.append(f"removed: … and {len(removed) - LISTED_REMOVALS} more")
        # Always named, --quiet or not: someone put these files in the generator's folders.
        lines += [
            f"set aside: docs/{path} was not written by the generator, whose folders docs/review/ and docs/downloads/ are;"
            f" it is now {SET_ASIDE_DIR}/{path}"
            for path in report.written.set_aside
        ]
    lines.append("time: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings.items()))
    lines.append(f"time in all: {sum(report.timings.values()):.2f}s; peak memory {max(report.peak_memory_mb.values(), default=0):.0f} MB")
    return lines


class StageProgress:
    """Progress per stage on stderr: a live spinner with the stage's name on a terminal,
    plain lines otherwise (CI logs, pipes), so long runs never look stuck."""

    def __init__(self) -> None:
        self.console = Console(stderr=True, highlight=False)
        self.status: Status | None = None

    def __call__(self, message: str) -> None:
        if not self.console.is_terminal:
            print(message, file=sys.stderr, flush=True)
        elif message.endswith("…"):
            self.status = self.console.status(message)
            self.status.start()
        else:
            if self.status is not None:
                self.status.stop()
            self.console.print(f"✓ {message}")


def rebuild_reporting_errors(config: Path) -> None:
    """One rebuild for the watcher: whatever goes wrong is printed, and watching goes on."""
    try:
        main(["build", "--config", str(config), "--quiet"])
    except Exception as error:  # a watcher that dies on one bad edit is worse than useless
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)


def search_index(site_dir: Path) -> int:
    if not uses_pagefind(site_dir):
        print(f"{site_dir}: uses Material's built-in search; nothing to index")
        return 0
    run = index_site(site_dir)
    print(run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "", run.stderr, sep="\n", end="")
    return run.returncode


def main(argv: list[str] | None = None) -> int:
    arguments = make_parser().parse_args(argv)
    if arguments.command == "search-index":
        return search_index(arguments.site)
    if arguments.command == "watch":
        print(f"watching {arguments.config} and its inputs; Ctrl-C stops", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a watch ends
            watch(arguments.config, lambda: rebuild_reporting_errors(arguments.config))
        return 0
    # Imported here: the pipeline pulls in scikit-learn (a second of start-up), which
    # `search-index` and `--help` do not need.
    from generator.pipeline import build, quiet

    # We report parse problems ourselves, with path:line; bibtexparser's log would repeat them.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        config = load_config(arguments.config)
        # Paths in review.yml are relative to it; paths typed on the command line, to here.
        progress = quiet if arguments.quiet else StageProgress()
        report = build(config, tuple(str(Path(path).absolute()) for path in arguments.input), progress=progress)
    except (ConfigError, InputError, OutputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the writer's journal keeps docs/ whole; a traceback would say otherwise
        print("interrupted: docs/ holds the previous site (or, if the hand-over had begun, the next run finishes it)", file=sys.stderr)
        return 130
    for line in summary(report, verbose=not arguments.quiet):
        print(line)
    if not report.conserved:
        return 1
    if arguments.strict and report.problems:
        return 1
    return 0
