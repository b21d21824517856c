"""Email extraction: plain and disguised addresses found, ordinary sentences left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import emails
from lightkeeper.ads.extract.emails import extract_emails


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me: Sara.Lopez@Gmail.com", ["sara.lopez@gmail.com"]),
        ("mailto:candy_22@yahoo.co.uk for bookings", ["candy_22@yahoo.co.uk"]),
        ("write me: sara23 at gmail dot com", ["sara23@gmail.com"]),
        ("SARA23 AT GMAIL DOT COM", ["sara23@gmail.com"]),
        ("sara23 (at) gmail (dot) com", ["sara23@gmail.com"]),
        ("sara23[at]gmail[dot]com", ["sara23@gmail.com"]),
        ("sara23 {at} yahoo {dot} com", ["sara23@yahoo.com"]),
        ("sara23<at>hotmail<dot>com", ["sara23@hotmail.com"]),
        ("sara23 @ gmail . com", ["sara23@gmail.com"]),
        ("sara23 @gmail.com", ["sara23@gmail.com"]),
        ("sara23@ gmail.com", ["sara23@gmail.com"]),
        ("sara dot lopez at yahoo dot com", ["sara.lopez@yahoo.com"]),
        ("escríbeme: sara23 arroba gmail punto com", ["sara23@gmail.com"]),
        ("correo sara23 (arroba) hotmail (punto) es", ["sara23@hotmail.es"]),
        ("ｓａｒａ＠ｇｍａｉｌ．ｃｏｍ", ["sara@gmail.com"]),
        ("sara&#64;mail.com", ["sara@mail.com"]),
        ("sara&commat;mail.com or lina&#x40;mail.com", ["sara@mail.com", "lina@mail.com"]),
        ("sara23(@)gmail[.]com", ["sara23@gmail.com"]),
        ("contact: sara@gmail.com. Call me later", ["sara@gmail.com"]),
        ("sara23 at gmail", ["sara23@gmail.com"]),
        ("sara23 at gmail com", ["sara23@gmail.com"]),
        ("diamond.rose4374 AT mail DOT com", ["diamond.rose4374@mail.com"]),
        ("esperanzakiss7399 @ proton . me", ["esperanzakiss7399@proton.me"]),
        ("a@b.com, c@d.net; a@b.com again", ["a@b.com", "c@d.net"]),
        ("booking@agency.site-a.example", ["booking@agency.site-a.example"]),
    ],
)
def test_finds_plain_and_disguised_addresses(text: str, expected: list[str]) -> None:
    assert extract_emails(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "meet me at the hotel dot com",
        "see you at 10pm tonight",
        "email me at gmail dot com",
        "I'm at Houston.com",
        "Call Mr. Chen at 7785550119.\nID # 2817256259",
        "Call HR at 1-972-555-0154. To apply bring your resume",
        "IG @sara.jones",
        "Snap: @sara_22",
        "a@b.c",
        "available at my place dot",
        "Rates at 150/hr. Located at Main St. Houston",
        "Estoy en la zona centro, llámame a partir de las 10",
        "at@ @at at at",
    ],
)
def test_ignores_ordinary_text_and_handles(text: str) -> None:
    assert extract_emails(text) == []


def test_structured_field_comes_first_and_is_not_repeated() -> None:
    found = extract_emails("or sara@x.com or Foo@Bar.com", structured="Foo@Bar.com")
    assert found == ["foo@bar.com", "sara@x.com"]


def test_structured_field_may_itself_be_disguised() -> None:
    assert extract_emails("", structured="lina (at) mail (dot) com") == ["lina@mail.com"]


def test_results_are_lower_case_and_bounded() -> None:
    local = "a" * 70
    assert extract_emails(f"{local}@gmail.com") == []
    assert extract_emails("MIXED.Case@Example.ORG") == ["mixed.case@example.org"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_unicode(text: str) -> None:
    for email in extract_emails(text, structured=text[:50]):
        assert email == email.lower() and "@" in email


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["at", "AT", "(at)", "[", "]", "dot", " ", ".", "@", "gmail", "com", "sara", "punto"]
        ),
        max_size=40,
    )
)
def test_never_raises_on_separator_soup(tokens: list[str]) -> None:
    for email in extract_emails(" ".join(tokens)):
        local, domain = email.split("@")
        assert local and "." in domain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SARA AT GMAIL DOT COM", ["sara@gmail.com"]),
        ("sara\t(at)\tgmail.com", ["sara@gmail.com"]),
        ("sara [AT] gmail [DOT] com", ["sara@gmail.com"]),
        ("sara ARROBA gmail PUNTO com", ["sara@gmail.com"]),
        ("sara＠gmail．com 💕", ["sara@gmail.com"]),
        ("Écrivez: SARA@GMAIL.COM", ["sara@gmail.com"]),
    ],
)
def test_reads_addresses_in_any_case(text: str, expected: list[str]) -> None:
    assert extract_emails(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="atrob \t([{<@x.é", max_size=40))
def test_spelled_out_at_is_found_where_a_word_scan_finds_it(text: str) -> None:
    spans = {m.span() for m in emails._AT_WORD.finditer(text)}
    spans |= {m.span() for m in emails._ARROBA_WORD.finditer(text)}
    word_scan = re.finditer(r"[ \t(\[{<](?:at|arroba)\b", text)
    assert spans == {(m.start() + 1, m.end()) for m in word_scan}
