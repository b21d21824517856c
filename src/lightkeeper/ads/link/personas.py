"""Personas: the names an ad uses for the person advertised ("I'm Ana", "soy Ana", title names).

Names feed the network summary (several personas on one phone is a known indicator); they do
not link ads, since many unrelated advertisers use the same names. A name is a capitalised word
after a cue ("I'm", "my name is", "call me", "ask for", "meet", "soy", "me llamo", ...) or
before "here"/"aquí", or a title part that is a name ("Swedish massage - Ana", "Ana 21 - ...",
"sweet Ana ~ ..."), and never a common word of ads or a word of the ad's own place. A name
followed by another capitalised word is dropped: that is more often a business ("Diamond Spa").

Everything runs in Arrow (RE2 patterns, group-bys) over whole columns: no Python loop over ads.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.link.identifiers import Int64Array

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
_CUED = rf"(?:^|[^A-Za-z0-9_'’{_LOWER}])(?:{_CUES})[ \t]+({_NAME}){_AFTER}"
# A pattern that starts with a character class is slow in RE2: "Name here" runs only on the
# texts that hold the literal words.
_HERE = rf"(?:^|[^A-Za-z0-9_'’{_LOWER}])({_NAME})[ \t]+(?:here\b|aqu[íi])()"
_HERE_HINT = r" (?:here|aqu[íi])"
_TITLE_PARTS = r"\s*[-|~:•·,!/()\[\]*]+\s*|\s\s+"
# A title part that is a name, maybe after a lower-case adjective ("sweet Ana") and before an
# age, friends, a place or "here" ("Ana 21", "Ana and friends", "Ana in Leeds", "Ana aquí").
_TITLE_NAME = (
    rf"^(?:[{_LOWER}]+\s+)?(?P<name>{_NAME})"
    r"(?:\s+(?:\d|and\b|y\b|&|in\b|en\b|here\b|aqu[íi]).*)?\W*$"
)
_PLACE_SEPARATORS = r"[\s,.;:()/\-]+"
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

    Title names come first, then names after cues, then names before "here"/"aquí".
    """
    titles = pc.fill_null(_combined(ads["title"]), "")
    texts = pc.binary_join_element_wise(titles, pc.fill_null(_combined(ads["body"]), ""), "\n")
    title_rows, title_names = _title_names(titles)
    cued_rows, cued_names = _pattern_names(texts, _CUED)
    here = np.flatnonzero(np.asarray(pc.match_substring_regex(texts, _HERE_HINT), dtype=bool))
    here_rows, here_names = _pattern_names(texts.take(pa.array(here)), _HERE)
    found = pa.table(
        {
            "row": pa.array(np.concatenate([title_rows, cued_rows, here[here_rows]]), pa.int64()),
            "name": pa.concat_arrays([title_names, cued_names, here_names]).cast(pa.string()),
        }
    )
    found = found.append_column("pos", pa.array(np.arange(found.num_rows, dtype=np.int64)))
    lower = pc.utf8_lower(found["name"])
    common = pc.is_in(lower, pa.array(sorted(_NOT_NAMES)))
    local = pc.is_in(_row_keys(found["row"], lower), _place_keys(ads))
    found = found.filter(pc.invert(pc.or_(common, local)))
    first = (
        found.group_by(["row", "name"], use_threads=False)
        .aggregate([("pos", "min")])
        .sort_by([("row", "ascending"), ("pos_min", "ascending")])
    )
    return _capped_lists(first["row"], first["name"], ads.num_rows, MAX_NAMES_PER_AD)


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


def _combined(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _title_names(titles: pa.Array) -> tuple[Int64Array, pa.Array]:
    """(row, name) of title parts that are names."""
    parts = pc.split_pattern_regex(titles, _TITLE_PARTS)
    flat = pc.list_flatten(parts)
    rows = np.asarray(pc.list_parent_indices(parts), dtype=np.int64)
    names = pc.struct_field(pc.extract_regex(flat, _TITLE_NAME), "name")
    hit = np.asarray(pc.is_valid(names), dtype=bool)
    return rows[hit], names.filter(pa.array(hit))


def _pattern_names(texts: pa.Array, pattern: str) -> tuple[Int64Array, pa.Array]:
    """(row, group 1) of every match of `pattern` whose group 2 is empty."""
    marked = pc.replace_substring_regex(
        texts, pattern=pattern, replacement=f"{_MARK}\\1{_SPLIT}\\2{_MARK}"
    )
    pieces = pc.split_pattern(marked, _MARK)
    flat = pc.list_flatten(pieces)
    rows = np.asarray(pc.list_parent_indices(pieces), dtype=np.int64)
    # Pieces alternate: text, match, text, match, ..., text; matches sit at odd places.
    offsets = np.asarray(pieces.offsets, dtype=np.int64)
    place = np.arange(len(rows), dtype=np.int64) - offsets[rows]
    hit = (place % 2) == 1
    halves = pc.split_pattern(flat.filter(pa.array(hit)), _SPLIT, max_splits=1)
    names = pc.list_element(halves, 0)
    alone = np.asarray(pc.equal(pc.list_element(halves, 1), ""), dtype=bool)
    return rows[hit][alone], names.filter(pa.array(alone))


def _row_keys(rows: pa.ChunkedArray | pa.Array, words: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(pc.cast(rows, pa.string()), words, _SPLIT)


def _place_keys(ads: pa.Table) -> pa.Array:
    """``row<sep>word`` for every word of each ad's city and location (lower-case)."""
    place = pc.binary_join_element_wise(
        pc.fill_null(_combined(ads["city"]), ""), pc.fill_null(_combined(ads["location"]), ""), " "
    )
    words = pc.split_pattern_regex(pc.utf8_lower(place), _PLACE_SEPARATORS)
    flat = pc.list_flatten(words)
    rows = pc.list_parent_indices(words)
    return _row_keys(rows, flat)


def _capped_lists(rows: pa.ChunkedArray, names: pa.ChunkedArray, n: int, cap: int) -> pa.Array:
    """A list per row from (row, name) sorted by row, keeping the first `cap` of each row."""
    owner = np.asarray(rows, dtype=np.int64)
    starts = np.searchsorted(owner, owner, side="left")
    keep = (np.arange(len(owner)) - starts) < cap
    sizes = np.bincount(owner[keep], minlength=n)
    offsets = pa.array(np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32))
    values = _combined(names).filter(pa.array(keep)) if len(owner) else pa.array([], pa.string())
    return pa.ListArray.from_arrays(offsets, values.cast(pa.string()))
