"""The ingest stage: raw rows -> validated, de-duplicated records or quarantined rejections.

JSONL lines take a fast path (`wire`: one msgspec call decodes and checks a well-formed line)
and fall back to the careful path (`readers.decode_json_line`, `validate_row`) for any line the
fast path does not accept, so every bad line keeps its exact reason. CSV and Parquet rows take
the careful path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lightkeeper.ads.ingest.batch import AdBatch
from lightkeeper.ads.ingest.dedup import DUPLICATE, Deduplicator, content_key
from lightkeeper.ads.ingest.readers import (
    LineBlock,
    OverLong,
    RawRow,
    decode_json_line,
    detect_format,
    raw_of_value,
    read_jsonl_blocks,
    read_rows,
)
from lightkeeper.ads.ingest.validate import validate_row
from lightkeeper.ads.ingest.wire import NUL_ESCAPE, admitted_wire, posted_at_of, wire_record
from lightkeeper.ads.types import AdRecord

MAX_WARNING_SAMPLES = 20
DEFAULT_BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that could not be analysed, with where it was and why."""

    source: str
    line: int
    reason: str
    raw: str

    def to_json(self) -> dict[str, Any]:
        """The quarantine-file form of this rejection."""
        return {"file": self.source, "line": self.line, "reason": self.reason, "raw": self.raw}


@dataclass(slots=True)
class IngestCounts:
    """Ingest accounting: lines == analysed + duplicates + quarantined, always."""

    lines: int = 0
    analysed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    new_versions: int = 0
    warnings: int = 0
    warning_samples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Whether every non-blank line is accounted for."""
        return self.lines == self.analysed + self.duplicates + self.quarantined

    def add_warning(self, source: str, line: int, message: str) -> None:
        """Count a warning and keep the first few as samples for the summary."""
        self.warnings += 1
        if len(self.warning_samples) < MAX_WARNING_SAMPLES:
            self.warning_samples.append({"file": source, "line": line, "warning": message})


IngestItem = AdRecord | Rejection


@dataclass(slots=True)
class IngestBatch:
    """Up to a batch of admitted records, and the rejections met while reading them.

    `records` pickles as the raw lines it came from (see `AdBatch`): hand it to a worker whole.
    """

    records: AdBatch
    rejections: list[Rejection]


def ingest(paths: Iterable[Path], *, counts: IngestCounts) -> Iterator[IngestItem]:
    """Stream validated records and rejections from the input files, updating `counts`.

    Duplicates (same id, same content) are counted and skipped; a repeated id with different
    content is yielded as a new version (version 2, 3, ...). A JSONL file is read a block
    (`readers.BLOCK_BYTES`) at a time, and `counts` take in a block before its items come out.
    """
    dedup = Deduplicator()
    for path in paths:
        if detect_format(path) != "jsonl":
            yield from _careful_items(path, dedup, counts)
            continue
        items: list[IngestItem] = []
        out = _Out(items, items)  # one list: records and rejections stay in input order
        line_no = 0
        for block in read_jsonl_blocks(path):
            line_no = _admit_block(block, str(path), line_no, dedup, counts, out=out)
            yield from items
            items.clear()


def ingest_batches(
    paths: Iterable[Path], *, counts: IngestCounts, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[IngestBatch]:
    """`ingest` in batches of up to `batch_size` records, cheap for this process to make and
    to send to another: a line the fast path admits stays raw bytes until the batch is read
    (`AdBatch` decodes it again on first access, in whichever process that is).

    Records keep input order within and across batches, and so do rejections. A batch holds at
    most `batch_size` rejections too, so a hostile file does not fill memory.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    dedup = Deduplicator()
    out = _Out([], [], raw=True)
    for path in paths:
        source = str(path)
        if detect_format(path) != "jsonl":
            for item in _careful_items(path, dedup, counts):
                out.add(item, source)
                yield from out.full_batches(batch_size)
            continue
        line_no = 0
        for block in read_jsonl_blocks(path):
            line_no = _admit_block(block, source, line_no, dedup, counts, out=out)
            yield from out.full_batches(batch_size)
    yield from out.full_batches(batch_size, last=True)


@dataclass(slots=True)
class _Out:
    """Where the admitted records and the rejections of a block go.

    With `raw`, a record the fast path admits goes in as its line's bytes, and every record
    has its source, line number and version in the lists beside (the columns of `AdBatch`).
    """

    records: list[Any]
    rejections: list[Any]
    raw: bool = False
    sources: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)

    def add(self, item: IngestItem, source: str) -> None:
        """Add a record or rejection of the careful path."""
        if type(item) is Rejection:
            self.rejections.append(item)
            return
        assert isinstance(item, AdRecord)
        self.records.append(item)
        if self.raw:
            self.sources.append(source)
            self.lines.append(item.line)
            self.versions.append(item.version)

    def full_batches(self, size: int, *, last: bool = False) -> Iterator[IngestBatch]:
        """Take out the batches that are full (and, if `last`, what is left)."""
        while (
            len(self.records) >= size
            or len(self.rejections) >= size
            or (last and (self.records or self.rejections))
        ):
            records = AdBatch(
                self.sources[:size], self.records[:size], self.lines[:size], self.versions[:size]
            )
            batch = IngestBatch(records, self.rejections[:size])
            for column in (self.records, self.rejections, self.sources, self.lines, self.versions):
                del column[:size]
            yield batch


def _careful_items(path: Path, dedup: Deduplicator, counts: IngestCounts) -> Iterator[IngestItem]:
    lazy_raw = detect_format(path) == "parquet"
    for row in read_rows(path, raw_parquet=not lazy_raw):
        counts.lines += 1
        item = _admit(row, dedup, counts)
        if item is not None:
            if lazy_raw and type(item) is Rejection:
                item = replace(item, raw=raw_of_value(row.value))
            yield item


def _admit_block(
    block: LineBlock,
    source: str,
    line_no: int,
    dedup: Deduplicator,
    counts: IngestCounts,
    *,
    out: _Out,
) -> int:
    """Admit the lines of one block into `out`; returns the number of the block's last line.

    The hot loop of ingest: the fast path over each line (each with its newline, as in the
    file), locals only, and the counts of the fast path added once per block.
    """
    if type(block) is not list:
        assert isinstance(block, OverLong)
        counts.lines += 1
        counts.quarantined += 1
        head = block.head.decode("utf-8", "replace")
        out.rejections.append(Rejection(source, line_no + 1, block.reason(), head))
        return line_no + 1
    seen, version_of_key = dedup.seen, dedup.version_of_key
    add_record, raw = out.records.append, out.raw
    add_source, add_line, add_version = out.sources.append, out.lines.append, out.versions.append
    fast = duplicates = new_versions = 0
    # One search of the whole block is much cheaper than one per line.
    nul_in_block = NUL_ESCAPE in b"".join(block)
    for line in block:
        line_no += 1
        ad = admitted_wire(line, nul_possible=nul_in_block)
        if ad is None:  # blank, broken or invalid: the careful path says which
            if line.strip():
                counts.lines += 1
                item = _admit(decode_json_line(line, source, line_no), dedup, counts)
                if item is not None:
                    out.add(item, source)
            continue
        fast += 1
        ad_id, key = ad.id, hash(ad)
        if ad_id not in seen:  # most ids come once
            seen[ad_id] = key
            version = 1
        else:
            version = version_of_key(ad_id, key)
            if version == DUPLICATE:
                duplicates += 1
                continue
            if version > 1:
                new_versions += 1
        posted_at, warning = posted_at_of(ad.posted_at)
        if warning is not None:
            counts.add_warning(source, line_no, warning)
        if raw:
            add_record(line)
            add_source(source)
            add_line(line_no)
            add_version(version)
        else:
            add_record(wire_record(ad, posted_at, source, line_no, version))
    counts.lines += fast
    counts.analysed += fast - duplicates
    counts.duplicates += duplicates
    counts.new_versions += new_versions
    return line_no


def _admit(row: RawRow, dedup: Deduplicator, counts: IngestCounts) -> IngestItem | None:
    if row.error is not None:
        counts.quarantined += 1
        return Rejection(row.source, row.line, row.error, row.raw)
    checked = validate_row(row.value, source=row.source, line=row.line)
    if checked.record is None:
        counts.quarantined += 1
        return Rejection(row.source, row.line, checked.reason or "invalid record", row.raw)
    version = dedup.version_of_key(checked.record.id, content_key(row.value))
    if version == DUPLICATE:
        counts.duplicates += 1
        return None
    for message in checked.warnings:
        counts.add_warning(row.source, row.line, message)
    counts.analysed += 1
    if version > 1:
        counts.new_versions += 1
        return replace(checked.record, version=version)
    return checked.record
