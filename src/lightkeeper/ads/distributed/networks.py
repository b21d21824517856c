"""Network summaries and risk on a cluster: the local functions, per group of whole networks.

A network's summary row and scores depend on its own ads and evidence edges, with two
corpus-wide figures: the corpus' latest ad (growth is counted back from it) and the median
hourly price of each city and currency (the low-price indicator compares a network with
it). So ads (with their global row) and edges are shuffled by network id; each reducer runs
`summarise_networks` and the local risk step (`lightkeeper.ads.corpus.score_corpus`) on its
networks, after adding stand-in ads that carry no network: one posted at the corpus' latest
time, and for each city and currency with a corpus median, enough ads priced at exactly that
median that the reducer's median equals it (more than half of the prices, at least
`min_city_ads` of them). Stand-ins are dropped from the results. Scored ads go back to their
partitions by row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads import corpus as _corpus
from lightkeeper.ads.distributed.parts import (
    I64,
    column,
    concat_tables,
    home_of,
    numbers,
    split_table,
)
from lightkeeper.ads.indicators import Catalogue
from lightkeeper.ads.indicators.network import hourly_prices
from lightkeeper.ads.link.hubs import Hub
from lightkeeper.ads.link.link import LinkResult
from lightkeeper.ads.networks import summarise_networks
from lightkeeper.ads.templates.shingles import string_hashes
from lightkeeper.errors import ConfigError

ROW = "__row"
STAND_IN = ""  # network id of stand-in ads (no real network has it)
PRICE_SCHEMA = pa.schema([("key", pa.string()), ("hourly", pa.float64())])
MEDIAN_SCHEMA = pa.schema([("key", pa.string()), ("count", pa.int64()), ("median", pa.float64())])


def price_rows(ads: pa.Table) -> pa.Table:
    """(city|currency, hourly price) of the priced ads of a partition (as `low_price` reads)."""
    hourly, currencies = hourly_prices(ads)
    cities = column(ads, "city").to_pylist()
    keys = [f"{c}|{cur}" if c and cur else None for c, cur in zip(cities, currencies, strict=True)]
    keep = [i for i, k in enumerate(keys) if k is not None and np.isfinite(hourly[i])]
    return pa.table(
        {
            "key": pa.array([keys[i] for i in keep], pa.string()),
            "hourly": pa.array(hourly[keep], pa.float64()),
        },
        schema=PRICE_SCHEMA,
    )


def split_by_key(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Rows cut by a hash of their string key column."""
    keys = string_hashes(column(table, "key"))
    return split_table(table, (keys % np.uint64(n_out)).astype(np.int64), n_out)


def key_medians(pieces: list[pa.Table]) -> pa.Table:
    """Count and median hourly price per key (city|currency) of one reducer."""
    table = concat_tables(pieces, PRICE_SCHEMA)
    values: dict[str, list[float]] = {}
    for key, price in zip(
        column(table, "key").to_pylist(), column(table, "hourly").to_pylist(), strict=True
    ):
        values.setdefault(key, []).append(price)
    return pa.table(
        {
            "key": pa.array(list(values), pa.string()),
            "count": pa.array([len(v) for v in values.values()], pa.int64()),
            "median": pa.array([float(np.median(v)) for v in values.values()], pa.float64()),
        },
        schema=MEDIAN_SCHEMA,
    )


def min_city_ads(catalogue: Catalogue) -> int | None:
    """The `min_city_ads` of the active low-price indicators (None when none is active)."""
    leasts = {
        int(ind.param("min_city_ads", 5))
        for ind in catalogue.active(level="network")
        if ind.detector == "low_price"
    }
    if len(leasts) > 1:
        raise ConfigError(
            "the dask engine needs one min_city_ads for all low_price indicators, "
            f"got {sorted(leasts)}"
        )
    return leasts.pop() if leasts else None


def latest_posted(ads: pa.Table) -> Any:
    """The latest posted_at of a partition (None when no ad has one)."""
    return pc.max(ads.column("posted_at")).as_py()


def with_ids(
    ads: pa.Table, template_ids: pa.Array, network_ids: pa.Array, first_row: int
) -> pa.Table:
    """A partition's ads with template_id, network_id and their global row."""
    out = ads.append_column("template_id", template_ids).append_column("network_id", network_ids)
    rows = np.arange(ads.num_rows, dtype=np.int64) + first_row
    return out.append_column(ROW, pa.array(rows, pa.int64()))


def split_by_network(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Rows (ads or edges) cut by a hash of their network id."""
    keys = string_hashes(column(table, "network_id"))
    return split_table(table, (keys % np.uint64(n_out)).astype(np.int64), n_out)


def split_edges_home(edges: pa.Table, n_out: int, *, offsets: list[int]) -> list[pa.Table]:
    """Evidence edges cut by the partition of their first ad."""
    return split_table(edges, home_of(numbers(edges, "src", np.int64), offsets), n_out)


def concat_pieces(pieces: list[pa.Table]) -> list[pa.Table]:
    """Pieces that reached one reducer, kept apart (joined by the next task)."""
    return [p for p in pieces if p.num_rows]


def edges_with_network(network_ids: pa.Array, pieces: list[pa.Table], first_row: int) -> pa.Table:
    """A partition's edges (their first ad is local) with that ad's network id."""
    if not pieces:
        return pa.table({"src": [], "dst": [], "kind": [], "value": [], "network_id": []})
    edges = pa.concat_tables(pieces)
    local = pa.array(numbers(edges, "src", np.int64) - first_row)
    return edges.append_column("network_id", network_ids.take(local))


def network_group(
    ads_pieces: list[pa.Table],
    edge_pieces: list[pa.Table],
    context: dict[str, Any],
    *,
    catalogue: Catalogue,
) -> tuple[pa.Table, pa.Table]:
    """(scored ads with their row, scored network rows) of one reducer's networks.

    `context` holds hubs, hub_values, latest (the corpus' latest posted_at) and medians
    ({city|currency: (count, median)}) and least (min_city_ads, or None).
    """
    if not ads_pieces:
        return pa.table({}), pa.table({})
    ads = pa.concat_tables(ads_pieces).combine_chunks()
    ads = ads.take(pc.sort_indices(ads, [(ROW, "ascending")]))
    rows = column(ads, ROW)
    ads = ads.drop_columns([ROW])
    real = ads.num_rows
    ads = pa.concat_tables([ads, _stand_ins(ads, context)]).combine_chunks()
    edges = _local_edges(edge_pieces, numbers(pa.table({"r": rows}), "r", np.int64))
    network_ids = column(ads, "network_id").to_pylist()
    template_ids = column(ads, "template_id").to_pylist()
    hubs: list[Hub] = context["hubs"]
    link = LinkResult(network_ids, edges, hubs, context["hub_values"])
    networks = summarise_networks(
        ads.drop_columns(["template_id", "network_id"]), network_ids, template_ids, link
    )
    networks = networks.filter(pc.not_equal(networks.column("network_id"), STAND_IN))
    scored, networks = _corpus.score_corpus(ads, networks, catalogue)
    return scored.slice(0, real).append_column(ROW, rows), networks


def _local_edges(pieces: list[pa.Table], rows: I64) -> pa.Table:
    schema = pa.schema(
        [("src", pa.int64()), ("dst", pa.int64()), ("kind", pa.string()), ("value", pa.string())]
    )
    tables = [p.select(["src", "dst", "kind", "value"]).cast(schema) for p in pieces if p.num_rows]
    if not tables:
        return schema.empty_table()
    edges = pa.concat_tables(tables)
    src = np.searchsorted(rows, numbers(edges, "src", np.int64))
    dst = np.searchsorted(rows, numbers(edges, "dst", np.int64))
    return pa.table(
        {"src": src, "dst": dst, "kind": column(edges, "kind"), "value": column(edges, "value")},
        schema=schema,
    )


def _stand_ins(ads: pa.Table, context: dict[str, Any]) -> pa.Table:
    cities: list[str | None] = []
    prices: list[list[dict[str, Any]]] = []
    posted: list[Any] = []
    latest = context["latest"]
    if latest is not None:
        cities.append(None)
        prices.append([])
        posted.append(latest)
    least = context["least"]
    if least is not None:
        own = Counter(price_rows(ads).column("key").to_pylist())
        for key, (count, median) in sorted(context["medians"].items()):
            if count < least:
                continue
            city, currency = key.split("|", 1)
            copies = max(own.get(key, 0) + 1, least)
            price = {"amount": median, "currency": currency, "unit": "hour", "code": None}
            cities += [city] * copies
            prices += [[price]] * copies
            posted += [None] * copies
    n = len(cities)
    columns = {name: pa.nulls(n, ads.schema.field(name).type) for name in ads.column_names}
    columns["city"] = pa.array(cities, ads.schema.field("city").type)
    columns["prices"] = pa.array(prices, ads.schema.field("prices").type)
    columns["posted_at"] = pa.array(posted, ads.schema.field("posted_at").type)
    columns["network_id"] = pa.array([STAND_IN] * n, pa.string())
    columns["id"] = pa.array([f"\x00stand-in-{i}" for i in range(n)], pa.string())
    columns["version"] = pa.array([1] * n, ads.schema.field("version").type)
    for name in ads.column_names:
        field = ads.schema.field(name)
        if pa.types.is_list(field.type) and name not in ("prices",):
            columns[name] = pa.array([[]] * n, field.type)
    return pa.table(columns, schema=ads.schema)


def split_scored_home(
    scored: tuple[pa.Table, pa.Table], n_out: int, *, offsets: list[int]
) -> list[pa.Table]:
    """Scored ads cut by the partition of their row."""
    ads = scored[0]
    if not ads.num_rows:
        return [ads] * n_out
    return split_table(ads, home_of(numbers(ads, ROW, np.int64), offsets), n_out)


def partition_ads(pieces: list[pa.Table]) -> pa.Table:
    """One partition's scored ads in row order, without the row column."""
    tables = [p for p in pieces if p.num_rows]
    ads = pa.concat_tables(tables).combine_chunks()
    ads = ads.take(pc.sort_indices(ads, [(ROW, "ascending")]))
    return ads.drop_columns([ROW])


def network_rows(scored: tuple[pa.Table, pa.Table]) -> pa.Table:
    """The network rows of a reducer."""
    return scored[1]
