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

from lightkeeper.synth import bank_jobs, money
from lightkeeper.synth.numbers import Phone, PhoneBook
from lightkeeper.synth.obfuscate import PHONE_STYLES, PLATFORMS, render_email, render_handle
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
from lightkeeper.synth.templates import (
    Template,
    Voice,
    companion_template,
    job_template,
)
from lightkeeper.synth.vocab import (
    AGENCY_NAMES,
    CONTACT_NAMES,
    EMAIL_DOMAINS,
    EMOJI,
    HANDLE_WORDS,
    NAMES,
)

YEAR_DAYS = 365.0
_T = TypeVar("_T")
_NAMED_STYLES = PHONE_STYLES[1:]
_EMAIL_HABITS = ("plain", "plain", "at_dot", "paren", "bracket", "spaced", "caps", "arroba")
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


def _weighted(rng: Random, weights: tuple[float, ...]) -> int:
    r = rng.random() * sum(weights)
    for i, w in enumerate(weights):
        r -= w
        if r < 0:
            return i
    return len(weights) - 1


def _distinct(rng: Random, items: tuple[_T, ...], count: int) -> list[_T]:
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


def _home(rng: Random) -> City:
    country = COUNTRY_CODES[_weighted(rng, COUNTRY_WEIGHTS)]
    cities = CITIES_BY_COUNTRY[country]
    # Larger markets (listed first) get more advertisers.
    return cities[min(len(cities) - 1, int(rng.random() ** 1.6 * len(cities)))]


def _route(
    home: City,
    start: float,
    span: float,
    rng: Random,
    *,
    stay: tuple[float, float],
    moves: bool,
    abroad: float,
) -> tuple[tuple[float, City], ...]:
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


def _personas(rng: Random, count: int, language: str, world: World) -> tuple[Persona, ...]:
    names = NAMES[language] if rng.random() < 0.85 else NAMES["en" if language == "es" else "es"]
    chosen = _distinct(rng, names, count)
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


def _lines(
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


def _handle(name: str, rng: Random) -> str:
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


def _written_handle(platform: str, handle: str, rng: Random) -> tuple[str, str, str]:
    return platform, handle, render_handle(platform, handle, rng)


def _email(name: str, rng: Random) -> str:
    base = _ascii_letters(name) or "info"
    sep = ("", ".", "_")[int(rng.random() * 3)]
    word = HANDLE_WORDS[int(rng.random() * len(HANDLE_WORDS))]
    number = int(rng.random() * 9000) + 100
    domain = EMAIL_DOMAINS[int(rng.random() * len(EMAIL_DOMAINS))]
    return f"{base}{sep}{word}{number}@{domain}"


def _styles(rng: Random, habit: str, spanish: bool) -> tuple[str, ...]:
    weights = _STYLE_WEIGHTS[habit]
    first = PHONE_STYLES[_weighted(rng, weights)]
    if first == "spelled_en" and spanish:
        first = "spelled_es"
    second = _NAMED_STYLES[int(rng.random() * len(_NAMED_STYLES))]
    return (first,) if habit == "independent" or rng.random() < 0.5 else (first, second)


def _sites(rng: Random, kind: str, count: int, spanish: bool) -> tuple[Site, ...]:
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


def _timeline(rng: Random, size: int, span: float) -> tuple[float, list[float]]:
    span = min(YEAR_DAYS - 1.0, span)
    start = rng.random() * (YEAR_DAYS - span)
    times = sorted(start + rng.random() * span for _ in range(size))
    return start, times


def _companion_span(rng: Random, size: int, *, independent: bool, risky: bool) -> float:
    if independent:
        return 0.0 if size == 1 else 3.0 + rng.random() * 60.0
    if risky:
        return size * (0.4 + rng.random() * 1.6)  # risky networks post often
    return size * (0.8 + rng.random() * 3.0)


def _templates(
    label: str, voice: Voice, count: int, rng: Random, *, bilingual: bool
) -> tuple[Template, ...]:
    out = []
    for i in range(count):
        language = voice.language
        if bilingual and i == count - 1 and count > 1:
            language = "en" if language == "es" else "es"
        out.append(companion_template(f"{label}.t{i + 1}", _with_language(voice, language), rng))
    return tuple(out)


def _with_language(voice: Voice, language: str) -> Voice:
    return Voice(
        language,
        voice.third_person,
        voice.risky,
        voice.independent,
        voice.multi,
        voice.massage,
        voice.shop,
    )


def new_companion(
    label: str, *, world: World, rng: Random, independent: bool, size: int
) -> Operator:
    """Return an escort or massage advertiser posting `size` ads.

    About a fifth of these operators are planted as risky (trafficking-like); their indicators
    show up probabilistically in their ads, and independents show some of them too.
    """
    home = _home(rng)
    spanish = rng.random() < COUNTRIES[home.country].spanish_share
    language = "es" if spanish else "en"
    risky = rng.random() < (0.05 if independent else 0.5 if size < 10 else 0.7)
    massage = rng.random() < 0.3
    shop = massage and not independent and rng.random() < 0.8
    if independent:
        n_personas = 1
    elif risky:
        n_personas = 2 + _weighted(rng, (0.4, 0.35, 0.25))
    else:
        n_personas = 1 + _weighted(rng, (0.5, 0.3, 0.2))
    third = shop or rng.random() < (0.75 if risky else 0.08 if independent else 0.4)
    span = _companion_span(rng, size, independent=independent, risky=risky)
    start, times = _timeline(rng, size, span)
    span = times[-1] - start
    if risky and not shop:
        moves, stay, abroad = True, (2.0, 7.0), 0.15
    elif independent:
        moves, stay, abroad = rng.random() < 0.2, (5.0, 30.0), 0.05
    else:
        moves, stay, abroad = not shop and rng.random() < 0.4, (10.0, 60.0), 0.05
    stays = _route(home, start, span, rng, stay=stay, moves=moves, abroad=abroad)
    if independent:
        rotation = None if rng.random() < 0.9 or span < 2 else (span / 2, span)
    else:
        rotation = (15.0, 50.0) if risky else (60.0, 200.0)
    lines = _lines(
        world.book,
        stays,
        start,
        span,
        rng,
        rotation=rotation,
        home=home,
        local_share=0.2 if risky else 0.0,
    )
    personas = _personas(rng, n_personas, language, world)
    voice = Voice(language, third, risky, independent, n_personas > 1, massage, shop)
    n_templates = (
        1 if independent else 1 + _weighted(rng, (0.3, 0.4, 0.3) if risky else (0.5, 0.3, 0.2))
    )
    bilingual = home.country in ("US", "ES") and rng.random() < 0.15
    templates = _templates(label, voice, n_templates, rng, bilingual=bilingual)
    n_sites = (1 if rng.random() < 0.8 else 2) if independent else 1 + (rng.random() < 0.5) + risky
    habit = "risky" if risky else "independent" if independent else "network"
    n_handles = _weighted(rng, (0.45, 0.35, 0.15, 0.05))
    handles = tuple(
        _written_handle(platform, _handle(personas[0].name, rng), rng)
        for platform in _distinct(rng, PLATFORMS, n_handles)
    )
    email = _email(personas[0].name, rng) if rng.random() < 0.3 else None
    email_style = _EMAIL_HABITS[int(rng.random() * len(_EMAIL_HABITS))]
    if email_style == "arroba" and not spanish:
        email_style = "at_dot"
    forms = money.RATE_FORMS[(language, massage)]
    factor = 0.55 + rng.random() * 0.3 if risky else 0.85 + rng.random() * 0.45
    return Operator(
        label=label,
        kind="massage" if massage else "escort",
        risky=risky,
        deceptive=None,
        independent=independent,
        home=home,
        personas=personas,
        lines=lines,
        styles=_styles(rng, habit, spanish),
        email=email,
        email_text=render_email(email, email_style) if email else "",
        handles=handles,
        whatsapp=rng.random() < (0.45 if spanish else 0.15),
        templates=templates,
        sites=_sites(rng, "massage" if massage else "escort", n_sites, spanish),
        stays=stays,
        times=times,
        price_factor=factor,
        price_forms=tuple(_distinct(rng, tuple(range(len(forms))), 1 + (rng.random() < 0.3))),
        emoji=tuple(_distinct(rng, EMOJI, 1 + int(rng.random() * 3))) if rng.random() < 0.6 else (),
        agency=_agency(world, home, rng) if independent and rng.random() < 0.08 else None,
        title_phone=0.3 if rng.random() < 0.25 else 0.0,
        stock_share=0.15 if risky else 0.06,
    )


def _agency(world: World, home: City, rng: Random) -> tuple[str, Phone]:
    options = world.agencies[home.country]
    return options[int(rng.random() * len(options))]


def _employer(rng: Random, country: str) -> str:
    first, second = bank_jobs.EMPLOYER_PARTS
    suffixes = bank_jobs.EMPLOYER_SUFFIX[country]
    return (
        f"{first[int(rng.random() * len(first))]} {second[int(rng.random() * len(second))]}"
        f" {suffixes[int(rng.random() * len(suffixes))]}"
    )


def _address(rng: Random, city: City) -> str:
    number = 10 + int(rng.random() * 4980)
    street = bank_jobs.STREETS[int(rng.random() * len(bank_jobs.STREETS))]
    postcode = "".join(str(int(rng.random() * 10)) if ch == "#" else ch for ch in city.postcode)
    if city.country in ("US", "CA"):
        kind = ("St", "Ave", "Blvd", "Rd")[int(rng.random() * 4)]
        return f"{number} {street} {kind}, {city.name}, {city.region} {postcode}"
    if city.country == "GB":
        return f"{number % 300} {street} Road, {city.name} {postcode}"
    if city.country == "ES":
        return f"Calle {street} {number % 200}, {postcode} {city.name}"
    return f"Av. {street} {number}, Col. Centro, {city.name}, CP {postcode}"


def _employer_email(employer: str, country: str, rng: Random) -> str:
    slug = "".join(
        ch
        for ch in employer.lower().split(" ")[0] + employer.lower().split(" ")[1]
        if "a" <= ch <= "z"
    )
    tld = {"US": "com", "CA": "ca", "GB": "co.uk", "ES": "es", "MX": "com.mx"}[country]
    box = ("jobs", "careers", "hr", "rrhh", "empleo")[int(rng.random() * 5)]
    return f"{box}@{slug}.{tld}"


def new_job(label: str, *, world: World, rng: Random, deceptive: bool, size: int) -> Operator:
    """Return a job advertiser: a legitimate employer or a deceptive recruiter (planted risky)."""
    home = _home(rng)
    spanish = rng.random() < max(0.05, COUNTRIES[home.country].spanish_share)
    language = "es" if spanish else "en"
    contact = CONTACT_NAMES[language][int(rng.random() * len(CONTACT_NAMES[language]))]
    roles = (bank_jobs.DECEPTIVE_ROLES if deceptive else bank_jobs.LEGIT_ROLES)[language]
    employer = _employer(rng, home.country)
    destinations = bank_jobs.DESTINATIONS[language]
    fixed = {
        "{_e}": employer,
        "{_r}": roles[int(rng.random() * len(roles))],
        "{_t}": destinations[int(rng.random() * len(destinations))],
        "{_x}": _address(rng, home),
        "{_f}": money.fee_text(home.country, 150 + 50 * int(rng.random() * 8)),
        "{_n}": contact,
    }
    n_templates = 1 + (rng.random() < (0.5 if deceptive else 0.2))
    templates = tuple(
        job_template(
            f"{label}.t{i + 1}",
            language=language,
            deceptive=deceptive,
            fixed=fixed,
            rng=rng,
        )
        for i in range(n_templates)
    )
    span = 1.0 + size * (1.0 + rng.random() * 6.0)
    start, times = _timeline(rng, size, span)
    span = times[-1] - start
    stays = _route(
        home,
        start,
        span,
        rng,
        stay=(5.0, 20.0),
        moves=deceptive and rng.random() < 0.6,
        abroad=0.05,
    )
    rotation = (20.0, 60.0) if deceptive else None
    lines = _lines(
        world.book, stays, start, span, rng, rotation=rotation, home=home, local_share=0.0
    )
    logo = (rng.getrandbits(64),) if not deceptive and rng.random() < 0.4 else ()
    email: str | None = (
        _email(contact, rng) if deceptive else _employer_email(employer, home.country, rng)
    )
    if rng.random() >= (0.4 if deceptive else 0.7):
        email = None
    email_style = "plain" if not deceptive or rng.random() < 0.6 else "at_dot"
    handles: tuple[tuple[str, str, str], ...] = ()
    if deceptive and rng.random() < 0.3:
        handles = (_written_handle("telegram", _handle(contact, rng), rng),)
    wage = (
        float(3000 + 500 * int(rng.random() * 10))
        if deceptive
        else money.legit_wage_value(home.country, rng.random())
    )
    return Operator(
        label=label,
        kind="job",
        risky=deceptive,
        deceptive=deceptive,
        independent=not deceptive,
        home=home,
        personas=(Persona(contact, 0, "", logo),),
        lines=lines,
        styles=_styles(rng, "job", spanish),
        email=email,
        email_text=render_email(email, email_style) if email else "",
        handles=handles,
        whatsapp=rng.random() < (0.5 if deceptive else 0.08),
        templates=templates,
        sites=_sites(rng, "job", 1 + (rng.random() < 0.4), spanish),
        stays=stays,
        times=times,
        price_factor=1.0,
        price_forms=(),
        emoji=(),
        agency=None,
        title_phone=0.0,
        stock_share=0.4 if deceptive else 0.0,
        wage=wage,
    )
