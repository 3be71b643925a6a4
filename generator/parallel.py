"""Sharing per-item work among the machine's cores.

Most of a large build is pure Python run once per paper or per page, so the stages hand
such work to `fork_map` (or `fork_imap`, to handle each result as it comes). Workers are
forked: they inherit everything the parent has built (papers, the TF-IDF matrix,
templates), so only the items' indices go out and the results come back. Results keep the
order of the items, so output does not depend on how the work was split.

Small jobs run in the calling process, and so does everything off Linux: macOS offers
`fork`, but its system libraries (Accelerate, libdispatch) can crash in a forked child,
which is why Python stopped using it there by default; Windows has no `fork`.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Other = TypeVar("Other")
# `map`, or `fork_imap` to share the calls among the cores: what a function that makes one
# result per item takes to let its caller decide.
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]

# Below this many items, starting the workers (about 20 ms) costs more than it saves.
PARALLEL_FROM = 500
CHUNKS_PER_WORKER = 16  # many small chunks, so a worker that gets slow items does not hold the rest up

# The job being shared out. Set just before the workers fork, so they inherit it; only the
# chunks' bounds travel to them, and a closure works as well as a module-level function.
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers() -> int:
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0))


def fork_map(function: Callable[[Item], Result], items: Sequence[Item], parallel: bool | None = None) -> list[Result]:
    """`[function(item) for item in items]`, shared among forked workers when it pays:
    by default from `PARALLEL_FROM` items; `parallel` decides instead, for items that are
    each a big job (a page of many papers)."""
    return list(fork_imap(function, items, parallel))


def fork_imap(function: Callable[[Item], Result], items: Sequence[Item], parallel: bool | None = None) -> Iterator[Result]:
    """`fork_map`, yielding each result in order as soon as it is ready: the caller can
    write one page away before the next arrives instead of holding the whole site."""
    global _job
    count = workers()
    wanted = len(items) >= PARALLEL_FROM if parallel is None else parallel and len(items) > 1
    if not wanted or count < 2 or _job is not None:  # `_job` set: a job is running (this may be its worker)
        yield from map(function, items)
        return
    # Big items go out one by one, so that two long ones do not queue in one chunk.
    size = 1 if parallel else -(-len(items) // (count * CHUNKS_PER_WORKER))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _job = (function, items)
    # Frozen objects are skipped by the workers' garbage collector, which would otherwise
    # write to every object it inspects and so give each worker its own copy of the
    # parent's memory (the advice of the `gc.freeze` documentation).
    gc.freeze()
    try:
        # An executor, not a multiprocessing.Pool: a worker that dies (out of memory) raises
        # BrokenProcessPool here, where a Pool would wait for it for ever.
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(min(count, len(bounds)), mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
        try:
            for chunk in pool.map(_run_chunk, bounds):
                yield from chunk
        finally:
            pool.shutdown(cancel_futures=True)  # on an error, the work not yet started is dropped
    finally:
        gc.unfreeze()
        _job = None


def fork_beside(job: Callable[[], Other], function: Callable[[Item], Result], items: Sequence[Item]) -> tuple[Other, list[Result]]:
    """`(job(), fork_map(function, items))`, at once: one worker runs the long `job` while
    the others, and then it too, take the items' chunks. A stage with one long job and
    many short ones then keeps every core busy instead of waiting for the long one alone."""
    count = workers()
    if len(items) < PARALLEL_FROM or count < 2 or _job is not None:
        return job(), [function(item) for item in items]
    size = -(-len(items) // (count * CHUNKS_PER_WORKER))
    chunks = [partial(_map_list, function, items[start : start + size]) for start in range(0, len(items), size)]
    first, *rest = fork_map(_call, [job, *chunks], parallel=True)  # the long job goes out first
    return first, [result for chunk in rest for result in chunk]


def _call(job: Callable[[], Any]) -> Any:
    return job()


def _map_list(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    return [function(item) for item in items]


def _start_worker(parent: int) -> None:
    # The parent's terminal spinner replaces stdout and stderr with proxies guarded by a
    # lock its thread may have held at the fork; a worker's warning must not wait on it.
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Ends this worker when the build that forked it ends, however it ends (a `kill -9`
    too): an orphaned worker would hold the build's memory, and the lock on docs/ it
    inherited, so every later build would wait for it for ever."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the signal was asked for
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None, "runs only in a worker forked by fork_imap"
    function, items = _job
    start, end = bounds
    return [function(item) for item in items[start:end]]
