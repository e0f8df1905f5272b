"""Spread independent work over the machine's cores with forked workers, or run it inline.

Workers are forked after the work is prepared, so they inherit the items, the site, the
Markdown renderer and the templates instead of receiving them pickled: only item numbers go
in and only the results come back. Where fork is missing (Windows), work runs inline.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
from contextlib import contextmanager
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
M = TypeVar("M")

# Below this many items, starting processes costs more than it saves.
MIN_ITEMS = 200
# Chunks per worker when progress is reported: enough to move a bar, few enough to cost nothing.
PIECES = 8

_task: Callable | None = None
_items: Sequence = ()


def available_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def map_chunks(task: Callable[[Sequence[T]], R], items: Sequence[T], workers: int | None = None,
               progress: Callable[[int], None] | None = None) -> list[R]:
    """[task(chunk) for each chunk of items]: one chunk per worker, or PIECES per worker when `progress`
    wants to hear of each chunk done (progress(items in it)). Items are dealt out in turn (0, 2, 4 ... to
    the first chunk) so every chunk gets a similar mix of small and large work."""
    return map_beside(task, items, lambda forked: None, workers, progress)[0]


def map_beside(task: Callable[[Sequence[T]], R], items: Sequence[T], beside: Callable[[bool], M],
               workers: int | None = None, progress: Callable[[int], None] | None = None,
               worker_start: Callable[[], None] | None = None,
               receive: Callable[[R], object] | None = None) -> tuple[list, M]:
    """map_chunks, and beside(forked) run in this process while the workers work (first, when the work runs
    inline): work that must be done in one process keeps a core busy that the workers would leave idle.
    `forked`: the workers run in processes of their own, with their own copy of this one's memory, so
    beside() may let go of what only the task needs, and worker_start(), run first in each worker, of
    what only beside() needs (a worker's copy of memory it never reads still counts as its own).
    beside() must not start workers of its own (forking beside the pool's threads is unsafe). progress()
    hears of the chunks done once beside() has returned. receive(result), when given, is what is kept of
    each chunk's result, made as it comes in: the main process need not hold every result as it came."""
    receive = receive or (lambda result: result)
    if workers is None:
        workers = available_workers() if len(items) >= MIN_ITEMS else 1
    inline = workers <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods()
    count = max(1, min(len(items), (1 if inline else workers) * (PIECES if progress else 1)))
    ranges = [range(i, len(items), count) for i in range(count)]
    if inline:
        aside = beside(False)
        results = []
        for numbers in ranges:
            results.append(receive(task(items if count == 1 else [items[i] for i in numbers])))
            if progress:
                progress(len(numbers))
        return results, aside
    global _task, _items
    _task, _items = task, items
    # Move everything made so far out of the collector's sight: a worker's collections would otherwise
    # walk (and so copy, page by page) the whole of the parent's memory it shares. Collect first, as a
    # frozen cycle is never freed (and a build collects in full rarely: few_full_collections). And hand
    # the memory freed so far back to the system, so the workers do not start with it resident.
    gc.collect()
    gc.freeze()
    release_memory()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=worker_start) as pool:
            done = pool.imap(_run, ranges, chunksize=1)
            aside = beside(True)
            results = []
            for numbers, result in zip(ranges, done):
                results.append(receive(result))
                if progress:
                    progress(len(numbers))
            return results, aside
    finally:
        _task, _items = None, ()
        gc.unfreeze()


# Young collections as usual, full ones only after this many middle ones (Python's default is 10).
FULL_COLLECTION_EVERY = 1000


@contextmanager
def few_full_collections():
    """While a build runs, the cycle collector rarely walks every object. A build's objects pile up (the
    site, what pages share), and Python starts a full collection whenever a quarter more have outlived two
    young ones: at 10,000 articles, about 70 full collections in the build's processes took 5 of its 75 s
    of CPU. Young cycles are still collected as usual, and the usual thresholds come back afterwards."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], FULL_COLLECTION_EVERY))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def release_memory() -> None:
    """glibc's malloc_trim: free memory inside the heap goes back to the system. Elsewhere, nothing."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _run(numbers: range):
    return _task([_items[i] for i in numbers])


def in_order(chunks: list[list]) -> list:
    """The results of map_chunks(task returning one result per item) back in item order, as one list
    (item i went to chunk i % len(chunks))."""
    out: list = [None] * sum(map(len, chunks))
    for start, chunk in enumerate(chunks):
        out[start::len(chunks)] = chunk
    return out
