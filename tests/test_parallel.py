"""fork_map: the same results, in the same order, as a plain loop, however it splits work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from generator import pages, parallel
from generator.config import load_config
from generator.models import Paper
from generator.parallel import fork_map
from generator.pipeline import build

needs_fork = pytest.mark.skipif(parallel.workers() < 2, reason="needs fork and two cores")


@needs_fork
def test_results_keep_the_order_of_the_items() -> None:
    items = list(range(2_000))
    assert fork_map(lambda n: n * n, items) == [n * n for n in items]


@needs_fork
def test_work_really_runs_in_other_processes() -> None:
    parent = os.getpid()
    pids = set(fork_map(lambda _: os.getpid(), range(2_000)))
    assert pids - {parent}, "nothing ran in a worker"


@needs_fork
def test_closures_see_what_the_parent_built() -> None:
    table = {n: str(n) for n in range(100)}  # a closure's state, inherited by fork and not pickled
    assert fork_map(lambda n: table[n % 100], range(1_000)) == [str(n % 100) for n in range(1_000)]


@needs_fork
def test_big_items_go_out_one_by_one() -> None:
    pids = fork_map(lambda _: os.getpid(), ["a", "b", "c", "d"], parallel=True)
    assert len(pids) == 4 and os.getpid() not in pids


def test_small_jobs_run_here() -> None:
    assert set(fork_map(lambda _: os.getpid(), range(10))) == {os.getpid()}


@needs_fork
def test_a_worker_does_not_fork_again() -> None:
    inner = fork_map(lambda _: set(fork_map(lambda _: os.getpid(), range(1_000))), range(2), parallel=True)
    assert all(len(pids) == 1 for pids in inner)


@needs_fork
def test_an_error_in_a_worker_reaches_the_caller() -> None:
    def fail(n: int) -> int:
        if n == 1_234:
            raise ValueError("paper 1234 is broken")
        return n

    with pytest.raises(ValueError, match="paper 1234"):
        fork_map(fail, range(2_000))
    assert fork_map(lambda n: n, range(1_000)) == list(range(1_000))  # and the next job still works


@needs_fork
def test_a_build_shared_among_workers_equals_one_built_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big enough for every parallel path: reading, tags, clustered related papers, pages."""
    write_corpus(tmp_path / "papers", 3_200)
    (tmp_path / "review.yml").write_text("title: T\ninputs: [papers/]\n", encoding="utf-8")
    config = load_config(tmp_path / "review.yml")

    def site() -> tuple[list[Paper], dict[str, bytes]]:
        report = build(config, write=False)
        return report.papers, pages.site_files(report, config).files

    shared = site()
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    alone = site()
    assert shared[0] == alone[0]
    assert shared[1] == alone[1]
