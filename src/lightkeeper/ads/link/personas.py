"""Personas: the names an ad uses for the person advertised ("I'm Ana", "soy Ana", title names).

Names feed the network summary (several personas on one phone is a known indicator); they do
not link ads, since many unrelated advertisers use the same names. A name is a capitalised word
after a cue ("I'm", "my name is", "call me", "ask for", "meet", "soy", "me llamo", ...) or
before "here"/"aquí", or a title part that is a name ("Swedish massage - Ana", "Ana 21 - ...",
"sweet Ana ~ ..."), and never a common word of ads or a word of the ad's own place. A name
followed by another capitalised word is dropped: that is more often a business ("Diamond Spa").

The cue patterns run in Arrow's RE2 engine over whole columns (a few microseconds an ad);
Python only sees the matches.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

MAX_NAMES_PER_AD = 8
_MARK, _SPLIT = "\x1e", "\x1f"
_UPPER = "A-ZÁÉÍÓÚÑÜ"
_LOWER = "a-záéíóúñüç"
_NAME = rf"[{_UPPER}][{_LOWER}]{{1,19}}"
# After a name: another capitalised word (a business) or more letters (not a whole word).
_AFTER = rf"([ \t]+[{_UPPER}][{_LOWER}]|[A-Za-z{_LOWER}])?"
_CUES = (
    r"I['’]?m|I am|[Mm]y name is|[Mm]y name's|[Nn]ame['’]?s|[Cc]all me|[Tt]hey call me|"
    r"[Aa]sk for|[Cc]all|[Tt]his is|[Ii]t['’]?s|[Ss]he is|[Ss]he['’]s|[Mm]eet|[Ss]ee|"
    r"[Ss]ay hello to|[Pp]resenting|[Ff]eaturing|[Ww]ith|[Bb]y|"
    r"[Ss]oy|[Mm]e llamo|[Mm]i nombre es|[Mm]e dicen|[Pp]regunta por|[Pp]reguntar por|"
    r"[Ll]l[áa]mame|[Cc]on[óo]ce(?:me)? a|[Tt]e presentamos a|[Aa]qu[íi]|[Cc]on"
)
# RE2 has no look-around: the character before a cue is consumed instead of looked at.
# One pattern, so names come out in text order: group 1 and 2 for a cue and a name, group 3
# for a name before "here"/"aquí".
_CUED_OR_HERE = (
    rf"(?:^|[^A-Za-z0-9_'’{_LOWER}])"
    rf"(?:(?:{_CUES})[ \t]+({_NAME}){_AFTER}|({_NAME})[ \t]+(?:here\b|aqu[íi]))"
)
_TITLE_PARTS = re.compile(r"\s*[-|~:•·,!/()\[\]*]+\s*|\s{2,}")
# A title part that is a name, maybe after a lower-case adjective ("sweet Ana") and before an
# age, friends, a place or "here" ("Ana 21", "Ana and friends", "Ana in Leeds", "Ana aquí").
_TITLE_NAME = re.compile(
    rf"^(?:[{_LOWER}]+\s+)?({_NAME})"
    r"(?:\s+(?:\d|and\b|y\b|&|in\b|en\b|here\b|aqu[íi]\b).*)?\W*$"
)
_WORDS = re.compile(r"\w+")
# Capitalised words that open sentences or titles of ads and are not names.
_NOT_NAMES_TEXT = """
    a about after all also always am an and any anytime appointment are asian ask at available
    away back be beautiful best big blonde book booking brunette busty but by call calls cash
    city classy clean come companion companionship contact cute day deep discreet do don ebony
    elite every exotic fresh friendly from fun full girl girls good gorgeous happy have hello
    her here hey hi his hola hot hour hours i im in incall independent it its just lady ladies
    last late latina let like little live looking lovely luxury massage me meet men more mature
    my new next nice night no not now of on one only open or our out outcall party petite
    please private professional real relax relaxing ready safe say see she sexy short so spa
    special staff stop students sweet swedish tall text thai thanks the there they this thank
    time to today tonight top touring town true u up very vip visiting we welcome what when
    where who why with yes you young your
    aquí ahora bienvenido bienvenidos bonita buenas caliente cariñosa chica chicas con de
    del disponible el ella en es esta este estoy hola hoy independiente joven la las latina
    los masaje masajes me mi muy nueva nuevo para por que relajante se solo soy su te tu tú
    una un ven y ya
    apertura conóceme empleo gran hiring lic miss mr mrs ms sr sra srta dr urgent urgente vacante
    nuestra nuestro nuestras nuestros tranquila elegante
    agencia earn gana hasta jobs jovencitas señoritas trabajo
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


def ad_personas(ads: pa.Table) -> pa.Array:
    """The persona names of every ad row, as a list<string> array (distinct, at most 8).

    Title names come first, then names in the text (title and body) in order.
    """
    titles = pc.fill_null(ads["title"], "")
    texts = pc.binary_join_element_wise(titles, pc.fill_null(ads["body"], ""), "\n")
    found: list[list[str]] = [[] for _ in range(ads.num_rows)]
    for row, title in enumerate(titles.to_pylist()):
        found[row].extend(_title_names(title))
    for row, name in _regex_names(texts, _CUED_OR_HERE):
        found[row].append(name)
    places = _place_words(ads)
    names = [_kept(candidates, place) for candidates, place in zip(found, places, strict=True)]
    return pa.array(names, pa.list_(pa.string()))


def personas_in(title: str | None, body: str | None, *, place: str | None = None) -> list[str]:
    """Names used in one ad's title and body (see `ad_personas`); `place` words are no names."""
    table = pa.table(
        {
            "title": pa.array([title], pa.string()),
            "body": pa.array([body], pa.string()),
            "city": pa.array([place], pa.string()),
            "location": pa.array([None], pa.string()),
        }
    )
    return [str(v) for v in ad_personas(table)[0].as_py()]


def _title_names(title: str) -> list[str]:
    names = []
    for part in _TITLE_PARTS.split(title):
        match = _TITLE_NAME.match(part)
        if match:
            names.append(match.group(1))
    return names


def _regex_names(texts: pa.ChunkedArray | pa.Array, pattern: str) -> list[tuple[int, str]]:
    """(row, name) of every match of `pattern` (name: group 1 or 3) whose group 2 is empty."""
    marked = pc.replace_substring_regex(
        texts, pattern=pattern, replacement=f"{_MARK}\\1\\3{_SPLIT}\\2{_MARK}"
    )
    if isinstance(marked, pa.ChunkedArray):
        marked = marked.combine_chunks()
    pieces = pc.split_pattern(marked, _MARK)
    flat = pc.list_flatten(pieces)
    rows = pc.list_parent_indices(pieces)
    hit = pc.match_substring(flat, _SPLIT)
    matches = flat.filter(hit).to_pylist()
    return [
        (row, name)
        for row, match in zip(rows.filter(hit).to_pylist(), matches, strict=True)
        for name, after in [match.split(_SPLIT, 1)]
        if not after
    ]


def _kept(candidates: list[str], place_words: frozenset[str]) -> list[str]:
    names: list[str] = []
    for name in candidates:
        lower = name.lower()
        if lower in _NOT_NAMES or lower in place_words or name in names:
            continue
        names.append(name)
    return names[:MAX_NAMES_PER_AD]


def _place_words(ads: pa.Table) -> list[frozenset[str]]:
    cities = ads["city"].to_pylist()
    locations = ads["location"].to_pylist()
    cache: dict[tuple[str | None, str | None], frozenset[str]] = {}
    words = []
    for city, location in zip(cities, locations, strict=True):
        key = (city, location)
        if key not in cache:
            cache[key] = frozenset(_WORDS.findall(f"{city or ''} {location or ''}".lower()))
        words.append(cache[key])
    return words
