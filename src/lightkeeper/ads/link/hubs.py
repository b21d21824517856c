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

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import binom

from lightkeeper.ads.link.config import LinkConfig, normalise_identifier
from lightkeeper.ads.link.identifiers import Int64Array, Occurrences, star_edges
from lightkeeper.engine.graph import connected_components

CONTACT_KINDS = ("phone", "email", "handle")
MAX_ROUNDS = 8
# Values that stand for "no value": a number of one repeated digit or a counting run, a
# placeholder mailbox, an all-zero or all-one image hash (blank picture).
_PLACEHOLDER_PHONE = re.compile(r"^\+\d{1,3}?(\d)\1{6,}$|^\+\d*(0123456789|1234567890|123456789)$")
_PLACEHOLDER_EMAIL = re.compile(r"^(none|noemail|nomail|no|na|n/a|test|email|mail|xxx+)@")
_PLACEHOLDER_IMAGE = re.compile(r"^(0{16}|f{16})$")


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
    identifiers: list[Occurrences], context: AdContext, *, config: LinkConfig
) -> HubDecision:
    """Decide which identifier values are hubs; `linking[kind][code]` is False for a hub."""
    universe = _Universe.of(identifiers)
    fixed = _fixed_hubs(universe, config)
    scored: dict[int, dict[str, int | float]] = {}
    reasons: dict[int, str] = dict(fixed)
    if config.detect_hubs:
        found, scored = _data_hubs(universe, context, set(fixed), config)
        for gid, reason in found.items():
            reasons.setdefault(gid, reason)
    hub_ids = np.array(sorted(reasons), dtype=np.int64)
    linking = {occ.kind: np.ones(occ.n_values, dtype=bool) for occ in identifiers}
    hubs = []
    for gid in hub_ids.tolist():
        kind_index, code = universe.locate(gid)
        occ = identifiers[kind_index]
        linking[occ.kind][code] = False
        stats = scored.get(gid) or _basic_stats(universe, context, gid)
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


def _fixed_hubs(universe: _Universe, config: LinkConfig) -> dict[int, str]:
    """Hubs by configuration (deny list) or by form (placeholders), minus the allow list."""
    fixed: dict[int, str] = {}
    for kind_index, occ in enumerate(universe.kinds):
        offset = int(universe.offsets[kind_index])
        for code, value in enumerate(occ.values.to_pylist()):
            text = normalise_identifier(str(value))
            if text in config.allow:
                continue
            if text in config.deny:
                fixed[offset + code] = "on the deny list"
            elif _is_placeholder(occ.kind, str(value)):
                fixed[offset + code] = "placeholder value"
    return fixed


def _is_placeholder(kind: str, value: str) -> bool:
    pattern = {
        "phone": _PLACEHOLDER_PHONE,
        "email": _PLACEHOLDER_EMAIL,
        "image": _PLACEHOLDER_IMAGE,
    }
    regex = pattern.get(kind)
    return bool(regex and regex.search(value.lower()))


def _data_hubs(
    universe: _Universe, context: AdContext, fixed: set[int], config: LinkConfig
) -> tuple[dict[int, str], dict[int, dict[str, int | float]]]:
    ad_counts = np.bincount(universe.gids, minlength=universe.size)
    allowed = _allowed_ids(universe, config)
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
    full = {gid: {**_basic_stats(universe, context, gid), **stats[gid]} for gid in hubs}
    return hubs, full


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


def _allowed_ids(universe: _Universe, config: LinkConfig) -> npt.NDArray[np.bool_]:
    allowed = np.zeros(universe.size, dtype=bool)
    if not config.allow:
        return allowed
    for kind_index, occ in enumerate(universe.kinds):
        offset = int(universe.offsets[kind_index])
        for code, value in enumerate(occ.values.to_pylist()):
            if normalise_identifier(str(value)) in config.allow:
                allowed[offset + code] = True
    return allowed


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


def _basic_stats(universe: _Universe, context: AdContext, gid: int) -> dict[str, int | float]:
    rows = np.unique(universe.rows[universe.gids == gid])
    others = np.unique(universe.gids[np.isin(universe.rows, rows)])
    return {
        "ads": len(rows),
        "templates": _distinct(context.template_codes[rows]),
        "cities": _distinct(context.city_codes[rows]),
        "sites": _distinct(context.site_codes[rows]),
        "co_identifiers": max(len(others) - 1, 0),
    }


def _distinct(codes: Int64Array) -> int:
    return len(np.unique(codes[codes >= 0]))


@dataclass(slots=True)
class _GroupGraph:
    """Q: candidate identifiers joined to the base groups of their ads (see the module doc)."""

    units: dict[int, list[int]]  # unit id (smallest member gid) -> member gids
    unit_groups: dict[int, Int64Array]  # unit id -> distinct base groups it touches
    informative: npt.NDArray[np.bool_]  # per base group: counts as a group of its own

    @classmethod
    def of(
        cls, universe: _Universe, context: AdContext, base: Int64Array, candidates: Int64Array
    ) -> _GroupGraph:
        is_candidate = np.zeros(universe.size, dtype=bool)
        is_candidate[candidates] = True
        picked = is_candidate[universe.gids]
        gids, groups = universe.gids[picked], base[universe.rows[picked]]
        pairs = np.unique(np.stack([gids, groups], axis=1), axis=0)
        informative = _informative_groups(universe, context, base, is_candidate)
        units: dict[tuple[int, ...], list[int]] = {}
        touched: dict[int, Int64Array] = {}
        if len(pairs):
            splits = np.flatnonzero(np.diff(pairs[:, 0])) + 1
            for chunk in np.split(pairs, splits):
                gid = int(chunk[0, 0])
                touched[gid] = chunk[:, 1]
                units.setdefault(tuple(chunk[:, 1].tolist()), []).append(gid)
        merged = {min(m): sorted(m) for m in units.values()}
        return cls(merged, {u: touched[u] for u in merged}, informative)

    def groups_joined(self, removed: set[int]) -> dict[int, int]:
        """For each candidate not removed: the separate groups its ads fall into without it."""
        live = [u for u in self.units if u not in removed]
        blocks = _blocks_per_unit(live, self.unit_groups, self.informative)
        return {gid: blocks[u] for u in live for gid in self.units[u]}


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
    units: list[int], unit_groups: dict[int, Int64Array], informative: npt.NDArray[np.bool_]
) -> dict[int, int]:
    """Biconnected blocks of Q containing each unit; leaf groups are counted without a DFS."""
    degree: dict[int, int] = {}
    for u in units:
        for g in unit_groups[u].tolist():
            degree[g] = degree.get(g, 0) + 1
    result: dict[int, int] = {}
    adjacency: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for u in units:
        leaves = 0
        for g in unit_groups[u].tolist():
            if degree[g] == 1:
                leaves += int(informative[g])
            else:
                adjacency.setdefault(("u", u), []).append(("g", g))
                adjacency.setdefault(("g", g), []).append(("u", u))
        result[u] = leaves
    for node, count in _block_counts(adjacency).items():
        if node[0] == "u":
            result[node[1]] += count
    return result


def _block_counts(adjacency: dict[tuple[str, int], list[tuple[str, int]]]) -> dict[Any, int]:
    """Number of biconnected blocks each vertex belongs to (iterative Tarjan)."""
    disc: dict[Any, int] = {}
    low: dict[Any, int] = {}
    blocks: dict[Any, int] = {}
    clock = 0
    for root in adjacency:
        if root in disc:
            continue
        disc[root] = low[root] = clock
        clock += 1
        blocks[root] = 0
        stack: list[tuple[Any, Any, int]] = [(root, None, 0)]
        while stack:
            node, parent, i = stack[-1]
            neighbours = adjacency[node]
            if i < len(neighbours):
                stack[-1] = (node, parent, i + 1)
                nxt = neighbours[i]
                if nxt == parent:
                    continue
                if nxt in disc:
                    low[node] = min(low[node], disc[nxt])
                else:
                    disc[nxt] = low[nxt] = clock
                    clock += 1
                    blocks[nxt] = 1  # the block holding its edge to the parent
                    stack.append((nxt, node, 0))
                continue
            stack.pop()
            if parent is not None:
                low[parent] = min(low[parent], low[node])
                if low[node] >= disc[parent]:
                    blocks[parent] += 1
    # A non-root vertex counted its parent's block once and each child block once; a root only
    # its child blocks. Both are the number of blocks the vertex belongs to.
    return blocks
