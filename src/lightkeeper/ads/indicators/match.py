"""Find the ad-level indicators of a catalogue in ads, with the snippet that fired each one.

Speed matters (the whole pipeline runs at >= 10,000 ads/s), so the catalogue's phrases are
compiled once into a few combined RE2 regexes that pyarrow runs over whole columns: RE2 makes
one pass over the text per regex whatever the number of phrases in it, where Python's `re`
makes one per phrase. Texts are lower-cased once (case-insensitive RE2 is several times
slower). One pass marks every match (``\\x00match\\x00``); Python then reads only the ads that
matched and maps each distinct matched text back to its indicators (cached across batches).
Indicators that apply to job offers run in a second pass over the ads that read as job offers
only. The fixed cost of a pass (pyarrow compiles the regex, RE2 builds its automaton lazily) is
paid per call, so call this on large batches. Hits are kept as columns (`hits.Hits`), never as
a dict per ad, until a caller asks for dicts (`match_ads`).

Within one combined regex, matches do not overlap: where two phrases start at the same place
the longest wins. Indicators that share a phrase both fire.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.indicators.catalogue import Catalogue, Indicator
from lightkeeper.ads.indicators.hits import (
    ABSENT_EVIDENCE,
    EVIDENCE_CHARS,
    MARK,
    Hits,
    matching_rows,
    minor_age_hits,
    obscured_hits,
    several_names_hits,
    toggle_absent,
)
from lightkeeper.ads.indicators.patterns import fold_key, phrase_regexes
from lightkeeper.ads.indicators.scan import find_matches
from lightkeeper.engine.arrays import distinct

__all__ = ["ABSENT_EVIDENCE", "EVIDENCE_CHARS", "Found", "match_ads", "match_hits", "match_text"]
CONTEXT_CHARS = 30
MAX_CACHED = 100_000  # distinct matched texts remembered per group
Found = dict[str, str]  # indicator code -> evidence snippet, in catalogue order


@dataclass(frozen=True, eq=False)
class _Group:
    """One combined regex and how to map what it matched back to indicator codes."""

    regex: str
    phrase_codes: dict[str, tuple[str, ...]]
    regex_codes: tuple[tuple[re.Pattern[str], str], ...]
    cache: dict[str, tuple[str, ...]] = field(default_factory=dict)  # matched text -> codes


@dataclass(frozen=True, eq=False)
class Matcher:
    """A catalogue's ad-level indicators compiled for matching (see `compile_matcher`)."""

    any_group: _Group | None
    job_group: _Group | None
    job_context: str
    absent: tuple[Indicator, ...]
    obscured: tuple[Indicator, ...]
    several_names: tuple[Indicator, ...]
    minor_age: tuple[Indicator, ...]
    order: dict[str, int]


@lru_cache(maxsize=16)
def compile_matcher(catalogue: Catalogue) -> Matcher:
    """Compile the enabled ad-level indicators of `catalogue` (cached per catalogue object)."""
    active = catalogue.active(level="ad")
    textual = [i for i in active if i.detector in ("text", "absent")]
    return Matcher(
        any_group=_group([i for i in textual if i.applies_to == "any"]),
        job_group=_group([i for i in textual if i.applies_to == "job_offer"]),
        job_context=_combined(
            rx for phrase in catalogue.contexts["job_offer"] for rx in phrase_regexes(phrase)
        ),
        absent=tuple(i for i in active if i.detector == "absent"),
        obscured=tuple(i for i in active if i.detector == "obscured_phone"),
        several_names=tuple(i for i in active if i.detector == "several_names"),
        minor_age=tuple(i for i in active if i.detector == "minor_age"),
        order={ind.code: n for n, ind in enumerate(catalogue.indicators)},
    )


def _group(indicators: Sequence[Indicator]) -> _Group | None:
    phrase_codes: dict[str, tuple[str, ...]] = {}
    regexes: list[tuple[re.Pattern[str], str]] = []
    sources: dict[str, None] = {}
    for ind in indicators:
        for phrases in ind.patterns.values():
            for phrase in phrases:
                key = fold_key(phrase)
                if ind.code not in phrase_codes.get(key, ()):
                    phrase_codes[key] = (*phrase_codes.get(key, ()), ind.code)
                sources.update(dict.fromkeys(phrase_regexes(phrase)))
        for items in ind.regex.values():
            for pattern in items:
                regexes.append((re.compile(pattern, re.IGNORECASE), ind.code))
                sources[f"(?i:{pattern})"] = None  # texts are lower-cased, patterns may not be
    if not sources:
        return None
    return _Group(_combined(list(sources)), phrase_codes, tuple(regexes))


def _combined(alternatives: Iterable[str]) -> str:
    # longest first: RE2 alternation is leftmost-first, so "new girls" must come before "new girl"
    ordered = sorted(set(alternatives), key=lambda s: (-len(s), s))
    return "(?:" + "|".join(ordered) + ")"


def ad_texts(ads: pa.Table) -> pa.Array:
    """Title and body of each ad joined by a newline (nulls as empty), as one string array."""
    n = ads.num_rows
    title = ads.column("title") if "title" in ads.column_names else pa.nulls(n, pa.string())
    body = ads.column("body") if "body" in ads.column_names else pa.nulls(n, pa.string())
    joined = pc.binary_join_element_wise(
        pc.cast(title, pa.string()),
        pc.cast(body, pa.string()),
        "\n",
        null_handling="replace",
        null_replacement="",
    )
    # our match marker must not occur in the text itself
    return _as_array(pc.replace_substring(joined, MARK, " "))


def _as_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    return values


def match_ads(ads: pa.Table, *, catalogue: Catalogue, job_offer: bool | None = None) -> list[Found]:
    """The ad-level indicators found in each row of `ads` (title, body, ages), with evidence.

    Returns one dict per row, code -> evidence snippet (at most 120 characters), in catalogue
    order. Missing columns are treated as empty. `job_offer=True` reads every row as a job
    offer (False as none); None decides from each ad's words.
    """
    hits = match_hits(ads, catalogue=catalogue, job_offer=job_offer)
    return found_per_row(hits, ads.num_rows, catalogue)


def match_text(
    text: str, *, catalogue: Catalogue, ages: Sequence[int] = (), job_offer: bool | None = None
) -> Found:
    """The ad-level indicators found in one text (see `match_ads`).

    `job_offer=True` treats the text as a job offer whatever its words (the job check does);
    None decides from the words, as for ads.
    """
    table = pa.table(
        {
            "title": pa.array([None], pa.string()),
            "body": pa.array([text], pa.string()),
            "ages": pa.array([list(ages)], pa.list_(pa.int16())),
        }
    )
    return match_ads(table, catalogue=catalogue, job_offer=job_offer)[0]


def found_per_row(hits: Hits, n_rows: int, catalogue: Catalogue) -> list[Found]:
    """`hits` (ordered) as one dict per row, code -> evidence, in catalogue order."""
    codes = [ind.code for ind in catalogue.indicators]
    found: list[Found] = [{} for _ in range(n_rows)]
    for row, code, evidence in zip(
        hits.rows.tolist(), hits.codes.tolist(), hits.evidence, strict=True
    ):
        found[row][codes[code]] = evidence
    return found


def match_hits(ads: pa.Table, *, catalogue: Catalogue, job_offer: bool | None = None) -> Hits:
    """The ad-level indicators of each row of `ads` as columns, ordered (see `match_ads`)."""
    matcher = compile_matcher(catalogue)
    texts = ad_texts(ads)
    lower = _as_array(pc.utf8_lower(texts))
    if job_offer is None:
        job = np.zeros(len(texts), dtype=bool)
        job[matching_rows(lower, matcher.job_context)] = True
    else:
        # an empty text is no offer at all, whatever the caller says
        lengths = pc.utf8_length(pc.utf8_trim_whitespace(texts)).to_numpy(zero_copy_only=False)
        job = np.asarray(lengths, dtype=np.int64) > 0 if job_offer else np.zeros(len(texts), bool)
    parts = []
    if matcher.any_group is not None:
        parts.append(_group_hits(lower, texts, matcher.any_group, matcher.order))
    if matcher.job_group is not None and job.any():
        rows = np.flatnonzero(job)
        taken = pa.array(rows)
        found = _group_hits(lower.take(taken), texts.take(taken), matcher.job_group, matcher.order)
        parts.append(Hits(rows[found.rows], found.codes, found.evidence))
    hits = Hits.concat(parts)
    if matcher.absent:
        hits = toggle_absent(hits, _positions(matcher.absent, matcher.order), job)
    parts = [hits]
    if matcher.obscured:
        parts.append(obscured_hits(texts, _positions(matcher.obscured, matcher.order)))
    if matcher.several_names:
        parts.append(several_names_hits(texts, _positions(matcher.several_names, matcher.order)))
    if matcher.minor_age and "ages" in ads.column_names:
        limits = [
            (matcher.order[ind.code], ind.param("below", 18), ind.param("plausible_from", 12))
            for ind in matcher.minor_age
        ]
        parts.append(minor_age_hits(_as_array(ads.column("ages")), limits))
    return Hits.concat(parts).ordered()


def _positions(indicators: Sequence[Indicator], order: dict[str, int]) -> list[int]:
    return [order[ind.code] for ind in indicators]


def _group_hits(lower: pa.Array, texts: pa.Array, group: _Group, order: dict[str, int]) -> Hits:
    """One combined regex over the lower-cased texts: the first match of each indicator in each
    row, with its snippet (quoting the original text where lower-casing kept its length)."""
    found = find_matches(lower, group.regex)
    if not len(found):
        return Hits.empty()
    encoded = pc.dictionary_encode(found.texts)
    code_lists = [
        [order[c] for c in _cached_codes(m, group)] for m in encoded.dictionary.to_pylist()
    ]
    sizes = np.array([len(c) for c in code_lists], dtype=np.int64)
    flat_codes = np.array([c for cl in code_lists for c in cl], dtype=np.int64)
    which = np.asarray(encoded.indices, dtype=np.int64)
    count = sizes[which]
    match_of = np.repeat(np.arange(len(found)), count)
    within = np.arange(len(match_of)) - np.repeat(np.cumsum(count) - count, count)
    codes = flat_codes[(np.cumsum(sizes) - sizes)[which[match_of]] + within]
    rows = found.rows[match_of]
    # the first match of each (row, indicator), in text order
    width = len(order) + 1
    _, first = np.unique(rows * width + codes, return_index=True)
    rows, codes, match = rows[first], codes[first], match_of[first]
    quoting = distinct(rows)
    take = pa.array(quoting)
    same = pc.equal(pc.utf8_length(lower.take(take)), pc.utf8_length(texts.take(take)))
    quoted = pc.if_else(same, texts.take(take), lower.take(take)).to_pylist()
    evidence = [
        evidence_snippet(quoted[q], s, e)
        for q, s, e in zip(
            np.searchsorted(quoting, rows).tolist(),
            found.starts[match].tolist(),
            found.ends[match].tolist(),
            strict=True,
        )
    ]
    return Hits(rows, codes, evidence)


def _cached_codes(matched: str, group: _Group) -> tuple[str, ...]:
    codes = group.cache.get(matched)
    if codes is None:
        if len(group.cache) >= MAX_CACHED:
            group.cache.clear()
        codes = group.cache[matched] = _codes_of(matched, group)
    return codes


def _codes_of(matched: str, group: _Group) -> tuple[str, ...]:
    codes = list(group.phrase_codes.get(fold_key(matched), ()))
    codes += [code for rx, code in group.regex_codes if code not in codes and rx.fullmatch(matched)]
    return tuple(codes)


def evidence_snippet(text: str, start: int, end: int, *, limit: int = EVIDENCE_CHARS) -> str:
    """The matched text with a little context, on one line, at most `limit` characters.

    The context stops at whole words; "…" marks where the text goes on.
    """
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    snippet = " ".join(text[lo:hi].split())
    snippet = ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")
    return snippet if len(snippet) <= limit else snippet[: limit - 1] + "…"
