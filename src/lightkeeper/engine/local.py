"""The local engine: map a function over batches on this machine's cores.

`map_batches` keeps at most a few batches in flight per worker and yields results in input order,
so memory stays bounded and results never depend on scheduling. With one worker it runs in this
process, which is also what tests and small inputs use.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")
IN_FLIGHT_PER_WORKER = 2
# What `map_shared` hands to the processes it forks: set just before they are forked, read by
# them from the memory they inherit, never pickled.
_SHARED: dict[str, Any] = {}


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class LocalEngine:
    """Runs stage functions on this machine, with `workers` processes (1: in this process).

    The first workers are forked from this process, so they share what it built before (tables
    every batch reads). Workers started by `renew` come from a small server process instead
    (multiprocessing's forkserver, with the modules in `preload` imported once): they hold none
    of this process's memory, which may by then be large.
    """

    def __init__(self, workers: int | None = None, *, preload: Sequence[str] = ()) -> None:
        self.workers = max(1, workers or default_workers())
        self.preload = tuple(preload)
        self._pool: ProcessPoolExecutor | None = None
        self._open = False
        self._lean = False  # whether workers come from the server process
        self._no_server = False  # the server process could not give workers: fork them

    def __enter__(self) -> LocalEngine:
        refuse_main_rerun()
        self._open = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _workers(self) -> ProcessPoolExecutor | None:
        """The pool of workers, started when first needed (forked from this process as it is
        now, or from the server process after `renew`); None when the engine runs here."""
        if self._pool is None and self._open and self.workers > 1:
            if self._lean:
                self._pool = _lean_pool(self.workers, self.preload)
            else:
                self._pool = _forking_pool(self.workers)
        return self._pool

    def start(self) -> None:
        """Fork the workers now if they are not running.

        Workers should be forked while this process is small: pages it rewrites after a fork
        stay alive in the workers as they were. And before handing the engine to another
        thread, so no process is forked while that thread and this one both run.
        """
        try:
            pool = self._workers()
            if pool is not None:
                pool.submit(_nothing).result()  # a first task forks all the workers
        except (BrokenProcessPool, OSError):
            if not self._lean:
                raise
            # The server process could not give workers (a script calling this without a
            # main guard, no room for its socket): fork them from here, as the first ones.
            self._stop()
            self._lean, self._no_server = False, True
            self.start()

    def renew(self) -> None:
        """Replace the workers by new ones started now from the small server process (see the
        class): what the old ones held (caches of a finished stage) is given back, and the new
        ones share none of this process's pages, so none is kept alive in them when this
        process rewrites it. What they run and receive is pickled, as for any worker."""
        self._stop()
        self._lean = not self._no_server
        self.start()

    def close(self) -> None:
        """End the workers now, giving their memory back (a run's last steps may not need
        them); whatever is mapped afterwards runs in this process."""
        self._stop()
        self._open = False

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map_batches(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """Apply `fn` to each batch, yielding results in the order of the batches."""
        pool = self._workers()
        if pool is None:
            yield from map(fn, batches)
            return
        yield from _bounded_map(pool, fn, batches, self.workers)

    def map_shared(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]:
        """`fn(shared, item)` for each item, yielding results in the order of the items.

        For work on large arrays made after the engine started (the workers forked then do not
        have them): the call forks processes of its own, which inherit `shared` as it is now,
        copy-on-write, instead of receiving a pickled copy per item. `fn` must only read it.
        Items and results are sent as usual, so they should be small.
        """
        if self.workers == 1 or not self._open:
            yield from (fn(shared, item) for item in items)
            return
        _SHARED["value"] = shared
        try:
            with _forking_pool(self.workers) as pool:
                yield from _bounded_map(pool, partial(_call_shared, fn), items, self.workers)
        finally:
            _SHARED.clear()


def _forking_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose processes are forked from this one (at its first task)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


def _lean_pool(workers: int, preload: Sequence[str]) -> ProcessPoolExecutor:
    """A pool whose processes are forked from multiprocessing's forkserver, a process started
    afresh (not forked from this one) that has imported `preload`."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


_UNGUARDED = (
    "a worker process is running the main script again, which starts an engine: put the"
    ' script\'s main code under `if __name__ == "__main__":`'
)


def refuse_main_rerun() -> None:
    """Raise RuntimeError in a worker that is still importing its parent's main script (what
    multiprocessing does for workers not forked from the parent, such as those of `renew`).

    A script without a main guard would start a second run there: it is stopped at once, with
    what to do, and its parent forks its workers instead (see `LocalEngine.start`)."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise RuntimeError(_UNGUARDED)


def _nothing() -> None:
    """A task that does nothing (see `LocalEngine.start`)."""


def _call_shared(fn: Callable[[Any, T], R], item: T) -> R:
    """`fn` of what `map_shared` left for this forked process, and `item`."""
    return fn(_SHARED["value"], item)


def _bounded_map(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], workers: int
) -> Iterator[R]:
    """`fn` of each item on `pool`, a few items in flight per worker, results in order."""
    pending: deque[Future[R]] = deque()
    limit = workers * IN_FLIGHT_PER_WORKER
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= limit:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
