"""Hub identifiers: values shared across unrelated contexts, which must not merge networks.

A site's support line, a toll-free number, a stock photo or a booking agency's line appears in
ads of many advertisers who share nothing else. The telling measure is how many otherwise
separate groups an identifier would join: the connected parts its ads fall into in the graph
built without it. Computing that for every identifier at once:

1. Candidates are identifiers on at least `hub_min_ads` ads (fewer cannot join many groups).
2. Base groups are the components of the graph of everything except candidates (small
   identifiers, templates, versions of one ad).
3. A bipartite graph Q joins base groups to the candidates found on their ads. The number of
   parts an identifier's groups fall into without it is the number of biconnected blocks of Q
   that contain it (one DFS, Tarjan), so every candidate is scored with all others present.
4. A candidate is a hub when it joins more groups than one advertiser's identifier would,
   judged against the corpus' own rate of splits (`split_tests`); hubs are removed and the
   scores recomputed, so a hub that was masked by another (two footers on the same ads) is
   found in the next round.

A base group of one ad counts only when the ad carries another contact (phone, email, handle)
of its own: an operator's ads that carry its phone and nothing else are not "other groups".
Candidates with exactly the same groups (a footer's phone and email) are scored as one unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from scipy.stats import binom

from lightkeeper.ads.link.config import LinkConfig
from lightkeeper.ads.link.identifiers import Int64Array, Occurrences, star_edges
from lightkeeper.engine.graph import connected_components

CONTACT_KINDS = ("phone", "email", "handle")
MAX_ROUNDS = 8
# Values that stand for "no value": a number of one repeated digit or a counting run, a
# placeholder mailbox, an all-zero or all-one image hash (blank picture).
_PLACEHOLDERS = {
    "phone": r"^\+\d{0,3}(0{7,}|1{7,}|2{7,}|3{7,}|4{7,}|5{7,}|6{7,}|7{7,}|8{7,}|9{7,})$"
    r"|^\+\d*(0123456789|1234567890|123456789)$",
    "email": r"^(none|noemail|nomail|no|na|n/a|test|email|mail|xxx+)@",
    "image": r"^(0{16}|f{16})$",
}


@dataclass(frozen=True, slots=True)
class Hub:
    """An identifier kept from linking ads, with why and the figures behind it."""

    identifier: str
    kind: str
    reason: str
    stats: dict[str, int | float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for summary.json)."""
        return {
            "identifier": self.identifier,
            "kind": self.kind,
            "reason": self.reason,
            "stats": dict(self.stats),
        }


@dataclass(frozen=True, slots=True)
class AdContext:
    """Per-ad facts the hub detector reads, one entry per ad row."""

    n_rows: int
    city_codes: Int64Array  # -1 when unknown
    site_codes: Int64Array  # -1 when unknown
    template_codes: Int64Array  # -1 when none
    base_edges: Int64Array  # (E, 2) edges that never involve identifiers: templates, versions


@dataclass(frozen=True, slots=True)
class HubDecision:
    """Which values of each identifier kind link ads, and the hubs found."""

    linking: dict[str, npt.NDArray[np.bool_]]
    hubs: list[Hub]


def detect_hubs(
    identifiers: list[Occurrences],
    context: AdContext,
    *,
    config: LinkConfig,
    aliases: dict[str, tuple[pa.Array, Int64Array]] | None = None,
) -> HubDecision:
    """Decide which identifier values are hubs; `linking[kind][code]` is False for a hub.

    `aliases[kind]` = (names, code of each name) lets allow/deny lists and placeholder rules
    match other names of a value: an image cluster is listed when any of its hashes is.
    """
    universe = _Universe.of(identifiers)
    allowed, denied, placeholder = _listed(universe, config, aliases or {})
    reasons: dict[int, str] = {int(g): "on the deny list" for g in np.flatnonzero(denied)}
    for gid in np.flatnonzero(placeholder & ~allowed & ~denied).tolist():
        reasons[gid] = "placeholder value"
    scored: dict[int, dict[str, int | float]] = {}
    if config.detect_hubs:
        found, scored = _data_hubs(universe, context, set(reasons), allowed, config)
        for gid, reason in found.items():
            reasons.setdefault(gid, reason)
    hub_ids = np.array(sorted(reasons), dtype=np.int64)
    basics = _basic_stats(universe, context, hub_ids)
    linking = {occ.kind: np.ones(occ.n_values, dtype=bool) for occ in identifiers}
    hubs = []
    for gid in hub_ids.tolist():
        kind_index, code = universe.locate(gid)
        occ = identifiers[kind_index]
        linking[occ.kind][code] = False
        stats = {**basics[gid], **scored.get(gid, {})}
        hubs.append(Hub(str(occ.values[code].as_py()), occ.kind, reasons[gid], stats))
    hubs.sort(key=lambda h: (-int(h.stats.get("ads", 0)), h.kind, h.identifier))
    return HubDecision(linking, hubs)


@dataclass(frozen=True, slots=True)
class _Universe:
    """All identifier values of all kinds, numbered 0..n-1 (global ids)."""

    kinds: list[Occurrences]
    offsets: Int64Array
    rows: Int64Array  # every occurrence's row
    gids: Int64Array  # every occurrence's global id
    contact: npt.NDArray[np.bool_]  # per global id: a phone, email or handle

    @classmethod
    def of(cls, kinds: list[Occurrences]) -> _Universe:
        sizes = [occ.n_values for occ in kinds]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        rows = np.concatenate([occ.rows for occ in kinds] or [np.zeros(0, np.int64)])
        gids = np.concatenate(
            [occ.codes + offsets[i] for i, occ in enumerate(kinds)] or [np.zeros(0, np.int64)]
        )
        contact = np.concatenate(
            [np.full(occ.n_values, occ.kind in CONTACT_KINDS) for occ in kinds]
            or [np.zeros(0, bool)]
        )
        return cls(kinds, offsets, rows.astype(np.int64), gids.astype(np.int64), contact)

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def locate(self, gid: int) -> tuple[int, int]:
        kind_index = int(np.searchsorted(self.offsets, gid, side="right") - 1)
        return kind_index, gid - int(self.offsets[kind_index])

    def value(self, gid: int) -> str:
        kind_index, code = self.locate(gid)
        return str(self.kinds[kind_index].values[code].as_py())


def _listed(
    universe: _Universe, config: LinkConfig, aliases: dict[str, tuple[pa.Array, Int64Array]]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per global id: on the allow list, on the deny list (and not allowed), a placeholder."""
    allowed = np.zeros(universe.size, dtype=bool)
    denied = np.zeros(universe.size, dtype=bool)
    placeholder = np.zeros(universe.size, dtype=bool)
    allow = pa.array(sorted(config.allow), pa.string())
    deny = pa.array(sorted(config.deny), pa.string())
    for kind_index, occ in enumerate(universe.kinds):
        offset = int(universe.offsets[kind_index])
        names, codes = aliases.get(occ.kind, (occ.values, np.arange(occ.n_values)))
        lowered = pc.utf8_lower(names.cast(pa.string()))
        for target, entries in ((allowed, allow), (denied, deny)):
            hit = np.asarray(pc.fill_null(pc.is_in(lowered, entries), False), dtype=bool)
            target[offset + codes[hit]] = True
        pattern = _PLACEHOLDERS.get(occ.kind)
        if pattern is not None:
            hit = np.asarray(
                pc.fill_null(pc.match_substring_regex(lowered, pattern), False), dtype=bool
            )
            placeholder[offset + codes[hit]] = True
    return allowed, denied & ~allowed, placeholder


def _data_hubs(
    universe: _Universe,
    context: AdContext,
    fixed: set[int],
    allowed: npt.NDArray[np.bool_],
    config: LinkConfig,
) -> tuple[dict[int, str], dict[int, dict[str, int | float]]]:
    ad_counts = np.bincount(universe.gids, minlength=universe.size)
    candidate = (ad_counts >= config.hub_min_ads) & ~allowed
    candidate[list(fixed)] = False
    base = _base_groups(universe, context, candidate | _mask(universe.size, fixed))
    graph = _GroupGraph.of(universe, context, base, np.flatnonzero(candidate))
    hubs: dict[int, str] = {}
    stats: dict[int, dict[str, int | float]] = {}
    for _ in range(MAX_ROUNDS):
        groups = graph.groups_joined(set(hubs))
        tests = split_tests(groups, ad_counts, alpha=config.hub_alpha)
        new = [
            gid
            for gid, test in tests.items()
            if test["hub"] and test["groups"] >= config.hub_min_groups
        ]
        for gid, test in tests.items():
            stats[gid] = {k: v for k, v in test.items() if k != "hub"}
        if not new:
            break
        for gid in new:
            hubs[gid] = _reason(stats[gid])
    return hubs, {gid: stats[gid] for gid in hubs}


def _reason(test: dict[str, int | float]) -> str:
    return (
        f"joins {test['groups']} otherwise separate groups of ads over {test['ads']} ads; "
        f"an identifier of one advertiser would split so often with chance "
        f"{test['p_value']:.1e} (corpus split rate {test['split_rate']:.3f})"
    )


def split_tests(
    groups: dict[int, int], ad_counts: Int64Array, *, alpha: float
) -> dict[int, dict[str, Any]]:
    """For each candidate: is its number of groups too many for one advertiser's identifier?

    Null model, learned from the corpus: each further ad of a genuine identifier starts a group
    of its own (unlinked to its other ads by anything else) with the corpus' split rate p, so
    groups - 1 ~ Binomial(ads - 1, p). p is pooled over the candidates not found to be hubs
    (re-estimated until stable, so hubs do not inflate it). A candidate is a hub when its
    p-value is below alpha / number of candidates (Bonferroni: with probability about alpha
    no genuine identifier of the corpus is called a hub).
    """
    if not groups:
        return {}
    gids = np.fromiter(groups.keys(), dtype=np.int64)
    extra = np.maximum(np.fromiter(groups.values(), dtype=np.int64), 1) - 1
    trials = np.maximum(ad_counts[gids] - 1, 1)
    level = alpha / len(gids)
    hub = np.zeros(len(gids), dtype=bool)
    for _ in range(MAX_ROUNDS):
        rate = _split_rate(extra[~hub], trials[~hub])
        p_values = binom.sf(extra - 1, trials, rate)
        now = p_values < level
        if np.array_equal(now, hub):
            break
        hub = now
    return {
        int(g): {
            "hub": bool(h),
            "groups": int(e) + 1,
            "ads": int(ad_counts[g]),
            "split_rate": round(rate, 5),
            "p_value": float(f"{pv:.3g}"),
            "significance": float(f"{level:.3g}"),
        }
        for g, e, h, pv in zip(
            gids.tolist(), extra.tolist(), hub.tolist(), p_values.tolist(), strict=True
        )
    }


def _split_rate(extra: Int64Array, trials: Int64Array) -> float:
    # A small prior (one split in a hundred further ads) keeps the rate positive on tiny corpora.
    return float((extra.sum() + 1.0) / (trials.sum() + 100.0))


def _mask(size: int, ids: set[int]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(size, dtype=bool)
    mask[list(ids)] = True
    return mask


def _base_groups(
    universe: _Universe, context: AdContext, excluded: npt.NDArray[np.bool_]
) -> Int64Array:
    """Component label of each ad in the graph without the excluded identifiers."""
    edges = [context.base_edges]
    for kind_index, occ in enumerate(universe.kinds):
        offset = int(universe.offsets[kind_index])
        linking = ~excluded[offset : offset + occ.n_values]
        edges.append(star_edges(occ, linking=linking)[:, :2])
    return connected_components(np.concatenate(edges), context.n_rows)


def _basic_stats(
    universe: _Universe, context: AdContext, hub_ids: Int64Array
) -> dict[int, dict[str, int | float]]:
    """Ads, distinct templates, cities, sites and co-occurring identifiers of each hub."""
    is_hub = np.zeros(universe.size, dtype=bool)
    is_hub[hub_ids] = True
    picked = is_hub[universe.gids]
    hub_rows = pa.table({"hub": universe.gids[picked], "row": universe.rows[picked]})
    per_row = {
        "templates": context.template_codes,
        "cities": context.city_codes,
        "sites": context.site_codes,
    }
    rows = hub_rows["row"].to_numpy()
    facts = hub_rows.append_column("ads", pa.array(rows))
    for name, codes in per_row.items():
        values = codes[rows]
        facts = facts.append_column(name, pa.array(np.where(values >= 0, values, None)))
    counted = facts.group_by("hub", use_threads=False).aggregate(
        [("ads", "count_distinct")]
        + [(name, "count_distinct", pc.CountOptions(mode="only_valid")) for name in per_row]
    )
    everything = pa.table({"row": universe.rows, "other": universe.gids})
    co = (
        hub_rows.join(everything, "row", use_threads=False)
        .group_by("hub", use_threads=False)
        .aggregate([("other", "count_distinct")])
    )
    co_counts = dict(
        zip(co["hub"].to_pylist(), co["other_count_distinct"].to_pylist(), strict=True)
    )
    stats: dict[int, dict[str, int | float]] = {}
    for record in counted.to_pylist():
        gid = int(record["hub"])
        stats[gid] = {
            "ads": int(record["ads_count_distinct"]),
            **{name: int(record[f"{name}_count_distinct"]) for name in per_row},
            "co_identifiers": max(int(co_counts.get(gid, 1)) - 1, 0),
        }
    return stats


@dataclass(slots=True)
class _GroupGraph:
    """Q: candidate identifiers joined to the base groups of their ads (see the module doc).

    Candidates with the same set of groups are one unit (their scores are equal); `unit_of`
    maps each candidate's global id to its unit, `edges` are distinct (unit, group) pairs.
    """

    unit_of: dict[int, int]
    edges: Int64Array  # (E, 2): unit, group
    informative: npt.NDArray[np.bool_]  # per base group: counts as a group of its own
    n_units: int

    @classmethod
    def of(
        cls, universe: _Universe, context: AdContext, base: Int64Array, candidates: Int64Array
    ) -> _GroupGraph:
        is_candidate = np.zeros(universe.size, dtype=bool)
        is_candidate[candidates] = True
        picked = is_candidate[universe.gids]
        pairs = _unique_pairs(universe.gids[picked], base[universe.rows[picked]])
        informative = _informative_groups(universe, context, base, is_candidate)
        owners, unit_index = _same_set_classes(pairs[:, 0], pairs[:, 1])
        unit_of = dict(zip(owners.tolist(), unit_index.tolist(), strict=True))
        units = np.full(int(owners.max()) + 1 if len(owners) else 0, -1, dtype=np.int64)
        units[owners] = unit_index
        edges = _unique_pairs(units[pairs[:, 0]], pairs[:, 1])
        n_units = int(unit_index.max()) + 1 if len(unit_index) else 0
        return cls(unit_of, edges, informative, n_units)

    def groups_joined(self, removed: set[int]) -> dict[int, int]:
        """For each candidate not removed: the separate groups its ads fall into without it."""
        dead = np.zeros(self.n_units, dtype=bool)
        dead[[self.unit_of[g] for g in removed if g in self.unit_of]] = True
        live = self.edges[~dead[self.edges[:, 0]]]
        blocks = _blocks_per_unit(live, self.informative, self.n_units)
        return {gid: int(blocks[u]) for gid, u in self.unit_of.items() if not dead[u]}


def _unique_pairs(left: Int64Array, right: Int64Array) -> Int64Array:
    if not len(left):
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    fresh = np.ones(len(left), dtype=bool)
    fresh[1:] = (left[1:] != left[:-1]) | (right[1:] != right[:-1])
    return np.stack([left[fresh], right[fresh]], axis=1)


def _same_set_classes(owners: Int64Array, members: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Number the owners (sorted pairs) so that owners with equal member sets share a class.

    Sets are compared by two 64-bit sums of per-member random keys and their size: equal
    sets always agree; unequal ones collide with negligible chance (2^-128).
    """
    if not len(owners):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], owners[1:] != owners[:-1]]))
    top = int(members.max()) + 1
    keys = np.random.default_rng(0x11C4).integers(0, 2**63, size=(2, top), dtype=np.int64)
    first = np.add.reduceat(keys[0][members].view(np.uint64), starts)
    second = np.add.reduceat(keys[1][members].view(np.uint64), starts)
    sizes = np.diff(np.append(starts, len(owners)))
    order = np.lexsort((sizes, second, first))
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (
        (first[order][1:] != first[order][:-1])
        | (second[order][1:] != second[order][:-1])
        | (sizes[order][1:] != sizes[order][:-1])
    )
    classes = np.empty(len(order), dtype=np.int64)
    classes[order] = np.cumsum(fresh) - 1
    return owners[starts], classes


def _informative_groups(
    universe: _Universe,
    context: AdContext,
    base: Int64Array,
    is_candidate: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Base groups that stand for someone: two ads or more, or an ad with a contact of its own.

    A contact of its own is a phone, email or handle that is no candidate (seen on few ads).
    """
    n_groups = int(base.max()) + 1 if len(base) else 0
    sizes = np.bincount(base, minlength=n_groups)
    own = universe.contact[universe.gids] & ~is_candidate[universe.gids]
    contacts = np.bincount(universe.rows[own], minlength=context.n_rows)
    rich = np.zeros(n_groups, dtype=bool)
    np.logical_or.at(rich, base, contacts >= 1)
    return (sizes >= 2) | rich


def _blocks_per_unit(
    edges: Int64Array, informative: npt.NDArray[np.bool_], n_units: int
) -> Int64Array:
    """Biconnected blocks of Q containing each unit.

    A group on one unit only is a block of its own (counted when informative); the rest is
    reduced before the DFS: groups with the same set of units are one node (parallel paths do
    not change any unit's count), and a unit with one remaining group is in one block.
    """
    blocks = np.zeros(n_units, dtype=np.int64)
    if not len(edges):
        return blocks
    degree = np.bincount(edges[:, 1])
    leaf = degree[edges[:, 1]] == 1
    np.add.at(blocks, edges[leaf, 0], informative[edges[leaf, 1]].astype(np.int64))
    core = edges[~leaf]
    if not len(core):
        return blocks
    by_group = core[np.lexsort((core[:, 0], core[:, 1]))]
    groups, classes = _same_set_classes(by_group[:, 1], by_group[:, 0])
    representative = np.full(int(groups.max()) + 1, -1, dtype=np.int64)
    representative[groups] = classes
    reduced = _unique_pairs(by_group[:, 0], representative[by_group[:, 1]])
    unit_degree = np.bincount(reduced[:, 0], minlength=n_units)
    lone = unit_degree == 1
    blocks[lone] += 1
    counted = _block_counts(reduced, n_units)
    blocks += np.where(lone, 0, counted)
    return blocks


def _block_counts(edges: Int64Array, n_units: int) -> Int64Array:
    """Blocks each unit belongs to in the bipartite graph of (unit, group) edges (Tarjan).

    Group node g is numbered n_units + g. Iterative DFS over a CSR adjacency.
    """
    n_groups = int(edges[:, 1].max()) + 1
    n = n_units + n_groups
    src = np.concatenate([edges[:, 0], n_units + edges[:, 1]])
    dst = np.concatenate([n_units + edges[:, 1], edges[:, 0]])
    order = np.argsort(src, kind="stable")
    neighbours = dst[order].tolist()
    starts = np.searchsorted(src[order], np.arange(n + 1)).tolist()
    disc = [-1] * n
    low = [0] * n
    blocks = [0] * n
    clock = 0
    for root in np.unique(edges[:, 0]).tolist():
        if disc[root] >= 0:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack = [(root, -1, starts[root])]
        while stack:
            node, parent, i = stack[-1]
            if i < starts[node + 1]:
                stack[-1] = (node, parent, i + 1)
                nxt = neighbours[i]
                if nxt == parent:
                    continue
                if disc[nxt] >= 0:
                    low[node] = min(low[node], disc[nxt])
                else:
                    disc[nxt] = low[nxt] = clock
                    clock += 1
                    blocks[nxt] = 1  # the block holding its edge to the parent
                    stack.append((nxt, node, starts[nxt]))
                continue
            stack.pop()
            if parent >= 0:
                low[parent] = min(low[parent], low[node])
                if low[node] >= disc[parent]:
                    blocks[parent] += 1
    # A non-root vertex counted its parent's block once and each child block once; a root only
    # its child blocks. Both are the number of blocks the vertex belongs to.
    return np.asarray(blocks[:n_units], dtype=np.int64)
