"""Linking on a cluster: `lightkeeper.ads.link.link.link_ads`, distributed.

1. Each partition lists its occurrences (kind, value, row): phones, emails, handles, image
   clusters, templates and ad ids (versions), as the local stage does.
2. Image hashes are clustered once: the distinct hashes (8 bytes each) are gathered and
   `image_clusters` runs on the client; each hash's cluster name is sent back.
3. Occurrences are shuffled by value. A value's reducer knows its ads: their count decides
   candidates for hubs (`hub_min_ads`, not allowed); allow/deny lists and placeholder rules
   are applied by `detect_hubs` itself (with data hubs off) on the reducer's values.
4. Base groups (the graph without candidates and listed values: stars of the other values)
   are components computed on the cluster.
5. The hub decision needs, for every candidate, its ads' base groups. The ads that carry a
   candidate or a listed value, with all their identifiers and their base group, are
   gathered (a group with other ads but only one of these gets a stand-in ad so it still
   counts as a group of two) and `detect_hubs` runs unchanged on this reduced corpus: its
   candidates, their ad counts, groups, informative groups and hub figures are those of the
   whole corpus.
6. Every value that is not a hub links its ads as a star (first row to the others): the
   evidence edges. Their components, named by smallest member id, are the networks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.distributed.parts import (
    I64,
    column,
    concat_tables,
    home_of,
    numbers,
    split_table,
)
from lightkeeper.ads.ids import canonical_id
from lightkeeper.ads.link.config import LinkConfig
from lightkeeper.ads.link.hubs import AdContext, HubDecision, detect_hubs
from lightkeeper.ads.link.identifiers import Occurrences, list_occurrences, occurrences_from_codes
from lightkeeper.ads.link.images import image_clusters
from lightkeeper.ads.link.link import NETWORK_PREFIX
from lightkeeper.ads.templates.cluster import member_ids
from lightkeeper.ads.templates.shingles import string_hashes
from lightkeeper.engine.arrays import distinct
from lightkeeper.engine.dask_graph import split_by

OCC_SCHEMA = pa.schema([("kind", pa.string()), ("value", pa.string()), ("row", pa.int64())])
EDGE_SCHEMA = pa.schema(
    [("src", pa.int64()), ("dst", pa.int64()), ("kind", pa.string()), ("value", pa.string())]
)
ROWS_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("group", pa.int64()),
        ("city", pa.string()),
        ("site", pa.string()),
        ("template_id", pa.string()),
    ]
)
HUB_KINDS = ("phone", "email", "handle", "image")
_COLUMNS = {"phone": "phones", "email": "emails", "handle": "handles"}


def enabled_kinds(config: LinkConfig) -> list[str]:
    """The identifier kinds that link ads, in the local stage's order."""
    on = {
        "phone": config.link_phones,
        "email": config.link_emails,
        "handle": config.link_handles,
        "image": config.link_images,
    }
    return [kind for kind in HUB_KINDS if on[kind]]


# -- image clusters -----------------------------------------------------------------------


def image_hash_values(ads: pa.Table) -> pa.Array:
    """The distinct image hash strings of a partition."""
    occ = list_occurrences(ads["image_hashes"], "image_hash")
    return occ.values


def split_strings(values: pa.Array, n_out: int) -> list[pa.Array]:
    """Strings cut by their hash."""
    assign = (string_hashes(values) % np.uint64(n_out)).astype(np.int64)
    table = split_table(pa.table({"v": values}), assign, n_out)
    return [t.column("v").combine_chunks() for t in table]


def distinct_strings(pieces: list[pa.Array]) -> pa.Array:
    """The distinct strings of one reducer."""
    if not pieces:
        return pa.array([], pa.string())
    return pc.unique(pa.concat_arrays([p.cast(pa.string()) for p in pieces]))


def image_cluster_names(hashes: pa.Array, *, max_distance: int) -> dict[str, str]:
    """{hash: its cluster's name} for the hashes whose cluster holds other hashes too."""
    if not len(hashes):
        return {}
    n = len(hashes)
    occ = Occurrences("image_hash", np.arange(n), np.arange(n), hashes)
    clusters = image_clusters(occ, max_distance=max_distance)
    names = clusters.occurrences.values.take(pa.array(clusters.cluster_of_hash)).to_pylist()
    return {h: m for h, m in zip(hashes.to_pylist(), names, strict=True) if h != m}


# -- occurrences ----------------------------------------------------------------------------


def occurrence_rows(
    ads: pa.Table,
    template_ids: pa.Array,
    first_row: int,
    image_names: dict[str, str],
    *,
    config: LinkConfig,
) -> pa.Table:
    """(kind, value, row) of every identifier, template and ad id of a partition."""
    parts: list[tuple[str, Occurrences]] = []
    for kind in enabled_kinds(config):
        if kind == "image":
            parts.append((kind, _image_occurrences(ads, image_names)))
        else:
            parts.append((kind, list_occurrences(ads[_COLUMNS[kind]], kind)))
    if config.link_templates:
        parts.append(("template", _scalar(template_ids, "template")))
    if config.link_versions:
        parts.append(("version", _scalar(column(ads, "id"), "version")))
    tables = [
        pa.table(
            {
                "kind": pa.array([kind] * len(occ.rows), pa.string()),
                "value": occ.values.take(pa.array(occ.codes)).cast(pa.string()),
                "row": pa.array(occ.rows + first_row, pa.int64()),
            },
            schema=OCC_SCHEMA,
        )
        for kind, occ in parts
    ]
    return concat_tables(tables, OCC_SCHEMA)


def _scalar(values: pa.Array, kind: str) -> Occurrences:
    from lightkeeper.ads.link.identifiers import scalar_occurrences

    return scalar_occurrences(values, kind)


def _image_occurrences(ads: pa.Table, image_names: dict[str, str]) -> Occurrences:
    hashes = list_occurrences(ads["image_hashes"], "image_hash")
    raw = hashes.values.to_pylist()
    names = [image_names.get(h, h) for h in raw]
    unique = sorted(set(names))
    code_of = {name: i for i, name in enumerate(unique)}
    codes = np.array([code_of[name] for name in names], dtype=np.int64)[hashes.codes]
    return occurrences_from_codes("image", hashes.rows, codes, pa.array(unique, pa.string()))


def split_occurrences(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Occurrences cut by (kind, value): every occurrence of a value meets in one reducer."""
    keyed = pc.binary_join_element_wise(column(table, "kind"), column(table, "value"), "\x1f")
    assign = (string_hashes(keyed) % np.uint64(n_out)).astype(np.int64)
    return split_table(table, assign, n_out)


@dataclass(frozen=True, slots=True)
class ValueGroup:
    """One reducer's values: occurrences sorted by (kind, value, row), and per value its ads
    (`start`/`count` into the occurrences) and whether it is a candidate or listed."""

    occurrences: pa.Table
    start: I64
    count: I64
    special: np.ndarray  # candidate for a hub or listed (never a base-group edge)


def value_group(
    pieces: list[pa.Table], image_names: dict[str, str], *, config: LinkConfig
) -> ValueGroup:
    """A reducer's values, counted and flagged (see the module doc, step 3)."""
    table = concat_tables(pieces, OCC_SCHEMA)
    table = table.take(
        pc.sort_indices(
            table, [("kind", "ascending"), ("value", "ascending"), ("row", "ascending")]
        )
    )
    kinds, values = column(table, "kind"), column(table, "value")
    n = table.num_rows
    fresh = np.ones(n, dtype=bool)
    if n > 1:
        same_kind = np.asarray(pc.equal(kinds.slice(1), kinds.slice(0, n - 1)), dtype=bool)
        same_value = np.asarray(pc.equal(values.slice(1), values.slice(0, n - 1)), dtype=bool)
        fresh[1:] = ~(same_kind & same_value)
    start = np.flatnonzero(fresh)
    count = np.diff(np.r_[start, n]).astype(np.int64)
    first_kind = kinds.take(pa.array(start)).to_pylist()
    first_value = values.take(pa.array(start)).to_pylist()
    hub_kind = np.array([k in HUB_KINDS for k in first_kind], dtype=bool)
    allowed = np.array(
        [
            k in HUB_KINDS and _allowed(k, v, config, image_names)
            for k, v in zip(first_kind, first_value, strict=True)
        ],
        dtype=bool,
    )
    candidate = hub_kind & (count >= config.hub_min_ads) & ~allowed
    listed = _listed_values(first_kind, first_value, image_names, config)
    return ValueGroup(table, start, count, candidate | listed)


def _allowed(kind: str, value: str, config: LinkConfig, image_names: dict[str, str]) -> bool:
    if not config.allow:
        return False
    names = [value]
    if kind == "image":
        names += [h for h, name in image_names.items() if name == value]
    return any(name.lower() in config.allow for name in names)


def _listed_values(
    kinds: list[str], values: list[str], image_names: dict[str, str], config: LinkConfig
) -> np.ndarray:
    """Which values `detect_hubs` lists as hubs by rule (deny list, placeholders)."""
    out = np.zeros(len(kinds), dtype=bool)
    positions: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        if kind in HUB_KINDS:
            positions.setdefault(kind, []).append(i)
    identifiers = []
    for kind in HUB_KINDS:
        where = positions.get(kind, [])
        size = len(where)
        names = pa.array([values[i] for i in where], pa.string())
        identifiers.append(Occurrences(kind, np.arange(size), np.arange(size), names))
    aliases = {"image": _image_aliases(identifiers[-1].values, image_names)}
    n_rows = max((len(p) for p in positions.values()), default=0)
    none = np.full(n_rows, -1, dtype=np.int64)
    context = AdContext(n_rows, none, none, none, np.zeros((0, 2), np.int64))
    decision = detect_hubs(
        identifiers, context, config=replace(config, detect_hubs=False), aliases=aliases
    )
    for occ in identifiers:
        where = positions.get(occ.kind, [])
        for code in np.flatnonzero(~decision.linking[occ.kind]).tolist():
            out[where[code]] = True
    return out


def _image_aliases(values: pa.Array, image_names: dict[str, str]) -> tuple[pa.Array, I64]:
    """(every hash of each cluster, its cluster's code) for the image values given."""
    code_of = {v: i for i, v in enumerate(values.to_pylist())}
    names = list(code_of)
    codes = list(range(len(names)))
    for raw, name in image_names.items():
        if name in code_of:
            names.append(raw)
            codes.append(code_of[name])
    return pa.array(names, pa.string()), np.array(codes, dtype=np.int64)


def special_rows(group: ValueGroup) -> I64:
    """The rows carrying a candidate or a listed value (distinct)."""
    rows = numbers(group.occurrences, "row", np.int64)
    picked = np.repeat(group.special, group.count)
    return distinct(rows[picked])


def star_edges_of(group: ValueGroup, linking: np.ndarray) -> I64:
    """(first row, other row) of every linking value's ads."""
    rows = numbers(group.occurrences, "row", np.int64)
    owner = np.repeat(np.arange(len(group.start)), group.count)
    first = rows[group.start][owner]
    keep = linking[owner] & (rows != first)
    return np.stack([first[keep], rows[keep]], axis=1)


def base_edges(group: ValueGroup) -> I64:
    """Star edges of the values that make base groups (neither candidate nor listed)."""
    return star_edges_of(group, ~group.special)


def split_rows_home(rows: I64, n_out: int, *, offsets: list[int]) -> list[I64]:
    """Row numbers cut by their partition."""
    return split_by(rows, home_of(rows, offsets), n_out)


def unique_rows(pieces: list[I64]) -> I64:
    """The distinct rows that reached one partition."""
    return distinct(np.concatenate(pieces)) if pieces else np.zeros(0, np.int64)


# -- the reduced corpus of the hub decision -----------------------------------------------


def reduced_part(  # noqa: PLR0917 - a task: the engine maps over positional lists
    ads: pa.Table,
    template_ids: pa.Array,
    occurrences: pa.Table,
    rows: I64,
    labels: I64,
    first_row: int,
) -> tuple[pa.Table, pa.Table]:
    """For the special rows of a partition: (row, base group, city, site, template) and
    their identifier occurrences. A row with no base edge is its own group (group -1)."""
    local = pa.array(rows - first_row)
    group = np.full(len(rows), -1, dtype=np.int64)
    if len(labels):
        order = np.argsort(labels[:, 0])
        where = np.searchsorted(labels[order, 0], rows)
        where = np.minimum(where, len(labels) - 1)
        hit = labels[order, 0][where] == rows
        group[hit] = labels[order, 1][where[hit]]
    facts = pa.table(
        {
            "row": pa.array(rows, pa.int64()),
            "group": pa.array(group, pa.int64()),
            "city": ads.column("city").take(local),
            "site": ads.column("site").take(local),
            "template_id": template_ids.take(local),
        },
        schema=ROWS_SCHEMA,
    )
    mine = pc.and_(
        pc.is_in(occurrences.column("kind"), pa.array(list(HUB_KINDS))),
        pc.is_in(occurrences.column("row"), pa.array(rows, pa.int64())),
    )
    return facts, occurrences.filter(mine)


def reduced_decision(
    facts: pa.Table,
    occurrences: pa.Table,
    image_names: dict[str, str],
    *,
    config: LinkConfig,
) -> HubDecision:
    """`detect_hubs` on the reduced corpus (see the module doc, step 5)."""
    facts = facts.sort_by("row")
    rows = numbers(facts, "row", np.int64)
    group = numbers(facts, "group", np.int64)
    n = len(rows)
    grouped = np.flatnonzero(group >= 0)
    labels, first, sizes = np.unique(group[grouped], return_index=True, return_counts=True)
    lone = labels[sizes == 1]
    # A group with other ads, of which only one is here, gets a stand-in ad.
    stand_in = n + np.arange(len(lone))
    star_first = grouped[first][np.searchsorted(labels, group[grouped])]
    edges = np.stack([star_first, grouped], axis=1)
    edges = edges[edges[:, 0] != edges[:, 1]]
    lone_rows = grouped[first][np.searchsorted(labels, lone)]
    edges = np.concatenate([edges, np.stack([lone_rows, stand_in], axis=1)]).astype(np.int64)
    n_all = n + len(lone)
    identifiers = _reduced_identifiers(occurrences, rows, config)
    images = next((occ for occ in identifiers if occ.kind == "image"), None)
    aliases = {"image": _image_aliases(images.values, image_names)} if images else {}
    context = AdContext(
        n_all,
        _codes(facts.column("city"), n_all),
        _codes(facts.column("site"), n_all),
        _codes(facts.column("template_id"), n_all),
        edges,
    )
    return detect_hubs(identifiers, context, config=config, aliases=aliases)


def _reduced_identifiers(occurrences: pa.Table, rows: I64, config: LinkConfig) -> list[Occurrences]:
    out = []
    for kind in enabled_kinds(config):
        mine = occurrences.filter(pc.equal(occurrences.column("kind"), kind))
        local = np.searchsorted(rows, numbers(mine, "row", np.int64))
        encoded = pc.dictionary_encode(column(mine, "value"))
        codes = np.asarray(encoded.indices, dtype=np.int64)
        out.append(occurrences_from_codes(kind, local, codes, encoded.dictionary))
    return out


def _codes(values: Any, n_all: int) -> I64:
    encoded = pc.dictionary_encode(
        values.combine_chunks() if hasattr(values, "combine_chunks") else values
    )
    codes = np.asarray(pc.fill_null(encoded.indices.cast(pa.int64()), -1), dtype=np.int64)
    return np.asarray(np.r_[codes, np.full(n_all - len(codes), -1, dtype=np.int64)], np.int64)


def hub_values(decision: HubDecision, image_names: dict[str, str]) -> dict[str, dict[str, str]]:
    """{raw value: hub identifier} by kind, as `LinkResult.hub_values` (an image hub stands for
    every hash of its cluster)."""
    out: dict[str, dict[str, str]] = {}
    for hub in decision.hubs:
        values = out.setdefault(hub.kind, {})
        values[hub.identifier] = hub.identifier
        if hub.kind == "image":
            for raw, name in image_names.items():
                if name == hub.identifier:
                    values[raw] = hub.identifier
    return out


def linking_edges(group: ValueGroup, hubs: set[tuple[str, str]]) -> pa.Table:
    """The evidence edges (src, dst, kind, value) of a reducer's values that are not hubs."""
    kinds = column(group.occurrences, "kind").take(pa.array(group.start)).to_pylist()
    values = column(group.occurrences, "value").take(pa.array(group.start)).to_pylist()
    linking = np.array([(k, v) not in hubs for k, v in zip(kinds, values, strict=True)], bool)
    rows = numbers(group.occurrences, "row", np.int64)
    owner = np.repeat(np.arange(len(group.start)), group.count)
    first = rows[group.start][owner]
    keep = linking[owner] & (rows != first)
    picked = pa.array(np.flatnonzero(keep))
    return pa.table(
        {
            "src": pa.array(first[keep], pa.int64()),
            "dst": pa.array(rows[keep], pa.int64()),
            "kind": column(group.occurrences, "kind").take(picked),
            "value": column(group.occurrences, "value").take(picked),
        },
        schema=EDGE_SCHEMA,
    )


def edge_pairs(edges: pa.Table) -> I64:
    """The (src, dst) pairs of an edge table."""
    return np.stack([numbers(edges, "src", np.int64), numbers(edges, "dst", np.int64)], axis=1)


# -- network ids ----------------------------------------------------------------------------


def labelled(ads: pa.Table, labels: I64, first_row: int) -> pa.Table:
    """(label, member, node) for the labelled rows of a partition."""
    members = member_ids(ads)
    return pa.table(
        {
            "label": pa.array(labels[:, 1], pa.int64()),
            "member": members.take(pa.array(labels[:, 0] - first_row)),
            "node": pa.array(labels[:, 0], pa.int64()),
        }
    )


def named_networks(pieces: list[pa.Table]) -> pa.Table:
    """(node, network id) of one reducer's components: the id of the smallest member."""
    tables = [p for p in pieces if p.num_rows]
    if not tables:
        return pa.table({"node": pa.array([], pa.int64()), "network_id": pa.array([], pa.string())})
    table = pa.concat_tables(tables)
    smallest = table.group_by("label", use_threads=False).aggregate([("member", "min")])
    names = {
        label: canonical_id(NETWORK_PREFIX, [member])
        for label, member in zip(
            smallest.column("label").to_pylist(),
            smallest.column("member_min").to_pylist(),
            strict=True,
        )
    }
    return pa.table(
        {
            "node": table.column("node"),
            "network_id": pa.array([names[x] for x in table.column("label").to_pylist()]),
        }
    )


def network_column(ads: pa.Table, named: pa.Table, first_row: int) -> pa.Array:
    """The network id of each row of a partition; a row linked to nothing is a network alone."""
    ids: list[str | None] = [None] * ads.num_rows
    for node, net in zip(
        named.column("node").to_pylist(), named.column("network_id").to_pylist(), strict=True
    ):
        ids[node - first_row] = net
    members = member_ids(ads).to_pylist()
    return pa.array(
        [
            net if net is not None else canonical_id(NETWORK_PREFIX, [m])
            for net, m in zip(ids, members, strict=True)
        ],
        pa.string(),
    )
