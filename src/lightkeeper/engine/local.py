"""The local engine: map a function over batches on this machine's cores.

`map_batches` keeps at most a few batches in flight per worker and yields results in input order,
so memory stays bounded and results never depend on scheduling. With one worker it runs in this
process, which is also what tests and small inputs use.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT_PER_WORKER = 2


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class LocalEngine:
    """Runs stage functions on this machine, with `workers` processes (1: in this process)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or default_workers())
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalEngine:
        if self.workers > 1:
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map_batches(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """Apply `fn` to each batch, yielding results in the order of the batches."""
        if self._pool is None:
            yield from map(fn, batches)
            return
        pending: deque[Future[R]] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        for batch in batches:
            pending.append(self._pool.submit(fn, batch))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
