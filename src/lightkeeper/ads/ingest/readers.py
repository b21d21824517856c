"""Streaming readers for ad files: JSONL, JSONL.gz, CSV (optionally .gz) and Parquet.

Each reader yields `RawRow`s one at a time so memory stays flat however large the file is. A row
that cannot even be decoded (invalid UTF-8, an over-long line, broken JSON) is still yielded, with
`error` set, so that it can be quarantined with its line number instead of being lost.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from lightkeeper.errors import InputError

MAX_LINE_BYTES = (
    8 * 1024 * 1024
)  # a body may hold 1,000,000 characters, escaped up to ~6 bytes each
BLOCK_BYTES = 1 << 18  # bytes read at a time from a JSONL file
RAW_KEEP = 1000  # characters of a rejected line kept in the quarantine file
CSV_LIST_SEPARATOR = "|"
_CSV_LIST_FIELDS = frozenset({"images"})
# What the "surrogateescape" error handler makes of a byte that is not UTF-8.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One input row before validation: where it is, its value, or why it is unreadable."""

    source: str
    line: int
    value: Any = None
    raw: str = ""  # the raw text, truncated to RAW_KEEP characters, for the quarantine file
    error: str | None = None


def detect_format(path: Path) -> str:
    """Return 'jsonl', 'csv' or 'parquet' from the file name (a trailing .gz is allowed)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise InputError(
        f"{path}: unknown input format; use .jsonl, .jsonl.gz, .csv, .csv.gz or .parquet"
    )


def read_rows(path: Path, *, raw_parquet: bool = True) -> Iterator[RawRow]:
    """Stream the rows of one input file, whatever its format. Blank lines are skipped.

    With `raw_parquet=False`, Parquet rows come without their `raw` text (it is the costliest
    part of reading them): a caller that quarantines one makes it with `raw_of_value`.
    """
    fmt = _checked_format(path)
    try:
        if fmt == "parquet":
            yield from _read_parquet(path, keep_raw=raw_parquet)
        else:
            with _open_binary(path) as fh:
                yield from (_read_jsonl(fh, str(path)) if fmt == "jsonl" else _read_csv(fh, path))
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(f"{path}: cannot read: {e}") from e


def read_jsonl_blocks(path: Path) -> Iterator[LineBlock]:
    """The lines of one JSONL file (maybe gzipped) in blocks: see `jsonl_blocks`.

    Fails as `read_rows` does on a missing, unreadable or non-JSONL file.
    """
    if _checked_format(path) != "jsonl":
        raise InputError(f"{path}: not a JSONL file")
    try:
        with _open_binary(path) as fh:
            yield from jsonl_blocks(fh)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(f"{path}: cannot read: {e}") from e


def _checked_format(path: Path) -> str:
    fmt = detect_format(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    return fmt


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _truncate(text: str) -> str:
    return text if len(text) <= RAW_KEEP else text[:RAW_KEEP] + "…"


@dataclass(frozen=True, slots=True)
class OverLong:
    """A line longer than MAX_LINE_BYTES, of which only the first RAW_KEEP bytes are kept."""

    head: bytes

    def reason(self) -> str:
        """Why the line is quarantined."""
        return f"line longer than {MAX_LINE_BYTES} bytes"


LineBlock = list[bytes] | OverLong


def jsonl_blocks(fh: IO[bytes], *, block_bytes: int = BLOCK_BYTES) -> Iterator[LineBlock]:
    """Every line of a JSONL stream, in order, read in large blocks.

    Yields lists of lines, each with the newline that ended it (the stream's last line may have
    none), blank lines included since they count for line numbers; and an over-long line alone
    as `OverLong` (the rest of it is skipped). Only newlines end lines.
    """
    block_bytes = min(block_bytes, MAX_LINE_BYTES)  # so only a carried-over line can be too long
    pending: list[bytes] = []  # the start of a line that runs past the blocks read so far
    pending_len = 0
    skipping = False  # inside an over-long line, until its newline
    while block := fh.read(block_bytes):
        lines = io.BytesIO(block).readlines()  # memchr per line, where bytes.split goes by byte
        tail = lines.pop() if lines[-1][-1:] != b"\n" else b""  # the start of the next line
        if not lines:  # no newline in this block
            if not skipping:
                pending.append(tail)
                pending_len += len(tail)
                if pending_len > MAX_LINE_BYTES:
                    yield OverLong(_head(b"".join(pending)))
                    pending, pending_len, skipping = [], 0, True
            continue
        if skipping:
            del lines[0]  # the end of the over-long line
            skipping = False
        elif pending:
            first = b"".join(pending) + lines[0]
            if len(first) > MAX_LINE_BYTES + 1:  # not counting its newline
                yield OverLong(_head(first))
                del lines[0]
            else:
                lines[0] = first
        if lines:
            yield lines
        pending, pending_len = ([tail], len(tail)) if tail else ([], 0)
    if pending and not skipping:
        yield [b"".join(pending)]


def _head(line: bytes) -> bytes:
    # What the quarantine keeps of an over-long line: as many bytes as a line-by-line reader
    # that reads at most MAX_LINE_BYTES + 1 bytes of a line would have (MAX_LINE_BYTES may be
    # lowered in tests).
    return line[: min(RAW_KEEP, MAX_LINE_BYTES + 1)]


def _read_jsonl(fh: IO[bytes], source: str) -> Iterator[RawRow]:
    line_no = 0
    for block in jsonl_blocks(fh):
        if isinstance(block, OverLong):
            line_no += 1
            raw = _truncate(block.head.decode("utf-8", "replace"))
            yield RawRow(source, line_no, raw=raw, error=block.reason())
            continue
        for line in block:
            line_no += 1
            if line.strip():
                yield decode_json_line(line, source, line_no)


def decode_json_line(chunk: bytes, source: str, line_no: int) -> RawRow:
    """The careful decoding of one line (with its newline, if it had one) into a `RawRow`."""
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError as e:
        raw = _truncate(chunk.decode("utf-8", "replace"))
        return RawRow(source, line_no, raw=raw, error=f"invalid UTF-8 at byte {e.start}")
    raw = _truncate(text.rstrip("\r\n"))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        return RawRow(
            source, line_no, raw=raw, error=f"unparsable JSON: {e.msg} at column {e.colno}"
        )
    except RecursionError:
        return RawRow(source, line_no, raw=raw, error="unparsable JSON: nested too deeply")
    return RawRow(source, line_no, value=value, raw=raw)


def _read_csv(fh: IO[bytes], path: Path) -> Iterator[RawRow]:
    source = str(path)
    delimiter = "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","
    with io.TextIOWrapper(fh, encoding="utf-8", errors="surrogateescape", newline="") as text:
        yield from _csv_rows(csv.reader(text, delimiter=delimiter), source)


def _csv_rows(reader: Any, source: str) -> Iterator[RawRow]:
    csv.field_size_limit(MAX_LINE_BYTES)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise InputError(f"{source}: cannot read the CSV header: {e}") from e
    if header is None:
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield RawRow(source, start, raw="", error=f"unparsable CSV: {e}")
            continue
        if not any(c.strip() for c in cells):
            continue
        yield _csv_row(header, cells, source, start)


def _csv_row(header: list[str], cells: list[str], source: str, line_no: int) -> RawRow:
    joined = ",".join(cells)
    if _ESCAPED_BYTE.search(joined):
        raw = _truncate(joined.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        return RawRow(source, line_no, raw=raw, error="invalid UTF-8")
    raw = _truncate(joined)
    if len(cells) != len(header):
        reason = f"wrong number of CSV fields: {len(cells)} where the header has {len(header)}"
        return RawRow(source, line_no, raw=raw, error=reason)
    value: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=True):
        if cell == "":
            continue  # an empty CSV cell is an absent value
        value[name] = _csv_list(cell) if name in _CSV_LIST_FIELDS else cell
    return RawRow(source, line_no, value=value, raw=raw)


def _csv_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(CSV_LIST_SEPARATOR) if part.strip()]


def raw_of_value(value: Any) -> str:
    """The quarantine text of a decoded row (as a Parquet row's `raw`)."""
    return _truncate(json.dumps(value, default=str, ensure_ascii=False))


def _read_parquet(path: Path, *, keep_raw: bool = True) -> Iterator[RawRow]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as e:
        raise InputError(f"{source}: not a readable Parquet file: {e}") from e
    row_no = 0
    for batch in pf.iter_batches(batch_size=4096):
        for value in batch.to_pylist():
            row_no += 1
            yield RawRow(source, row_no, value=value, raw=raw_of_value(value) if keep_raw else "")
