"""Every match of one RE2 regex in a column of texts: rows, character offsets, matched text.

Two engines give the same matches (both are RE2, leftmost-first, non-overlapping):

- google-re2 (the `re2` module), when installed: the regex is compiled once per process and
  its automaton stays warm from batch to batch. pyarrow compiles a regex on every call, which
  for the catalogue's large alternations (hundreds of phrases) costs more than the scan itself
  on a batch of a few thousand ads.
- pyarrow otherwise: every match is marked (``\\x00match\\x00``) in one pass over the column and
  the marked texts are split back into pieces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

try:  # optional accelerator; the pyarrow path gives the same matches
    import re2 as RE2  # type: ignore[import-untyped,import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - depends on the environment
    RE2 = None

IntArray = npt.NDArray[np.int64]
MARK = "\x00"
RE2_MAX_MEM = 64 << 20  # bytes of automaton per regex: large alternations need more than 8 MiB


@dataclass(frozen=True, slots=True)
class Matches:
    """Matches in row order, then text order: `rows[i]` holds `texts[i]` at characters
    `starts[i]`..`ends[i]`."""

    rows: IntArray
    starts: IntArray
    ends: IntArray
    texts: pa.Array

    def __len__(self) -> int:
        return len(self.rows)


def find_matches(texts: pa.Array, regex: str) -> Matches:
    """Every non-overlapping match of `regex` (RE2 syntax) in `texts` (no nulls)."""
    if RE2 is not None:
        return _re2_matches(texts, regex)
    return _arrow_matches(texts, regex)


@lru_cache(maxsize=64)
def _compiled(regex: str) -> Any:
    options = RE2.Options()
    options.max_mem = RE2_MAX_MEM
    return RE2.compile(regex, options)


def _re2_matches(texts: pa.Array, regex: str) -> Matches:
    compiled = _compiled(regex)
    ascii_only = np.asarray(pc.string_is_ascii(texts), dtype=bool).tolist()
    rows: list[int] = []
    spans: list[tuple[int, int]] = []
    found: list[str] = []
    # bytes, not str: no character-offset bookkeeping inside re2 for every match
    for row, data in enumerate(texts.cast(pa.binary()).to_pylist()):
        for match in compiled.finditer(data):
            start, end = match.span()
            matched = data[start:end].decode()
            if not ascii_only[row]:
                start = len(data[:start].decode())
                end = start + len(matched)
            rows.append(row)
            spans.append((start, end))
            found.append(matched)
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return Matches(
        np.array(rows, dtype=np.int64), bounds[:, 0], bounds[:, 1], pa.array(found, pa.string())
    )


def _arrow_matches(texts: pa.Array, regex: str) -> Matches:
    marked = pc.replace_substring_regex(texts, regex, MARK + r"\0" + MARK)
    changed = pc.fill_null(pc.not_equal(pc.binary_length(marked), pc.binary_length(texts)), False)
    hit_rows = np.flatnonzero(np.asarray(changed.to_numpy(zero_copy_only=False), dtype=bool))
    if not len(hit_rows):
        empty = np.zeros(0, np.int64)
        return Matches(empty, empty, empty, pa.array([], pa.string()))
    pieces = pc.split_pattern(marked.take(pa.array(hit_rows)), MARK)
    flat = pc.list_flatten(pieces)
    owner = np.asarray(pc.list_parent_indices(pieces), dtype=np.int64)
    first_piece = np.asarray(pieces.offsets)[:-1]
    lengths = np.asarray(pc.utf8_length(flat), dtype=np.int64)
    begin = np.cumsum(lengths) - lengths
    begin -= begin[first_piece][owner]  # where each piece starts in its row's text
    # pieces alternate text, match, text, ..., text: matches sit at odd places
    matches = np.flatnonzero((np.arange(len(flat)) - first_piece[owner]) % 2 == 1)
    return Matches(
        hit_rows[owner[matches]],
        begin[matches],
        begin[matches] + lengths[matches],
        flat.take(pa.array(matches)),
    )
