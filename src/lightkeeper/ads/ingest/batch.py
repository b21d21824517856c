"""A batch of admitted records that is cheap to build and to pickle.

The process that reads the input only checks each line (see `stream.ingest_batches`); a line
the fast path admitted is kept as its raw bytes, and the `AdRecord`s are built where the batch
is read, usually a worker process. Pickling sends the raw lines and a few ints per record,
which costs far less than pickling records field by field.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from lightkeeper.ads.ingest.wire import decode_wire, posted_at_of, wire_record
from lightkeeper.ads.types import AdRecord


class AdBatch(Sequence[AdRecord]):
    """Records in input order, each a raw JSONL line (fast path) or a built `AdRecord`.

    Reading it (`len` aside) builds every record once and keeps them; pickling leaves the built
    records out again, unless they were built by the careful path.
    """

    __slots__ = ("_built", "_items", "_lines", "_sources", "_versions", "_where")

    def __init__(self) -> None:
        self._sources: list[str] = []
        self._items: list[bytes | AdRecord] = []
        self._where: list[int] = []  # index into _sources, per item
        self._lines: list[int] = []
        self._versions: list[int] = []
        self._built: list[AdRecord] | None = None

    def add_source(self, source: str) -> int:
        """The index of `source` for `add_line`, adding it if it is new."""
        if not self._sources or self._sources[-1] != source:
            self._sources.append(source)
        return len(self._sources) - 1

    def add_line(self, raw: bytes, source: int, line: int, version: int) -> None:
        """Add a line the fast path admitted (`source` from `add_source`)."""
        self._items.append(raw)
        self._where.append(source)
        self._lines.append(line)
        self._versions.append(version)
        self._built = None

    def add_record(self, record: AdRecord) -> None:
        """Add a record the careful path built."""
        self._items.append(record)
        self._where.append(0)
        self._lines.append(record.line)
        self._versions.append(record.version)
        self._built = None

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> AdRecord: ...
    @overload
    def __getitem__(self, index: slice) -> list[AdRecord]: ...
    def __getitem__(self, index: int | slice) -> AdRecord | list[AdRecord]:
        return self.records()[index]

    def __iter__(self) -> Iterator[AdRecord]:
        return iter(self.records())

    def records(self) -> list[AdRecord]:
        """The records, built on first use (decoding the raw lines again)."""
        if self._built is None:
            self._built = [
                _record(item, self._sources[where], line, version)
                for item, where, line, version in zip(
                    self._items, self._where, self._lines, self._versions, strict=True
                )
            ]
        return self._built

    def __reduce__(self) -> tuple[Any, ...]:
        state = (self._sources, self._items, self._where, self._lines, self._versions)
        return (_restore, state)


def _record(item: bytes | AdRecord, source: str, line: int, version: int) -> AdRecord:
    if type(item) is not bytes:
        assert isinstance(item, AdRecord)
        return item
    ad = decode_wire(item)  # admitted by this very decoder, so it cannot fail here
    posted_at, _ = posted_at_of(ad.posted_at)
    return wire_record(ad, posted_at, source, line, version)


def _restore(
    sources: list[str],
    items: list[bytes | AdRecord],
    where: list[int],
    lines: list[int],
    versions: list[int],
) -> AdBatch:
    batch = AdBatch()
    batch._sources, batch._items, batch._where = sources, items, where
    batch._lines, batch._versions = lines, versions
    return batch
