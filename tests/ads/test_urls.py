"""URL extraction: links and bare domains with a path; never emails or rates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import urls
from lightkeeper.ads.extract.urls import MAX_URL_CHARS, extract_urls


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://Example.COM/Path?x=1). thanks", ["https://example.com/Path?x=1"]),
        ("HTTP://WWW.X.COM", ["http://www.x.com"]),
        ("visit www.Foo.com.", ["www.foo.com"]),
        ("IG instagram.com/sara_22 and t.me/sara", ["instagram.com/sara_22", "t.me/sara"]),
        ("(see http://x.com/a_(b)) ok", ["http://x.com/a_(b)"]),
        ("link:https://a.io/z.", ["https://a.io/z"]),
        ("www.site-a.example/houston/123", ["www.site-a.example/houston/123"]),
        ("http://a.com/x http://a.com/x", ["http://a.com/x"]),
        ("reviews at mysite.net/reviews!", ["mysite.net/reviews"]),
    ],
)
def test_finds_links_and_bare_domains_with_a_path(text: str, expected: list[str]) -> None:
    assert extract_urls(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "150/hr 24/7 y/o 1/2 hr",
        "10 a.m./p.m. only",
        "mail sara@gmail.com/x",
        "incall/outcall",
        "gmail.com",
        "Mr.Right/Mr.Wrong",
    ],
)
def test_ignores_rates_emails_and_words(text: str) -> None:
    assert extract_urls(text) == []


def test_skips_urls_longer_than_the_bound() -> None:
    long_url = "http://a.com/" + "b" * MAX_URL_CHARS
    assert extract_urls(f"{long_url} and http://c.com/d") == ["http://c.com/d"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_unicode(text: str) -> None:
    for url in extract_urls(text):
        assert len(url) <= MAX_URL_CHARS and url[-1] not in ".,;:!?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("visit WwW.Site.com now", ["www.site.com"]),
        ("💕 see www.a.com/x 💕", ["www.a.com/x"]),
        ("İ www.a.com/x", ["www.a.com/x"]),
    ],
)
def test_finds_www_in_any_case_beside_any_character(text: str, expected: list[str]) -> None:
    assert extract_urls(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="wW./ x💕é", max_size=30))
def test_anchors_are_every_slash_and_www(text: str) -> None:
    low = text.lower()
    expected = sorted(
        [i for i in range(len(low)) if low.startswith("/", i)]
        + [i for i in range(len(low)) if low.startswith("www.", i)]
    )
    assert urls._anchors(text) == (expected if "/" in text or "www." in low else [])
