"""`link_ads`: the graph of ads and what they share, and its components as networks.

Nodes are ad rows. Edges join ads that share a phone, email or handle, a near-identical image,
a template, or an ad id (versions of one ad). Each value links its ads as a star (first member
to each other member), which keeps the edge list linear; hub identifiers create no edges but
stay in the ads' columns. Networks are the connected components, named canonically.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.ids import canonical_id
from lightkeeper.ads.link.config import LinkConfig
from lightkeeper.ads.link.hubs import AdContext, Hub, detect_hubs
from lightkeeper.ads.link.identifiers import (
    Int64Array,
    Occurrences,
    list_occurrences,
    scalar_occurrences,
    star_edges,
)
from lightkeeper.ads.link.images import ImageClusters, image_clusters
from lightkeeper.engine.graph import connected_components
from lightkeeper.errors import InputError

NETWORK_PREFIX = "net"
EDGE_SCHEMA = pa.schema(
    [("src", pa.int64()), ("dst", pa.int64()), ("kind", pa.string()), ("value", pa.string())]
)
_IDENTIFIER_COLUMNS = (("phone", "phones"), ("email", "emails"), ("handle", "handles"))


@dataclass(frozen=True, slots=True)
class LinkResult:
    """Networks of one corpus and the evidence behind them.

    `network_ids[i]` is the network of ad row i. `edges` (columns src, dst: row positions;
    kind: phone, email, handle, image, template or version; value: the shared value, for an
    image the smallest hash of its near-identical cluster) are the links that made networks.
    `hubs` are the identifiers kept from linking, with reason and figures; `hub_values` maps
    each kind (phone, email, handle, image) to {raw value: hub identifier} for the values that
    are hubs (for an image hub, every hash of its cluster maps to the cluster's smallest hash),
    for summaries to set them apart.
    """

    network_ids: list[str]
    edges: pa.Table
    hubs: list[Hub]
    hub_values: dict[str, dict[str, str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def link_ads(
    ads: pa.Table, template_ids: Sequence[str | None], *, config: LinkConfig | None = None
) -> LinkResult:
    """Link the ads of one table into networks (one canonical network id per row).

    `template_ids` has one entry per row (None: no template). Row order does not change any id.
    `config` defaults to `LinkConfig()`.
    """
    config = config or LinkConfig()
    if len(template_ids) != ads.num_rows:
        raise InputError(
            f"template_ids has {len(template_ids)} entries for {ads.num_rows} ads; "
            "expected one per ad"
        )
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    identifiers = identifier_occurrences(ads, config=config)
    timings["identifiers"] = time.perf_counter() - clock
    clock = time.perf_counter()
    images = None
    if config.link_images:
        hashes = list_occurrences(ads["image_hashes"], "image_hash")
        images = image_clusters(hashes, max_distance=config.image_max_distance)
        identifiers.append(images.occurrences)
    timings["images"] = time.perf_counter() - clock
    clock = time.perf_counter()
    others = structural_occurrences(ads, template_ids, config=config)
    context = ad_context(ads, template_ids, others)
    aliases = {"image": (images.hashes, images.cluster_of_hash)} if images else {}
    decision = detect_hubs(identifiers, context, config=config, aliases=aliases)
    timings["hubs"] = time.perf_counter() - clock
    clock = time.perf_counter()
    edges = evidence_edges(identifiers + others, decision.linking)
    labels = connected_components(
        np.stack([edges["src"].to_numpy(), edges["dst"].to_numpy()], axis=1), ads.num_rows
    )
    network_ids = component_ids(ads, labels, prefix=NETWORK_PREFIX)
    timings["components"] = time.perf_counter() - clock
    hub_values = hub_value_sets(identifiers, decision.linking, images)
    return LinkResult(network_ids, edges, decision.hubs, hub_values, timings)


def hub_value_sets(
    identifiers: list[Occurrences],
    linking: dict[str, npt.NDArray[np.bool_]],
    images: ImageClusters | None,
) -> dict[str, dict[str, str]]:
    """{raw value: hub identifier} by kind (an image hub stands for all hashes of its cluster)."""
    values: dict[str, dict[str, str]] = {}
    for occ in identifiers:
        mask = ~linking[occ.kind]
        if occ.kind == "image" and images is not None:
            picked = mask[images.cluster_of_hash]
            raw = images.hashes.filter(pa.array(picked)).to_pylist()
            names = occ.values.take(pa.array(images.cluster_of_hash[picked])).to_pylist()
            values["image"] = {str(r): str(n) for r, n in zip(raw, names, strict=True)}
        else:
            picked_values = occ.values.filter(pa.array(mask)).to_pylist()
            values[occ.kind] = {str(v): str(v) for v in picked_values}
    return values


def identifier_occurrences(ads: pa.Table, *, config: LinkConfig) -> list[Occurrences]:
    """Occurrences of the contact identifiers that link ads (phones, emails, handles)."""
    enabled = {"phone": config.link_phones, "email": config.link_emails}
    enabled["handle"] = config.link_handles
    return [
        list_occurrences(ads[column], kind) for kind, column in _IDENTIFIER_COLUMNS if enabled[kind]
    ]


def structural_occurrences(
    ads: pa.Table, template_ids: Sequence[str | None], *, config: LinkConfig
) -> list[Occurrences]:
    """Occurrences of the links that are never hubs: templates and versions of one ad id."""
    found = []
    if config.link_templates:
        found.append(scalar_occurrences(pa.array(template_ids, pa.string()), "template"))
    if config.link_versions:
        found.append(scalar_occurrences(ads["id"], "version"))
    return found


def ad_context(
    ads: pa.Table, template_ids: Sequence[str | None], structural: list[Occurrences]
) -> AdContext:
    """The per-ad facts the hub detector reads (cities, sites, templates, structural edges)."""
    edges = [star_edges(occ)[:, :2] for occ in structural]
    return AdContext(
        n_rows=ads.num_rows,
        city_codes=_codes(ads["city"]),
        site_codes=_codes(ads["site"]),
        template_codes=_codes(pa.array(template_ids, pa.string())),
        base_edges=np.concatenate(edges) if edges else np.zeros((0, 2), dtype=np.int64),
    )


def _codes(column: pa.ChunkedArray | pa.Array) -> Int64Array:
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    indices = pc.fill_null(encoded.indices.cast(pa.int64()), -1)
    return np.asarray(indices, dtype=np.int64)


def evidence_edges(kinds: list[Occurrences], linking: dict[str, npt.NDArray[np.bool_]]) -> pa.Table:
    """The edges (src, dst, kind, value) of every linking value: a star per value."""
    tables = []
    for occ in kinds:
        star = star_edges(occ, linking=linking.get(occ.kind))
        values = occ.values.take(pa.array(star[:, 2])) if len(star) else pa.array([], pa.string())
        tables.append(
            pa.table(
                {
                    "src": pa.array(star[:, 0], pa.int64()),
                    "dst": pa.array(star[:, 1], pa.int64()),
                    "kind": pa.array(np.full(len(star), occ.kind, dtype=object), pa.string()),
                    "value": values.cast(pa.string()),
                },
                schema=EDGE_SCHEMA,
            )
        )
    if not tables:
        return EDGE_SCHEMA.empty_table()
    return pa.concat_tables(tables)


def member_ids(ads: pa.Table) -> pa.Array:
    """The member id ``"id#version"`` of every row (what canonical ids are made from)."""
    versions = pc.cast(ads["version"], pa.string())
    joined = pc.binary_join_element_wise(ads["id"], versions, "#")
    if isinstance(joined, pa.ChunkedArray):
        return joined.combine_chunks()
    return joined


def component_ids(ads: pa.Table, labels: Int64Array, *, prefix: str) -> list[str]:
    """Canonical id of each row's component: `prefix` and a hash of its smallest member id."""
    if not len(labels):
        return []
    smallest = (
        pa.table({"label": labels, "member": member_ids(ads)})
        .group_by("label", use_threads=False)
        .aggregate([("member", "min")])
    )
    names = np.empty(int(labels.max()) + 1, dtype=object)
    for label, member in zip(
        smallest["label"].to_pylist(), smallest["member_min"].to_pylist(), strict=True
    ):
        names[label] = canonical_id(prefix, [member])
    return [str(v) for v in names[labels]]
