"""The local engine's batch map: ordered, bounded, same results with any number of workers."""

from __future__ import annotations

import pytest

from lightkeeper.engine.local import LocalEngine, default_workers


def square_all(batch: list[int]) -> list[int]:
    return [x * x for x in batch]


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_map_batches_keeps_order(workers: int) -> None:
    batches = [list(range(i, i + 5)) for i in range(0, 100, 5)]
    with LocalEngine(workers) as engine:
        results = list(engine.map_batches(square_all, batches))
    assert results == [square_all(b) for b in batches]


def test_default_workers_is_positive() -> None:
    assert default_workers() >= 1
    assert LocalEngine().workers == default_workers()
