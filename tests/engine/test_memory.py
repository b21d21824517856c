"""Peak memory readings and the collector's pace during a run."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import numpy as np
import pytest

from lightkeeper.engine.memory import Spilled, calm_collector, peak_rss_mb, trim_heap


def test_peak_rss_is_positive() -> None:
    own = peak_rss_mb()
    assert own is not None
    assert own > 0


def test_calm_collector_collects_less_often_and_restores_the_settings() -> None:
    before = gc.get_threshold()
    with calm_collector(gen0=12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
        assert gc.get_freeze_count() > 0  # what existed is left out of collections
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_calm_collector_restores_the_settings_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), calm_collector():
        raise RuntimeError("stop")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_during_a_run_are_still_collected() -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    with calm_collector():
        a, b = Node(), Node()
        a.other, b.other = b, a
        ids = {id(a), id(b)}
        del a, b
        gc.collect()
        assert not any(id(o) in ids for o in gc.get_objects() if isinstance(o, Node))


def _spill_files(tmp: Path) -> list[Path]:
    return [p for p in tmp.iterdir() if p.name.startswith("lightkeeper-spill-")]


def test_spilled_arrays_come_back_equal_and_the_file_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    arrays = {
        "hashes": np.arange(1_000, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15),
        "starts": np.array([0, 3, 7], dtype=np.uint32),
        "grid": np.arange(12, dtype=np.int64).reshape(3, 4),
        "empty": np.zeros(0, dtype=np.float64),
    }
    spilled = Spilled(arrays)
    assert spilled.on_disk
    # The file is unnamed: nothing is left in the directory, even while it is open.
    assert _spill_files(tmp_path) == []
    back = spilled.load()
    assert list(back) == list(arrays)
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype
        assert back[name].shape == array.shape
        assert np.array_equal(back[name], array)
    with pytest.raises(ValueError, match="once"):
        spilled.load()
    assert os.listdir(tmp_path) == []


def test_arrays_stay_in_memory_when_the_file_cannot_be_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_space)
    arrays = {"a": np.arange(5, dtype=np.int64)}
    spilled = Spilled(arrays)
    assert not spilled.on_disk
    back = spilled.load()
    assert np.array_equal(back["a"], arrays["a"])
    with pytest.raises(ValueError, match="once"):
        spilled.load()


def test_spilling_refuses_object_arrays() -> None:
    with pytest.raises(ValueError):
        Spilled({"objects": np.array(["a", None], dtype=object)})


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_trim_heap_gives_freed_heap_memory_back() -> None:
    # Many buffers under glibc's mmap threshold (128 KiB) live in its heap; freed in an order
    # that leaves the top in use, the heap cannot shrink by itself.
    buffers = [bytearray(100_000) for _ in range(3_000)]
    keep = buffers[-1]
    del buffers[:-1]
    before = _rss_mb()
    trim_heap()
    after = _rss_mb()
    assert keep is not None
    assert after <= before
    assert before - after > 100  # ~290 MB were freed; most of it goes back
