"""Network-level indicators: what only shows across all the ads of a network.

Computed from the ads (grouped by their network) so they do not depend on how the network
summary is laid out: several personas on one phone, several phones for one persona, a circuit
through several cities in a short period, posting across several sites, high volume, prices
far below the median of the same city. Each detector reads its thresholds from the catalogue's
`params`, and returns per network an evidence text an analyst can check.

Personas per ad come from an ads column `personas` (list of names) or `persona` when given,
else from the linking stage's persona finder (`lightkeeper.ads.link.personas`); only without
those are the network's own `personas` and `phones` lists used (several personas and fewer
phones than personas). Phones the network summary leaves out (hub identifiers such as a site's
support line) are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.indicators.catalogue import Catalogue, Indicator
from lightkeeper.ads.indicators.match import Found
from lightkeeper.engine.arrays import distinct

HOURLY_FACTOR = {"hour": 1.0, "half_hour": 2.0, "15min": 4.0}
US_PER_DAY = 86_400 * 1_000_000
Detector = Callable[[pa.Table, pa.Table, np.ndarray, Indicator], dict[int, str]]


def network_indicators(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, *, catalogue: Catalogue
) -> list[Found]:
    """Per network row: the network-level indicators that fire, code -> evidence text.

    `net_of_ad[i]` is the row in `networks` of ad i (-1 when unlisted).
    """
    found: list[Found] = [{} for _ in range(networks.num_rows)]
    for ind in catalogue.active(level="network"):
        for net, evidence in DETECTORS[ind.detector](ads, networks, net_of_ad, ind).items():
            found[net][ind.code] = evidence
    return found


def _column(table: pa.Table, name: str) -> pa.Array | None:
    if name not in table.column_names:
        return None
    values = table.column(name)
    return values.combine_chunks() if values.num_chunks else pa.array([], values.type)


def _codes(values: pa.Array) -> tuple[np.ndarray, list[str | None]]:
    """Integer codes for a string array (nulls get their own code) and the distinct values."""
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, encoded.dictionary.to_pylist()


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (left, right) pairs."""
    if not len(left):
        return left, right
    width = int(right.max()) + 1
    keys = distinct(left * width + right)
    return keys // width, keys % width


def _list_pairs(
    ads: pa.Table, name: str, net_of_ad: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str | None], np.ndarray]:
    """(network, value code) for every item of a list column, the values, and each item's ad."""
    values = _column(ads, name)
    if values is None:
        return np.empty(0, np.int64), np.empty(0, np.int64), [], np.empty(0, np.int64)
    flat = pc.list_flatten(values)
    parents = np.asarray(pc.list_parent_indices(values).to_numpy(), dtype=np.int64)
    codes, names = _codes(flat)
    nets = net_of_ad[parents]
    ok = nets >= 0
    return nets[ok], codes[ok], names, parents[ok]


def _ad_personas(
    ads: pa.Table, net_of_ad: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str | None]] | None:
    """(ad, persona code) pairs and persona names, when the ads carry personas."""
    if "personas" in ads.column_names:
        _, codes, names, parents = _list_pairs(ads, "personas", net_of_ad)
        return parents, codes, names
    persona = _column(ads, "persona")
    if persona is None:
        return _found_personas(ads, net_of_ad)
    codes, names = _codes(persona)
    ok = np.asarray(pc.is_valid(persona).to_numpy(zero_copy_only=False), dtype=bool) & (
        net_of_ad >= 0
    )
    return np.nonzero(ok)[0], codes[ok], names


def _found_personas(
    ads: pa.Table, net_of_ad: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str | None]] | None:
    try:
        from lightkeeper.ads.link.personas import ad_personas
    except ImportError:  # pragma: no cover - the linking stage ships with Lightkeeper
        return None
    if not {"title", "body"} <= set(ads.column_names):
        return None
    texts = pa.table(
        {
            name: pc.cast(_column(ads, name) or pa.nulls(ads.num_rows), pa.string())
            for name in ("title", "body", "city", "location")
        }
    )
    table = pa.table({"personas": ad_personas(texts)})
    _, codes, names, parents = _list_pairs(table, "personas", net_of_ad)
    return parents, codes, names


def _listed_mask(flat: pa.Array, nets: np.ndarray, listed: pa.Array) -> np.ndarray:
    """For each phone of `flat` (on network row `nets`): is it among that network's own phones
    (`listed`, the summary's list; hubs left out)?"""
    listed_flat = pc.cast(pc.list_flatten(listed), pa.string())
    listed_rows = np.asarray(pc.list_parent_indices(listed), dtype=np.int64)
    values = pc.dictionary_encode(pa.concat_arrays([pc.cast(flat, pa.string()), listed_flat]))
    codes = np.asarray(pc.fill_null(values.indices, -1), dtype=np.int64)
    width = len(values.dictionary) + 1
    mine, theirs = codes[: len(flat)], codes[len(flat) :]
    known = listed_rows * width + theirs
    return (mine >= 0) & np.isin(nets * width + mine, known[theirs >= 0])


def _identity_links(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, *, by_phone: bool
) -> dict[int, tuple[str, list[str]]] | None:
    """Per network, the phone with most personas (or persona with most phones), with the others.

    Ties go to the phone (persona) met first, going through the ads' phones in order.
    """
    personas = _ad_personas(ads, net_of_ad)
    if personas is None:
        return None
    p_ads, p_codes, p_names = personas
    phones = _column(ads, "phones")
    if phones is None:
        return {}
    flat = pc.list_flatten(phones)
    ph_ads = np.asarray(pc.list_parent_indices(phones).to_numpy(), dtype=np.int64)
    ph_codes, ph_names = _codes(flat)
    nets = net_of_ad[ph_ads]
    keep = nets >= 0
    listed = _column(networks, "phones")
    if listed is not None:
        keep &= _listed_mask(flat, nets, listed)
    ph_ads, ph_codes, nets = ph_ads[keep], ph_codes[keep], nets[keep]
    # every (phone, persona) of an ad, in the order the ads' phones and personas come
    order = np.argsort(p_ads, kind="stable")
    p_ads, p_codes = p_ads[order], p_codes[order]
    lo = np.searchsorted(p_ads, ph_ads, side="left")
    count = np.searchsorted(p_ads, ph_ads, side="right") - lo
    pair = np.repeat(np.arange(len(ph_ads)), count)
    within = np.arange(len(pair)) - np.repeat(np.cumsum(count) - count, count)
    persona, phone, net = p_codes[lo[pair] + within], ph_codes[pair], nets[pair]
    key, other = (phone, persona) if by_phone else (persona, phone)
    if not len(key):
        return {}
    group_keys = net * (int(key.max()) + 1) + key
    groups, first, group = np.unique(group_keys, return_index=True, return_inverse=True)
    width = int(other.max()) + 1
    pairs = distinct(group * width + other)
    owner = pairs // width
    sizes = np.bincount(owner, minlength=len(groups))
    group_net = net[first]
    # per network: the group with most others, the first met on a tie
    best = np.lexsort((first, -sizes, group_net))
    best = best[np.concatenate([[True], group_net[best][1:] != group_net[best][:-1]])]
    keys_names, other_names = (ph_names, p_names) if by_phone else (p_names, ph_names)
    starts = np.searchsorted(owner, best)
    out: dict[int, tuple[str, list[str]]] = {}
    for g, start in zip(best.tolist(), starts.tolist(), strict=True):
        others = pairs[start : start + sizes[g]] % width
        out[int(group_net[g])] = (
            str(keys_names[int(key[first[g]])]),
            sorted(str(other_names[o]) for o in others.tolist()),
        )
    return out


def _listed_counts(networks: pa.Table, name: str) -> np.ndarray | None:
    values = _column(networks, name)
    if values is None:
        return None
    return np.asarray(pc.fill_null(pc.list_value_length(values), 0).to_numpy(zero_copy_only=False))


def personas_per_phone(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, ind: Indicator
) -> dict[int, str]:
    """Networks where one phone advertises at least `min_personas` names."""
    least = int(ind.param("min_personas", 3))
    links = _identity_links(ads, networks, net_of_ad, by_phone=True)
    if links is not None:
        return {
            net: f"{phone} used by {len(names)} personas: {_names(names)}"
            for net, (phone, names) in links.items()
            if len(names) >= least
        }
    personas, phones = _listed_counts(networks, "personas"), _listed_counts(networks, "phones")
    if personas is None or phones is None:
        return {}
    fired = np.nonzero((personas >= least) & (phones >= 1) & (phones < personas))[0]
    return {int(n): f"{personas[n]} personas share {phones[n]} phone(s)" for n in fired}


def phones_per_persona(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, ind: Indicator
) -> dict[int, str]:
    """Networks where one persona appears with at least `min_phones` phone numbers."""
    least = int(ind.param("min_phones", 3))
    links = _identity_links(ads, networks, net_of_ad, by_phone=False)
    if links is not None:
        return {
            net: f"{persona} used with {len(phones)} phones: {_names(phones)}"
            for net, (persona, phones) in links.items()
            if len(phones) >= least
        }
    personas, phones = _listed_counts(networks, "personas"), _listed_counts(networks, "phones")
    if personas is None or phones is None:
        return {}
    fired = np.nonzero((personas >= 1) & (phones >= least * personas))[0]
    return {int(n): f"{phones[n]} phones for {personas[n]} persona(s)" for n in fired}


def _names(values: list[str], shown: int = 4) -> str:
    more = len(values) - shown
    return ", ".join(values[:shown]) + (f" and {more} more" if more > 0 else "")


def multi_site(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, ind: Indicator
) -> dict[int, str]:
    """Networks posting on at least `min_sites` sites."""
    least = int(ind.param("min_sites", 3))
    site = _column(ads, "site")
    if site is None:
        return {}
    codes, names = _codes(site)
    ok = (net_of_ad >= 0) & np.asarray(pc.is_valid(site).to_numpy(zero_copy_only=False), dtype=bool)
    nets, sites = _pairs(net_of_ad[ok], codes[ok])
    counts = np.bincount(nets, minlength=networks.num_rows)
    by_net: dict[int, list[str]] = defaultdict(list)
    for net, code in zip(nets.tolist(), sites.tolist(), strict=True):
        if counts[net] >= least:
            by_net[net].append(str(names[code]))
    return {net: f"ads on {len(s)} sites: {_names(sorted(s))}" for net, s in by_net.items()}


def _posted_days(ads: pa.Table) -> np.ndarray | None:
    """Days since the epoch of each ad's posted_at (NaN when unknown)."""
    posted = _column(ads, "posted_at")
    if posted is None:
        return None
    micros = pc.cast(pc.cast(posted, pa.timestamp("us", tz="UTC")), pa.int64())
    values = pc.fill_null(pc.cast(micros, pa.float64()), float("nan"))
    return np.asarray(values.to_numpy(zero_copy_only=False)) / US_PER_DAY


def high_volume(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, ind: Indicator
) -> dict[int, str]:
    """Networks with at least `min_ads` ads and `min_ads_per_month` per 30 days of activity."""
    days = _posted_days(ads)
    ok = net_of_ad >= 0
    counts = np.bincount(net_of_ad[ok], minlength=networks.num_rows)
    span = np.zeros(networks.num_rows)
    if days is not None:
        known = ok & ~np.isnan(days)
        first = np.full(networks.num_rows, np.inf)
        last = np.full(networks.num_rows, -np.inf)
        np.minimum.at(first, net_of_ad[known], days[known])
        np.maximum.at(last, net_of_ad[known], days[known])
        span = np.where(np.isfinite(first), last - first, 0.0)
    months = np.maximum(span / 30.0, 1.0)
    rate = counts / months
    fired = np.nonzero(
        (counts >= ind.param("min_ads", 10)) & (rate >= ind.param("min_ads_per_month", 20))
    )[0]
    return {
        int(n): f"{counts[n]} ads in {max(span[n], 0):.0f} days ({rate[n]:.0f} per 30 days)"
        for n in fired
    }


def fast_circuit(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, ind: Indicator
) -> dict[int, str]:
    """Networks whose ads reach `min_cities` distinct cities within `window_days`."""
    window, least = ind.param("window_days", 30), int(ind.param("min_cities", 3))
    city, days = _column(ads, "city"), _posted_days(ads)
    if city is None or days is None:
        return {}
    codes, names = _codes(city)
    ok = (
        (net_of_ad >= 0)
        & np.asarray(pc.is_valid(city).to_numpy(zero_copy_only=False), dtype=bool)
        & ~np.isnan(days)
    )
    nets, _ = _pairs(net_of_ad[ok], codes[ok])
    many = np.nonzero(np.bincount(nets, minlength=networks.num_rows) >= least)[0]
    if not len(many):
        return {}
    rows = np.nonzero(ok & np.isin(net_of_ad, many))[0]
    rows = rows[np.lexsort((days[rows], net_of_ad[rows]))]
    by_net: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for row in rows.tolist():
        by_net[int(net_of_ad[row])].append((float(days[row]), int(codes[row])))
    out: dict[int, str] = {}
    for net, visits in by_net.items():
        hit = _circuit(visits, window, least)
        if hit is not None:
            start, end, stops = hit
            route = " → ".join(str(names[c]) for c in stops)
            out[net] = (
                f"{route}: {len(set(stops))} cities in {end - start:.0f} days from {_date(start)}"
            )
    return out


def _circuit(
    visits: list[tuple[float, int]], window: float, least: int
) -> tuple[float, float, list[int]] | None:
    """The first time window holding `least` distinct cities: (start, end, cities in order)."""
    lo = 0
    seen: dict[int, int] = defaultdict(int)
    for hi, (day, city) in enumerate(visits):
        seen[city] += 1
        while day - visits[lo][0] > window:
            seen[visits[lo][1]] -= 1
            if not seen[visits[lo][1]]:
                del seen[visits[lo][1]]
            lo += 1
        if len(seen) >= least:
            stops: list[int] = []
            for _, c in visits[lo : hi + 1]:
                if not stops or stops[-1] != c:
                    stops.append(c)
            return visits[lo][0], day, stops
    return None


def _date(day: float) -> str:
    return datetime.fromtimestamp(day * 86_400, tz=UTC).strftime("%Y-%m-%d")


def hourly_prices(ads: pa.Table) -> tuple[np.ndarray, list[str | None]]:
    """Each ad's first price per hour, or per shorter unit scaled to an hour, and its currency.

    NaN and None for an ad without such a price (per night or per session cannot be compared).
    """
    out = np.full(ads.num_rows, np.nan)
    currencies: list[str | None] = [None] * ads.num_rows
    prices = _column(ads, "prices")
    if prices is None or not len(pc.list_flatten(prices)):
        return out, currencies
    flat = pc.list_flatten(prices)
    parents = np.asarray(pc.list_parent_indices(prices).to_numpy(), dtype=np.int64)
    amount = pc.fill_null(pc.cast(pc.struct_field(flat, "amount"), pa.float64()), float("nan"))
    units = pc.struct_field(flat, "unit").to_pylist()
    factor = np.array([HOURLY_FACTOR.get(u or "", np.nan) for u in units], dtype=np.float64)
    hourly = np.asarray(amount.to_numpy(zero_copy_only=False), dtype=np.float64) * factor
    ok = np.nonzero(np.isfinite(hourly) & (hourly > 0))[0]
    ads_with, first = np.unique(parents[ok], return_index=True)
    out[ads_with] = hourly[ok[first]]
    currency = pc.struct_field(flat, "currency").to_pylist()
    for ad, item in zip(ads_with.tolist(), ok[first].tolist(), strict=True):
        currencies[ad] = currency[item]
    return out, currencies


def low_price(
    ads: pa.Table, networks: pa.Table, net_of_ad: np.ndarray, ind: Indicator
) -> dict[int, str]:
    """Networks whose median hourly price is at most `ratio` of their cities' medians."""
    ratio_limit, least = ind.param("ratio", 0.6), int(ind.param("min_city_ads", 5))
    hourly, currencies = hourly_prices(ads)
    city = _column(ads, "city")
    if city is None or not np.isfinite(hourly).any():
        return {}
    keys = [
        f"{c}|{cur}" if c and cur else None
        for c, cur in zip(city.to_pylist(), currencies, strict=True)
    ]
    key_codes, _ = _codes(pa.array(keys, pa.string()))
    known = np.asarray([k is not None for k in keys], dtype=bool)
    priced = known & np.isfinite(hourly)
    medians, sizes = _group_medians(key_codes[priced], hourly[priced], int(key_codes.max()) + 1)
    local = np.where(known & (sizes[key_codes] >= least), medians[key_codes], np.nan)
    ratio = hourly / local
    rows = np.flatnonzero((net_of_ad >= 0) & np.isfinite(ratio))
    if not len(rows):
        return {}
    nets = net_of_ad[rows]
    mids, counts = _group_medians(nets, ratio[rows], networks.num_rows)
    present = counts > 0
    # the ad whose ratio is closest to its network's median, the first on a tie
    closest = np.lexsort((rows, np.abs(ratio[rows] - mids[nets]), nets))
    closest = closest[np.concatenate([[True], nets[closest][1:] != nets[closest][:-1]])]
    example = dict(zip(nets[closest].tolist(), rows[closest].tolist(), strict=True))
    out: dict[int, str] = {}
    for net in np.flatnonzero(present & (mids <= ratio_limit)).tolist():
        mid, row = float(mids[net]), example[net]
        city_name, currency = str(keys[row]).split("|", 1)
        out[net] = (
            f"median {mid:.0%} of the local median: e.g. {hourly[row]:.0f} {currency}/h vs "
            f"{local[row]:.0f} in {city_name} ({counts[net]} priced ads)"
        )
    return out


def _group_medians(
    groups: np.ndarray, values: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The median of `values` in each group 0..size-1 (NaN when empty), and the group sizes.

    As np.median: the middle value, or the mean of the two middle values.
    """
    counts = np.bincount(groups, minlength=size)
    medians = np.full(size, np.nan)
    if not len(groups):
        return medians, counts
    order = np.lexsort((values, groups))
    ordered = values[order]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    low = ordered[(starts + (counts - 1) // 2)[has]]
    high = ordered[(starts + counts // 2)[has]]
    medians[has] = np.where(counts[has] % 2 == 1, low, (low + high) / 2)
    return medians, counts


DETECTORS: dict[str, Detector] = {
    "personas_per_phone": personas_per_phone,
    "phones_per_persona": phones_per_persona,
    "fast_circuit": fast_circuit,
    "multi_site": multi_site,
    "high_volume": high_volume,
    "low_price": low_price,
}
