"""What a stage needs of an engine to spread its work, and the engine that runs it in place.

`LocalEngine` offers both methods; a stage given no engine runs on `InProcess`, with the same
results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol


class SharedRunner(Protocol):
    """Runs `fn(shared, item)` per item where `shared` is read in place, never copied per item
    (see `LocalEngine.map_shared`)."""

    def map_shared(
        self, fn: Callable[[Any, Any], Any], shared: Any, items: Iterable[Any]
    ) -> Iterator[Any]:
        """`fn(shared, item)` of each item, in the order of the items."""
        ...


class InProcess:
    """The engine used when none is given: everything runs here, one item after the other."""

    def map_batches(self, fn: Callable[[Any], Any], batches: Iterable[Any]) -> Iterator[Any]:
        """`fn` of each batch, in order."""
        return map(fn, batches)

    def map_shared(
        self, fn: Callable[[Any, Any], Any], shared: Any, items: Iterable[Any]
    ) -> Iterator[Any]:
        """`fn(shared, item)` of each item, in order."""
        return (fn(shared, item) for item in items)
