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

    Made from columns: per record its raw line or record, source file, line number and
    version. Reading it (`len` aside) builds every record once and keeps them; pickling sends
    the columns only.
    """

    __slots__ = ("_built", "_items", "_lines", "_sources", "_versions")

    def __init__(
        self,
        sources: list[str] | None = None,
        items: list[bytes | AdRecord] | None = None,
        lines: list[int] | None = None,
        versions: list[int] | None = None,
    ) -> None:
        self._items = items or []
        self._sources = sources or []
        self._lines = lines or []
        self._versions = versions or []
        if not len(self._items) == len(self._sources) == len(self._lines) == len(self._versions):
            raise ValueError("AdBatch columns must have the same length")
        self._built: list[AdRecord] | None = None

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
                _record(item, source, line, version)
                for item, source, line, version in zip(
                    self._items, self._sources, self._lines, self._versions, strict=True
                )
            ]
        return self._built

    def __reduce__(self) -> tuple[Any, ...]:
        # The same str object repeated in _sources pickles once, then as a memo reference.
        return (AdBatch, (self._sources, self._items, self._lines, self._versions))


def _record(item: bytes | AdRecord, source: str, line: int, version: int) -> AdRecord:
    if type(item) is not bytes:
        assert isinstance(item, AdRecord)
        return item
    ad = decode_wire(item)  # admitted by this very decoder, so it cannot fail here
    posted_at, _ = posted_at_of(ad.posted_at)
    return wire_record(ad, posted_at, source, line, version)
