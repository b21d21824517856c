"""Peak memory of this process and of its finished or running workers, for the run summary;
the garbage collector's pace during a run."""

from __future__ import annotations

import ctypes
import gc
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Any

import numpy as np
import numpy.typing as npt

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


def trim_heap() -> None:
    """Give the memory the C heap holds freed back to the system.

    A step frees many buffers of a few MB (arrays, pickled batches from workers) that glibc
    keeps in its heap, so the process would keep the size of its largest step; `malloc_trim`
    returns those pages. Does nothing where glibc is not the allocator."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _glibc()


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


class Spilled:
    """NumPy arrays set aside in an unnamed temporary file while a step that does not read them
    needs the memory; `load` gives them back (once) and removes the file.

    The file lives in the system's temporary directory (TMPDIR) and is deleted by the system
    even if the run is killed. Arrays come back equal, with their dtypes and shapes. Spilling
    only saves memory: where the file cannot be written (no space, no temporary directory), the
    arrays are simply kept in memory and the run goes on.
    """

    def __init__(self, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        self._names = list(arrays)
        self._kept: dict[str, npt.NDArray[Any]] | None = None
        self._file: IO[bytes] | None = None
        self._loaded = False
        try:
            self._file = _spill_file(arrays)
        except OSError:
            self._kept = dict(arrays)

    @property
    def on_disk(self) -> bool:
        """Whether the arrays are in the temporary file (else kept in memory)."""
        return self._file is not None

    def load(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays, by name, read back; the file is gone afterwards."""
        if self._loaded:
            raise ValueError("spilled arrays can be loaded once")
        self._loaded = True
        if self._file is None:
            kept, self._kept = self._kept or {}, None
            return kept
        file, self._file = self._file, None
        with file:
            file.seek(0)
            return {name: np.load(file, allow_pickle=False) for name in self._names}


def _spill_file(arrays: Mapping[str, npt.NDArray[Any]]) -> IO[bytes]:
    """An unnamed temporary file holding `arrays` in order (`np.save` each)."""
    # Open past this call on purpose: `Spilled.load` closes it, and the file goes with it.
    file = tempfile.TemporaryFile(prefix="lightkeeper-spill-")  # noqa: SIM115
    try:
        for array in arrays.values():
            np.save(file, array, allow_pickle=False)
        file.flush()
    except BaseException:
        file.close()
        raise
    return file
