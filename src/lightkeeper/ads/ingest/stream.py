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
    OverLong,
    RawRow,
    decode_json_line,
    detect_format,
    read_jsonl_blocks,
    read_rows,
)
from lightkeeper.ads.ingest.validate import validate_row
from lightkeeper.ads.ingest.wire import (
    DECODE_ERRORS,
    NUL_ESCAPE,
    decode_wire,
    posted_at_of,
    wire_record,
)
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


# A line the fast path admitted, left raw for `AdBatch`: (line bytes, line number, version).
_RawLine = tuple[bytes, int, int]


def ingest(paths: Iterable[Path], *, counts: IngestCounts) -> Iterator[IngestItem]:
    """Stream validated records and rejections from the input files, updating `counts`.

    Duplicates (same id, same content) are counted and skipped; a repeated id with different
    content is yielded as a new version (version 2, 3, ...).
    """
    dedup = Deduplicator()
    for path in paths:
        yield from _admitted(path, dedup, counts, raw=False)  # type: ignore[misc]


def ingest_batches(
    paths: Iterable[Path], *, counts: IngestCounts, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[IngestBatch]:
    """`ingest` in batches of up to `batch_size` records, cheap for this process to make and
    to send to another: a line the fast path admits stays raw bytes until the batch is read
    (`AdBatch` decodes it again on first access, in whichever process that is).

    Records and rejections keep input order within and across batches; a batch is also cut
    when `batch_size` rejections have piled up, so a hostile file does not fill memory.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    dedup = Deduplicator()
    batch = AdBatch()
    rejections: list[Rejection] = []
    for path in paths:
        source = batch.add_source(str(path))
        for item in _admitted(path, dedup, counts, raw=True):
            if type(item) is tuple:
                batch.add_line(item[0], source, item[1], item[2])
            elif type(item) is Rejection:
                rejections.append(item)
            else:
                batch.add_record(item)  # type: ignore[arg-type]
            if len(batch) >= batch_size or len(rejections) >= batch_size:
                yield IngestBatch(batch, rejections)
                batch, rejections = AdBatch(), []
                source = batch.add_source(str(path))
    if len(batch) or rejections:
        yield IngestBatch(batch, rejections)


def _admitted(
    path: Path, dedup: Deduplicator, counts: IngestCounts, *, raw: bool
) -> Iterator[_RawLine | AdRecord | Rejection]:
    """Records (raw lines of the fast path if `raw`) and rejections of one file, in order."""
    if detect_format(path) != "jsonl":
        for row in read_rows(path):
            counts.lines += 1
            item = _admit(row, dedup, counts)
            if item is not None:
                yield item
        return
    source = str(path)
    line_no = 0
    for block in read_jsonl_blocks(path):
        if type(block) is list:
            yield from _admitted_lines(block, source, line_no, dedup, counts, raw=raw)
            line_no += len(block)
        else:
            assert isinstance(block, OverLong)
            line_no += 1
            counts.lines += 1
            counts.quarantined += 1
            head = block.head.decode("utf-8", "replace")
            yield Rejection(source, line_no, block.reason(), head)


def _admitted_lines(
    lines: list[bytes],
    source: str,
    line_no: int,
    dedup: Deduplicator,
    counts: IngestCounts,
    *,
    raw: bool,
) -> Iterator[_RawLine | AdRecord | Rejection]:
    """The fast path over a block of lines (each with its newline, as in the file).

    The hot loop of ingest: locals only, and the counts of the fast path added once per block.
    """
    seen, version_of_key = dedup.seen, dedup.version_of_key
    fast = duplicates = new_versions = 0
    # One search of the whole block is much cheaper than one per line.
    nul_in_block = NUL_ESCAPE in b"".join(lines)
    try:
        for line in lines:
            line_no += 1
            try:  # msgspec would accept an escaped NUL: such a line takes the careful path
                ad = None if nul_in_block and NUL_ESCAPE in line else decode_wire(line)
            except DECODE_ERRORS:
                ad = None
            if ad is not None:
                title, body = ad.title, ad.body  # UNSET and None are both false
                if not (ad.id.strip() and ((title and title.strip()) or (body and body.strip()))):
                    ad = None
            if ad is None:  # blank, broken or invalid: the careful path says which
                if line.strip():
                    counts.lines += 1
                    item = _admit(decode_json_line(line, source, line_no), dedup, counts)
                    if item is not None:
                        yield item
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
                yield line, line_no, version
            else:
                yield wire_record(ad, posted_at, source, line_no, version)
    finally:  # also when the consumer stops early
        counts.lines += fast
        counts.analysed += fast - duplicates
        counts.duplicates += duplicates
        counts.new_versions += new_versions


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
