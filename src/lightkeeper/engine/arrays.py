"""Small array helpers shared by the engines and the stages."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

G = TypeVar("G", bound=np.generic)
U64 = npt.NDArray[np.uint64]

# The splitmix64 multipliers.
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def mix64(values: U64) -> U64:
    """The splitmix64 finaliser: spreads every input bit over all output bits, the same in every
    process (a hash for partitioning and keys, unlike Python's seeded `hash`)."""
    with np.errstate(over="ignore"):
        x = values ^ (values >> np.uint64(30))
        x = x * _MIX1
        x ^= x >> np.uint64(27)
        x = x * _MIX2
        x ^= x >> np.uint64(31)
    return np.asarray(x, dtype=np.uint64)


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
