"""The local engine's batch map: ordered, bounded, same results with any number of workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


class Unpicklable:
    """A shared value that cannot be sent to a worker: `map_shared` must never pickle it."""

    def __init__(self, values: list[int]) -> None:
        self.values = values

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("the shared value was pickled")


def scaled(shared: Unpicklable, item: int) -> int:
    return shared.values[item] * 10


@pytest.mark.parametrize("workers", [1, 2])
def test_map_shared_hands_the_shared_value_to_forked_workers_without_pickling(
    workers: int,
) -> None:
    shared = Unpicklable(list(range(100)))
    items = [7, 3, 99, 0, 42, 5, 6, 8, 9]
    with LocalEngine(workers) as engine:
        results = list(engine.map_shared(scaled, shared, items))
    assert results == [v * 10 for v in items]


def test_map_shared_sees_values_made_after_the_engine_started() -> None:
    with LocalEngine(2) as engine:
        assert list(engine.map_batches(square_all, [[1, 2]])) == [[1, 4]]
        later = Unpicklable([5, 6, 7])
        assert list(engine.map_shared(scaled, later, [2, 1, 0])) == [70, 60, 50]


def test_a_closed_engine_maps_in_this_process() -> None:
    with LocalEngine(2) as engine:
        assert list(engine.map_batches(square_all, [[2]])) == [[4]]
        engine.close()
        engine.close()  # closing twice is harmless
        assert list(engine.map_batches(square_all, [[3], [4]])) == [[9], [16]]


def test_renewed_workers_keep_mapping_in_order() -> None:
    batches = [list(range(i, i + 3)) for i in range(0, 30, 3)]
    with LocalEngine(2) as engine:
        first = list(engine.map_batches(square_all, batches))
        engine.renew()
        assert list(engine.map_batches(square_all, batches)) == first


def test_renew_forks_new_workers_at_once_and_close_maps_here() -> None:
    with LocalEngine(2) as engine:
        engine.start()
        first = engine._pool
        assert first is not None
        engine.renew()
        assert engine._pool is not None
        assert engine._pool is not first
        assert list(engine.map_shared(scaled, Unpicklable([1, 2]), [1, 0])) == [20, 10]
        engine.close()
        assert engine._pool is None
        assert list(engine.map_batches(square_all, [[5]])) == [[25]]
        assert engine._pool is None


def parent_pid(_: object) -> int:
    return os.getppid()


def test_renewed_workers_do_not_come_from_this_process() -> None:
    """Workers started by `renew` are forked from a small server process, not from this one
    (so they hold none of its pages); the first workers are forked from this process."""
    with LocalEngine(2, preload=("json",)) as engine:
        first = set(engine.map_batches(parent_pid, range(8)))
        assert first == {os.getpid()}
        engine.renew()
        renewed = set(engine.map_batches(parent_pid, range(8)))
        assert os.getpid() not in renewed
        assert list(engine.map_batches(square_all, [[1, 2], [3]])) == [[1, 4], [9]]


def test_renew_forks_from_here_when_the_server_process_cannot_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lightkeeper.engine import local

    calls: list[int] = []

    def unavailable(workers: int, preload: object) -> None:
        calls.append(workers)
        raise OSError(98, "cannot bind the server's socket")

    monkeypatch.setattr(local, "_lean_pool", unavailable)
    with LocalEngine(2) as engine:
        engine.renew()
        assert set(engine.map_batches(parent_pid, range(6))) == {os.getpid()}
        assert list(engine.map_batches(square_all, [[4]])) == [[16]]
        engine.renew()  # not asked again: it failed once
        assert set(engine.map_batches(parent_pid, range(6))) == {os.getpid()}
    assert calls == [2]


_UNGUARDED_SCRIPT = """
from lightkeeper.engine.local import LocalEngine

def square(batch):
    return [x * x for x in batch]

with LocalEngine(2, preload=("json",)) as engine:
    engine.renew()
    print("result", list(engine.map_batches(square, [[1, 2], [3]])))
"""


def test_a_script_without_a_main_guard_still_runs(tmp_path: Path) -> None:
    """The renewed workers run the main script again; without a guard it would start another
    engine there. That is stopped at once with a clear message, and the workers are forked
    from the script's process instead."""
    script = tmp_path / "unguarded.py"
    script.write_text(_UNGUARDED_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == ["result [[1, 4], [9]]"]
    assert "main guard" not in done.stdout
    assert 'if __name__ == "__main__":' in done.stderr
