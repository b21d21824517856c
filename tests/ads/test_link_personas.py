"""Personas: names an ad uses, from cues and titles; common words, places, businesses are not."""

from __future__ import annotations

import pytest

from lightkeeper.ads.link.personas import MAX_NAMES_PER_AD, ad_personas, personas_in
from tests.ads.test_link import ad_table


@pytest.mark.parametrize(
    ("title", "body", "names"),
    [
        (None, "Hi guys! I'm Ana, new in town.", ["Ana"]),
        (None, "Hello, I am Bella and I love long walks.", ["Bella"]),
        (None, "My name is Chloe. Call me Dani!", ["Chloe", "Dani"]),
        (None, "Ask for Emma at the front desk.", ["Emma"]),
        (None, "Call Fiona today", ["Fiona"]),
        (None, "Hola, soy Lucía, me llamo Lucía de verdad.", ["Lucía"]),
        (None, "Mi nombre es Renata. Pregunta por Valeria.", ["Renata", "Valeria"]),
        (None, "Ivy here. Aquí Perla!", ["Perla", "Ivy"]),
        (None, "Hola, Ana aquí. Bea here! Cat hereby", ["Ana", "Bea"]),
        (None, "Take a break with Jasmine, the classiest lady.", ["Jasmine"]),
        ("Swedish massage - Scarlett", None, ["Scarlett"]),
        ("Renata 19 - tranquila compañía", None, ["Renata"]),
        ("sweet Candy ~ incall/outcall", None, ["Candy"]),
        ("Martina y amigas * 24 horas", None, ["Martina"]),
        ("Meet Daisy * sweet companion", None, ["Daisy"]),
    ],
)
def test_names_are_found(title: str | None, body: str | None, names: list[str]) -> None:
    assert personas_in(title, body) == names


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("New staff ~ open late", "I'm new here. I am available now. Call now!"),
        ("Grand opening - walk-ins welcome", "Soy nueva. Ask for details."),
        (None, "Book with Diamond Spa today. Call Mr Lopez."),
        (None, "I'm Sweet and Call Me Maybe"),
        (None, "I'mAna without a space and imAna too"),
        (None, None),
    ],
)
def test_common_words_and_businesses_are_not_names(title: str | None, body: str | None) -> None:
    assert personas_in(title, body) == []


def test_the_ads_own_place_is_not_a_name() -> None:
    assert personas_in("Massage - Houston", "I'm Houston's best", place="Houston") == []
    assert personas_in("Massage - Houston", None) == ["Houston"]


def test_ad_personas_gives_one_list_per_row() -> None:
    table = ad_table(
        [
            {"title": "Ana - new", "body": "I'm Ana. Ask for Bea too.", "city": "Miami"},
            {"title": "Miami massage", "body": None, "city": "Miami"},
            {"title": None, "body": "Soy Lucía"},
        ]
    )
    assert ad_personas(table).to_pylist() == [["Ana", "Bea"], [], ["Lucía"]]


def test_names_per_ad_are_bounded() -> None:
    body = " ".join(
        f"Ask for {name}."
        for name in ["Ana", "Bea", "Cat", "Dee", "Eva", "Fay", "Gia", "Hana", "Ida", "Joy"]
    )
    assert len(personas_in(None, body)) == MAX_NAMES_PER_AD
