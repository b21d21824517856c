"""Indicators found in a batch of ads, held as columns, and the detectors that fill them.

A `Hits` is one entry per (ad row, indicator): the row, the indicator's position in the
catalogue and the evidence snippet. Detectors return one each; `Hits.concat` joins them and
`Hits.ordered` sorts them by row, then catalogue order. Keeping hits as arrays, not a dict per
ad, lets the scores table be built with numpy and Arrow in one pass over the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.indicators.names import NAME_CUES, several_names_in
from lightkeeper.ads.indicators.obscured import CANDIDATE, RUN, run_verdict

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
EVIDENCE_CHARS = 120
MARK = "\x00"
ABSENT_EVIDENCE = "(none of its signs found in the text)"


@dataclass(frozen=True, slots=True)
class Hits:
    """Parallel columns: `rows[i]` showed indicator `codes[i]` (catalogue position) because of
    `evidence[i]`."""

    rows: IntArray
    codes: IntArray
    evidence: list[str]

    @classmethod
    def empty(cls) -> Hits:
        """No hits."""
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), [])

    @classmethod
    def concat(cls, parts: Sequence[Hits]) -> Hits:
        """All hits of `parts`, in their order."""
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([p.rows for p in parts]).astype(np.int64),
            np.concatenate([p.codes for p in parts]).astype(np.int64),
            [e for p in parts for e in p.evidence],
        )

    def take(self, index: IntArray | BoolArray) -> Hits:
        """The hits at `index` (positions or a mask)."""
        picked = np.flatnonzero(index) if index.dtype == np.bool_ else index
        evidence = self.evidence
        return Hits(self.rows[picked], self.codes[picked], [evidence[i] for i in picked.tolist()])

    def ordered(self) -> Hits:
        """Sorted by row, then catalogue order."""
        return self.take(np.lexsort((self.codes, self.rows)))

    def __len__(self) -> int:
        return len(self.rows)


def broadcast(rows: IntArray, codes: Sequence[int], evidence: list[str]) -> Hits:
    """Every indicator of `codes` on every row of `rows` (parallel to `evidence`)."""
    n = len(codes)
    return Hits(
        np.repeat(np.asarray(rows, dtype=np.int64), n),
        np.tile(np.asarray(codes, dtype=np.int64), len(rows)),
        [e for e in evidence for _ in range(n)],
    )


def matching_rows(texts: pa.Array, pattern: str) -> IntArray:
    """The rows of `texts` in which the RE2 `pattern` matches."""
    found = pc.fill_null(pc.match_substring_regex(texts, pattern), False)
    return np.flatnonzero(np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool))


def toggle_absent(hits: Hits, codes: Sequence[int], job: BoolArray) -> Hits:
    """On job rows, an `absent` indicator fires when none of its signs was found: its sign hits
    are dropped and the rows without one get it with `ABSENT_EVIDENCE`."""
    absent = np.asarray(codes, dtype=np.int64)
    signs = np.isin(hits.codes, absent) & job[hits.rows]
    width = int(absent.max()) + 1
    seen = hits.rows[signs] * width + hits.codes[signs]
    job_rows = np.flatnonzero(job)
    pairs = np.repeat(job_rows, len(absent)) * width + np.tile(absent, len(job_rows))
    fresh = pairs[~np.isin(pairs, seen)]
    added = Hits(fresh // width, fresh % width, [ABSENT_EVIDENCE] * len(fresh))
    return Hits.concat([hits.take(~signs), added])


def obscured_hits(texts: pa.Array, codes: Sequence[int]) -> Hits:
    """Rows with an obscured phone number (see `obscured.py`), its run as evidence."""
    rows = matching_rows(texts, CANDIDATE)
    if not len(rows):
        return Hits.empty()
    marked = pc.replace_substring_regex(texts.take(pa.array(rows)), RUN, MARK + r"\0" + MARK)
    pieces = pc.split_pattern(marked, MARK)
    flat = pc.list_flatten(pieces)
    owner = np.asarray(pc.list_parent_indices(pieces), dtype=np.int64)
    place = np.arange(len(flat), dtype=np.int64) - np.asarray(pieces.offsets)[:-1][owner]
    # pieces alternate text, run, text, ..., text: runs sit at odd places
    runs = np.flatnonzero(place % 2 == 1)
    if not len(runs):
        return Hits.empty()
    before = pc.utf8_slice_codeunits(flat.take(pa.array(runs - 1)), -1).to_pylist()
    after = pc.utf8_slice_codeunits(flat.take(pa.array(runs + 1)), 0, 1).to_pylist()
    found: dict[int, str] = {}
    for row, run, b, a in zip(
        owner[runs].tolist(), flat.take(pa.array(runs)).to_pylist(), before, after, strict=True
    ):
        if row not in found:
            verdict = run_verdict(run, b.isalpha(), a.isalpha())
            if verdict is not None:
                found[row] = " ".join(verdict.split())[:EVIDENCE_CHARS]
    return broadcast(rows[list(found)], codes, list(found.values()))


def several_names_hits(texts: pa.Array, codes: Sequence[int]) -> Hits:
    """Rows offering several persons by name (see `names.py`), the cue and names as evidence."""
    rows = matching_rows(texts, NAME_CUES)
    found: dict[int, str] = {}
    for row, text in zip(rows.tolist(), texts.take(pa.array(rows)).to_pylist(), strict=True):
        hit = several_names_in(text or "")
        if hit is not None:
            found[row] = hit[:EVIDENCE_CHARS]
    return broadcast(np.asarray(list(found), dtype=np.int64), codes, list(found.values()))


def minor_age_hits(ages: pa.Array, limits: Sequence[tuple[int, float, float]]) -> Hits:
    """Rows stating an age in [plausible_from, below) for each (code, below, plausible_from):
    the first such age of the row as evidence."""
    flat = np.asarray(pc.list_flatten(ages).to_numpy(zero_copy_only=False))
    if not len(flat):
        return Hits.empty()
    parents = np.asarray(pc.list_parent_indices(ages), dtype=np.int64)
    parts = []
    for code, below, plausible in limits:
        items = np.flatnonzero((flat >= plausible) & (flat < below))
        rows, first = np.unique(parents[items], return_index=True)
        evidence = [f"stated age {int(age)}" for age in flat[items[first]].tolist()]
        parts.append(Hits(rows, np.full(len(rows), code, dtype=np.int64), evidence))
    return Hits.concat(parts)
