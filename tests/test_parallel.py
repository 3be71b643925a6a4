"""fork_map: the same results, in the same order, as a plain loop, however it splits work."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import CountVectorizer

from bench.corpus import write_corpus
from generator import pages, parallel, text
from generator.config import load_config
from generator.models import Paper
from generator.parallel import fork_beside, fork_imap, fork_map
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
def test_big_items_run_in_workers_however_few() -> None:
    pids = fork_map(lambda _: os.getpid(), ["a", "b", "c", "d"], parallel=True)
    assert len(pids) == 4 and os.getpid() not in pids


@needs_fork
def test_results_arrive_one_at_a_time() -> None:
    results = fork_imap(lambda n: n, range(1_000))
    assert next(results) == 0  # the first, before the whole job is gathered
    assert parallel._job is not None  # still running
    assert list(results) == list(range(1, 1_000))
    assert parallel._job is None and gc.get_freeze_count() == 0


def test_small_jobs_run_here() -> None:
    assert set(fork_map(lambda _: os.getpid(), range(10))) == {os.getpid()}


@needs_fork
def test_a_long_job_runs_beside_the_items_in_a_worker() -> None:
    job_pid, squares = fork_beside(os.getpid, lambda n: (n * n, os.getpid()), range(2_000))
    assert [square for square, _ in squares] == [n * n for n in range(2_000)]
    assert job_pid != os.getpid()  # the job ran in a worker, beside the items
    assert {pid for _, pid in squares} - {os.getpid()}
    assert parallel._job is None and gc.get_freeze_count() == 0


def test_a_long_job_beside_few_items_runs_here() -> None:
    assert fork_beside(os.getpid, lambda n: n + 1, [1, 2]) == (os.getpid(), [2, 3])


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
    assert parallel._job is None and gc.get_freeze_count() == 0, "the failed job was not cleared"
    assert len(set(fork_map(lambda _: os.getpid(), range(2_000))) - {os.getpid()}) >= 1  # the next job still runs in workers


@pytest.mark.parametrize("shares", [1, 2, 3, 4])
def test_counting_in_shares_equals_one_count_vectorizer(shares: int) -> None:
    """Pruning at the edges: of 10 texts, "alpha" is in exactly half (max_df keeps it),
    "beta" in more (dropped), "gamma" in exactly min_df (kept), "delta" in one (dropped);
    the last text has no word the tokeniser keeps, so with 4 shares one share is empty."""
    texts = [
        "alpha beta gamma delta",
        "alpha beta gamma",
        "alpha beta zeta",
        "alpha beta omega",
        "alpha beta theta",
        "beta omega",
        "omega theta",
        "theta eta",
        "zeta eta",
        "кириллица только",
    ]
    expected = CountVectorizer(analyzer=text.analyze, min_df=2, max_df=0.5)
    counts = expected.fit_transform(texts)
    corpus = text._count_shared(texts, min_df=2, max_df=0.5, shares=shares)
    assert list(corpus.terms) == list(expected.get_feature_names_out())
    assert "alpha" in corpus.terms and "gamma" in corpus.terms and "beta" not in corpus.terms and "delta" not in corpus.terms
    assert (corpus.counts.toarray() == counts.toarray()).all()
    assert (corpus.counter.transform(texts[:3]).toarray() == expected.transform(texts[:3]).toarray()).all()


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


WORKER_SCRIPT = """
import os, sys, time
from generator import parallel

def slow(item):
    with open(os.path.join(sys.argv[1], str(os.getpid())), "w"):
        pass
    time.sleep(60)

parallel.fork_map(slow, list(range(8)), parallel=True)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status  # a zombie has ended; only its parent's wait is missing


@pytest.mark.skipif(parallel.workers() < 2, reason="workers are forked only with two cores or more")
def test_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    """A `kill -9` of the build must not leave workers behind: they would hold its memory and
    the lock on docs/ they inherited, and every later build would wait on them."""
    build = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(tmp_path)], cwd=Path(__file__).resolve().parents[1])
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(path.name) for path in tmp_path.iterdir()]
    assert len(workers) >= 2
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)
