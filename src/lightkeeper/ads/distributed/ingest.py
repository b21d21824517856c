"""The per-ad stages on a cluster: read and validate each input partition, decide duplicates
and versions by a shuffle on the ad id, then extract.

Duplicates need every row with the same id in one place, in input order: each partition sends
(id, position, content digest) to the reducer of its id's hash; the reducer numbers the
distinct contents of each id in order of first appearance (the rule of
`lightkeeper.ads.ingest.Deduplicator`) and sends each row's version (0: duplicate) back to its
partition. A position is (partition, row within partition); partitions are in input order,
so positions sort as the local engine reads lines. The records themselves never move.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.ingest import (
    CheckedLines,
    IngestCounts,
    RawRow,
    Rejection,
    check_blocks,
    validate_row,
)
from lightkeeper.ads.ingest.dedup import content_digest
from lightkeeper.ads.pipeline import extract_batch, reason_category
from lightkeeper.ads.templates.shingles import string_hashes
from lightkeeper.ads.types import AdRecord
from lightkeeper.engine.dask_graph import split_by
from lightkeeper.engine.partitions import InputPartition, jsonl_partition_blocks, read_partition

I64 = npt.NDArray[np.int64]
POSITION_BITS = 32  # rows per partition stay below 2**32
KEYS_SCHEMA = pa.schema([("id", pa.string()), ("position", pa.int64()), ("digest", pa.uint64())])
IDENTIFIER_KINDS = ("phones", "emails", "handles")


@dataclass(slots=True)
class ValidatedPart:
    """One input partition after reading and validation, kept on its worker."""

    index: int
    lines: int
    records: list[AdRecord]
    warnings: list[list[str]]  # per record
    rejections: list[Rejection]
    seconds: float
    keys: pa.Table = field(default_factory=KEYS_SCHEMA.empty_table)


@dataclass(slots=True)
class PartStats(IngestCounts):
    """What one partition adds to the summary: the ingest accounting, reasons and timings."""

    reasons: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)


def validated_part(part: InputPartition, index: int) -> ValidatedPart:
    """Read and validate one partition: records, their warnings, rejections, dedup keys.

    JSONL ranges take ingest's fast path (`check_blocks`) over the range's blocks of lines;
    Parquet row groups and whole files are read row by row.
    """
    t0 = time.perf_counter()
    if part.kind == "jsonl_range":
        checked = check_blocks(
            jsonl_partition_blocks(part), source=part.path, first_line=part.first_line
        )
    else:
        checked = _checked_rows(read_partition(part))
    records = checked.records
    positions = (np.int64(index) << np.int64(POSITION_BITS)) + np.arange(
        len(records), dtype=np.int64
    )
    keys = pa.table(
        {
            "id": pa.array([r.id for r in records], pa.string()),
            "position": pa.array(positions, pa.int64()),
            "digest": pa.array(np.array(checked.digests, dtype=np.uint64), pa.uint64()),
        },
        schema=KEYS_SCHEMA,
    )
    seconds = time.perf_counter() - t0
    return ValidatedPart(
        index, checked.lines, records, checked.warnings, checked.rejections, seconds, keys
    )


def _checked_rows(rows: Iterable[RawRow]) -> CheckedLines:
    """The careful path, row by row: what `check_blocks` gives for the same JSONL lines."""
    out = CheckedLines()
    for row in rows:
        out.lines += 1
        if row.error is not None:
            out.rejections.append(Rejection(row.source, row.line, row.error, row.raw))
            continue
        checked = validate_row(row.value, source=row.source, line=row.line)
        if checked.record is None:
            reason = checked.reason or "invalid record"
            out.rejections.append(Rejection(row.source, row.line, reason, row.raw))
            continue
        out.records.append(checked.record)
        out.warnings.append(list(checked.warnings))
        out.digests.append(int.from_bytes(content_digest(row.value), "little"))
    return out


def dedup_keys(part: ValidatedPart) -> pa.Table:
    """The (id, position, digest) rows of a validated partition, for the shuffle on id."""
    return part.keys


def split_by_id(keys: pa.Table, n_out: int) -> list[pa.Table]:
    """Dedup keys cut by a hash of the id (every row of one id lands in one piece)."""
    assign = (string_hashes(_chunk(keys.column("id"))) % np.uint64(n_out)).astype(np.int64)
    return _split_table(keys, assign, n_out)


def versions_by_id(pieces: list[pa.Table]) -> npt.NDArray[np.int64]:
    """(position, version) of every row of the ids of one reducer; version 0 is a duplicate.

    Within one id, in position order, each new content gets the next version number and a
    content seen before is a duplicate.
    """
    keys = pa.concat_tables(pieces) if pieces else KEYS_SCHEMA.empty_table()
    n = keys.num_rows
    if n == 0:
        return np.zeros((0, 2), dtype=np.int64)
    keys = keys.take(pc.sort_indices(keys, [("id", "ascending"), ("position", "ascending")]))
    ids = _chunk(keys.column("id"))
    new_id = np.ones(n, dtype=bool)
    if n > 1:
        new_id[1:] = np.asarray(pc.not_equal(ids.slice(1), ids.slice(0, n - 1)), dtype=bool)
    group = np.cumsum(new_id) - 1
    digest = np.asarray(_chunk(keys.column("digest")), dtype=np.uint64)
    # First row of each (id, content): rows are in position order within an id.
    by_content = np.lexsort((np.arange(n), digest, group))
    run_start = np.ones(n, dtype=bool)
    g, d = group[by_content], digest[by_content]
    run_start[1:] = (g[1:] != g[:-1]) | (d[1:] != d[:-1])
    is_first = np.zeros(n, dtype=bool)
    is_first[by_content[run_start]] = True
    seen = np.cumsum(is_first)
    before_group = (seen - is_first)[np.flatnonzero(new_id)][group]
    version = np.where(is_first, seen - before_group, 0)
    positions = np.asarray(_chunk(keys.column("position")), dtype=np.int64)
    return np.stack([positions, version.astype(np.int64)], axis=1)


def split_by_partition(versions: npt.NDArray[np.int64], n_out: int) -> list[npt.NDArray[np.int64]]:
    """Versions cut by the partition their row came from (the high bits of the position)."""
    return split_by(versions, versions[:, 0] >> np.int64(POSITION_BITS), n_out)


def partition_versions(pieces: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """The version of each record of one partition, in record order."""
    rows = np.concatenate(pieces) if pieces else np.zeros((0, 2), dtype=np.int64)
    order = np.argsort(rows[:, 0], kind="stable")
    return np.asarray(rows[order, 1], dtype=np.int64)


def extracted_part(
    part: ValidatedPart,
    versions: npt.NDArray[np.int64],
    quarantine_path: str,
    *,
    default_region: str,
    catalogue_path: Path | None,
) -> tuple[pa.Table, PartStats]:
    """Drop duplicates, number versions, run the per-ad stages, write the quarantine lines.

    Returns the partition's ads table (`lightkeeper.ads.pipeline.SCORED_ADS_SCHEMA`: the
    local engine's per-ad stages, `extract_batch`) and its stats.
    """
    stats = PartStats(lines=part.lines, quarantined=len(part.rejections))
    stats.timings["ingest"] = part.seconds
    kept: list[AdRecord] = []
    for record, warnings, version in zip(
        part.records, part.warnings, versions.tolist(), strict=True
    ):
        if version == 0:
            stats.duplicates += 1
            continue
        for message in warnings:
            stats.add_warning(record.source, record.line, message)
        if version > 1:
            stats.new_versions += 1
        kept.append(replace(record, version=version) if version > 1 else record)
    stats.analysed = len(kept)
    t0 = time.perf_counter()
    _write_quarantine(Path(quarantine_path), part.rejections)
    stats.reasons.update(reason_category(r.reason) for r in part.rejections)
    stats.timings["write"] = time.perf_counter() - t0
    table, seconds = extract_batch(kept, default_region, catalogue_path)
    stats.timings.update(seconds)
    return table, stats


def _write_quarantine(path: Path, rejections: list[Rejection]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for item in rejections:
            fh.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")


def identifier_counts(ads: pa.Table, *, first_row: int) -> pa.Table:
    """(kind, value, ads, first) per distinct identifier value of a partition.

    `first` is the global position of the value's first occurrence (row, then place in the
    list), so ties in the summary's top lists break as the local engine's do.
    """
    tables = []
    for kind in IDENTIFIER_KINDS:
        column = _chunk(ads.column(kind))
        flat = pc.list_flatten(column)
        if not len(flat):
            continue
        parents = np.asarray(pc.list_parent_indices(column), dtype=np.int64)
        within = np.arange(len(flat)) - np.asarray(column.offsets)[parents]
        first = ((parents + first_row) << np.int64(16)) + np.minimum(within, (1 << 16) - 1)
        grouped = (
            pa.table({"value": flat, "first": pa.array(first, pa.int64())})
            .group_by("value", use_threads=False)
            .aggregate([("first", "count"), ("first", "min")])
        )
        kinds = pa.array([kind] * grouped.num_rows, pa.string())
        tables.append(
            pa.table(
                {
                    "kind": kinds,
                    "value": grouped.column("value"),
                    "ads": grouped.column("first_count"),
                    "first": grouped.column("first_min"),
                }
            )
        )
    if not tables:
        return _IDENTIFIER_COUNTS.empty_table()
    return pa.concat_tables(tables).cast(_IDENTIFIER_COUNTS)


_IDENTIFIER_COUNTS = pa.schema(
    [("kind", pa.string()), ("value", pa.string()), ("ads", pa.int64()), ("first", pa.int64())]
)


def split_by_value(counts: pa.Table, n_out: int) -> list[pa.Table]:
    """Identifier counts cut by a hash of the value."""
    assign = (string_hashes(_chunk(counts.column("value"))) % np.uint64(n_out)).astype(np.int64)
    return _split_table(counts, assign, n_out)


def identifier_summary(pieces: list[pa.Table], *, top: int) -> dict[str, Any]:
    """Per kind: distinct values and the `top` most frequent (count, then first seen)."""
    counts = pa.concat_tables(pieces) if pieces else _IDENTIFIER_COUNTS.empty_table()
    totals = counts.group_by(["kind", "value"], use_threads=False).aggregate(
        [("ads", "sum"), ("first", "min")]
    )
    out: dict[str, Any] = {}
    for kind in IDENTIFIER_KINDS:
        mine = totals.filter(pc.equal(totals.column("kind"), kind))
        ranked = mine.sort_by([("ads_sum", "descending"), ("first_min", "ascending")]).slice(0, top)
        out[kind] = {
            "distinct": mine.num_rows,
            "top": [
                (v, int(c), int(f))
                for v, c, f in zip(
                    ranked.column("value").to_pylist(),
                    ranked.column("ads_sum").to_pylist(),
                    ranked.column("first_min").to_pylist(),
                    strict=True,
                )
            ],
        }
    return out


def ads_with_any(ads: pa.Table) -> dict[str, int]:
    """Per identifier kind, how many ads of a partition carry at least one value."""
    return {
        kind: int(pc.sum(pc.greater(pc.list_value_length(ads.column(kind)), 0)).as_py() or 0)
        for kind in IDENTIFIER_KINDS
    }


def _split_table(table: pa.Table, assign: I64, n_out: int) -> list[pa.Table]:
    order = np.argsort(assign, kind="stable")
    bounds = np.searchsorted(assign[order], np.arange(n_out + 1))
    ordered = table.take(pa.array(order))
    return [ordered.slice(int(lo), int(hi - lo)) for lo, hi in itertools.pairwise(bounds)]


def _chunk(column: pa.ChunkedArray | pa.Array) -> Any:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column
