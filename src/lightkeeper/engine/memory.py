"""Peak memory of this process and of its finished or running workers, for the run summary."""

from __future__ import annotations

import sys

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
