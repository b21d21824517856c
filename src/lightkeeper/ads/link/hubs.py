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
   that contain it, so every candidate is scored with all others present. Q is first reduced
   (equal neighbour sets merged, pendant vertices peeled), then one DFS (Tarjan) does the rest.
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

from lightkeeper.ads.link.blocks import blocks_per_unit, same_set_classes, unique_pairs
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
    removed = np.zeros(universe.size, dtype=bool)
    for gid, test in _mutual_hubs(graph, ad_counts, config).items():
        stats[gid] = test
        hubs[gid] = _reason(test)
        removed[gid] = True
    for _ in range(MAX_ROUNDS):
        gids, groups = graph.groups_joined(removed)
        tests = split_tests(gids, groups, ad_counts, alpha=config.hub_alpha)
        new = np.flatnonzero(tests.hub & (groups >= config.hub_min_groups))
        if not len(new):
            break
        for i in new.tolist():
            gid = int(gids[i])
            stats[gid] = tests.stats(i)
            hubs[gid] = _reason(stats[gid])
        removed[gids[new]] = True
    return hubs, stats


def _mutual_hubs(
    graph: _GroupGraph, ad_counts: Int64Array, config: LinkConfig
) -> dict[int, dict[str, int | float]]:
    """Hubs that hide each other: many stock photos on the ads of many advertisers.

    Each such hub's groups are joined by the others, so scored one at a time none stands out.
    Suspects are candidates on significantly many groups that stand for someone (an ad with a
    contact of its own, or several ads); all suspects are removed together, and a suspect is
    put back while the groups it would join, with the remaining suspects gone, are not
    significantly many. What is left is a set of hubs each of which joins many groups on its
    own; operator identifiers, whose groups their other identifiers join, are put back.
    """
    gids, degree = graph.informative_degree()
    first = split_tests(gids, degree, ad_counts, alpha=config.hub_alpha)
    suspect = np.zeros(graph.n_units, dtype=bool)
    suspect[graph.unit_of[first.hub & (degree >= config.hub_min_groups)]] = True
    tests = first
    for _ in range(MAX_ROUNDS * 4):
        if not suspect.any():
            return {}
        apart = graph.groups_apart(suspect)[graph.unit_of]
        tests = split_tests(gids, apart, ad_counts, alpha=config.hub_alpha, rate=first.split_rate)
        keep = np.zeros(graph.n_units, dtype=bool)
        keep[graph.unit_of[tests.hub & (apart >= config.hub_min_groups)]] = True
        keep &= suspect
        if np.array_equal(keep, suspect):
            break
        suspect = keep
    chosen = np.flatnonzero(suspect[graph.unit_of])
    return {int(gids[i]): tests.stats(i) for i in chosen.tolist()}


def _reason(test: dict[str, int | float]) -> str:
    return (
        f"joins {test['groups']} otherwise separate groups of ads over {test['ads']} ads; "
        f"an identifier of one advertiser would split so often with chance "
        f"{test['p_value']:.1e} (corpus split rate {test['split_rate']:.3f})"
    )


@dataclass(frozen=True, slots=True)
class SplitTests:
    """The split test of each candidate (arrays parallel to the candidates given)."""

    groups: Int64Array
    ads: Int64Array
    p_values: npt.NDArray[np.float64]
    hub: npt.NDArray[np.bool_]
    split_rate: float
    significance: float

    def stats(self, i: int) -> dict[str, int | float]:
        """The figures of candidate i, for a hub's stats."""
        return {
            "groups": int(self.groups[i]),
            "ads": int(self.ads[i]),
            "split_rate": round(self.split_rate, 5),
            "p_value": float(f"{self.p_values[i]:.3g}"),
            "significance": float(f"{self.significance:.3g}"),
        }


def split_tests(
    gids: Int64Array,
    groups: Int64Array,
    ad_counts: Int64Array,
    *,
    alpha: float,
    rate: float | None = None,
) -> SplitTests:
    """For each candidate: is its number of groups too many for one advertiser's identifier?

    `gids[i]` is a candidate, `groups[i]` the separate groups it joins, `ad_counts[gid]` its
    ads. Null model, learned from the corpus: each further ad of a genuine identifier starts a
    group of its own (unlinked to its other ads by anything else) with the corpus' split rate
    p, so groups - 1 ~ Binomial(ads - 1, p). p is pooled over the candidates not found to be
    hubs (re-estimated until stable, so hubs do not inflate it). Hubs are the candidates the
    Benjamini-Hochberg procedure calls at false discovery rate alpha: among the identifiers
    called hubs, the expected share of genuine ones is at most alpha, and when a corpus holds
    many hubs (stock photos on a few ads each) each needs less evidence than a lone one would.
    A given `rate` is used as it is.
    """
    extra = np.maximum(groups, 1) - 1
    ads = ad_counts[gids]
    trials = np.maximum(ads - 1, 1)
    level = alpha / max(len(gids), 1)
    hub = np.zeros(len(gids), dtype=bool)
    fixed_rate = rate
    rate = _split_rate(extra, trials) if fixed_rate is None else fixed_rate
    p_values = np.ones(len(gids), dtype=np.float64)
    for _ in range(MAX_ROUNDS):
        if fixed_rate is None:
            rate = _split_rate(extra[~hub], trials[~hub])
        p_values = np.asarray(binom.sf(extra - 1, trials, rate), dtype=np.float64)
        level = _fdr_level(p_values, alpha)
        now = p_values <= level
        if np.array_equal(now, hub):
            break
        hub = now
    return SplitTests(extra + 1, ads, p_values, hub, rate, level)


def _fdr_level(p_values: npt.NDArray[np.float64], alpha: float) -> float:
    """The Benjamini-Hochberg cut-off: the largest p_(k) with p_(k) <= k / m * alpha (or a
    level nothing reaches, -1, when there is none)."""
    m = len(p_values)
    ordered = np.sort(p_values)
    passing = np.flatnonzero(ordered <= alpha * np.arange(1, m + 1) / max(m, 1))
    return float(ordered[passing[-1]]) if len(passing) else -1.0


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

    Candidates with the same set of groups are one unit (their scores are equal): `owners`
    are the candidates' global ids, `unit_of[i]` the unit of owners[i]; `edges` are distinct
    (unit, group) pairs.
    """

    owners: Int64Array
    unit_of: Int64Array
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
        pairs = unique_pairs(universe.gids[picked], base[universe.rows[picked]])
        informative = _informative_groups(universe, context, base, is_candidate)
        owners, unit_index = same_set_classes(pairs[:, 0], pairs[:, 1])
        units = np.full(int(owners.max()) + 1 if len(owners) else 0, -1, dtype=np.int64)
        units[owners] = unit_index
        edges = unique_pairs(units[pairs[:, 0]], pairs[:, 1])
        n_units = int(unit_index.max()) + 1 if len(unit_index) else 0
        return cls(owners, unit_index, edges, informative, n_units)

    def groups_joined(self, removed: npt.NDArray[np.bool_]) -> tuple[Int64Array, Int64Array]:
        """(candidate global ids, separate groups its ads fall into without it), for the
        candidates not `removed` (a mask over global ids)."""
        dead = np.zeros(self.n_units, dtype=bool)
        dead[self.unit_of[removed[self.owners]]] = True
        live = self.edges[~dead[self.edges[:, 0]]]
        blocks = blocks_per_unit(live, self.informative, self.n_units)
        alive = ~dead[self.unit_of]
        return self.owners[alive], blocks[self.unit_of[alive]]

    def informative_degree(self) -> tuple[Int64Array, Int64Array]:
        """(candidate global ids, distinct groups that stand for someone among its ads)."""
        standing = self.informative[self.edges[:, 1]]
        per_unit = np.bincount(self.edges[standing, 0], minlength=self.n_units)
        return self.owners, per_unit[self.unit_of]

    def groups_apart(self, gone: npt.NDArray[np.bool_]) -> Int64Array:
        """Per unit: the parts its groups fall into once every unit in `gone` is removed.

        A part counts when it stands for someone: it holds an informative group or a unit.
        Only meaningful for the units in `gone` (for the others their own edges are kept).
        """
        n_groups = len(self.informative)
        present = self.edges[~gone[self.edges[:, 0]]]
        links = np.stack([present[:, 1], n_groups + present[:, 0]], axis=1)
        labels = connected_components(links, n_groups + self.n_units)
        someone = self.informative.copy()
        someone[present[:, 1]] = True
        away = self.edges[gone[self.edges[:, 0]]]
        away = away[someone[away[:, 1]]]
        parts = unique_pairs(away[:, 0], labels[away[:, 1]])
        return np.bincount(parts[:, 0], minlength=self.n_units).astype(np.int64)


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
