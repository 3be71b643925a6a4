"""Sharing per-item work among the machine's cores.

Most of a large build is pure Python run once per paper or per page, so the stages hand
such work to `fork_map`. Workers are forked: they inherit everything the parent has built
(papers, the TF-IDF matrix, templates), so only the items' indices go out and the results
come back. Results keep the order of the items, so output does not depend on how the work
was split. Small jobs, and machines without `fork`, run in the calling process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items, starting the workers (about 20 ms) costs more than it saves.
PARALLEL_FROM = 500
CHUNKS_PER_WORKER = 16  # many small chunks, so a worker that gets slow items does not hold the rest up

# The job being shared out. Set just before the workers fork, so they inherit it; only the
# chunks' bounds travel to them, and a closure works as well as a module-level function.
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(function: Callable[[Item], Result], items: Sequence[Item], parallel: bool | None = None) -> list[Result]:
    """`[function(item) for item in items]`, shared among forked workers when it pays:
    by default from `PARALLEL_FROM` items; `parallel` decides instead, for items that are
    each a big job (a page of many papers)."""
    global _job
    count = workers()
    wanted = len(items) >= PARALLEL_FROM if parallel is None else parallel and len(items) > 1
    if not wanted or count < 2 or _job is not None:  # `_job` set: this is already a worker
        return [function(item) for item in items]
    # Big items go out one by one, so that two long ones do not queue in one chunk.
    size = 1 if parallel else -(-len(items) // (count * CHUNKS_PER_WORKER))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _job = (function, items)
    # Frozen objects are skipped by the workers' garbage collector, which would otherwise
    # write to every object it inspects and so give each worker its own copy of the
    # parent's memory (the advice of the `gc.freeze` documentation).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            chunks = pool.map(_run_chunk, bounds, chunksize=1)
    finally:
        gc.unfreeze()
        _job = None
    return [result for chunk in chunks for result in chunk]


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None, "runs only in a worker forked by fork_map"
    function, items = _job
    start, end = bounds
    return [function(item) for item in items[start:end]]
