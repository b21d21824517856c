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
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lightkeeper.errors import InputError

RANK_COLUMNS = ("network_id", "ad_count", "ads_last_30_days", "ads_prev_30_days", "risk_score")
AD_LIGHT_COLUMNS = ("network_id", "id", "version", "posted_at")
LIST_READ_CAP = 500  # list values kept per row; more are never shown and cost time to convert
LENGTH_SUFFIX = "#length"  # column holding a cut list column's full length


@dataclass(frozen=True, slots=True)
class AdKey:
    """One ad version of a network, in the order the report samples from."""

    posted_at: datetime | None
    ad_id: str
    version: int


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
    """The named columns that exist in the file, optionally only rows whose column is in a set."""
    present = [c for c in columns if c in parquet_columns(path)]
    if not present:
        return pa.table({})
    filters = None
    if where is not None:
        if where[0] not in present:
            return pa.table({})
        filters = [(where[0], "in", sorted(where[1]))]
    try:
        return pq.read_table(path, columns=present, filters=filters)
    except (OSError, pa.ArrowException) as e:
        raise InputError(f"{path}: cannot read parquet: {e}") from e


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


def ads_by_network(light_ads: pa.Table) -> dict[str, list[AdKey]]:
    """Each network's ads, sorted by posting time then id and version (undated ads last)."""
    if light_ads.num_rows == 0 or "network_id" not in light_ads.column_names:
        return {}
    grouped: dict[str, list[AdKey]] = {}
    cols = {name: light_ads.column(name).to_pylist() for name in light_ads.column_names}
    n = light_ads.num_rows
    times = cols.get("posted_at", [None] * n)
    versions = cols.get("version", [1] * n)
    for net, ad_id, version, posted in zip(
        cols["network_id"], cols["id"], versions, times, strict=True
    ):
        grouped.setdefault(str(net), []).append(AdKey(posted, str(ad_id), int(version or 1)))
    for keys in grouped.values():
        keys.sort(
            key=lambda k: (k.posted_at is None, k.posted_at or datetime.min, k.ad_id, k.version)
        )
    return grouped


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
