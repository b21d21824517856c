"""Which ads carry which value: the occurrences every kind of link is built from.

An occurrence table is the flat form of a list column (phones, emails, handles, images) or of a
scalar column (template ids, ad ids): one (row, code) pair per distinct value an ad carries,
where `code` indexes `values`. Grouping by value and linking each member to the group's first
member gives a star of edges per value: as connected as all pairs, but linear in size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Occurrences:
    """Distinct (row, value) pairs of one kind of evidence, sorted by (code, row).

    `values[code]` is the value of code `code`; `rows` and `codes` are parallel arrays.
    """

    kind: str
    rows: Int64Array
    codes: Int64Array
    values: pa.Array

    @property
    def n_values(self) -> int:
        """How many distinct values there are (codes run 0..n_values-1)."""
        return len(self.values)

    def ad_counts(self) -> Int64Array:
        """Number of ads that carry each value, indexed by code."""
        return np.bincount(self.codes, minlength=self.n_values).astype(np.int64)


def list_occurrences(column: pa.ChunkedArray | pa.Array, kind: str) -> Occurrences:
    """Occurrences of the values of a list<string> column (nulls and empty strings skipped)."""
    array = _combined(column)
    flat = pc.list_flatten(array)
    parents = np.asarray(pc.list_parent_indices(array), dtype=np.int64)
    return _occurrences(flat, parents, kind)


def scalar_occurrences(column: pa.ChunkedArray | pa.Array, kind: str) -> Occurrences:
    """Occurrences of the values of a string column (nulls and empty strings skipped)."""
    array = _combined(column)
    return _occurrences(array, np.arange(len(array), dtype=np.int64), kind)


def _combined(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks()
    return column


def _occurrences(values: pa.Array, rows: Int64Array, kind: str) -> Occurrences:
    values = values.cast(pa.string())
    keep = pc.and_(pc.is_valid(values), pc.not_equal(pc.utf8_length(values), 0))
    keep = np.asarray(pc.fill_null(keep, False), dtype=bool)
    kept = values.filter(pa.array(keep))
    encoded = pc.dictionary_encode(kept)
    codes = np.asarray(encoded.indices, dtype=np.int64)
    return _sorted_unique(kind, rows[keep], codes, encoded.dictionary)


def _sorted_unique(kind: str, rows: Int64Array, codes: Int64Array, values: pa.Array) -> Occurrences:
    order = np.lexsort((rows, codes))
    rows, codes = rows[order], codes[order]
    if len(rows):
        fresh = np.ones(len(rows), dtype=bool)
        fresh[1:] = (rows[1:] != rows[:-1]) | (codes[1:] != codes[:-1])
        rows, codes = rows[fresh], codes[fresh]
    return Occurrences(kind, rows, codes, values)


def occurrences_from_codes(
    kind: str, rows: Int64Array, codes: Int64Array, values: pa.Array
) -> Occurrences:
    """Occurrences from raw (row, code) pairs, deduplicated and sorted."""
    return _sorted_unique(kind, rows.astype(np.int64), codes.astype(np.int64), values)


def star_edges(occ: Occurrences, *, linking: npt.NDArray[np.bool_] | None = None) -> Int64Array:
    """Edges (first member, member, code) linking the ads of each value, as an (E, 3) array.

    `linking[code]` False drops a value (a hub): its ads keep it but it creates no edge.
    """
    rows, codes = occ.rows, occ.codes
    if linking is not None:
        mask = linking[codes]
        rows, codes = rows[mask], codes[mask]
    if not len(rows):
        return np.zeros((0, 3), dtype=np.int64)
    # Occurrences are sorted by (code, row): a group's first row is where its code starts.
    starts = np.ones(len(codes), dtype=bool)
    starts[1:] = codes[1:] != codes[:-1]
    group = np.cumsum(starts) - 1
    first = rows[starts][group]
    member = ~starts
    return np.stack([first[member], rows[member], codes[member]], axis=1)
