"""Advertisers ("operators"): who posts, with which numbers, names, photos, texts and route.

An operator is an independent advertiser, a network (an agency or a trafficking-like
operation, planted as `risky`), a massage business or a job advertiser. Sizes are heavy-tailed:
most post a handful of ads, a few post hundreds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from random import Random
from typing import TypeVar

from lightkeeper.synth.numbers import Phone, PhoneBook
from lightkeeper.synth.obfuscate import PHONE_STYLES, render_handle
from lightkeeper.synth.places import (
    CITIES_BY_COUNTRY,
    COUNTRIES,
    COUNTRY_CODES,
    COUNTRY_WEIGHTS,
    SITES,
    SITES_BY_KIND,
    City,
    Site,
)
from lightkeeper.synth.templates import Template
from lightkeeper.synth.vocab import AGENCY_NAMES, EMAIL_DOMAINS, HANDLE_WORDS, NAMES

YEAR_DAYS = 365.0
_T = TypeVar("_T")
_NAMED_STYLES = PHONE_STYLES[1:]
EMAIL_HABITS = ("plain", "plain", "at_dot", "paren", "bracket", "spaced", "caps", "arroba")
# Obfuscation habits: independents mostly write numbers plainly, risky operators hide them.
_STYLE_WEIGHTS = {
    "independent": (0.74, 0.10, 0.03, 0.03, 0.03, 0.03, 0.02, 0.02),
    "network": (0.55, 0.14, 0.06, 0.06, 0.05, 0.06, 0.04, 0.04),
    "risky": (0.30, 0.16, 0.10, 0.10, 0.10, 0.10, 0.07, 0.07),
    "job": (0.88, 0.06, 0.0, 0.0, 0.02, 0.02, 0.01, 0.01),
}


@dataclass(frozen=True, slots=True)
class Persona:
    """A name an operator advertises, with the photos and details that go with it."""

    name: str
    age: int
    stats: str
    images: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """A phone number in use from `start` to `end` (days since the corpus start)."""

    phone: Phone
    start: float
    end: float


@dataclass(slots=True)
class World:
    """Corpus-wide state: the phone book, site-wide numbers, agency lines and stock photos."""

    book: PhoneBook
    support: dict[str, Phone]
    agencies: dict[str, tuple[tuple[str, Phone], ...]]
    stock: tuple[int, ...]
    cap: int  # the largest operator size
    cache: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class Operator:
    """Everything needed to write an operator's ads; built once, used for each of its ads."""

    label: str
    kind: str
    risky: bool
    deceptive: bool | None
    independent: bool
    home: City
    personas: tuple[Persona, ...]
    lines: tuple[Line, ...]
    styles: tuple[str, ...]
    email: str | None
    email_text: str  # the email as this operator writes it
    handles: tuple[tuple[str, str, str], ...]  # (platform, handle, as written)
    whatsapp: bool
    templates: tuple[Template, ...]
    sites: tuple[Site, ...]
    stays: tuple[tuple[float, City], ...]  # (last day, city) in route order
    times: list[float]
    price_factor: float
    price_forms: tuple[int, ...]
    emoji: tuple[str, ...]
    agency: tuple[str, Phone] | None
    title_phone: float
    stock_share: float
    wage: float = 0.0
    cache: dict[tuple[str, str, bool], tuple[str, ...]] = field(default_factory=dict)


_TOLL_FREE = {"US": ("800", "888", "877", "866"), "ES": ("900",)}


def build_world(*, seed: int, ads: int, largest: int = 2000, parts: int = 1) -> World:
    """Return the shared state for a corpus of `ads` ads (site lines, agencies, stock photos).

    The largest operator posts about `ads` / 40 ads (at least 40, at most `largest`). The
    corpus-wide numbers come from part 0 of `parts` of the number space; batches use the
    other parts.
    """
    rng = Random(f"world:{seed}")
    book = PhoneBook(seed=seed, part=0, parts=parts)
    support: dict[str, Phone] = {}
    for site in SITES:
        country = "ES" if site.spanish else "US"
        info = COUNTRIES[country]
        support[site.name] = book.new_phone(
            country, prefixes=_TOLL_FREE[country], fictional=info.toll_free, rng=rng
        )
    agencies: dict[str, tuple[tuple[str, Phone], ...]] = {}
    for code in COUNTRY_CODES:
        entries = []
        for _ in range(3):
            city = CITIES_BY_COUNTRY[code][int(rng.random() * len(CITIES_BY_COUNTRY[code]))]
            name = AGENCY_NAMES[int(rng.random() * len(AGENCY_NAMES))]
            entries.append((name, new_line_phone(book, city, rng, mobile=True)))
        agencies[code] = tuple(entries)
    stock = tuple(rng.getrandbits(64) for _ in range(40))
    cap = min(largest, max(40, ads // 40))
    return World(book, support, agencies, stock, cap)


def new_line_phone(book: PhoneBook, city: City, rng: Random, *, mobile: bool) -> Phone:
    """Return a fresh number of `city`'s country: a mobile where the country has mobile ranges."""
    info = COUNTRIES[city.country]
    if mobile and info.mobile:
        return book.new_phone(city.country, prefixes=info.mobile, fictional=(), rng=rng)
    return book.new_phone(city.country, prefixes=city.prefixes, fictional=city.fictional, rng=rng)


def weighted(rng: Random, weights: tuple[float, ...]) -> int:
    """Return an index drawn with the given (unnormalised) weights."""
    r = rng.random() * sum(weights)
    for i, w in enumerate(weights):
        r -= w
        if r < 0:
            return i
    return len(weights) - 1


def distinct(rng: Random, items: tuple[_T, ...], count: int) -> list[_T]:
    """Return up to `count` different items in random order."""
    # random.sample is slow for the one or two items an operator needs.
    picked: list[int] = []
    while len(picked) < min(count, len(items)):
        i = int(rng.random() * len(items))
        if i not in picked:
            picked.append(i)
    return [items[i] for i in picked]


def network_size(rng: Random, cap: int) -> int:
    """Return a heavy-tailed (Pareto, alpha 1.25) size of at least 2 ads, at most `cap`."""
    u = 1.0 - rng.random()
    return min(cap, int(2.0 / u**0.8))


def home_city(rng: Random) -> City:
    """Return where a new operator is based: country by market share, larger cities likelier."""
    country = COUNTRY_CODES[weighted(rng, COUNTRY_WEIGHTS)]
    cities = CITIES_BY_COUNTRY[country]
    # Larger markets (listed first) get more advertisers.
    return cities[min(len(cities) - 1, int(rng.random() ** 1.6 * len(cities)))]


def route(
    home: City,
    start: float,
    span: float,
    rng: Random,
    *,
    stay: tuple[float, float],
    moves: bool,
    abroad: float,
) -> tuple[tuple[float, City], ...]:
    """Return the operator's stays as (last day, city), in order, from `start` for `span` days.

    Stays last between `stay` days; each move crosses a border with chance `abroad`.
    """
    if not moves:
        return ((start + span + 1.0, home),)
    stays: list[tuple[float, City]] = []
    day, city = start, home
    while day <= start + span:
        day += stay[0] + rng.random() * (stay[1] - stay[0])
        stays.append((day, city))
        country = city.country
        if rng.random() < abroad:
            neighbours = COUNTRIES[country].neighbours
            country = neighbours[int(rng.random() * len(neighbours))]
        elif rng.random() < 0.3:
            country = home.country  # circuits return home
        options = [c for c in CITIES_BY_COUNTRY[country] if c is not city]
        city = options[int(rng.random() * len(options))]
    return tuple(stays)


def personas_for(rng: Random, count: int, language: str) -> tuple[Persona, ...]:
    """Return `count` personas with different names, ages, stats and their own photos."""
    names = NAMES[language] if rng.random() < 0.85 else NAMES["en" if language == "es" else "es"]
    chosen = distinct(rng, names, count)
    out = []
    for name in chosen:
        age = 19 + int(rng.random() ** 1.5 * 20)
        if language == "es":
            bust, waist, height = 85 + int(rng.random() * 15), 55 + int(rng.random() * 10), 55
            height += int(rng.random() * 20)
            stats = f"{bust}-{waist}-90, 1.{height} m"
        else:
            stats = f"34-{24 + int(rng.random() * 6)}-36, 5'{2 + int(rng.random() * 8)}\""
        images = tuple(rng.getrandbits(64) for _ in range(2 + int(rng.random() * 4)))
        out.append(Persona(name, age, stats, images))
    return tuple(out)


def phone_lines(
    book: PhoneBook,
    stays: tuple[tuple[float, City], ...],
    start: float,
    span: float,
    rng: Random,
    *,
    rotation: tuple[float, float] | None,
    home: City,
    local_share: float,
) -> tuple[Line, ...]:
    """Return the numbers an operator uses over its active period.

    Without `rotation` one number serves throughout; with it each number lasts between the
    two bounds (days) and overlaps the next a little; `local_share` of them are bought in the
    city the operator is visiting.
    """
    if rotation is None:
        return (
            Line(new_line_phone(book, home, rng, mobile=True), start - 1.0, start + span + 1.0),
        )
    lines: list[Line] = []
    day = start
    while day <= start + span or not lines:
        length = rotation[0] + rng.random() * (rotation[1] - rotation[0])
        overlap = rng.random() * 6.0  # the old phone keeps answering for a few days
        city = home
        if rng.random() < local_share:
            city = _city_at(stays, day)
        lines.append(
            Line(
                new_line_phone(book, city, rng, mobile=rng.random() < 0.85),
                day - 1.0,
                day + length + overlap,
            )
        )
        day += length
    return tuple(lines)


def _city_at(stays: tuple[tuple[float, City], ...], day: float) -> City:
    for last, city in stays:
        if day <= last:
            return city
    return stays[-1][1]


def _ascii_letters(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in plain if "a" <= ch <= "z")


def handle_for(name: str, rng: Random) -> str:
    """Return a social handle made from a persona name (letters, digits, underscores)."""
    base = _ascii_letters(name) or "star"
    word = HANDLE_WORDS[int(rng.random() * len(HANDLE_WORDS))]
    digits = str(10 + int(rng.random() * 9990))
    form = int(rng.random() * 4)
    if form == 0:
        return f"{base}_{digits}"
    if form == 1:
        return f"{base}{word}{digits[:2]}"
    if form == 2:
        return f"{word}_{base}{digits[:2]}"
    return f"{base}_{word}"


def written_handle(platform: str, handle: str, rng: Random) -> tuple[str, str, str]:
    """Return (platform, handle, the way this operator writes it)."""
    return platform, handle, render_handle(platform, handle, rng)


def email_for(name: str, rng: Random) -> str:
    """Return a synthetic webmail address made from a persona name."""
    base = _ascii_letters(name) or "info"
    sep = ("", ".", "_")[int(rng.random() * 3)]
    word = HANDLE_WORDS[int(rng.random() * len(HANDLE_WORDS))]
    number = int(rng.random() * 9000) + 100
    domain = EMAIL_DOMAINS[int(rng.random() * len(EMAIL_DOMAINS))]
    return f"{base}{sep}{word}{number}@{domain}"


def phone_styles(rng: Random, habit: str, spanish: bool) -> tuple[str, ...]:
    """Return an operator's phone obfuscation habits, the usual one first."""
    weights = _STYLE_WEIGHTS[habit]
    first = PHONE_STYLES[weighted(rng, weights)]
    if first == "spelled_en" and spanish:
        first = "spelled_es"
    second = _NAMED_STYLES[int(rng.random() * len(_NAMED_STYLES))]
    return (first,) if habit == "independent" or rng.random() < 0.5 else (first, second)


def pick_sites(rng: Random, kind: str, count: int, spanish: bool) -> tuple[Site, ...]:
    """Return the sites an operator posts on, its main one first."""
    options = list(SITES_BY_KIND[kind])
    if spanish:
        options.sort(key=lambda s: not s.spanish)  # Spanish writers start on the Spanish site
    else:
        options = [s for s in options if not s.spanish] or options
        rng.shuffle(options)
    first = (
        options[0] if spanish and rng.random() < 0.7 else options[int(rng.random() * len(options))]
    )
    rest = [s for s in options if s is not first]
    rng.shuffle(rest)
    return (first, *rest[: count - 1])


def timeline(rng: Random, size: int, span: float) -> tuple[float, list[float]]:
    """Return (start day, sorted posting days) of `size` ads spread over `span` days."""
    span = min(YEAR_DAYS - 1.0, span)
    start = rng.random() * (YEAR_DAYS - span)
    times = sorted(start + rng.random() * span for _ in range(size))
    return start, times
