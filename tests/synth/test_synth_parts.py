"""The generator's parts: phone numbers, obfuscation, phrase patterns and templates."""

from __future__ import annotations

from random import Random

import phonenumbers
import pytest

from lightkeeper.synth.numbers import PhoneBook, phone_from_national
from lightkeeper.synth.obfuscate import (
    EMAIL_STYLES,
    PHONE_STYLES,
    lookalike_phone,
    render_email,
    render_handle,
    render_phone,
)
from lightkeeper.synth.places import CITIES, COUNTRIES
from lightkeeper.synth.templates import Voice, companion_template, job_template
from lightkeeper.synth.vocab import compile_pattern, realise

from .conftest import decoded_digits

SAMPLES = [
    ("US", "7135550123"),
    ("CA", "4165550188"),
    ("GB", "7400123456"),
    ("GB", "2079460123"),
    ("ES", "612345678"),
    ("MX", "5512345678"),
    ("MX", "9981234567"),
]


@pytest.mark.parametrize(("country", "national"), SAMPLES)
@pytest.mark.parametrize("style", PHONE_STYLES)
@pytest.mark.parametrize("international", [False, True])
def test_every_style_keeps_the_digits(
    country: str, national: str, style: str, international: bool
) -> None:
    phone = phone_from_national(country, national)
    assert phone is not None
    rng = Random(f"{country}{national}{style}")
    for _ in range(5):
        text = render_phone(phone, style, rng, international=international, spanish=False)
        digits = decoded_digits(text)
        assert national in digits, text
        if international:
            assert text.startswith("+") or text.startswith("＋"), text
            assert phone.calling_code + national in digits


def test_styles_look_like_their_names() -> None:
    phone = phone_from_national("US", "7135550188")
    assert phone is not None
    rng = Random(1)

    def form(style: str) -> str:
        return render_phone(phone, style, rng, international=False, spanish=False)

    assert "seven" in form("spelled_en").lower()
    assert "siete" in form("spelled_es").lower()
    assert "\u20e3" in form("keycap")
    assert not any(ch.isascii() and ch.isdigit() for ch in form("fullwidth"))
    mixed = form("mixed")
    assert any(ch.isdigit() for ch in mixed) and any(ch.isalpha() for ch in mixed)


def test_lookalikes_keep_most_digits_real_and_start_with_a_digit() -> None:
    phone = phone_from_national("US", "8005550110")
    assert phone is not None
    rng = Random(3)
    for _ in range(50):
        text = lookalike_phone(phone, rng, international=False)
        chars = [ch for ch in text if ch.isalnum()]
        letters = [ch for ch in chars if ch.isalpha()]
        assert letters and set(letters) <= set("OoIlSB")
        assert len(letters) <= 0.4 * len(chars)
        assert chars[0].isdigit()


def test_phone_book_hands_out_unique_valid_numbers_fictional_first() -> None:
    book = PhoneBook(seed=1)
    rng = Random(1)
    houston = next(c for c in CITIES if c.name == "Houston")
    numbers = [
        book.new_phone("US", prefixes=houston.prefixes, fictional=houston.fictional, rng=rng)
        for _ in range(600)
    ]
    e164 = [p.e164 for p in numbers]
    assert len(set(e164)) == len(e164)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in e164)
    fictional = [n for n in e164 if n[5:10] == "55501"]
    assert len(fictional) == 100 * len(houston.fictional)  # 555-01xx used up first
    assert all(n[5:10] == "55501" for n in e164[: len(fictional)])


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_mobile_numbers_of_every_country_are_valid(country: str) -> None:
    book = PhoneBook(seed=2)
    info = COUNTRIES[country]
    city = next(c for c in CITIES if c.country == country)
    prefixes = info.mobile or city.prefixes
    for _ in range(30):
        phone = book.new_phone(country, prefixes=prefixes, fictional=(), rng=Random(0))
        number = phonenumbers.parse(phone.e164)
        assert phonenumbers.is_valid_number_for_region(number, country)
        assert "".join(phone.international) == str(number.national_number)
        assert "".join(phone.national).endswith(str(number.national_number))


@pytest.mark.parametrize(("country", "national"), [("US", "0000000000"), ("US", "5551234567")])
def test_invalid_numbers_are_refused(country: str, national: str) -> None:
    assert phone_from_national(country, national) is None


@pytest.mark.parametrize("style", EMAIL_STYLES)
def test_email_forms_keep_the_parts(style: str) -> None:
    text = render_email("lily.rose22@gmail.com", style)
    assert "lily.rose22" in text and "gmail" in text and "com" in text
    if style != "plain":
        assert "@gmail.com" not in text


def test_handle_forms() -> None:
    rng = Random(0)
    forms = {render_handle("telegram", "mia_star", rng) for _ in range(40)}
    assert {"telegram @mia_star", "t.me/mia_star"} <= forms


def test_patterns_choose_once_per_realisation() -> None:
    pattern = compile_pattern("[Hi|Hello] {_n}[!|] [new in town|]")
    texts = {realise(pattern, Random(i).random) for i in range(60)}
    assert "Hi {_n}! new in town" in texts
    assert "Hello {_n}" in texts  # empty choices leave no stray spaces
    assert all("  " not in t and not t.endswith(" ") for t in texts)


def _voice(*, risky: bool, language: str = "en") -> Voice:
    return Voice(language, risky, risky, not risky, risky, massage=False, shop=False)


def test_templates_of_different_operators_differ() -> None:
    first = companion_template("a.t1", _voice(risky=False), Random(1))
    second = companion_template("b.t1", _voice(risky=False), Random(2))
    shared = set(first.sentences) & set(second.sentences)
    assert len(shared) <= 1  # at most a pasted disclaimer
    assert first.label == "a.t1" and 0 <= first.contact_at <= len(first.sentences)


def test_risky_templates_carry_more_indicators() -> None:
    words = ("young", "new girl", "fresh", "18", "asian", "latina", "exotic", "safe", "24/7")

    def hits(risky: bool) -> int:
        count = 0
        for seed in range(60):
            tpl = companion_template("x", _voice(risky=risky), Random(seed))
            text = " ".join(tpl.sentences).lower()
            count += sum(word in text for word in words)
        return count

    assert hits(True) > 2 * hits(False)


def test_job_templates_fill_fixed_slots() -> None:
    fixed = {"{_e}": "Harbor Foods LLC", "{_r}": "line cooks", "{_x}": "1 Main St", "{_n}": "Ana"}
    legit = job_template("j.t1", language="en", deceptive=False, fixed=fixed, rng=Random(4))
    text = " ".join((legit.title, *legit.sentences, legit.contact_lead))
    assert "{_e}" not in text and "{_r}" not in text
    assert "Harbor Foods LLC" in text or "line cooks" in text
    deceptive = job_template(
        "j.t2",
        language="es",
        deceptive=True,
        fixed={**fixed, "{_t}": "Dubái", "{_f}": "300 €"},
        rng=Random(5),
    )
    assert deceptive.language == "es" and "Harbor Foods LLC" not in " ".join(deceptive.sentences)
