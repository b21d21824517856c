"""Peak memory readings and the collector's pace during a run."""

from __future__ import annotations

import gc

import pytest

from lightkeeper.engine.memory import calm_collector, peak_rss_mb


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
