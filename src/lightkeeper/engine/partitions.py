"""Input files cut into partitions that workers read on their own, with true line numbers.

- JSONL (not compressed): byte ranges cut at line starts. A range's first line number is one
  more than the newlines before it, counted per range first (`count_newlines`, one task each)
  and summed in order (`numbered`), so quarantine lines keep the numbers the local engine gives.
- Parquet: runs of whole row groups; row numbers come from the file's metadata.
- CSV and anything gzip-compressed: one partition per file (a quoted CSV field may hold a line
  break, and a gzip stream cannot be entered in the middle).

Partitions are listed in input order (file, then position), which is the order the local engine
reads rows in; `read_partition` yields exactly the rows `read_rows` yields for that part, and
`jsonl_partition_blocks` the lines of a JSONL range in blocks, for ingest's fast path.
"""

from __future__ import annotations

import io
import itertools
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from lightkeeper.ads.ingest import RawRow, detect_format, read_rows
from lightkeeper.ads.ingest import readers as _readers
from lightkeeper.ads.ingest.readers import LineBlock
from lightkeeper.errors import InputError

DEFAULT_PARTITION_BYTES = 64 * 1024 * 1024
_SCAN_BLOCK = 1 << 20
PartKind = Literal["jsonl_range", "parquet_row_groups", "whole_file"]


@dataclass(frozen=True, slots=True)
class InputPartition:
    """One piece of one input file.

    For "jsonl_range", `start`/`stop` are byte offsets (`start` at a line start); for
    "parquet_row_groups" they are row group numbers; "whole_file" ignores them. `first_line` is
    the 1-based line (or row) number of the piece's first line in its file.
    """

    path: str
    file_index: int
    kind: PartKind
    start: int = 0
    stop: int = 0
    first_line: int = 1


def plan_partitions(
    paths: Sequence[Path],
    *,
    partitions: int | None = None,
    target_bytes: int = DEFAULT_PARTITION_BYTES,
) -> list[InputPartition]:
    """The partitions of the input files, in input order (line numbers of JSONL ranges unset).

    With `partitions`, splittable bytes are shared out to give about that many pieces (every
    file is at least one); otherwise pieces hold about `target_bytes`. Call `numbered` with
    the newline counts of the JSONL ranges before reading them.
    """
    if partitions is not None and partitions < 1:
        raise ValueError("partitions must be at least 1")
    kinds = [_kind_of(path) for path in paths]
    splittable = sum(
        _size(p) for p, k in zip(paths, kinds, strict=True) if k != "whole_file"
    ) + sum(1 for k in kinds if k == "whole_file")
    if partitions is not None:
        target_bytes = max(1, math.ceil(splittable / partitions))
    out: list[InputPartition] = []
    for index, (path, kind) in enumerate(zip(paths, kinds, strict=True)):
        if kind == "jsonl_range":
            out.extend(_jsonl_ranges(path, index, target_bytes))
        elif kind == "parquet_row_groups":
            out.extend(_parquet_groups(path, index, target_bytes))
        else:
            out.append(InputPartition(str(path), index, "whole_file"))
    return out


def _kind_of(path: Path) -> PartKind:
    fmt = detect_format(path)
    if path.name.lower().endswith(".gz") or fmt == "csv":
        return "whole_file"
    return "jsonl_range" if fmt == "jsonl" else "parquet_row_groups"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e


def _jsonl_ranges(path: Path, index: int, target: int) -> list[InputPartition]:
    size = _size(path)
    cuts = [0]
    try:
        with path.open("rb") as fh:
            for offset in range(target, size, target):
                cut = _line_start_at_or_after(fh, offset)
                if cut > cuts[-1] and cut < size:
                    cuts.append(cut)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
    cuts.append(size)
    return [
        InputPartition(str(path), index, "jsonl_range", lo, hi, 0)
        for lo, hi in itertools.pairwise(cuts)
    ]


def _line_start_at_or_after(fh: io.BufferedReader, offset: int) -> int:
    """The first line start at or after `offset`: just after the first newline from offset-1."""
    fh.seek(offset - 1)
    position = offset - 1
    while True:
        block = fh.read(_SCAN_BLOCK)
        if not block:
            return position
        found = block.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(block)


def _parquet_groups(path: Path, index: int, target: int) -> list[InputPartition]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (pa.ArrowInvalid, OSError) as e:
        raise InputError(f"{path}: not a readable Parquet file: {e}") from e
    out: list[InputPartition] = []
    start, rows_before, first_row, held = 0, 0, 1, 0
    for group in range(meta.num_row_groups):
        held += meta.row_group(group).total_byte_size
        rows_before += meta.row_group(group).num_rows
        if held >= target or group == meta.num_row_groups - 1:
            out.append(
                InputPartition(str(path), index, "parquet_row_groups", start, group + 1, first_row)
            )
            start, first_row, held = group + 1, rows_before + 1, 0
    if not out:
        out.append(InputPartition(str(path), index, "parquet_row_groups", 0, 0, 1))
    return out


def count_newlines(part: InputPartition) -> int:
    """Newlines in a JSONL range (0 for other kinds): what `numbered` sums."""
    if part.kind != "jsonl_range":
        return 0
    total = 0
    try:
        with open(part.path, "rb") as fh:
            fh.seek(part.start)
            left = part.stop - part.start
            while left > 0:
                block = fh.read(min(_SCAN_BLOCK, left))
                if not block:
                    break
                total += block.count(b"\n")
                left -= len(block)
    except OSError as e:
        raise InputError(f"{part.path}: cannot read: {e.strerror or e}") from e
    return total


def numbered(parts: Sequence[InputPartition], newlines: Sequence[int]) -> list[InputPartition]:
    """The partitions with the first line number of every JSONL range set from the counts."""
    out: list[InputPartition] = []
    before: dict[int, int] = {}
    for part, count in zip(parts, newlines, strict=True):
        if part.kind == "jsonl_range":
            seen = before.get(part.file_index, 0)
            out.append(replace(part, first_line=seen + 1))
            before[part.file_index] = seen + count
        else:
            out.append(part)
    return out


def read_partition(part: InputPartition) -> Iterator[RawRow]:
    """The raw rows of one partition, numbered as `read_rows` numbers them in the whole file."""
    if part.kind == "whole_file":
        yield from read_rows(Path(part.path))
    elif part.kind == "parquet_row_groups":
        yield from _parquet_rows(part)
    else:
        yield from _jsonl_rows(part)


def jsonl_partition_blocks(part: InputPartition) -> Iterator[LineBlock]:
    """The lines of a JSONL range in blocks, as `readers.jsonl_blocks` gives a whole file's.

    Only the range's bytes are read. Its lines are numbered from `part.first_line` by the
    caller (`lightkeeper.ads.ingest.check_blocks` takes it). A file that cannot be read fails
    with `InputError`, as `read_partition` does.
    """
    if part.kind != "jsonl_range":
        raise ValueError(f"{part.path}: not a JSONL range but {part.kind}")
    try:
        with open(part.path, "rb", buffering=0) as raw:
            yield from _readers.jsonl_blocks(_range_reader(raw, part))
    except OSError as e:
        raise InputError(f"{part.path}: cannot read: {e}") from e


def _jsonl_rows(part: InputPartition) -> Iterator[RawRow]:
    shift = part.first_line - 1
    try:
        with open(part.path, "rb", buffering=0) as raw:
            # The reader's own line loop (long lines, bad UTF-8, broken JSON) is reused as is.
            for row in _readers._read_jsonl(_range_reader(raw, part), part.path):
                yield replace(row, line=row.line + shift) if shift else row
    except OSError as e:
        raise InputError(f"{part.path}: cannot read: {e}") from e


def _range_reader(raw: io.FileIO, part: InputPartition) -> io.BufferedReader:
    """A buffered reader of the bytes of a JSONL range, from `raw` (a file opened unbuffered)."""
    raw.seek(part.start)
    return io.BufferedReader(_Window(raw, part.stop - part.start), _SCAN_BLOCK)


class _Window(io.RawIOBase):
    """At most `length` bytes of a raw file, from its current position."""

    def __init__(self, raw: io.RawIOBase | io.FileIO, length: int) -> None:
        super().__init__()
        self._raw = raw
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._left)
        got = self._raw.readinto(view[:wanted]) or 0
        self._left -= got
        return got


def _parquet_rows(part: InputPartition) -> Iterator[RawRow]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(part.path)
    except (pa.ArrowInvalid, OSError) as e:
        raise InputError(f"{part.path}: not a readable Parquet file: {e}") from e
    row_no = part.first_line - 1
    groups = list(range(part.start, part.stop))
    if not groups:
        return
    for batch in pf.iter_batches(batch_size=4096, row_groups=groups):
        for value in batch.to_pylist():
            row_no += 1
            raw = _truncated(json.dumps(value, default=str, ensure_ascii=False))
            yield RawRow(part.path, row_no, value=value, raw=raw)


def _truncated(text: str) -> str:
    keep = _readers.RAW_KEEP
    return text if len(text) <= keep else text[:keep] + "…"
