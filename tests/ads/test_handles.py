"""Handle extraction: platform cues and profile links, platform rules, no ordinary words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import handles
from lightkeeper.ads.extract.handles import extract_handles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IG: @Sara_22", ["instagram:sara_22"]),
        ("insta - sara.lopez", ["instagram:sara.lopez"]),
        ("Instagram👉 sara22", ["instagram:sara22"]),
        ("IG sara22 for more", ["instagram:sara22"]),
        ("snap - sara22", ["snapchat:sara22"]),
        ("SC: sara22", ["snapchat:sara22"]),
        ("sc~sara22", ["snapchat:sara22"]),
        ("Snapchat: sara22", ["snapchat:sara22"]),
        ("👻 sara22", ["snapchat:sara22"]),
        ("add me on snap sara22", ["snapchat:sara22"]),
        ("kik me: sara_2022", ["kik:sara_2022"]),
        ("TG @sara_bella", ["telegram:sara_bella"]),
        ("telegram @sara_bella", ["telegram:sara_bella"]),
        ("t.me/sara_bella", ["telegram:sara_bella"]),
        ("https://t.me/sara_bella.", ["telegram:sara_bella"]),
        ("instagram.com/sara.lopez", ["instagram:sara.lopez"]),
        ("https://www.onlyfans.com/sarabella", ["onlyfans:sarabella"]),
        ("OF: sarabella", ["onlyfans:sarabella"]),
        ("twitter @sara22", ["twitter:sara22"]),
        ("X: @sara22", ["twitter:sara22"]),
        ("whatsapp +44 7700 900123", ["whatsapp:+447700900123"]),
        ("WA +1 210 555 0105", ["whatsapp:+12105550105"]),
        ("WhatsApp: (713) 555-0123", ["whatsapp:+17135550123"]),
        ("wa.me/447700900123", ["whatsapp:+447700900123"]),
        ("wechat sara_2020x", ["wechat:sara_2020x"]),
        ("tiktok @sara.dance", ["tiktok:sara.dance"]),
        ("ig and snap: sara22", ["instagram:sara22", "snapchat:sara22"]),
        ("IG/SC sara22", ["instagram:sara22", "snapchat:sara22"]),
        ("Mi snap es sara22 y kik: sara.2022", ["snapchat:sara22", "kik:sara.2022"]),
        ("IG➡️ sara22", ["instagram:sara22"]),
        ("snap 👉🏻 sara22", ["snapchat:sara22"]),
        ("IG (sara22)", ["instagram:sara22"]),
        ("kik me @ sara_2022", ["kik:sara_2022"]),
        ("follow @sara22 on IG", ["instagram:sara22"]),
        ("sígueme @sara22 en insta", ["instagram:sara22"]),
        (
            "snap: lexi_x | IG: @lexi.x | snap: lexi_x",
            ["snapchat:lexi_x", "instagram:lexi.x"],
        ),
    ],
)
def test_finds_handles_after_cues_and_in_links(text: str, expected: list[str]) -> None:
    assert extract_handles(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "snap me anytime",
        "Snap for pics",
        "lots of fun and a cup of tea",
        "2 x 30 min",
        "tg only",
        "OF link in bio",
        "kik: sara22@gmail.com",
        "fox.com/sara",
        "instagram.com/p/abc123",
        "snap: 150hh",
        "big sara",
        "Of course: yes",
        "ig: sara.com",
        "Seattle, WA 206-555-0123",
        "relax, text me",
        "wa 98101",
        "sígueme en insta para más fotos",
    ],
)
def test_ignores_ordinary_words(text: str) -> None:
    assert extract_handles(text) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("snap: ab", "snapchat needs 3 characters"),
        ("snap: sara_the_best_girl_2024", "snapchat allows 15"),
        ("TG @1sara", "telegram starts with a letter"),
        ("twitter @a_very_long_handle_x", "twitter allows 15"),
        ("IG: sara..lopez", "instagram forbids consecutive dots"),
    ],
)
def test_respects_platform_username_rules(text: str, reason: str) -> None:
    assert extract_handles(text) == [], reason


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_unicode(text: str) -> None:
    for handle in extract_handles(text):
        platform, _, name = handle.partition(":")
        assert platform and name and handle == handle.lower()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["IG", "snap", ":", "@", "-", "sara22", "of", "x", "WA", "+1", "713", " "]),
        max_size=30,
    )
)
def test_never_raises_on_cue_soup(tokens: list[str]) -> None:
    assert isinstance(extract_handles(" ".join(tokens)), list)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("📲IG: sara_22", ["instagram:sara_22"]),  # a cue right after an emoji
        ("💕snap: bella_x1", ["snapchat:bella_x1"]),
        ("IG: SARA_22", ["instagram:sara_22"]),
        ("ＩＧ： sara_22", ["instagram:sara_22"]),
        ("微信: sara_22x", ["wechat:sara_22x"]),
        ("👻 bella_snap", ["snapchat:bella_snap"]),
        ("İG: sara_22", []),  # "İ" lower-cases to "i" and a combining dot: no "ig"
    ],
)
def test_finds_cues_beside_any_character(text: str, expected: list[str]) -> None:
    assert extract_handles(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="igsnapctelwxkofhu _.@/:-\n📲é5", max_size=40))
def test_cue_scan_misses_no_cue_at_the_start_of_a_word(text: str) -> None:
    low = text.lower()
    positions = set(handles._cue_positions(low, low.encode("ascii", "replace")))
    for probe in handles._PROBE.finditer(low):
        if handles._starts_word(low, probe.start()):
            assert probe.start() in positions
