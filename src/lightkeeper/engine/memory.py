"""Peak memory of this process and of its finished or running workers, for the run summary;
the garbage collector's pace during a run."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_KIB_PER_MIB = 1024


def peak_rss_mb(*, children: bool = False) -> float | None:
    """The peak resident set size so far in MiB (of the largest child with `children`).

    None where the platform does not report it (Windows).
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return None
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    # Linux reports KiB, macOS bytes.
    scale = _KIB_PER_MIB * _KIB_PER_MIB if sys.platform == "darwin" else _KIB_PER_MIB
    return round(peak / scale, 1)


# Net container allocations between two young-generation collections during a run (Python's
# default is 700). Extraction allocates and frees many small lists and tuples per ad, almost
# none of them in reference cycles, and keeps large caches alive: with the default, collections
# took ~8% of the per-ad CPU, most of it in full collections walking the caches.
RUN_GEN0_THRESHOLD = 20_000


@contextmanager
def calm_collector(gen0: int = RUN_GEN0_THRESHOLD) -> Iterator[None]:
    """Collect garbage less often for the length of a run, and leave what exists now (modules,
    tables built before workers fork) out of every collection; restored afterwards.

    Reference counting still frees everything not in a cycle at once, so memory does not grow;
    only cycles wait longer. Freezing also spares workers forked inside the block from copying
    the pages that the collector would otherwise write to when it walks those objects.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(gen0, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()
