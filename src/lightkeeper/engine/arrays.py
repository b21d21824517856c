"""Small array helpers shared by the engines and the stages."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

G = TypeVar("G", bound=np.generic)


def distinct(values: npt.NDArray[G]) -> npt.NDArray[G]:
    """The distinct values, sorted: `np.unique(values)` by a sort.

    numpy 2.x answers a bare `np.unique` of a large integer array with a hash table, about 40
    times slower than sorting (1.4 s against 0.04 s for a million int64 here).
    """
    ordered: npt.NDArray[G] = np.sort(np.asarray(values).reshape(-1))
    if not len(ordered):
        return ordered
    fresh = np.ones(len(ordered), dtype=bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    return ordered[fresh]
