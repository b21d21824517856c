"""Read just what the report needs from an output folder, whatever the corpus size.

The rankings are computed from a few light columns of networks.parquet; full rows are read
only for the networks shown, and of their ads only posting times, plus every column for the
few ads sampled. Files or columns that a run did not produce (risk_score, template_id, ...)
are tolerated: the report shows what exists.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lightkeeper.errors import InputError

RANK_COLUMNS = ("network_id", "ad_count", "ads_last_30_days", "ads_prev_30_days", "risk_score")
AD_LIGHT_COLUMNS = ("network_id", "id", "version", "posted_at")
LIST_READ_CAP = 500  # list values kept per row; more are never shown and cost time to convert
LENGTH_SUFFIX = "#length"
BATCH_ROWS = 65_536  # column holding a cut list column's full length


@dataclass(frozen=True, slots=True)
class NetworkAds:
    """What the report needs of one network's ads: posting days and a few sampled ads."""

    days: dict[date, int]  # ads per posting day (UTC); undated ads are not counted
    spread: list[tuple[str, int]]  # (id, version) of ads spread evenly over time
    newest: list[tuple[str, int]]  # (id, version) of the newest ads, newest first


def read_summary(path: Path) -> dict[str, Any]:
    """summary.json as a dict ({} when absent); InputError when it is not a JSON object."""
    if not path.exists():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: cannot read the summary: {e}") from e
    if not isinstance(value, dict):
        raise InputError(f"{path}: the summary is not a JSON object")
    return value


def parquet_columns(path: Path) -> list[str]:
    """The column names of a parquet file ([] when the file is absent)."""
    if not path.exists():
        return []
    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as e:
        raise InputError(f"{path}: cannot read parquet: {e}") from e


def read_columns(
    path: Path, columns: Sequence[str], *, where: tuple[str, Collection[str]] | None = None
) -> pa.Table:
    """The named columns that exist in the file, optionally only rows whose column is in a set.

    A filtered read streams the file in batches and keeps only matching rows, so memory is
    one batch plus the matches, whatever the file's size (ad bodies of a million ads are
    never all in memory at once).
    """
    present = [c for c in columns if c in parquet_columns(path)]
    if not present or (where is not None and where[0] not in present):
        return pa.table({})
    try:
        if where is None:
            return pq.read_table(path, columns=present)
        return _filtered(path, present, where[0], where[1])
    except (OSError, pa.ArrowException) as e:
        raise InputError(f"{path}: cannot read parquet: {e}") from e


def _filtered(path: Path, columns: list[str], key: str, values: Collection[str]) -> pa.Table:
    with pq.ParquetFile(path) as file:
        schema = file.schema_arrow
        fields = pa.schema([schema.field(c) for c in columns])
        wanted = pa.array(sorted(values), type=schema.field(key).type)
        parts = [
            batch.filter(pc.is_in(batch.column(key), value_set=wanted))
            for batch in file.iter_batches(batch_size=BATCH_ROWS, columns=columns)
        ]
    return pa.Table.from_batches(parts, schema=fields)


def _top_ids(table: pa.Table, sort_keys: list[tuple[str, str]], top: int) -> list[str]:
    if table.num_rows == 0 or top <= 0:
        return []
    order = pc.sort_indices(table, sort_keys=sort_keys)
    return [str(v) for v in table.take(order[:top]).column("network_id").to_pylist()]


def rank_networks(light: pa.Table, *, top: int) -> dict[str, list[str]]:
    """Network ids of each ranking: "risk" (when scored), "largest" and "growing", `top` each.

    Growing networks are those with two or more ads and more ads in the last 30 days than the
    30 before, ordered by that increase. Ties break on the network id, so the order is stable.
    """
    names = set(light.column_names)
    if "network_id" not in names or "ad_count" not in names:
        return {}
    ranks: dict[str, list[str]] = {}
    if "risk_score" in names:
        scored = light.filter(pc.is_valid(light.column("risk_score")))
        by_risk = [("risk_score", "descending"), ("ad_count", "descending")]
        ranks["risk"] = _top_ids(scored, [*by_risk, ("network_id", "ascending")], top)
    ranks["largest"] = _top_ids(
        light, [("ad_count", "descending"), ("network_id", "ascending")], top
    )
    if {"ads_last_30_days", "ads_prev_30_days"} <= names:
        last = pc.fill_null(light.column("ads_last_30_days"), 0)
        growth = pc.subtract(last, pc.fill_null(light.column("ads_prev_30_days"), 0))
        grown = light.append_column("growth", growth).append_column("recent", last)
        grown = grown.filter(
            pc.and_(pc.greater(grown.column("growth"), 0), pc.greater(grown.column("ad_count"), 1))
        )
        ranks["growing"] = _top_ids(
            grown,
            [("growth", "descending"), ("recent", "descending"), ("network_id", "ascending")],
            top,
        )
    return ranks


def structure_counts(light: pa.Table, templates: pa.Table) -> list[tuple[str, str]]:
    """Counts of networks and templates for the corpus summary."""
    out: list[tuple[str, str]] = []
    if "ad_count" in light.column_names:
        sizes = light.column("ad_count")
        multi = pc.greater(sizes, 1)
        out += [
            ("networks", f"{light.num_rows:,}"),
            ("networks of two or more ads", f"{pc.sum(multi).as_py() or 0:,}"),
            ("ads in those networks", f"{pc.sum(pc.filter(sizes, multi)).as_py() or 0:,}"),
            ("largest network (ads)", f"{pc.max(sizes).as_py() or 0:,}"),
        ]
    if "ad_count" in templates.column_names:
        out += [
            ("templates", f"{templates.num_rows:,}"),
            ("ads in templates", f"{pc.sum(templates.column('ad_count')).as_py() or 0:,}"),
        ]
    return out


def network_ads(light_ads: pa.Table, *, spread: int, newest: int) -> dict[str, NetworkAds]:
    """Each network's posting days and sampled ads, from columns network_id, id, version, posted_at.

    Vectorised over the table (a network of 200,000 ads costs no Python loop per ad): ads are
    sorted by network, time, id and version, so samples are reproducible.
    """
    if light_ads.num_rows == 0 or not {"network_id", "id"} <= set(light_ads.column_names):
        return {}
    table = _with_defaults(light_ads)
    order = pc.sort_indices(
        table,
        sort_keys=[
            ("network_id", "ascending"),
            ("posted_at", "ascending"),
            ("id", "ascending"),
            ("version", "ascending"),
        ],
    )
    table = table.take(order)
    nets = table.column("network_id").to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.r_[True, nets[1:] != nets[:-1]])
    ends = np.r_[starts[1:], len(nets)]
    days = table.column("posted_at").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    ids, versions = table.column("id"), table.column("version")
    out: dict[str, NetworkAds] = {}
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        dated = days[start:end][~np.isnat(days[start:end])]
        n_dated = len(dated)
        unique, counts = np.unique(dated, return_counts=True)
        spread_at = [start + i for i in sample_positions(end - start, spread)]
        last = start + (n_dated or end - start)
        newest_at = list(range(last - 1, max(last - newest, start) - 1, -1))
        out[str(nets[start])] = NetworkAds(
            days=dict(zip(unique.astype(object).tolist(), counts.tolist(), strict=True)),
            spread=_keys(ids, versions, spread_at),
            newest=_keys(ids, versions, newest_at),
        )
    return out


def _with_defaults(table: pa.Table) -> pa.Table:
    n = table.num_rows
    if "version" not in table.column_names:
        table = table.append_column("version", pa.array(np.ones(n, dtype=np.int32)))
    if "posted_at" not in table.column_names:
        table = table.append_column("posted_at", pa.nulls(n, pa.timestamp("us", tz="UTC")))
    return table


def _keys(ids: pa.ChunkedArray, versions: pa.ChunkedArray, at: list[int]) -> list[tuple[str, int]]:
    picked = pa.array(at, pa.int64())
    return [
        (str(i), int(v or 1))
        for i, v in zip(
            ids.take(picked).to_pylist(), versions.take(picked).to_pylist(), strict=True
        )
    ]


def sample_positions(count: int, limit: int) -> list[int]:
    """Up to `limit` positions spread evenly over range(count), first and last included."""
    if count <= limit:
        return list(range(count))
    if limit <= 1:
        return [0][:limit]
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


def cut_lists(table: pa.Table, *, cap: int = LIST_READ_CAP) -> pa.Table:
    """The table with list columns cut to `cap` values, each cut column's full length beside it.

    Converting a network's 20,000 phones to Python only to show 25 of them is slow; the
    lengths (column name + LENGTH_SUFFIX) let the views still say how many were left out.
    """
    for name in list(table.column_names):
        column = table.column(name)
        if not pa.types.is_list(column.type) or table.num_rows == 0:
            continue
        lengths = pc.list_value_length(column)
        if (pc.max(lengths).as_py() or 0) <= cap:
            continue
        index = table.column_names.index(name)
        table = table.set_column(index, name, pc.list_slice(column, 0, cap))
        table = table.append_column(name + LENGTH_SUFFIX, lengths)
    return table


def rows_by(table: pa.Table, column: str) -> dict[str, dict[str, Any]]:
    """The rows of a table as dicts keyed by one column (the first row wins on duplicates).

    List columns are cut first (see `cut_lists`).
    """
    if table.num_rows == 0 or column not in table.column_names:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for row in cut_lists(table).to_pylist():
        out.setdefault(str(row[column]), row)
    return out
