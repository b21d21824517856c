"""Cities, countries and sites of the synthetic corpus.

Every city carries what the generator needs to write an ad there: how sites display it, its
phone prefixes (with the fictional ranges the `phonenumbers` library accepts), a typical
hourly rate in local currency and a postal-code pattern used as a decoy number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    """A city where ads are posted."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    region: str  # state/province code or region name shown by some sites, "" when none
    prefixes: tuple[str, ...]  # national phone prefixes (area codes) of the city
    fictional: tuple[str, ...]  # national prefixes of fictional ranges (complete the number)
    rate: int  # typical hourly companionship rate in local currency
    postcode: str  # decoy postal code pattern, "#" is a random digit
    slug: str


@dataclass(frozen=True, slots=True)
class Country:
    """Country-level settings: phone rules, currency, language mix, neighbours for circuits."""

    code: str
    calling_code: int
    trunk: str  # national trunk prefix written before national numbers ("0" in GB)
    mobile: tuple[str, ...]  # national prefixes of mobile ranges
    national_length: int  # digits of a national significant number
    toll_free: tuple[str, ...]  # prefixes (fictional where accepted) for site-wide lines
    currency: str
    spanish_share: float  # share of operators writing in Spanish
    neighbours: tuple[str, ...]
    weight: float  # share of operators based here
    name_en: str
    name_es: str


def _nanp_fictional(area_codes: tuple[str, ...]) -> tuple[str, ...]:
    # 555-0100..0199 is reserved for fiction in the NANP; phonenumbers accepts it.
    return tuple(f"{code}55501" for code in area_codes)


def _city(
    name: str,
    country: str,
    region: str,
    prefixes: tuple[str, ...],
    *,
    rate: int,
    postcode: str,
    fictional: tuple[str, ...] | None = None,
) -> City:
    nanp = country in ("US", "CA")
    fict = fictional if fictional is not None else (_nanp_fictional(prefixes) if nanp else ())
    slug = name.lower().replace(" ", "-").replace("é", "e").replace("á", "a").replace("ú", "u")
    return City(name, country, region, prefixes, fict, rate, postcode, slug)


COUNTRIES: dict[str, Country] = {
    "US": Country(
        "US",
        1,
        "",
        (),
        10,
        ("80055501", "88855501", "87755501"),
        "USD",
        0.12,
        ("CA", "MX"),
        0.45,
        "USA",
        "EE. UU.",
    ),
    "CA": Country(
        "CA",
        1,
        "",
        (),
        10,
        ("86655501", "84455501"),
        "CAD",
        0.02,
        ("US",),
        0.10,
        "Canada",
        "Canadá",
    ),
    "GB": Country(
        "GB",
        44,
        "0",
        ("73", "74", "75", "77", "78", "79"),
        10,
        ("8081570",),
        "GBP",
        0.02,
        ("ES",),
        0.15,
        "United Kingdom",
        "Reino Unido",
    ),
    "ES": Country(
        "ES",
        34,
        "",
        ("6", "71", "72", "73", "74"),
        9,
        ("900",),
        "EUR",
        0.88,
        ("GB",),
        0.15,
        "Spain",
        "España",
    ),
    "MX": Country(
        "MX",
        52,
        "",
        (),
        10,
        ("800",),
        "MXN",
        0.93,
        ("US",),
        0.15,
        "Mexico",
        "México",
    ),
}

CITIES: tuple[City, ...] = (
    _city("Houston", "US", "TX", ("713", "281", "832", "346"), rate=200, postcode="770##"),
    _city("Dallas", "US", "TX", ("214", "469", "972"), rate=200, postcode="752##"),
    _city("San Antonio", "US", "TX", ("210", "726"), rate=170, postcode="782##"),
    _city("Miami", "US", "FL", ("305", "786"), rate=250, postcode="331##"),
    _city("Orlando", "US", "FL", ("407", "321"), rate=180, postcode="328##"),
    _city("Atlanta", "US", "GA", ("404", "678", "470"), rate=200, postcode="303##"),
    _city("New York", "US", "NY", ("212", "646", "718", "917", "347"), rate=300, postcode="100##"),
    _city("Las Vegas", "US", "NV", ("702", "725"), rate=280, postcode="891##"),
    _city("Los Angeles", "US", "CA", ("213", "310", "323", "424"), rate=280, postcode="900##"),
    _city("Chicago", "US", "IL", ("312", "773", "872"), rate=220, postcode="606##"),
    _city("Phoenix", "US", "AZ", ("602", "480", "623"), rate=180, postcode="850##"),
    _city("Denver", "US", "CO", ("303", "720"), rate=200, postcode="802##"),
    _city("Seattle", "US", "WA", ("206", "253"), rate=240, postcode="981##"),
    _city("Toronto", "CA", "ON", ("416", "647", "437"), rate=250, postcode="M5V #A#"),
    _city("Vancouver", "CA", "BC", ("604", "778", "236"), rate=240, postcode="V6B #A#"),
    _city("Montreal", "CA", "QC", ("514", "438"), rate=200, postcode="H2X #A#"),
    _city("Calgary", "CA", "AB", ("403", "587"), rate=200, postcode="T2P #A#"),
    _city(
        "London", "GB", "", ("20",), rate=180, postcode="SW1 #AA", fictional=("2079460", "2089460")
    ),
    _city("Manchester", "GB", "", ("161",), rate=140, postcode="M1 #AB", fictional=("1614960",)),
    _city("Birmingham", "GB", "", ("121",), rate=130, postcode="B1 #AA", fictional=("1214960",)),
    _city("Leeds", "GB", "", ("113",), rate=130, postcode="LS1 #AB", fictional=("1134960",)),
    _city("Glasgow", "GB", "", ("141",), rate=130, postcode="G1 #AA", fictional=("1414960",)),
    _city("Madrid", "ES", "Madrid", ("91",), rate=120, postcode="280##"),
    _city("Barcelona", "ES", "Cataluña", ("93",), rate=130, postcode="080##"),
    _city("Valencia", "ES", "Valencia", ("96",), rate=100, postcode="460##"),
    _city("Sevilla", "ES", "Andalucía", ("95",), rate=90, postcode="410##"),
    _city("Málaga", "ES", "Andalucía", ("95",), rate=100, postcode="290##"),
    _city("Ciudad de México", "MX", "CDMX", ("55", "56"), rate=2000, postcode="06###"),
    _city("Guadalajara", "MX", "Jalisco", ("33",), rate=1500, postcode="44###"),
    _city("Monterrey", "MX", "Nuevo León", ("81",), rate=1800, postcode="64###"),
    _city("Cancún", "MX", "Quintana Roo", ("998",), rate=2000, postcode="77###"),
    _city("Tijuana", "MX", "Baja California", ("664",), rate=1500, postcode="22###"),
)

CITIES_BY_COUNTRY: dict[str, tuple[City, ...]] = {
    code: tuple(c for c in CITIES if c.country == code) for code in COUNTRIES
}
COUNTRY_CODES: tuple[str, ...] = tuple(COUNTRIES)
COUNTRY_WEIGHTS: tuple[float, ...] = tuple(c.weight for c in COUNTRIES.values())


@dataclass(frozen=True, slots=True)
class Site:
    """A site ads are collected from: how it shows places, which fields it has."""

    name: str
    prefix: str  # letter that starts its ad ids
    kinds: tuple[str, ...]  # "escort", "massage", "job"
    location_style: str  # "region", "city", "country", "es"
    phone_field: float  # probability an ad has the structured phone field
    email_field: float  # probability the email is also in a structured field
    support_share: float  # share of ads carrying the site support line
    post_id_share: float  # share of ads carrying a "Post ID" footer (a decoy number)
    spanish: bool  # site pages in Spanish


SITES: tuple[Site, ...] = (
    Site("site-a.example", "a", ("escort", "massage"), "region", 0.7, 0.0, 0.06, 0.35, False),
    Site("site-b.example", "b", ("escort",), "city", 0.0, 0.3, 0.04, 0.0, False),
    Site("site-c.example", "c", ("massage",), "region", 0.9, 0.0, 0.05, 0.5, False),
    Site("site-d.example", "d", ("escort", "massage", "job"), "es", 0.5, 0.2, 0.08, 0.2, True),
    Site("site-e.example", "e", ("escort",), "country", 0.3, 0.4, 0.03, 0.1, False),
    Site("jobs-f.example", "f", ("job",), "region", 0.5, 0.6, 0.05, 0.3, False),
    Site("site-g.example", "g", ("massage", "job"), "city", 0.2, 0.2, 0.05, 0.15, False),
)

SITES_BY_KIND: dict[str, tuple[Site, ...]] = {
    kind: tuple(s for s in SITES if kind in s.kinds) for kind in ("escort", "massage", "job")
}

URL_SECTIONS: dict[tuple[str, bool], str] = {
    ("escort", False): "companions",
    ("massage", False): "massage",
    ("job", False): "jobs",
    ("escort", True): "acompanantes",
    ("massage", True): "masajes",
    ("job", True): "empleo",
}


def location_text(city: City, style: str) -> str:
    """Return the location field a site with `style` shows for `city`."""
    country = COUNTRIES[city.country]
    if style == "city":
        return city.name
    if style == "country":
        return f"{city.name}, {country.name_en}"
    if city.country in ("US", "CA"):
        return f"{city.name}, {city.region}"
    if city.country == "ES":
        return f"{city.name}, España"
    if city.country == "MX":
        if city.name == "Ciudad de México":
            return city.name
        return f"{city.name}, {city.region}"
    return city.name


LOCATIONS: dict[tuple[str, str], str] = {
    (city.name, style): location_text(city, style)
    for city in CITIES
    for style in ("region", "city", "country", "es")
}
