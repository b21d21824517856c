"""Every match of one RE2 regex in a column of texts: rows, character offsets, matched text.

Two engines give the same matches (both are RE2, leftmost-first, non-overlapping):

- google-re2 (the `re2` module), when installed: the regex is compiled once per process and
  its automaton stays warm from batch to batch. pyarrow compiles a regex on every call, which
  for the catalogue's large alternations (hundreds of phrases) costs more than the scan itself
  on a batch of a few thousand ads. The rows are scanned as one buffer, each ended by a NUL
  (no text holds one); a match that takes in a NUL is not one its row alone would give, so the
  rows it touches are matched again one by one. A regex with an anchor (^, $) is always run
  row by row.
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

try:  # google-re2 is a dependency; the pyarrow path gives the same matches without it
    import re2 as RE2  # type: ignore[import-untyped,import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - depends on the environment
    RE2 = None
UNANCHORED = getattr(getattr(getattr(RE2, "_re2", None), "RE2", None), "Anchor", None)
UNANCHORED = getattr(UNANCHORED, "UNANCHORED", None)

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
    """Every non-overlapping match of `regex` (RE2 syntax) in `texts` (no nulls, and no NUL
    characters: `match.ad_texts` replaces them)."""
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
    if not len(texts):
        return _no_matches()
    # one buffer, the rows ended by NUL (a non-word byte, as a text's end is to \b): one scan
    data = pc.binary_join_element_wise(texts, MARK, "").cast(pa.binary())
    joined = data.buffers()[2].to_pybytes() if data.buffers()[2] is not None else b""
    offsets = np.frombuffer(data.buffers()[1], dtype=np.int32)[: len(data) + 1].astype(np.int64)
    joined = joined[offsets[0] : offsets[-1]]
    offsets -= offsets[0]
    if not _joinable(regex) or joined.count(b"\x00") != len(texts):
        return _row_matches(texts, compiled, np.arange(len(texts)))
    spans = np.array(_spans(compiled, joined), dtype=np.int64).reshape(-1, 2)
    rows = np.searchsorted(offsets, spans[:, 0], side="right") - 1
    last = np.searchsorted(offsets, spans[:, 1] - 1, side="right") - 1
    # a match that takes in a row's end NUL is not one the row alone would give: such rows
    # (all the rows the match touches) are matched again one by one
    crossing = (spans[:, 1] > offsets[rows + 1] - 1) | (last != rows)
    redo = np.zeros(len(texts) + 1, dtype=bool)
    for first_row, last_row in zip(rows[crossing].tolist(), last[crossing].tolist(), strict=True):
        redo[first_row : last_row + 1] = True
    keep = ~redo[rows]
    rows, spans = rows[keep], spans[keep]
    found = _from_bytes(joined, offsets, rows, spans)
    if not redo.any():
        return found
    again = _row_matches(texts, compiled, np.flatnonzero(redo[:-1]))
    both = np.concatenate([found.rows, again.rows])
    order = np.lexsort((np.concatenate([found.starts, again.starts]), both))
    return Matches(
        both[order],
        np.concatenate([found.starts, again.starts])[order],
        np.concatenate([found.ends, again.ends])[order],
        pa.concat_arrays([found.texts, again.texts]).take(pa.array(order, pa.int64())),
    )


def _spans(compiled: Any, data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every match in `data`, as `finditer` gives them.

    Calls the compiled RE2 object directly when the binding exposes it (google-re2 1.x): the
    match objects `finditer` builds cost more than the matching on short phrases.
    """
    match = getattr(getattr(compiled, "_regexp", None), "Match", None)
    if match is None or UNANCHORED is None:  # pragma: no cover - another binding version
        return [m.span() for m in compiled.finditer(data)]
    found: list[tuple[int, int]] = []
    pos, end = 0, len(data)
    while True:  # the loop of re2's finditer over bytes, without its match objects
        span = match(UNANCHORED, data, pos, end)[0]
        if span[0] < 0:
            return found
        found.append(span)
        if pos == end:
            return found
        pos = pos + 1 if pos == span[1] else span[1]


def _joinable(regex: str) -> bool:
    """Whether rows can be scanned joined: no anchor that a row's start or end would satisfy
    alone (checked on the source, conservatively: any ^ or $ or \\A, \\z says no)."""
    return not any(token in regex for token in ("^", "$", "\\A", "\\z"))


def _from_bytes(joined: bytes, offsets: IntArray, rows: IntArray, spans: IntArray) -> Matches:
    """Matches given as byte spans of the joined buffer, in characters of their rows."""
    buffer = np.frombuffer(joined, dtype=np.uint8)
    # characters before each byte: bytes minus UTF-8 continuation bytes (10xxxxxx)
    before = np.concatenate([[0], np.cumsum((buffer & 0xC0) != 0x80)])
    row_start = before[offsets[rows]]
    starts, ends = before[spans[:, 0]] - row_start, before[spans[:, 1]] - row_start
    lengths = spans[:, 1] - spans[:, 0]
    value_offsets = np.concatenate([[0], np.cumsum(lengths)])
    within = np.arange(value_offsets[-1]) - np.repeat(value_offsets[:-1], lengths)
    values = buffer[np.repeat(spans[:, 0], lengths) + within]
    texts = pa.Array.from_buffers(
        pa.string(),
        len(rows),
        [None, pa.py_buffer(value_offsets.astype(np.int32)), pa.py_buffer(values.tobytes())],
    )
    return Matches(rows.astype(np.int64), starts, ends, texts)


def _row_matches(texts: pa.Array, compiled: Any, rows: IntArray) -> Matches:
    """Matches of `compiled` in the given rows, one row at a time."""
    subset = texts.take(pa.array(rows, pa.int64()))
    ascii_only = np.asarray(pc.string_is_ascii(subset), dtype=bool).tolist()
    found_rows: list[int] = []
    spans: list[tuple[int, int]] = []
    found: list[str] = []
    # bytes, not str: no character-offset bookkeeping inside re2 for every match
    for i, (row, value) in enumerate(
        zip(rows.tolist(), subset.cast(pa.binary()).to_pylist(), strict=True)
    ):
        data = value or b""
        for byte_start, byte_end in _spans(compiled, data):
            matched = data[byte_start:byte_end].decode()
            start = byte_start if ascii_only[i] else len(data[:byte_start].decode())
            found_rows.append(row)
            spans.append((start, start + len(matched)))
            found.append(matched)
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return Matches(
        np.array(found_rows, dtype=np.int64),
        bounds[:, 0],
        bounds[:, 1],
        pa.array(found, pa.string()),
    )


def _no_matches() -> Matches:
    empty = np.zeros(0, np.int64)
    return Matches(empty, empty, empty, pa.array([], pa.string()))


def _arrow_matches(texts: pa.Array, regex: str) -> Matches:
    marked = pc.replace_substring_regex(texts, regex, MARK + r"\0" + MARK)
    changed = pc.fill_null(pc.not_equal(pc.binary_length(marked), pc.binary_length(texts)), False)
    hit_rows = np.flatnonzero(np.asarray(changed.to_numpy(zero_copy_only=False), dtype=bool))
    if not len(hit_rows):
        return _no_matches()
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
