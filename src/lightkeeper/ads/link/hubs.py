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
   judged by a two-kind mixture learned from the corpus itself (`SplitModel`); hubs are
   removed and the scores recomputed, so a hub that was masked by another (two footers on the
   same ads) is found in the next round.

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
    gids, groups = graph.groups_joined(removed)
    model = SplitModel.fitted(groups, ad_counts[gids])
    for _ in range(MAX_ROUNDS):
        gids, groups = graph.groups_joined(removed)
        posterior = model.posterior(groups, ad_counts[gids])
        new = np.flatnonzero(_called(posterior, groups, config))
        if not len(new):
            break
        for i in new.tolist():
            gid = int(gids[i])
            stats[gid] = model.stats(int(groups[i]), int(ad_counts[gid]), float(posterior[i]))
            hubs[gid] = _reason(stats[gid])
        removed[gids[new]] = True
    return hubs, stats


def _called(
    posterior: npt.NDArray[np.float64], groups: Int64Array, config: LinkConfig
) -> npt.NDArray[np.bool_]:
    return (posterior > config.hub_min_posterior) & (groups >= config.hub_min_groups)


def _reason(test: dict[str, int | float]) -> str:
    return (
        f"joins {test['groups']} otherwise separate groups of ads over {test['ads']} ads; "
        f"probability {test['hub_probability']:.3f} that it is shared by unrelated advertisers "
        f"(in this corpus an advertiser's identifier splits off a further ad with rate "
        f"{test['split_rate']:.3f}, a shared one with rate {test['hub_split_rate']:.3f})"
    )


@dataclass(frozen=True, slots=True)
class SplitModel:
    """How identifiers split their ads into separate groups, learned from the corpus.

    A mixture of two kinds of identifier: an advertiser's own, each further ad of which
    starts a separate group with a small rate `split_rate`; and a shared one (a hub), whose
    further ads mostly belong to other advertisers, with rate `hub_split_rate`. `hub_share` is
    the corpus' share of hubs among candidates. For an identifier on n ads joining g groups,
    g - 1 ~ Binomial(n - 1, rate) under either kind; the posterior that it is a hub weighs the
    two by the shares. Fitted by EM over the candidates (grouped by (g, n), so it is cheap).
    """

    split_rate: float
    hub_split_rate: float
    hub_share: float

    @classmethod
    def fitted(cls, groups: Int64Array, ads: Int64Array) -> SplitModel:
        """The model fitted to candidates' groups and ads (parallel arrays)."""
        extra, trials = _extra_trials(groups, ads)
        pairs, counts = np.unique(np.stack([extra, trials], axis=1), axis=0, return_counts=True)
        x, n, w = pairs[:, 0], pairs[:, 1], counts.astype(np.float64)
        model = cls(_split_rate(extra, trials), 0.8, 0.05)
        for _ in range(200):
            r = model._responsibility(x, n)
            own, shared = w * (1.0 - r), w * r
            updated = cls(
                float(np.clip(((own * x).sum() + 1.0) / ((own * n).sum() + 100.0), 1e-4, 0.3)),
                float(np.clip((shared * x).sum() / max((shared * n).sum(), 1e-9), 0.3, 0.999)),
                float(np.clip(shared.sum() / max(w.sum(), 1.0), 1e-4, 0.5)),
            )
            if (
                max(
                    abs(updated.split_rate - model.split_rate),
                    abs(updated.hub_split_rate - model.hub_split_rate),
                    abs(updated.hub_share - model.hub_share),
                )
                < 1e-7
            ):
                return updated
            model = updated
        return model

    def posterior(self, groups: Int64Array, ads: Int64Array) -> npt.NDArray[np.float64]:
        """Probability that each identifier (groups, ads) is a hub."""
        extra, trials = _extra_trials(groups, ads)
        return self._responsibility(extra, trials)

    def _responsibility(self, x: Int64Array, n: Int64Array) -> npt.NDArray[np.float64]:
        shared = np.log(self.hub_share) + binom.logpmf(x, n, self.hub_split_rate)
        own = np.log1p(-self.hub_share) + binom.logpmf(x, n, self.split_rate)
        return np.asarray(np.exp(shared - np.logaddexp(shared, own)), dtype=np.float64)

    def stats(self, groups: int, ads: int, posterior: float) -> dict[str, int | float]:
        """The figures of one identifier, for a hub's stats."""
        return {
            "groups": groups,
            "ads": ads,
            "hub_probability": round(posterior, 4),
            "split_rate": round(self.split_rate, 5),
            "hub_split_rate": round(self.hub_split_rate, 4),
            "hub_share": round(self.hub_share, 5),
        }


def _extra_trials(groups: Int64Array, ads: Int64Array) -> tuple[Int64Array, Int64Array]:
    trials = np.maximum(ads - 1, 1)
    extra = np.minimum(np.maximum(groups, 1) - 1, trials)
    return extra.astype(np.int64), trials.astype(np.int64)


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
