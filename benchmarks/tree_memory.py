"""The memory of a process and all its descendants, sampled while it runs (Linux).

Adding the peak RSS of each process overcounts: forked workers share the pages of the main
process they were forked from (imports, tables built before the fork), and RSS counts a shared
page in every process that maps it. PSS (proportional set size) divides each shared page among
the processes sharing it, so the PSS of a process tree adds up to the physical memory it holds.
`TreeMemory` samples that sum and keeps its peak.
"""

from __future__ import annotations

import threading
from pathlib import Path

_PROC = Path("/proc")
SAMPLE_SECONDS = 0.2


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (children of each of its threads, recursively)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = list((_PROC / str(current) / "task").iterdir())
        except OSError:
            continue  # gone meanwhile
        for task in tasks:
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except (OSError, ValueError):
                continue
    return found


def pss_kb(pid: int) -> int:
    """The PSS of one process in KiB (0 when it is gone or unreadable)."""
    try:
        text = (_PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_pss_kb(pid: int) -> int:
    """The summed PSS of `pid` and its descendants, in KiB."""
    return sum(pss_kb(p) for p in descendants(pid))


def supported() -> bool:
    """Whether this system reports PSS (Linux 4.14 and newer)."""
    return (_PROC / "self" / "smaps_rollup").exists()


class TreeMemory:
    """Samples the summed PSS of a process tree in a thread until stopped; keeps the peak."""

    def __init__(self, pid: int, *, every: float = SAMPLE_SECONDS) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))
            self._stop.wait(self._every)

    @property
    def peak_mb(self) -> float:
        """The peak summed PSS in MiB."""
        return round(self.peak_kb / 1024, 1)
