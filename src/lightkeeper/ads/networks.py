"""Network summaries (networks.parquet) and one network's details (`lightkeeper network`).

`summarise_networks` turns the link stage's network ids into one row per network: its
identifiers (hub identifiers set apart), personas, places, sites, time span, movement between
cities, templates, the evidence that joins its ads, and growth over the last 60 days. All of it
is computed with Arrow group-bys over flattened columns, never a Python loop over ads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lightkeeper.ads.link.identifiers import Int64Array
from lightkeeper.ads.link.link import LinkResult, member_ids
from lightkeeper.ads.link.personas import ad_personas
from lightkeeper.errors import InputError

GROWTH_WINDOW = timedelta(days=30)
# Ad text is hostile: terminal control sequences and bidi overrides never reach the terminal.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
TIMESTAMP = pa.timestamp("us", tz="UTC")
STOP_TYPE = pa.struct(
    [
        ("city", pa.string()),
        ("country", pa.string()),
        ("first_seen", TIMESTAMP),
        ("last_seen", TIMESTAMP),
        ("ad_count", pa.int64()),
    ]
)
EVIDENCE_TYPE = pa.struct([("kind", pa.string()), ("value", pa.string()), ("ad_count", pa.int64())])
NETWORKS_SCHEMA = pa.schema(
    [
        ("network_id", pa.string()),
        ("ad_count", pa.int64()),
        ("phones", pa.list_(pa.string())),
        ("emails", pa.list_(pa.string())),
        ("handles", pa.list_(pa.string())),
        ("image_hashes", pa.list_(pa.string())),
        ("personas", pa.list_(pa.string())),
        ("cities", pa.list_(pa.string())),
        ("countries", pa.list_(pa.string())),
        ("sites", pa.list_(pa.string())),
        ("first_seen", TIMESTAMP),
        ("last_seen", TIMESTAMP),
        ("movement", pa.list_(STOP_TYPE)),
        ("template_ids", pa.list_(pa.string())),
        ("evidence", pa.list_(EVIDENCE_TYPE)),
        ("hub_identifiers", pa.list_(pa.string())),
        ("ads_last_30_days", pa.int64()),
        ("ads_prev_30_days", pa.int64()),
    ]
)
_IDENTIFIER_COLUMNS = (
    ("phones", "phone"),
    ("emails", "email"),
    ("handles", "handle"),
    ("image_hashes", "image"),
)


def summarise_networks(
    ads: pa.Table,
    network_ids: Sequence[str],
    template_ids: Sequence[str | None],
    link: LinkResult,
) -> pa.Table:
    """One row per network (schema `NETWORKS_SCHEMA`), largest first, then by network id.

    Identifier lists leave out hub identifiers (listed apart in `hub_identifiers` as
    ``kind:value``) and are ordered by how many of the network's ads carry each value.
    Personas come from a `personas` column of `ads` when it has one (see
    `lightkeeper.ads.link.personas.ad_personas`), else they are found here.
    """
    if not len(network_ids) == len(template_ids) == ads.num_rows:
        raise InputError("network_ids and template_ids must have one entry per ad row")
    codes, names = _network_codes(network_ids)
    n = len(names)
    columns: dict[str, Any] = {"network_id": names, "ad_count": np.bincount(codes, minlength=n)}
    for column, kind in _IDENTIFIER_COLUMNS:
        hubs = link.hub_values.get(kind, {})
        columns[column] = _ranked_values(codes, ads[column], n, drop=frozenset(hubs))
    personas = ads["personas"] if "personas" in ads.column_names else ad_personas(ads)
    columns["personas"] = _ranked_values(codes, personas, n)
    for column, source in (("cities", "city"), ("countries", "country"), ("sites", "site")):
        columns[column] = _ranked_values(codes, ads[source], n)
    columns["first_seen"], columns["last_seen"] = _time_span(codes, ads["posted_at"], n)
    columns["movement"] = _movements(codes, ads, n)
    columns["template_ids"] = _ranked_values(codes, pa.array(template_ids, pa.string()), n)
    columns["evidence"] = _evidence(codes, link.edges, n)
    columns["hub_identifiers"] = _hub_identifiers(codes, ads, link, n)
    columns["ads_last_30_days"], columns["ads_prev_30_days"] = _growth(codes, ads["posted_at"], n)
    table = pa.table(columns, schema=NETWORKS_SCHEMA)
    return table.sort_by([("ad_count", "descending"), ("network_id", "ascending")])


def _network_codes(network_ids: Sequence[str]) -> tuple[Int64Array, pa.Array]:
    encoded = pc.dictionary_encode(pa.array(network_ids, pa.string()))
    return np.asarray(encoded.indices, dtype=np.int64), encoded.dictionary


def _ranked_values(
    codes: Int64Array,
    column: pa.ChunkedArray | pa.Array,
    n: int,
    *,
    drop: frozenset[str] | None = None,
) -> pa.ListArray:
    """Distinct values per network, most frequent first (ties by value); nulls, "" dropped."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_list(column.type):
        values = pc.list_flatten(column)
        owners = codes[np.asarray(pc.list_parent_indices(column), dtype=np.int64)]
    else:
        values, owners = column, codes
    pairs = pa.table({"net": owners, "value": values.cast(pa.string())})
    keep = pc.and_(pc.is_valid(pairs["value"]), pc.not_equal(pairs["value"], ""))
    if drop:
        keep = pc.and_(keep, pc.invert(pc.is_in(pairs["value"], pa.array(sorted(drop)))))
    pairs = pairs.filter(pc.fill_null(keep, False))
    counted = pairs.group_by(["net", "value"], use_threads=False).aggregate([([], "count_all")])
    ranked = counted.sort_by(
        [("net", "ascending"), ("count_all", "descending"), ("value", "ascending")]
    )
    return _lists(ranked["net"], ranked["value"], n)


def _lists(
    owners: pa.ChunkedArray | pa.Array, values: pa.ChunkedArray | pa.Array, n: int
) -> pa.ListArray:
    """A list per network from (owner, value) rows sorted by owner."""
    sizes = np.bincount(np.asarray(owners, dtype=np.int64), minlength=n)
    offsets = pa.array(np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pa.ListArray.from_arrays(offsets, values)


def _time_span(codes: Int64Array, posted_at: pa.ChunkedArray, n: int) -> tuple[pa.Array, pa.Array]:
    spans = (
        pa.table({"net": codes, "at": posted_at})
        .group_by("net", use_threads=False)
        .aggregate([("at", "min"), ("at", "max")])
        .sort_by("net")
    )
    first = _scatter(spans["net"], spans["at_min"], n)
    last = _scatter(spans["net"], spans["at_max"], n)
    return first, last


def _scatter(owners: pa.ChunkedArray, values: pa.ChunkedArray, n: int) -> pa.Array:
    """A length-n array with values[i] at owners[i] (every owner 0..n-1 appears once)."""
    order = np.empty(n, dtype=np.int64)
    order[np.asarray(owners, dtype=np.int64)] = np.arange(len(owners), dtype=np.int64)
    return values.combine_chunks().take(pa.array(order))


def _movements(codes: Int64Array, ads: pa.Table, n: int) -> pa.ListArray:
    """Each network's stops in time order: consecutive ads in one place form one stop.

    Ads without a time or without any place are left out; ties in time go by ad id.
    """
    placed = pc.or_(pc.is_valid(ads["city"]), pc.is_valid(ads["country"]))
    keep = np.asarray(pc.and_(placed, pc.is_valid(ads["posted_at"])), dtype=bool)
    rows = np.flatnonzero(keep)
    at = np.asarray(ads["posted_at"].cast(pa.int64()).to_numpy(zero_copy_only=False))[rows]
    member_rank = np.asarray(pc.rank(member_ids(ads), sort_keys="ascending"), dtype=np.int64)
    order = rows[np.lexsort((member_rank[rows], at, codes[rows]))]
    city = _dense_codes(ads["city"])[order]
    country = _dense_codes(ads["country"])[order]
    owner = codes[order]
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (owner[1:] != owner[:-1]) | (city[1:] != city[:-1]) | (country[1:] != country[:-1])
    stop = np.cumsum(fresh) - 1
    starts = np.flatnonzero(fresh)
    ends = np.append(starts[1:], len(order))[: len(starts)] - 1
    stamps = ads["posted_at"].combine_chunks()
    stops = pa.StructArray.from_arrays(
        [
            ads["city"].combine_chunks().take(pa.array(order[starts])),
            ads["country"].combine_chunks().take(pa.array(order[starts])),
            stamps.take(pa.array(order[starts])),
            stamps.take(pa.array(order[ends])),
            pa.array(np.bincount(stop, minlength=len(starts)), pa.int64()),
        ],
        fields=list(STOP_TYPE),
    )
    return _lists(pa.array(owner[starts]), stops, n)


def _dense_codes(column: pa.ChunkedArray) -> Int64Array:
    encoded = pc.dictionary_encode(column.combine_chunks())
    return np.asarray(pc.fill_null(encoded.indices.cast(pa.int64()), -1), dtype=np.int64)


def _evidence(codes: Int64Array, edges: pa.Table, n: int) -> pa.ListArray:
    """(kind, value, ad_count) of every shared value that links a network's ads.

    Edges are stars (first ad to each other ad), so a value's ads are its edges plus one.
    """
    if not edges.num_rows:
        return _lists(pa.array([], pa.int64()), pa.array([], EVIDENCE_TYPE), n)
    grouped = edges.group_by(["kind", "value"], use_threads=False).aggregate(
        [("src", "min"), ([], "count_all")]
    )
    owners = codes[np.asarray(grouped["src_min"], dtype=np.int64)]
    table = pa.table(
        {
            "net": owners,
            "kind": grouped["kind"],
            "value": grouped["value"],
            "ad_count": pc.add(grouped["count_all"], 1),
        }
    ).sort_by(
        [
            ("net", "ascending"),
            ("ad_count", "descending"),
            ("kind", "ascending"),
            ("value", "ascending"),
        ]
    )
    structs = pa.StructArray.from_arrays(
        [table[name].combine_chunks() for name in ("kind", "value", "ad_count")],
        fields=list(EVIDENCE_TYPE),
    )
    return _lists(table["net"], structs, n)


def _hub_identifiers(codes: Int64Array, ads: pa.Table, link: LinkResult, n: int) -> pa.ListArray:
    """``kind:identifier`` of the hubs found on each network's ads (an image hub by its
    cluster's smallest hash)."""
    owners: list[Int64Array] = []
    labels: list[pa.Array] = []
    for column, kind in _IDENTIFIER_COLUMNS:
        hubs = link.hub_values.get(kind)
        if not hubs:
            continue
        raw, names = zip(*sorted(hubs.items()), strict=True)
        flat_column = ads[column].combine_chunks()
        values = pc.list_flatten(flat_column)
        parents = np.asarray(pc.list_parent_indices(flat_column), dtype=np.int64)
        where = pc.index_in(values, pa.array(raw, pa.string()))
        hit = np.asarray(pc.is_valid(where), dtype=bool)
        owners.append(codes[parents[hit]])
        named = pa.array(names, pa.string()).take(where.filter(pa.array(hit)))
        labels.append(pc.binary_join_element_wise(kind, named, ":"))
    if not owners:
        return _lists(pa.array([], pa.int64()), pa.array([], pa.string()), n)
    return _ranked_values(
        np.concatenate(owners), pa.concat_arrays([a.cast(pa.string()) for a in labels]), n
    )


def _growth(codes: Int64Array, posted_at: pa.ChunkedArray, n: int) -> tuple[Int64Array, Int64Array]:
    """Ads in the last 30 days and in the 30 days before, relative to the corpus' last ad."""
    stamps = posted_at.cast(pa.int64()).to_numpy(zero_copy_only=False)
    known = ~np.asarray(pc.is_null(posted_at), dtype=bool)
    if not known.any():
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    stamps = np.where(known, stamps, 0).astype(np.int64)
    latest = int(stamps[known].max())
    window = int(GROWTH_WINDOW.total_seconds() * 1_000_000)
    last = known & (stamps > latest - window)
    prev = known & (stamps <= latest - window) & (stamps > latest - 2 * window)
    return (
        np.bincount(codes[last], minlength=n).astype(np.int64),
        np.bincount(codes[prev], minlength=n).astype(np.int64),
    )


AD_DETAIL_COLUMNS = (
    "id",
    "version",
    "posted_at",
    "site",
    "city",
    "country",
    "title",
    "url",
    "phones",
    "emails",
    "handles",
    "image_hashes",
    "template_id",
)


def network_details(out_dir: Path, network_id: str) -> dict[str, Any]:
    """One network of an analysis folder: its summary row and its ads (oldest first).

    `network_id` may be a unique prefix of an id ("net-91c0"). Raises InputError when the
    folder holds no results of `lightkeeper analyze` or no network matches.
    Returns ``{"network": {...networks.parquet row...}, "ads": [{...}, ...]}``.
    """
    networks_path, ads_path = _result_paths(out_dir)
    wanted = _resolve_network_id(networks_path, network_id.strip())
    row = pq.read_table(networks_path, filters=[("network_id", "=", wanted)]).to_pylist()[0]
    schema = pq.read_schema(ads_path)
    columns = [c for c in AD_DETAIL_COLUMNS if c in schema.names]
    ads = pq.read_table(ads_path, columns=columns, filters=[("network_id", "=", wanted)])
    ads = ads.sort_by([("posted_at", "ascending"), ("id", "ascending"), ("version", "ascending")])
    return {"network": row, "ads": ads.to_pylist()}


def _result_paths(out_dir: Path) -> tuple[Path, Path]:
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: no such folder")
    networks_path, ads_path = out_dir / "networks.parquet", out_dir / "ads.parquet"
    for path in (networks_path, ads_path):
        if not path.is_file():
            raise InputError(
                f"{out_dir}: no {path.name}; run `lightkeeper analyze INPUT --out {out_dir}` first"
            )
    try:
        names = pq.read_schema(ads_path).names
    except (OSError, pa.ArrowException) as e:
        raise InputError(f"{ads_path}: not a readable Parquet file: {e}") from e
    if "network_id" not in names:
        raise InputError(f"{ads_path}: has no network_id column; rerun `lightkeeper analyze`")
    return networks_path, ads_path


def _resolve_network_id(networks_path: Path, network_id: str) -> str:
    try:
        ids = pq.read_table(networks_path, columns=["network_id"])["network_id"]
    except (OSError, pa.ArrowException, KeyError) as e:
        raise InputError(f"{networks_path}: not a readable networks file: {e}") from e
    if not network_id:
        raise InputError("no network id given")
    exact = pc.any(pc.equal(ids, network_id)).as_py()
    if exact:
        return network_id
    matches = ids.filter(pc.starts_with(ids, network_id)).to_pylist()
    if len(matches) == 1:
        return str(matches[0])
    if matches:
        shown = ", ".join(str(m) for m in matches[:5])
        raise InputError(f"network id {network_id!r} is ambiguous: it starts {shown}, ...")
    raise InputError(f"no network {network_id!r} in {networks_path.parent}")


def network_text(details: dict[str, Any], *, max_ads: int = 50) -> str:
    """A plain-text account of one network (for `lightkeeper network`): identifiers,
    movement, evidence and its ads (the first `max_ads`)."""
    net = details["network"]
    lines = [
        f"Network {net['network_id']}: {net['ad_count']} ads, "
        f"{_when(net['first_seen'])} to {_when(net['last_seen'])}",
    ]
    for label in ("phones", "emails", "handles", "personas", "sites", "template_ids"):
        values = net.get(label) or []
        if values:
            lines.append(f"  {label}: {_listed(values)}")
    if net.get("hub_identifiers"):
        lines.append(f"  hub identifiers (not linking): {_listed(net['hub_identifiers'])}")
    lines.append("Movement:")
    for stop in net.get("movement") or []:
        place = _clean(", ".join(p for p in (stop["city"], stop["country"]) if p))
        lines.append(
            f"  {_when(stop['first_seen'])} to {_when(stop['last_seen'])}  {place}"
            f"  ({stop['ad_count']} ads)"
        )
    lines.append("Evidence (what joins its ads):")
    for item in net.get("evidence") or []:
        lines.append(f"  {item['kind']:<8} {_clean(item['value'])}  ({item['ad_count']} ads)")
    lines.append("Ads:")
    ads = details["ads"]
    for ad in ads[:max_ads]:
        contacts = _listed((ad.get("phones") or []) + (ad.get("emails") or []))
        lines.append(
            f"  {_when(ad.get('posted_at'))}  {_clean(ad['id'])}#{ad['version']}  "
            f"{_clean(ad.get('city') or '?')}  {_short(ad.get('title'))}  {contacts}"
        )
    if len(ads) > max_ads:
        lines.append(f"  ... and {len(ads) - max_ads} more")
    return "\n".join(lines)


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "?"


def _clean(text: Any) -> str:
    return _UNPRINTABLE.sub("\ufffd", str(text))


def _listed(values: list[Any]) -> str:
    return ", ".join(_clean(v) for v in values)


def _short(text: str | None, limit: int = 60) -> str:
    if not text:
        return ""
    flat = _clean(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
