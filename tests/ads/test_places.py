"""Place resolution: location fields first, text cues second, qualifiers settle ambiguity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract.places import build_place_index, region_for_place, resolve_place
from lightkeeper.ads.types import Place


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Houston, TX", Place("Houston", "US")),
        ("houston tx", Place("Houston", "US")),
        ("Las Vegas, NV, USA", Place("Las Vegas", "US")),
        ("London, UK", Place("London", "GB")),
        ("London, ON", Place("London", "CA")),
        ("Manchester, England", Place("Manchester", "GB")),
        ("Madrid", Place("Madrid", "ES")),
        ("Madrid, España", Place("Madrid", "ES")),
        ("Valencia, España", Place("Valencia", "ES")),
        ("Sevilla", Place("Sevilla", "ES")),
        ("Ciudad de México", Place("Mexico City", "MX")),
        ("CDMX", Place("Mexico City", "MX")),
        ("Guadalajara, Jalisco", Place("Guadalajara", "MX")),
        ("Monterrey, NL", Place("Monterrey", "MX")),
        ("Toronto ON", Place("Toronto", "CA")),
        ("Vancouver, BC", Place("Vancouver", "CA")),
        ("Vancouver, WA", Place("Vancouver", "US")),
        ("Calgary, Alberta, Canada", Place("Calgary", "CA")),
        ("Montreal", Place("Montréal", "CA")),
        ("NYC", Place("New York City", "US")),
        ("New York", Place("New York City", "US")),
        ("LA", Place("Los Angeles", "US")),
        ("Vegas", Place("Las Vegas", "US")),
        ("Philly", Place("Philadelphia", "US")),
        ("Washington DC", Place("Washington", "US")),
        ("St. Louis, MO", Place("St. Louis", "US")),
        ("Saint Louis", Place("St. Louis", "US")),
        ("Portland, ME", Place("Portland", "US")),
        ("Birmingham, AL", Place("Birmingham", "US")),
        ("Birmingham", Place("Birmingham", "GB")),
        ("Downtown Houston", Place("Houston", "US")),
        ("Dallas area", Place("Dallas", "US")),
        ("Near Dallas Love Field", Place("Dallas", "US")),
        ("Texas", Place(None, "US")),
        ("Mexico", Place(None, "MX")),
        ("España", Place(None, "ES")),
        ("Online", Place(None, None)),
        ("", Place(None, None)),
        (None, Place(None, None)),
    ],
)
def test_resolves_location_fields(location: str | None, expected: Place) -> None:
    assert resolve_place(location) == expected


@pytest.mark.parametrize(
    ("location", "text", "expected"),
    [
        (None, "Sweet and classy, new in Dallas this week", Place("Dallas", "US")),
        ("", "visiting Barcelona for a few days", Place("Barcelona", "ES")),
        ("", "Grand opening ~ Toronto\nRelaxing massage", Place("Toronto", "CA")),
        ("", "upscale Ruby - Houston\nWelcome gentlemen", Place("Houston", "US")),
        ("", "Call me. Houston, TX area", Place("Houston", "US")),
        ("Texas", "new in Austin", Place("Austin", "US")),
        ("Texas", "visiting Barcelona", Place(None, "US")),
        ("USA", "Sweet Latina in Miami", Place("Miami", "US")),
        ("México", "llegando a Guadalajara", Place("Guadalajara", "MX")),
        ("España", "estoy en Madrid", Place("Madrid", "ES")),
        ("Houston, TX", "visiting Dallas", Place("Houston", "US")),
        ("", "new in town, sweet Latina", Place(None, None)),
        ("", "I am Victoria, in town", Place(None, None)),
    ],
)
def test_reads_text_when_location_lacks_a_city(
    location: str | None, text: str, expected: Place
) -> None:
    assert resolve_place(location, text) == expected


@pytest.mark.parametrize(
    ("place", "region"),
    [
        (Place("Houston", "US"), "US"),
        (Place(None, "GB"), "GB"),
        (Place("Madrid", "ES"), "ES"),
        (Place(None, None), None),
        (Place("Nowhere", "ZZ"), None),
    ],
)
def test_region_for_place_is_a_phone_region(place: Place, region: str | None) -> None:
    assert region_for_place(place) == region


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=80)), st.text(max_size=300))
def test_never_raises_on_any_unicode(location: str | None, text: str) -> None:
    place = resolve_place(location, text)
    assert place.country is None or len(place.country) == 2


def test_the_place_index_can_be_built_ahead_of_the_first_ad() -> None:
    build_place_index()
    assert resolve_place("Houston, TX") == Place("Houston", "US")
