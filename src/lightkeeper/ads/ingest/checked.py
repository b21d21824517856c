"""Validation of a piece of a JSONL file without the duplicate check, for engines that decide
duplicates elsewhere (the Dask engine does it by a shuffle on the ad id).

`check_blocks` gives, for the lines it is handed, what reading them row by row with
`read_rows`, `validate_row` and `content_digest` gives, taking the fast path (`wire`) for
well-formed lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lightkeeper.ads.ingest.dedup import content_digest, wire_digest
from lightkeeper.ads.ingest.readers import LineBlock, OverLong, decode_json_line
from lightkeeper.ads.ingest.stream import Rejection
from lightkeeper.ads.ingest.validate import validate_row
from lightkeeper.ads.ingest.wire import NUL_ESCAPE, admitted_wire, posted_at_of, wire_record
from lightkeeper.ads.types import AdRecord


@dataclass(slots=True)
class CheckedLines:
    """Validated records (all version 1), their warnings and content digests, and rejections."""

    lines: int = 0  # non-blank lines, as `IngestCounts.lines` counts them
    records: list[AdRecord] = field(default_factory=list)
    warnings: list[list[str]] = field(default_factory=list)  # per record
    digests: list[int] = field(default_factory=list)  # content_digest per record, little-endian
    rejections: list[Rejection] = field(default_factory=list)


def check_blocks(blocks: Iterable[LineBlock], *, source: str, first_line: int = 1) -> CheckedLines:
    """Check the lines of `readers.jsonl_blocks` (numbered from `first_line`)."""
    out = CheckedLines()
    line_no = first_line - 1
    for block in blocks:
        if isinstance(block, OverLong):
            line_no += 1
            out.lines += 1
            raw = block.head.decode("utf-8", "replace")
            out.rejections.append(Rejection(source, line_no, block.reason(), raw))
            continue
        nul_in_block = NUL_ESCAPE in b"".join(block)
        for line in block:
            line_no += 1
            ad = admitted_wire(line, nul_possible=nul_in_block)
            if ad is None:
                if line.strip():
                    out.lines += 1
                    _check_carefully(line, source, line_no, out)
                continue
            out.lines += 1
            posted_at, warning = posted_at_of(ad.posted_at)
            out.records.append(wire_record(ad, posted_at, source, line_no, 1))
            out.warnings.append([warning] if warning is not None else [])
            out.digests.append(int.from_bytes(wire_digest(ad), "little"))
    return out


def _check_carefully(line: bytes, source: str, line_no: int, out: CheckedLines) -> None:
    row = decode_json_line(line, source, line_no)
    if row.error is not None:
        out.rejections.append(Rejection(source, line_no, row.error, row.raw))
        return
    checked = validate_row(row.value, source=source, line=line_no)
    if checked.record is None:
        reason = checked.reason or "invalid record"
        out.rejections.append(Rejection(source, line_no, reason, row.raw))
        return
    out.records.append(checked.record)
    out.warnings.append(list(checked.warnings))
    out.digests.append(int.from_bytes(content_digest(row.value), "little"))
