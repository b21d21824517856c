"""Capture histories: read them from a table or build them from records.

A capture-history table has one 0/1 column per list and a ``count`` column: the number of
people seen on exactly that combination of lists. Internally the counts live in a vector
over the ``2**m - 1`` observable cells, where cell ``c`` stands for the bit mask ``c + 1``
(bit ``i`` set means "on list ``i``"). The all-zero history is the dark figure and is never
observed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lightkeeper.errors import InputError

COUNT_COLUMNS = ("count", "freq", "frequency")
MAX_INPUT_LISTS = 30
MAX_INPUT_BYTES = 200_000_000

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CaptureTable:
    """Counts of people per capture history over named lists.

    ``histories`` is an (rows, lists) array of 0/1 and ``counts`` the matching positive
    counts. Rows keep the order of the input (a history may even repeat): the R-compatible
    bootstrap draws over the rows in that order, as SparseMSE does.
    """

    lists: tuple[str, ...]
    histories: npt.NDArray[np.int8]
    counts: IntArray

    @property
    def observed(self) -> int:
        """Number of people seen on at least one list."""
        return int(self.counts.sum())

    @property
    def n_lists(self) -> int:
        """Number of lists."""
        return len(self.lists)


@dataclass(frozen=True)
class RemovedList:
    """A list dropped before estimation, and why."""

    name: str
    reason: str


def cell_counts(table: CaptureTable) -> IntArray:
    """Counts over all ``2**m - 1`` observable cells (cell ``c`` is bit mask ``c + 1``)."""
    weights = 1 << np.arange(table.n_lists, dtype=np.int64)
    masks = table.histories.astype(np.int64) @ weights
    out = np.zeros((1 << table.n_lists) - 1, dtype=np.int64)
    np.add.at(out, masks - 1, table.counts)
    return out


def table_from_histories(
    lists: Sequence[str], histories: npt.ArrayLike, counts: npt.ArrayLike
) -> CaptureTable:
    """Build a table from raw rows in their order, dropping rows with a zero count.

    Raises InputError for values other than 0/1, negative counts, or people counted on no list.
    """
    names = tuple(str(name) for name in lists)
    _check_list_names(names)
    hist = np.asarray(histories, dtype=np.int64).reshape(-1, len(names))
    cnt = np.asarray(counts, dtype=np.int64).reshape(-1)
    if hist.shape[0] != cnt.shape[0]:
        raise InputError("The capture histories and the counts have different lengths.")
    if np.any((hist != 0) & (hist != 1)):
        raise InputError("Capture histories must contain only 0 and 1.")
    if np.any(cnt < 0):
        raise InputError("Counts must not be negative.")
    unseen = (hist.sum(axis=1) == 0) & (cnt > 0)
    if np.any(unseen):
        raise InputError("A row with a positive count is on no list; such people cannot be seen.")
    keep = cnt > 0
    if not np.any(keep):
        raise InputError("The input has no positive counts.")
    return CaptureTable(lists=names, histories=hist[keep].astype(np.int8), counts=cnt[keep])


def parse_capture_table(text: str, *, source: str = "input") -> CaptureTable:
    """Parse a CSV capture-history table: 0/1 list columns and a ``count`` column.

    The count column is the one named count, freq or frequency (any case); every other column
    is a list. Rows with a zero count may be omitted.
    """
    rows = _csv_rows(text, source=source)
    header = [name.strip() for name in rows[0]]
    lowered = [name.lower() for name in header]
    count_at = next((lowered.index(name) for name in COUNT_COLUMNS if name in lowered), None)
    if count_at is None:
        raise InputError(f"{source} has no count column: name one column 'count'.")
    list_at = [i for i in range(len(header)) if i != count_at]
    if not list_at:
        raise InputError(f"{source} has a count column but no list columns.")
    if len(list_at) > MAX_INPUT_LISTS:
        raise InputError(f"{source} has {len(list_at)} lists; at most {MAX_INPUT_LISTS} are read.")
    histories: list[list[int]] = []
    counts: list[int] = []
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(
                f"{source} line {line_no}: expected {len(header)} fields, found {len(row)}."
            )
        histories.append([_zero_one(row[i], source, line_no, header[i]) for i in list_at])
        counts.append(_count(row[count_at], source, line_no))
    if not counts:
        raise InputError(f"{source} has a header but no rows.")
    return table_from_histories([header[i] for i in list_at], histories, counts)


def read_capture_table(path: Path) -> CaptureTable:
    """Read a CSV capture-history table from ``path`` (see `parse_capture_table`)."""
    return parse_capture_table(_read_text(path), source=str(path))


def table_from_records(records: Iterable[tuple[str, str]]) -> CaptureTable:
    """Build capture histories from (list name, person key) pairs.

    A person appears once per list however many records they have there; lists are ordered
    by first appearance, histories by the first person who has them.
    """
    lists: dict[str, int] = {}
    people: dict[str, int] = {}
    for list_name, key in records:
        bit = lists.setdefault(list_name, len(lists))
        if bit >= MAX_INPUT_LISTS:
            raise InputError(f"The records name more than {MAX_INPUT_LISTS} lists.")
        people[key] = people.get(key, 0) | (1 << bit)
    if not people:
        raise InputError("The records file has no records.")
    per_history: dict[int, int] = {}
    for mask in people.values():
        per_history[mask] = per_history.get(mask, 0) + 1
    masks = np.fromiter(per_history, dtype=np.int64, count=len(per_history))
    bits = np.arange(len(lists), dtype=np.int64)
    histories = (masks[:, None] >> bits[None, :]) & 1
    counts = np.fromiter(per_history.values(), dtype=np.int64, count=len(per_history))
    return table_from_histories(list(lists), histories, counts)


def parse_records(
    text: str, *, list_col: str = "list", key_col: str = "key", source: str = "input"
) -> CaptureTable:
    """Parse a CSV of one row per record (a list name and a person key) into histories."""
    rows = _csv_rows(text, source=source)
    header = [name.strip() for name in rows[0]]
    for wanted in (list_col, key_col):
        if wanted not in header:
            raise InputError(
                f"{source} has no column '{wanted}' (columns: {', '.join(header)}); "
                "set --list-col and --key-col."
            )
    list_at, key_at = header.index(list_col), header.index(key_col)
    pairs: list[tuple[str, str]] = []
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(
                f"{source} line {line_no}: expected {len(header)} fields, found {len(row)}."
            )
        list_name, key = row[list_at].strip(), row[key_at].strip()
        if not list_name or not key:
            raise InputError(f"{source} line {line_no}: the list name or the key is empty.")
        pairs.append((list_name, key))
    return table_from_records(pairs)


def read_records(path: Path, *, list_col: str = "list", key_col: str = "key") -> CaptureTable:
    """Read a CSV of records from ``path`` (see `parse_records`)."""
    return parse_records(_read_text(path), list_col=list_col, key_col=key_col, source=str(path))


def remove_noninformative_lists(
    table: CaptureTable,
) -> tuple[CaptureTable, tuple[RemovedList, ...]]:
    """Drop lists that carry no information, as SparseMSE's removenoninformativelists does.

    A list is dropped when it repeats an earlier list exactly, when nobody is on it, or when
    everybody observed is on it. People left on no list by the removal are dropped with it:
    from the remaining lists' point of view they are part of the unobserved.
    """
    removed: list[RemovedList] = []
    keep: list[int] = []
    total = table.observed
    for i, name in enumerate(table.lists):
        column = table.histories[:, i]
        twin = next((j for j in keep if np.array_equal(table.histories[:, j], column)), None)
        on_list = int(table.counts[column == 1].sum())
        if twin is not None:
            removed.append(RemovedList(name, f"it repeats list {table.lists[twin]} exactly"))
        elif on_list == 0:
            removed.append(RemovedList(name, "nobody is on it"))
        elif on_list == total:
            removed.append(RemovedList(name, "everybody observed is on it"))
        else:
            keep.append(i)
    if not removed:
        return table, ()
    if not keep:
        return CaptureTable((), np.zeros((0, 0), dtype=np.int8), table.counts[:0]), tuple(removed)
    histories = table.histories[:, keep]
    seen = histories.sum(axis=1) > 0
    reduced = table_from_histories(
        [table.lists[i] for i in keep], histories[seen], table.counts[seen]
    )
    return reduced, tuple(removed)


def permute_lists(table: CaptureTable, order: Sequence[int]) -> CaptureTable:
    """The same table with its lists (columns) in the given order."""
    idx = list(order)
    if sorted(idx) != list(range(table.n_lists)):
        raise ValueError("order must be a permutation of the list indices")
    return table_from_histories(
        [table.lists[i] for i in idx], table.histories[:, idx], table.counts
    )


def _check_list_names(names: tuple[str, ...]) -> None:
    if any(not name for name in names):
        raise InputError("Every list needs a non-empty name.")
    if len(set(names)) != len(names):
        raise InputError(f"List names must be unique: {', '.join(names)}.")
    if any(":" in name for name in names):
        raise InputError("List names must not contain ':' (it joins two lists in a term).")


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{path} is larger than {MAX_INPUT_BYTES // 1_000_000} MB.")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(f"{path} does not exist.") from e
    except IsADirectoryError as e:
        raise InputError(f"{path} is a directory, not a CSV file.") from e
    except UnicodeDecodeError as e:
        raise InputError(f"{path} is not UTF-8 text.") from e
    except OSError as e:
        raise InputError(f"{path} cannot be read: {e.strerror}.") from e


def _csv_rows(text: str, *, source: str) -> list[list[str]]:
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(f.strip() for f in row)]
    except csv.Error as e:
        raise InputError(f"{source} is not valid CSV: {e}.") from e
    if not rows:
        raise InputError(f"{source} is empty.")
    return rows


def _zero_one(value: str, source: str, line_no: int, column: str) -> int:
    text = value.strip()
    if text in ("0", "1"):
        return int(text)
    raise InputError(
        f"{source} line {line_no}: list column '{column}' must be 0 or 1, found '{text}'."
    )


def _count(value: str, source: str, line_no: int) -> int:
    text = value.strip()
    try:
        number = float(text)
    except ValueError as e:
        raise InputError(f"{source} line {line_no}: the count '{text}' is not a number.") from e
    if not np.isfinite(number) or number != int(number):
        raise InputError(f"{source} line {line_no}: the count '{text}' is not a whole number.")
    if number < 0:
        raise InputError(f"{source} line {line_no}: the count {text} is negative.")
    return int(number)
